"""The shared Thai-words cases (tests/thai_words_vectors.json) against both implementations:
pos/checkout/thai_words.py here, the till's web/static/thai_words.js under Node
(tests/js/thai_words_vectors.test.js, run from the last test of this module)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pos.checkout.thai_words import baht_words, number_words
from tests.servers import require_program

ROOT = Path(__file__).resolve().parents[2]
VECTORS: dict[str, Any] = json.loads(
    (ROOT / "tests" / "thai_words_vectors.json").read_text("utf-8")
)
NODE_TEST = ROOT / "tests" / "js" / "thai_words_vectors.test.js"


@pytest.mark.parametrize("case", VECTORS["number_words"], ids=lambda c: str(c["number"]))
def test_number_words(case: dict[str, Any]) -> None:
    assert number_words(case["number"]) == case["expected"]


@pytest.mark.parametrize("case", VECTORS["baht_words"], ids=lambda c: str(c["satang"]))
def test_baht_words(case: dict[str, Any]) -> None:
    assert baht_words(case["satang"]) == case["expected"]


@pytest.mark.parametrize("value", VECTORS["not_satang"], ids=repr)
def test_what_is_not_satang_is_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        baht_words(value)


def test_the_tills_thai_words_module_reads_the_same_cases() -> None:
    """The same file against web/static/thai_words.js, the module the till's receipt imports."""
    node = require_program("node")
    run = subprocess.run(
        [node, "--test", str(NODE_TEST)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr
