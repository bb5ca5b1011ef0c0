"""What happens to a sale, as the audit log names it (past tense; rows are never changed)."""

from __future__ import annotations

from enum import StrEnum


class SaleEvent(StrEnum):
    SALE_CREATED = "sale_created"  # rung up; waits for its PromptPay payment
    SALE_COMPLETED = "sale_completed"  # paid in full: it has its receipt number and ledger entry
    SALE_REST_TAKEN = "sale_rest_taken"  # the rest of a partly paid sale, by another method
    SALE_VOIDED = "sale_voided"  # it never completed: the customer walked away
    VOIDED_SALE_COMPLETED = "voided_sale_completed"  # money came for a voided sale; a manager
    # completed it instead of giving the money back
    SALE_REFUNDED = "sale_refunded"  # some lines given back against the receipt
    SALE_EXCEPTION_OPENED = "sale_exception_opened"  # a rung sale differed from the books
    SALE_EXCEPTION_RESOLVED = "sale_exception_resolved"  # a manager said what was done
