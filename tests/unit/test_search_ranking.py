"""The shared search-ranking cases (tests/search_vectors.json) against both implementations:
the server's inventory/catalogue/search.py here, the till's web/static/search_rank.js under
Node (tests/js/search_vectors.test.js, run from the last test of this module)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from inventory.catalogue.search import NAME, NAME_START, OTHER, Searchable, enter_pick, rank, ranked
from tests.servers import require_program

ROOT = Path(__file__).resolve().parents[2]
VECTORS: dict[str, Any] = json.loads((ROOT / "tests" / "search_vectors.json").read_text("utf-8"))
NODE_TEST = ROOT / "tests" / "js" / "search_vectors.test.js"
PRODUCTS: list[dict[str, str]] = VECTORS["products"]


def searchable(p: dict[str, str]) -> Searchable:
    return Searchable(**{k: v for k, v in p.items() if k != "id"})


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["case"])
def test_search_ranks_and_picks_as_the_shared_cases_say(case: dict[str, Any]) -> None:
    results = ranked(case["query"], PRODUCTS, searchable)
    assert [p["id"] for p in results] == case["order"]
    pick = enter_pick(case["query"], results, searchable)
    assert (pick["id"] if pick else None) == case["enter"]


def test_a_makers_name_never_ranks_above_a_product_name() -> None:
    frame = searchable(PRODUCTS[0])  # by "Bo Sang Umbrella Group"
    umbrella = searchable(PRODUCTS[3])  # "Painted Cotton Umbrella"
    assert rank("umbrella", frame) == OTHER
    assert rank("umbrella", umbrella) == NAME
    assert rank("painted", umbrella) == NAME_START


def test_the_tills_search_module_ranks_the_same_cases() -> None:
    """The same file against web/static/search_rank.js, the module the till's search imports."""
    node = require_program("node")
    run = subprocess.run(
        [node, "--test", str(NODE_TEST)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_tills_search_index_finds_what_ranking_every_product_finds() -> None:
    """tests/js/till_search.test.js: web/static/till_search.js against search_rank.js."""
    node = require_program("node")
    run = subprocess.run(
        [node, "--test", str(ROOT / "tests" / "js" / "till_search.test.js")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
