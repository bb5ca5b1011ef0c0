"""Round trips and tamper detection, for any input hypothesis can think of."""

from __future__ import annotations

import binascii
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.th import moa, pin

from payments.promptpay import (
    PromptPayError,
    bill_payment,
    bot_barcode,
    bot_barcode_to_qr,
    credit_transfer,
    parse,
    parse_bot_barcode,
    parse_slip,
    slip_verify,
    truemoney,
)
from payments.promptpay import fields as promptpay_fields
from payments.promptpay.emv import crc16
from tests.unit.test_promptpay_build import crc_bitwise

amounts = st.none() | st.integers(min_value=1, max_value=promptpay_fields.MAX_AMOUNT_SATANG)
mobiles = st.builds(
    lambda prefix, rest: f"0{prefix}{rest}",
    st.sampled_from("689"),
    st.text(string.digits, min_size=8, max_size=8),
)
references = st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=20)
printable = st.text(string.printable.strip() + " ", min_size=1)
billers = st.text(string.digits, min_size=15, max_size=15)


@st.composite
def national_ids(draw: st.DrawFn) -> str:
    body = draw(st.sampled_from("12345678")) + draw(
        st.text(string.digits, min_size=11, max_size=11)
    )
    return body + pin.calc_check_digit(body)


@given(st.text(max_size=200))
def test_the_crc_is_crc16_ccitt_false_for_any_text(data: str) -> None:
    assert crc16(data) == crc_bitwise(data)
    assert crc16(data) == f"{binascii.crc_hqx(data.encode(), 0xFFFF):04X}"


@given(mobiles, amounts)
def test_a_mobile_transfer_reads_back_as_built(mobile: str, amount: int | None) -> None:
    qr = parse(credit_transfer(mobile, amount))
    assert (qr.kind, qr.proxy_type, qr.proxy_value, qr.amount_satang) == (
        "credit_transfer",
        "mobile",
        mobile,
        amount,
    )
    assert qr.initiation == ("static" if amount is None else "dynamic")


@given(national_ids(), amounts)
def test_a_national_id_transfer_reads_back_as_built(national_id: str, amount: int | None) -> None:
    qr = parse(credit_transfer(national_id, amount))
    assert (qr.proxy_type, qr.proxy_value, qr.amount_satang) == ("national_id", national_id, amount)


@given(
    billers,
    references,
    st.none() | references,
    amounts,
    st.none() | references,
    st.none() | printable.filter(lambda s: len(s) <= 25),
    st.none() | printable.filter(lambda s: len(s) <= 15),
)
def test_a_bill_payment_reads_back_as_built(
    biller: str,
    ref1: str,
    ref2: str | None,
    amount: int | None,
    ref3: str | None,
    name: str | None,
    city: str | None,
) -> None:
    payload = bill_payment(
        biller, ref1, ref2, amount, ref3=ref3, merchant_name=name, merchant_city=city
    )
    qr = parse(payload)
    assert (qr.biller_id, qr.ref1, qr.ref2, qr.ref3, qr.amount_satang) == (
        biller,
        ref1,
        ref2,
        ref3,
        amount,
    )
    assert (qr.merchant_name, qr.merchant_city) == (name, city)


@given(mobiles, amounts, st.none() | st.text(min_size=1, max_size=12))
def test_a_truemoney_qr_reads_back_as_built(
    mobile: str, amount: int | None, message: str | None
) -> None:
    qr = parse(truemoney(mobile, amount, message=message))
    assert (qr.kind, qr.wallet_mobile, qr.amount_satang, qr.message) == (
        "truemoney",
        mobile,
        amount,
        message,
    )


@given(billers, references, st.none() | references, amounts)
def test_a_bot_barcode_reads_back_and_converts(
    biller: str, ref1: str, ref2: str | None, amount: int | None
) -> None:
    barcode = parse_bot_barcode(bot_barcode(biller, ref1, ref2, amount))
    assert (barcode.biller_id, barcode.ref1, barcode.ref2, barcode.amount_satang) == (
        biller,
        ref1,
        ref2,
        amount,
    )
    assert bot_barcode_to_qr(barcode) == bill_payment(biller, ref1, ref2, amount)


@given(st.text(string.digits, min_size=3, max_size=3), references)
def test_a_slip_reads_back_as_built(bank: str, ref: str) -> None:
    slip = parse_slip(slip_verify(bank, ref))
    assert (slip.bank_code, slip.transaction_ref) == (bank, ref)


@st.composite
def tampered(draw: st.DrawFn) -> tuple[str, str]:
    payload = draw(
        st.one_of(
            st.builds(credit_transfer, mobiles, amounts),
            st.builds(bill_payment, billers, references, st.none() | references, amounts),
        )
    )
    index = draw(st.integers(min_value=0, max_value=len(payload) - 1))
    char = draw(st.characters(codec="ascii").filter(lambda c: c != payload[index]))
    return payload, payload[:index] + char + payload[index + 1 :]


@given(tampered())
def test_any_single_character_change_is_refused(pair: tuple[str, str]) -> None:
    original, changed = pair
    assert parse(original).raw == original
    with pytest.raises(PromptPayError):
        parse(changed)


@given(st.text(string.digits, min_size=13, max_size=13))
def test_id_validity_agrees_with_stdnum(digits: str) -> None:
    expected = "national_id" if pin.is_valid(digits) else "tax_id" if moa.is_valid(digits) else None
    assert promptpay_fields._valid_id(digits) == expected


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_our_thai_id_check_digit_agrees_with_stdnum(digits: str) -> None:
    assert promptpay_fields.thai_id_check_digit(digits) == pin.calc_check_digit(digits)
