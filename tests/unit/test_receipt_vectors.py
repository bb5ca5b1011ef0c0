"""The receipt's shared cases (tests/receipt_vectors.json) against the server's side: the date
line pos.tills.receipts.receipt_datetime writes and the escaping the receipt template gets
from Jinja. The till's web/static/receipt_render.js runs the same cases under Node
(tests/js/receipt_render.test.js, with its own cases of the whole document), from the last
test here."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from inventory.catalogue.code128 import code128_svg, modules
from pos.tills.receipts import markdown_label, receipt_datetime, tender_label
from tests.servers import require_program

ROOT = Path(__file__).resolve().parents[2]
VECTORS: dict[str, Any] = json.loads((ROOT / "tests" / "receipt_vectors.json").read_text("utf-8"))
NODE_TEST = ROOT / "tests" / "js" / "receipt_render.test.js"


@pytest.mark.parametrize("case", VECTORS["datetime"], ids=lambda c: c["at"])
def test_the_date_line_is_bangkok_time_in_the_buddhist_era(case: dict[str, Any]) -> None:
    assert receipt_datetime(datetime.fromisoformat(case["at"])) == case["expected"]


@pytest.mark.parametrize("case", VECTORS["escape"], ids=lambda c: c["text"])
def test_text_is_escaped_as_the_template_escapes_it(case: dict[str, Any]) -> None:
    assert str(escape(case["text"])) == case["expected"]


@pytest.mark.parametrize("case", VECTORS["barcode"], ids=lambda c: c["text"])
def test_the_receipt_barcode_is_the_shared_symbol(case: dict[str, Any]) -> None:
    assert modules(case["text"]) == case["modules"]
    assert code128_svg(case["text"]) == case["svg"]


def test_the_tills_receipt_module_agrees() -> None:
    """The same cases, and the document's own, against web/static/receipt_render.js."""
    node = require_program("node")
    run = subprocess.run(
        [node, "--test", str(NODE_TEST)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("case", VECTORS["tender"], ids=lambda c: c["expected"])
def test_each_tender_is_named_as_the_tills_receipt_names_it(case: dict[str, Any]) -> None:
    """A card by its last four digits and approval code only; another tender by its name and
    reference (escaped by the template afterwards, as the till escapes it)."""
    assert tender_label(case["payment"]) == case["expected"]


@pytest.mark.parametrize("case", VECTORS["markdown"], ids=lambda c: str(c["markdown_bp"]))
def test_a_marked_down_line_says_so_as_the_tills_receipt_says_it(case: dict[str, Any]) -> None:
    assert markdown_label(case["markdown_bp"]) == case["expected"]
