"""A bank's result file, the pure rules: each line matched to a payout of the run and judged
(paid, failed, not matched, refused); a file applies only when nothing is refused or unmatched."""

from __future__ import annotations

import pytest

from kernel.errors import InvalidInputError
from payments.ledger.payout_models import bank_reference_key
from pos.consignment.bank_result_rules import (
    LineOutcome,
    ResultPlan,
    RunPayout,
    plan_result,
    read_result,
)

RUN = "PR-2026-000001"
PAYOUTS = [
    RunPayout(1, f"{RUN}-1", "E001", "กลุ่มผ้าฝ้าย", "1234567890", 152000, "pending", None),
    RunPayout(2, f"{RUN}-2", "E002", "กลุ่มจักสาน", None, 30050, "pending", None),
    RunPayout(3, f"{RUN}-3", "E003", "กลุ่มเครื่องเงิน", "2222222222", 10000, "paid", "KB-1"),
    RunPayout(4, f"{RUN}-4", "E004", "กลุ่มร่ม", "3333333333", 20000, "cancelled", None),
]
HEADER = "reference,account_number,amount_baht,status,bank_reference\n"


def _plan(body: str, used: dict[str, int] | None = None, header: str = HEADER) -> ResultPlan:
    rows = read_result((header + body).encode())
    return plan_result(rows, PAYOUTS, used or {}, bank_reference_key)


def _outcomes(plan: ResultPlan) -> list[tuple[int, str, str | None]]:
    return [
        (line.line, line.outcome.value, line.problem.code if line.problem else None)
        for line in plan.lines
    ]


def test_matched_success_and_failed_lines_make_an_applicable_plan() -> None:
    plan = _plan(
        f"{RUN}-1,123-4-56789-0,1520.00,success,KB 2612-0001\n{RUN.lower()}-2,,300.50,FAILED,\n"
    )
    assert _outcomes(plan) == [(2, "pay", None), (3, "failed", None)]
    assert plan.applicable and plan.pay_satang == 152000


def test_the_account_finds_the_payout_when_the_bank_drops_the_reference() -> None:
    plan = _plan(",1234567890,1520,สำเร็จ,KB1\n")
    assert _outcomes(plan) == [(2, "pay", None)]
    assert plan.lines[0].payout == PAYOUTS[0]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (f"{RUN}-1,,1519.99,success,KB1", "bank_result.amount_mismatch"),
        (f"{RUN}-1,,1520.001,success,KB1", "bank_result.amount_unreadable"),
        (f"{RUN}-1,,-1520,success,KB1", "bank_result.amount_unreadable"),
        (f"{RUN}-1,,1520,maybe,KB1", "bank_result.status_unknown"),
        (f"{RUN}-1,,1520,success,", "bank_result.bank_reference_missing"),
        (f"{RUN}-3,,100,success,KB9", "bank_result.already_paid"),
        (f"{RUN}-4,,200,success,KB9", "bank_result.cancelled"),
        (f"{RUN}-1,,1520,success,{'X' * 65}", "bank_result.bank_reference_missing"),
    ],
)
def test_a_refused_line_blocks_the_whole_file(line: str, code: str) -> None:
    plan = _plan(line + f"\n{RUN}-2,,300.50,success,KB2\n")
    assert _outcomes(plan)[0] == (2, "refused", code)
    assert plan.lines[1].outcome == LineOutcome.PAY
    assert not plan.applicable


def test_unknown_references_and_another_runs_lines_are_not_matched() -> None:
    plan = _plan(
        "PR-2026-000002-1,,1520,success,KB1\n"
        ",9999999999,1520,success,KB2\n"
        f"{RUN}-99,,1520,success,KB3\n"
    )
    assert [o for _, o, _ in _outcomes(plan)] == ["not_matched"] * 3
    assert not plan.applicable
    assert "PR-2026-000002-1" in plan.lines[0].problem.message_in("th")  # type: ignore[union-attr]


def test_a_payout_twice_or_a_bank_reference_twice_is_refused() -> None:
    plan = _plan(
        f"{RUN}-1,,1520,success,KB1\n{RUN}-1,,1520,success,KB7\n{RUN}-2,,300.50,success,kb-1\n"
    )
    assert _outcomes(plan) == [
        (2, "pay", None),
        (3, "refused", "bank_result.line_twice"),
        (4, "refused", "bank_result.bank_reference_twice"),
    ]


def test_a_bank_reference_another_payout_holds_is_refused() -> None:
    plan = _plan(f"{RUN}-1,,1520,success,kb-0001\n", used={"KB0001": 77})
    assert _outcomes(plan) == [(2, "refused", "bank_result.bank_reference_used")]
    assert "77" in plan.lines[0].problem.message_in("en")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("reference,amount_baht,bank_reference\nX,1,K\n", "bank_result.columns_missing"),
        ("amount_baht,status,bank_reference\n1,success,K\n", "bank_result.no_reference_column"),
        (HEADER, "bank_result.no_lines"),
        ("", "import.empty_file"),
    ],
)
def test_a_file_without_its_columns_or_lines_is_refused(text: str, code: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        read_result(text.encode())
    assert refused.value.code == code


def test_aliases_and_a_bom_are_read() -> None:
    text = "\ufeffRef,Amount,Status,Bank_Ref\n" + f'{RUN}-1,"1,520.00",ok,KB1\n'
    plan = plan_result(read_result(text.encode()), PAYOUTS, {}, bank_reference_key)
    assert _outcomes(plan) == [(2, "pay", None)]
