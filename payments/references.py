"""Payment references, the centre's receiving account, and the QR payload of a payment. Pure.

A reference is unguessable (so a stranger cannot fake a callback's reference from a
neighbour's) and fits every place a bank carries it: bill payment ref1 (at most 20
upper-case letters and digits) and tag 62's reference label.
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass

from payments import promptpay

PREFIX = "OTP"
REFERENCE = re.compile(r"^[A-Z0-9]{12,20}$")


def new_reference() -> str:
    """``OTP`` and 64 random bits in base32: 16 upper-case letters and digits."""
    random = base64.b32encode(secrets.token_bytes(8)).decode("ascii").rstrip("=")
    return PREFIX + random


def is_reference(text: str) -> bool:
    return REFERENCE.fullmatch(text) is not None


class AccountError(ValueError):
    """The configured receiving account cannot make a PromptPay QR."""


@dataclass(frozen=True, slots=True)
class ReceivingAccount:
    """Where customers pay: a biller ID (bill payment, preferred) or a PromptPay ID."""

    promptpay_id: str | None
    biller_id: str | None
    merchant_name: str
    merchant_city: str

    @property
    def uses_bill_payment(self) -> bool:
        return bool(self.biller_id)


def payment_payload(account: ReceivingAccount, reference: str, amount_satang: int) -> str:
    """The dynamic QR for exactly ``amount_satang``, carrying ``reference``.

    With a biller ID the reference is ref1 of a bill payment (the bank's callback returns it);
    otherwise it rides in tag 62's reference label of a credit transfer.
    """
    if account.biller_id:
        return promptpay.bill_payment(
            account.biller_id,
            reference,
            amount_satang=amount_satang,
            merchant_name=account.merchant_name,
            merchant_city=account.merchant_city,
        )
    if not account.promptpay_id:
        raise AccountError(
            "no receiving account: set OTOP_PROMPTPAY_ID or OTOP_PROMPTPAY_BILLER_ID"
        )
    return promptpay.credit_transfer(
        account.promptpay_id,
        amount_satang,
        merchant_name=account.merchant_name,
        merchant_city=account.merchant_city,
        reference_label=reference,
    )


def reference_in(payload: promptpay.QRPayload) -> str | None:
    """The payment reference a decoded QR carries (ref1, else tag 62's reference label)."""
    return payload.ref1 or payload.additional.get("reference_label")


def check_account(
    promptpay_id: str | None,
    biller_id: str | None,
    merchant_name: str = "OTOP SAN KAMPHAENG",
    merchant_city: str = "CHIANG MAI",
) -> ReceivingAccount:
    """Validate the centre's account at start-up by building a sample payload; clear errors."""
    account = ReceivingAccount(
        promptpay_id=promptpay_id or None,
        biller_id=biller_id or None,
        merchant_name=merchant_name,
        merchant_city=merchant_city,
    )
    setting = "OTOP_PROMPTPAY_BILLER_ID" if account.biller_id else "OTOP_PROMPTPAY_ID"
    try:
        payload = payment_payload(account, PREFIX + "CHECK0000000", 100)
        promptpay.parse(payload)
    except promptpay.PromptPayError as error:
        raise AccountError(f"{setting} or the merchant name/city is not usable: {error}") from None
    return account
