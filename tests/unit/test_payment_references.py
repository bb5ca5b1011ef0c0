"""Payment references and the centre's receiving account (checked at start-up)."""

from __future__ import annotations

import pytest

from payments import promptpay
from payments.references import (
    AccountError,
    check_account,
    is_reference,
    new_reference,
    payment_payload,
    reference_in,
)


def test_references_are_upper_case_alphanumeric_and_fit_ref1() -> None:
    references = {new_reference() for _ in range(1000)}
    assert len(references) == 1000
    for reference in references:
        assert is_reference(reference)
        assert len(reference) == 16
        promptpay.bill_payment("010555512345601", reference)  # ref1 takes it as it is


def test_without_a_biller_the_reference_rides_in_tag_62() -> None:
    account = check_account("081-234-5678", None)
    qr = promptpay.parse(payment_payload(account, "OTPAAAABBBBCCCC2", 12345))
    assert (qr.kind, qr.proxy_value, qr.amount_satang) == ("credit_transfer", "0812345678", 12345)
    assert reference_in(qr) == "OTPAAAABBBBCCCC2"
    assert (qr.merchant_name, qr.merchant_city) == ("OTOP SAN KAMPHAENG", "CHIANG MAI")


def test_a_biller_id_wins_over_a_promptpay_id() -> None:
    account = check_account("0812345678", "010555512345601")
    qr = promptpay.parse(payment_payload(account, "OTPAAAABBBBCCCC2", 100))
    assert (qr.kind, qr.ref1, qr.biller_id) == (
        "bill_payment",
        "OTPAAAABBBBCCCC2",
        "010555512345601",
    )


@pytest.mark.parametrize(
    ("promptpay_id", "biller_id", "setting"),
    [
        ("12345", None, "OTOP_PROMPTPAY_ID"),
        (None, "0105555", "OTOP_PROMPTPAY_BILLER_ID"),
        (None, None, "OTOP_PROMPTPAY_ID"),
    ],
)
def test_an_unusable_account_is_refused_naming_the_setting(
    promptpay_id: str | None, biller_id: str | None, setting: str
) -> None:
    with pytest.raises(AccountError, match=setting):
        check_account(promptpay_id, biller_id)


def test_a_thai_merchant_name_is_refused_clearly() -> None:
    with pytest.raises(AccountError, match="merchant"):
        check_account("0812345678", None, merchant_name="โอทอป")
