"""The shared PromptPay cases (tests/promptpay_vectors.json): the file is what the Python makes
now, every payload reads back as what it was built from, and the till's web/static/promptpay.js
makes the same payloads under Node (tests/js/promptpay_vectors.test.js, run by the last tests
with tests/js/qr.test.js)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from payments import promptpay
from payments.references import reference_in
from tests.promptpay_vectors import VECTORS_PATH, build, render
from tests.servers import require_program

ROOT = Path(__file__).resolve().parents[2]
VECTORS: dict[str, Any] = json.loads(VECTORS_PATH.read_text("utf-8"))
NODE_TEST = ROOT / "tests" / "js" / "promptpay_vectors.test.js"
NODE_QR_TEST = ROOT / "tests" / "js" / "qr.test.js"


def cases(kind: str) -> Any:
    return pytest.mark.parametrize("case", VECTORS[kind], ids=lambda c: c.get("case"))


def test_the_file_is_what_the_python_makes_now() -> None:
    """A codec change that changes a payload must come with the regenerated file
    (``python -m tests.promptpay_vectors``), so the JavaScript is tested against it."""
    assert VECTORS_PATH.read_text("utf-8") == render(build())


def test_the_file_covers_every_kind_the_till_needs() -> None:
    credit = VECTORS["credit_transfer"]
    kinds = {promptpay.parse(c["payload"]).proxy_type for c in credit}
    assert kinds == {"mobile", "national_id", "tax_id", "ewallet", "bank_account"}
    amounts = {
        c["amount_satang"] for kind in ("credit_transfer", "bill_payment") for c in VECTORS[kind]
    }
    assert {None, 1, 99, 100, 12345678} <= amounts
    accounts = {bool(c["account"]["biller_id"]) for c in VECTORS["payment_payload"]}
    assert accounts == {True, False}


@cases("credit_transfer")
def test_a_credit_transfer_reads_back(case: dict[str, Any]) -> None:
    qr = promptpay.parse(case["payload"])
    assert qr.kind == "credit_transfer"
    assert qr.amount_satang == case["amount_satang"]
    assert qr.initiation == ("static" if case["amount_satang"] is None else "dynamic")


@cases("bill_payment")
def test_a_bill_payment_reads_back(case: dict[str, Any]) -> None:
    qr = promptpay.parse(case["payload"])
    assert (qr.kind, qr.biller_id, qr.ref1, qr.ref2, qr.amount_satang) == (
        "bill_payment",
        case["biller_id"],
        case["ref1"],
        case["ref2"],
        case["amount_satang"],
    )


@cases("payment_payload")
def test_a_payment_carries_its_reference_and_amount(case: dict[str, Any]) -> None:
    qr = promptpay.parse(case["payload"])
    assert reference_in(qr) == case["reference"]
    assert qr.amount_satang == case["amount_satang"]
    assert qr.kind == ("bill_payment" if case["account"]["biller_id"] else "credit_transfer")
    assert (qr.merchant_name, qr.merchant_city) == (
        case["account"]["merchant_name"],
        case["account"]["merchant_city"],
    )


def run_node_test(path: Path) -> None:
    node = require_program("node")
    run = subprocess.run(
        [node, "--test", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "# fail 0" in run.stdout


def test_the_tills_promptpay_module_makes_the_same_payloads() -> None:
    """The same file against web/static/promptpay.js, the module the till builds QRs with."""
    run_node_test(NODE_TEST)


def test_the_tills_qr_module_lays_out_symbols() -> None:
    """web/static/qr.js under Node (tests/js/qr.test.js); Chromium reads its drawings back in
    tests/browser/test_offline_qr.py."""
    run_node_test(NODE_QR_TEST)
