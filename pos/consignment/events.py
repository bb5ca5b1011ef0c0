"""What happens to payouts to entrepreneurs, as the audit log names it."""

from __future__ import annotations

from enum import StrEnum


class PayoutEvent(StrEnum):
    PAYOUT_RUN_CREATED = "payout_run_created"  # what each entrepreneur is owed at a cut-off
    PAYOUT_PAID = "payout_paid"  # the bank transfer was made: its reference is recorded
    PAYOUT_CANCELLED = "payout_cancelled"  # not paid; the amount stays owed
    BANK_RESULT_APPLIED = "bank_result_applied"  # a bank's result file: its successes paid
