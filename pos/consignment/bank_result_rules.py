"""A bank's result file for a payout run, the pure rules: read its lines and say, line by
line, what confirming it would do.

The layout read (CSV, UTF-8, a header row; column names case-insensitive, in any order)::

    reference,account_number,amount_baht,status,bank_reference
    PR-2026-000001-17,1234567890,1520.00,success,KB2612070001

``reference`` is the one the run's bank file gave the line (``<run number>-<payout id>``);
when a bank drops it, ``account_number`` finds the payout instead (the run's only payout to
that account). ``status`` is ``success`` or ``failed`` (also ``สำเร็จ`` / ``ไม่สำเร็จ``,
``ok``, ``rejected``). ``amount`` may stand for ``amount_baht``, ``bank_ref`` for
``bank_reference``.

Each line is one of: to be paid (success, matched, the amount exactly the payout's, a bank
reference never used); failed (the bank did not pay: the payout stays waiting, for the QR or
the next file); not matched (no payout of this run); refused (the amount differs, the line
is there twice, the payout is already paid or cancelled, the bank reference is missing or
already used, a cell is unreadable). A file with any line not matched or refused is not
applied at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from inventory.spreadsheets.parsing import CsvRow, read_rows
from kernel.errors import ConflictError, DomainError, InvalidInputError
from kernel.money import format_baht, parse_baht

MAX_LINES = 20_000
_SPACING = re.compile(r"[\s\-_.]+")
SUCCESS = frozenset({"success", "successful", "succeeded", "ok", "paid", "completed", "สำเร็จ"})
FAILED = frozenset({"failed", "fail", "failure", "rejected", "error", "ไม่สำเร็จ"})
_ALIASES = {"amount": "amount_baht", "bank_ref": "bank_reference", "ref": "reference"}


class LineOutcome(StrEnum):
    PAY = "pay"
    FAILED = "failed"
    NOT_MATCHED = "not_matched"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class RunPayout:
    """What a line is checked against: one payout of the run, as stored now."""

    id: int
    reference: str  # <run number>-<payout id>
    code: str
    name_th: str
    account_number: str | None  # digits, a valid account only
    amount_satang: int
    status: str  # pending, paid, cancelled
    bank_reference: str | None


@dataclass(frozen=True, slots=True)
class ResultLine:
    line: int
    reference: str
    account_number: str
    amount_text: str
    amount_satang: int | None
    bank_said: str  # success / failed as the file says it
    bank_reference: str
    outcome: LineOutcome
    payout: RunPayout | None
    problem: DomainError | None


@dataclass(frozen=True, slots=True)
class ResultPlan:
    lines: list[ResultLine]

    def of(self, outcome: LineOutcome) -> list[ResultLine]:
        return [line for line in self.lines if line.outcome == outcome]

    @property
    def applicable(self) -> bool:
        """Nothing refused or unmatched, and something to record."""
        return bool(self.lines) and not (
            self.of(LineOutcome.REFUSED) or self.of(LineOutcome.NOT_MATCHED)
        )

    @property
    def pay_satang(self) -> int:
        return sum(line.amount_satang or 0 for line in self.of(LineOutcome.PAY))


def reference_key(text: str) -> str:
    """A reference however the bank spelled it: upper-case, no spaces, dashes or dots."""
    return _SPACING.sub("", text).upper()


def read_result(raw: bytes) -> list[CsvRow]:
    """The file's data lines, or an error naming what is wrong with the file itself."""
    rows, header_problems = read_rows(raw, ("status",), any_of=[("amount_baht", "amount")])
    if header_problems:
        raise InvalidInputError(
            "bank_result.columns_missing",
            "ไฟล์ผลการโอนขาดคอลัมน์ {columns}: ต้องมี reference (หรือ account_number),"
            " amount_baht, status และ bank_reference",
            field="file",
            columns=", ".join(sorted({p.field for p in header_problems})),
        )
    if rows and not ({"reference", "ref", "account_number"} & set(rows[0].values)):
        raise InvalidInputError(
            "bank_result.no_reference_column",
            "ไฟล์ผลการโอนต้องมีคอลัมน์ reference หรือ account_number เพื่อจับคู่กับรายการโอน",
            field="file",
        )
    if not rows:
        raise InvalidInputError("bank_result.no_lines", "ไฟล์ผลการโอนไม่มีรายการ", field="file")
    if len(rows) > MAX_LINES:
        raise InvalidInputError(
            "bank_result.too_many_lines",
            "ไฟล์ผลการโอนมี {count} รายการ รับได้ไม่เกิน {limit} รายการ",
            field="file",
            count=len(rows),
            limit=MAX_LINES,
        )
    return rows


def _cell(row: CsvRow, name: str) -> str:
    value = row.get(name)
    if value:
        return value
    for alias, canonical in _ALIASES.items():
        if canonical == name and row.get(alias):
            return row.get(alias)
    return ""


def plan_result(
    rows: Sequence[CsvRow],
    payouts: Sequence[RunPayout],
    used_elsewhere: Mapping[str, int],
    bank_reference_key: Callable[[str], str],
) -> ResultPlan:
    """Each line's outcome. ``bank_reference_key``: how payouts spell a bank reference for
    uniqueness (payments.ledger.payout_models'); ``used_elsewhere``: the keys already held by
    a payout, with that payout's id."""
    by_reference = {reference_key(p.reference): p for p in payouts}
    by_account: dict[str, list[RunPayout]] = {}
    for p in payouts:
        if p.account_number:
            by_account.setdefault(p.account_number, []).append(p)
    taken: dict[int, int] = {}  # payout id -> the line that took it
    keys_in_file: dict[str, int] = {}
    lines = []
    for row in rows:
        reference = _cell(row, "reference")
        account = re.sub(r"\D", "", _cell(row, "account_number"))
        said = _cell(row, "status").lower()
        bank_ref = _cell(row, "bank_reference")
        amount, problem = _amount(row)
        payout = None
        if problem is None and said not in SUCCESS and said not in FAILED:
            problem = InvalidInputError(
                "bank_result.status_unknown",
                "บรรทัด {line}: สถานะ '{status}' ไม่รู้จัก ใช้ success หรือ failed",
                field="status",
                line=row.line,
                status=said[:20],
            )
        if problem is None:
            payout = by_reference.get(reference_key(reference)) if reference else None
            if payout is None and not reference and len(by_account.get(account, [])) == 1:
                payout = by_account[account][0]
        if problem is not None:
            outcome = LineOutcome.REFUSED
        elif payout is None:
            outcome = LineOutcome.NOT_MATCHED
            problem = ConflictError(
                "bank_result.not_matched",
                "บรรทัด {line}: ไม่พบรายการโอนในรอบนี้ที่ตรงกับ {reference}",
                field="reference",
                line=row.line,
                reference=(reference or account)[:40],
            )
        else:
            problem = _refusal(
                row.line,
                payout,
                amount or 0,
                said,
                bank_ref,
                taken,
                keys_in_file,
                used_elsewhere,
                bank_reference_key,
            )
            taken.setdefault(payout.id, row.line)
            if problem is not None:
                outcome = LineOutcome.REFUSED
            elif said in FAILED:
                outcome = LineOutcome.FAILED
            else:
                outcome = LineOutcome.PAY
                keys_in_file[bank_reference_key(bank_ref)] = row.line
        lines.append(
            ResultLine(
                row.line,
                reference,
                account,
                _cell(row, "amount_baht"),
                amount,
                said,
                bank_ref,
                outcome,
                payout,
                problem,
            )
        )
    return ResultPlan(lines)


def _amount(row: CsvRow) -> tuple[int | None, DomainError | None]:
    text = _cell(row, "amount_baht")
    try:
        amount = parse_baht(text)
    except ValueError:
        amount = -1
    if amount <= 0:
        return None, InvalidInputError(
            "bank_result.amount_unreadable",
            "บรรทัด {line}: อ่านจำนวนเงิน '{amount}' ไม่ได้ (เขียนเช่น 1520.00)",
            field="amount_baht",
            line=row.line,
            amount=text[:20],
        )
    return amount, None


def _refusal(
    line: int,
    payout: RunPayout,
    amount: int,
    said: str,
    bank_ref: str,
    taken: Mapping[int, int],
    keys_in_file: Mapping[str, int],
    used_elsewhere: Mapping[str, int],
    normalise: Callable[[str], str],
) -> DomainError | None:
    """Why this matched line cannot be recorded, or None."""
    if payout.id in taken:
        return ConflictError(
            "bank_result.line_twice",
            "บรรทัด {line}: รายการโอน {reference} อยู่ในไฟล์แล้วที่บรรทัด {first}",
            field="reference",
            line=line,
            reference=payout.reference,
            first=taken[payout.id],
        )
    if amount != payout.amount_satang:
        return ConflictError(
            "bank_result.amount_mismatch",
            "บรรทัด {line}: ธนาคารแจ้งยอด {amount} บาท แต่รายการโอน {reference} ยอด {expected} บาท",
            field="amount_baht",
            line=line,
            reference=payout.reference,
            amount=format_baht(amount),
            expected=format_baht(payout.amount_satang),
        )
    if payout.status == "paid":
        return ConflictError(
            "bank_result.already_paid",
            "บรรทัด {line}: รายการโอน {reference} บันทึกว่าโอนแล้ว (เลขอ้างอิง {bank_reference})",
            field="reference",
            line=line,
            reference=payout.reference,
            bank_reference=payout.bank_reference or "",
        )
    if payout.status == "cancelled":
        return ConflictError(
            "bank_result.cancelled",
            "บรรทัด {line}: รายการโอน {reference} ถูกยกเลิกแล้ว",
            field="reference",
            line=line,
            reference=payout.reference,
        )
    if said in FAILED:
        return None
    if not bank_ref or len(bank_ref) > 64 or not normalise(bank_ref):
        return InvalidInputError(
            "bank_result.bank_reference_missing",
            "บรรทัด {line}: รายการสำเร็จต้องมีเลขอ้างอิงของธนาคาร (1-64 ตัวอักษร)",
            field="bank_reference",
            line=line,
        )
    bank_key = normalise(bank_ref)
    if bank_key in keys_in_file:
        return ConflictError(
            "bank_result.bank_reference_twice",
            "บรรทัด {line}: เลขอ้างอิงของธนาคาร {bank_reference} ซ้ำกับบรรทัด {first}",
            field="bank_reference",
            line=line,
            bank_reference=bank_ref,
            first=keys_in_file[bank_key],
        )
    if bank_key in used_elsewhere:
        return ConflictError(
            "bank_result.bank_reference_used",
            "บรรทัด {line}: เลขอ้างอิงของธนาคาร {bank_reference} ถูกใช้กับรายการโอน {payout_id} แล้ว",
            field="bank_reference",
            line=line,
            bank_reference=bank_ref,
            payout_id=used_elsewhere[bank_key],
        )
    return None
