"""Card and other tenders: what the cashier records, and what is refused (payments.tenders,
pos.checkout.requests). A card number is never accepted, and its refusal never repeats it."""

from __future__ import annotations

import pytest

from kernel.errors import InvalidInputError
from payments.ledger.rules import (
    CARD_RECEIVABLE,
    AccountKind,
    SaleLineShare,
    account_kind,
    money_account,
    other_receivable,
    sale_entry,
)
from payments.tenders import check_card, check_other
from pos.checkout.requests import (
    CheckoutRequest,
    LineRequest,
    PaymentRequest,
    check_payment_requests,
)

PANS = [
    "4111111111111111",
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "5500 0000 0000 0004",
    "378282246310005",  # American Express, 15 digits
    "411111111111",  # 12 digits
    "12345",  # five digits: already more of the card than the shop may keep
    "๔๑๑๑๑๑๑๑๑๑๑๑๑๑๑๑",  # Thai digits
]


@pytest.mark.parametrize("pan", PANS)
def test_a_card_number_is_refused_and_the_refusal_never_repeats_it(pan: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_card(pan, "A1B2C3", "payments[0]")
    error = refused.value
    assert error.code == "payment.card_number_refused"
    assert error.field == "payments[0].card_last4"
    digits = "".join(c for c in pan if c.isdigit())
    for said in (error.message_in("th"), error.message_in("en"), repr(error.params), str(error)):
        assert digits not in said and pan not in said
    assert "4 ตัวท้าย" in error.message_in("th") and "last 4 digits" in error.message


def test_a_card_number_typed_into_the_approval_code_is_refused_too() -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_card("1234", "4111 1111 1111 1111", "payments[1]")
    assert refused.value.code == "payment.card_number_refused"
    assert refused.value.field == "payments[1].approval_code"
    assert "4111" not in repr(refused.value.params)


@pytest.mark.parametrize("last4", ["", "   ", "123", "12a4", "abcd", "١٢٣٤", None, 1234])
def test_the_last_four_are_exactly_four_ascii_digits(last4: object) -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_card(last4, "A1B2C3", "payments[0]")
    assert refused.value.code == "payment.card_last4_invalid"
    assert refused.value.field == "payments[0].card_last4"


def test_the_last_four_and_the_approval_code_are_kept_as_printed() -> None:
    card = check_card(" 4242 ", " ab12cd ", "payments[0]")
    assert (card.last4, card.approval_code) == ("4242", "AB12CD")
    assert check_card("0007", "000123", "p").last4 == "0007"  # leading zeros are digits


@pytest.mark.parametrize("code", ["", "ABC12", "ABC1234", "AB-12C", "รหัส12", "ab 12cd", None])
def test_the_approval_code_is_six_letters_or_digits(code: object) -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_card("4242", code, "payments[0]")
    assert refused.value.code == "payment.approval_code_invalid"
    assert refused.value.field == "payments[0].approval_code"


def test_an_other_tender_needs_its_name_and_reference() -> None:
    other = check_other("  เป๋าตัง  ", " PT 889900 ", "payments[2]")
    assert (other.name, other.reference) == ("เป๋าตัง", "PT 889900")
    for name, ref, code, field in [
        ("", "R1", "payment.tender_name_required", "payments[2].tender_name"),
        ("   ", "R1", "payment.tender_name_required", "payments[2].tender_name"),
        (None, "R1", "payment.tender_name_required", "payments[2].tender_name"),
        ("x" * 41, "R1", "payment.tender_name_required", "payments[2].tender_name"),
        ("เป๋าตัง", "", "payment.tender_ref_required", "payments[2].tender_ref"),
        ("เป๋าตัง", "r" * 61, "payment.tender_ref_required", "payments[2].tender_ref"),
        ("เป๋า\u202eตัง", "R1", "text.direction_character", "payments[2].tender_name"),
    ]:
        with pytest.raises(InvalidInputError) as refused:
            check_other(name, ref, "payments[2]")
        assert (refused.value.code, refused.value.field) == (code, field)


def test_a_checkout_request_records_each_tender_as_checked() -> None:
    payments = (
        PaymentRequest("cash", 100, 100),
        PaymentRequest("card", 200, card_last4="4242", approval_code="ab12cd"),
        PaymentRequest("other", 300, tender_name=" ไทย  ช่วยไทย ", tender_ref="T-1"),
    )
    checked = check_payment_requests(payments)
    assert checked[1].card_last4 == "4242" and checked[1].approval_code == "AB12CD"
    assert checked[2].tender_name == "ไทย ช่วยไทย"
    assert checked[0] == payments[0]


def test_tender_details_belong_to_their_own_tender_only() -> None:
    for payment in [
        PaymentRequest("cash", 100, card_last4="4242"),
        PaymentRequest("promptpay", 100, tender_name="เป๋าตัง"),
        PaymentRequest("card", 100, card_last4="4242", approval_code="AB12CD", tender_ref="x"),
        PaymentRequest("other", 100, tender_name="เป๋าตัง", tender_ref="R", card_last4="4242"),
    ]:
        with pytest.raises(InvalidInputError) as refused:
            check_payment_requests((payment,))
        assert refused.value.code == "sale.tender_detail_not_expected"


def test_a_card_refusal_in_a_checkout_names_the_payment() -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_payment_requests(
            (
                PaymentRequest("cash", 100),
                PaymentRequest("card", 100, card_last4="4111111111111111", approval_code="A1B2C3"),
            )
        )
    assert refused.value.field == "payments[1].card_last4"


def test_the_tender_details_are_part_of_the_sales_identity_only_when_there_are_some() -> None:
    def request(*payments: PaymentRequest) -> CheckoutRequest:
        return CheckoutRequest(1, (LineRequest(1, 1),), payments)

    cash = request(PaymentRequest("cash", 100))
    # A cash sale's digest is what it always was (digests of earlier sales stand).
    assert cash.digest() == request(PaymentRequest("cash", 100)).digest()
    one = request(PaymentRequest("card", 100, card_last4="4242", approval_code="AB12CD"))
    other = request(PaymentRequest("card", 100, card_last4="4243", approval_code="AB12CD"))
    assert one.digest() != other.digest() != cash.digest()


def test_each_tender_lands_in_its_own_account_and_the_entry_sums_to_zero() -> None:
    assert money_account("cash", "SKP-01") == "cash:SKP-01"
    assert money_account("promptpay", "SKP-01") == "promptpay_clearing"
    assert money_account("card", "SKP-01") == CARD_RECEIVABLE
    assert money_account("other", "SKP-01", "เป๋าตัง") == other_receivable("เป๋าตัง")
    with pytest.raises(ValueError):
        money_account("other", "SKP-01", None)
    for code in (CARD_RECEIVABLE, other_receivable("เป๋าตัง")):
        assert account_kind(code) == AccountKind.ASSET
    entry = sale_entry(
        "SKP-01-000001",
        [SaleLineShare(7, 8000, 2000)],
        [
            ("cash:SKP-01", 3000),
            (CARD_RECEIVABLE, 4000),
            (other_receivable("เป๋าตัง"), 3000),
        ],
    )
    assert sum(p.amount_satang for p in entry.postings) == 0
    assert {p.account for p in entry.postings} >= {"cash:SKP-01", CARD_RECEIVABLE}
