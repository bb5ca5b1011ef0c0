"""The shared pricing cases (tests/pricing_vectors.json) against both implementations: the
server's pos/pricing.py here, the till's web/static/pricing.js under Node
(tests/js/pricing_vectors.test.js, run from the last test of this module)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pos.checkout.pricing import (
    LineInput,
    allocate,
    needs_discount_approval,
    price_sale,
    round_half_up_div,
    vat_included,
)
from pos.refunds.rules import SoldLine, refunded_part
from tests.servers import require_program

ROOT = Path(__file__).resolve().parents[2]
VECTORS: dict[str, Any] = json.loads((ROOT / "tests" / "pricing_vectors.json").read_text("utf-8"))
NODE_TEST = ROOT / "tests" / "js" / "pricing_vectors.test.js"


def cases(kind: str) -> Any:
    return pytest.mark.parametrize("case", VECTORS[kind], ids=lambda c: c.get("case"))


@cases("round_half_up_div")
def test_round_half_up_div(case: dict[str, Any]) -> None:
    assert round_half_up_div(case["numerator"], case["denominator"]) == case["expected"]


@cases("vat_included")
def test_vat_included(case: dict[str, Any]) -> None:
    assert vat_included(case["total_satang"]) == case["expected"]


@cases("allocate")
def test_allocate(case: dict[str, Any]) -> None:
    assert allocate(case["amount"], case["weights"]) == case["expected"]


@cases("discount_approval")
def test_discount_approval(case: dict[str, Any]) -> None:
    needs = needs_discount_approval(
        case["subtotal_satang"], case["discount_satang"], case["limit_percent"]
    )
    assert needs is case["expected"]


@cases("percent_discount")
def test_a_percent_discount_is_an_amount_rounded_half_up(case: dict[str, Any]) -> None:
    """The till turns a percent into satang; the server only ever sees the amount."""
    assert round_half_up_div(case["base_satang"] * case["percent"], 100) == case["expected"]


@cases("refunds")
def test_refund(case: dict[str, Any]) -> None:
    line = SoldLine(1, case["sold"], case["refunded_before"], case["line_total_satang"], 0, 0)
    assert refunded_part(line, case["quantity"], "lines").amount_satang == case["expected"]


@cases("sales")
def test_sale(case: dict[str, Any]) -> None:
    lines = [
        LineInput(
            unit_price_satang=line["unit_price_satang"],
            quantity=line["quantity"],
            commission_bp=0,  # the centre's side: not the customer's money, not in the till
            vat_applicable=line["vat"],
            discount_satang=line["discount_satang"],
            list_price_satang=line.get("list_price_satang"),
        )
        for line in case["lines"]
    ]
    sale = price_sale(lines, case["cart_discount_satang"])
    expected = case["expected"]
    assert {
        "subtotal_satang": sale.subtotal_satang,
        "discount_satang": sale.discount_satang,
        "total_satang": sale.total_satang,
        "vat_included_satang": sale.vat_included_satang,
        "lines": [
            {
                "cart_discount_satang": line.cart_discount_satang,
                "line_total_satang": line.line_total_satang,
                "vat_included_satang": line.vat_included_satang,
            }
            for line in sale.lines
        ],
    } == expected


def test_the_tills_pricing_module_computes_the_same_cases() -> None:
    """The same file against web/static/pricing.js, the module the till's cart imports."""
    node = require_program("node")
    run = subprocess.run(
        [node, "--test", str(NODE_TEST)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr
