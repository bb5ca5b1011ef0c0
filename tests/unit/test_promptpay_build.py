"""Building PromptPay payloads: vectors whose CRC is computed here, independently."""

from __future__ import annotations

import binascii
from datetime import date

import pytest

from payments.promptpay import (
    PromptPayError,
    bill_payment,
    bot_barcode,
    bot_barcode_to_qr,
    credit_transfer,
    parse,
    slip_verify,
    truemoney,
    truemoney_slip_verify,
)

NATIONAL_ID = "3100600445635"  # valid check digit (stdnum's own example)
COMPANY_TAX_ID = "0993000133978"  # a company's tax ID (MOA number), first digit 0


def crc_bitwise(data: str) -> str:
    """CRC-16/CCITT-FALSE bit by bit: poly 0x1021, init 0xFFFF, no reflection, no final xor."""
    crc = 0xFFFF
    for byte in data.encode():
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def with_independent_crc(body: str) -> str:
    """``body`` + CRC computed here, cross-checked by binascii.crc_hqx."""
    crc = crc_bitwise(body)
    assert crc == f"{binascii.crc_hqx(body.encode(), 0xFFFF):04X}"
    return body + crc


def test_the_bitwise_crc_gives_the_standard_check_value() -> None:
    assert crc_bitwise("123456789") == "29B1"  # CRC-16/CCITT-FALSE's catalogued check value


def test_static_transfer_to_a_mobile_matches_the_public_vector() -> None:
    body = "00020101021129370016A000000677010111011300668123456785802TH53037646304"
    assert credit_transfer("0812345678") == with_independent_crc(body)


def test_every_mobile_form_gives_the_same_payload() -> None:
    expected = credit_transfer("0812345678")
    for form in [
        "081-234-5678",
        "+66 81 234 5678",
        "66812345678",
        " 081 234 5678 ",
        "+66812345678",
    ]:
        assert credit_transfer(form) == expected


def test_an_amount_makes_the_payload_dynamic_and_is_written_exactly() -> None:
    body = "00020101021229370016A000000677010111011300668123456785802TH53037645406150.256304"
    assert credit_transfer("0812345678", 15025) == with_independent_crc(body)


@pytest.mark.parametrize(
    ("satang", "field"),
    [
        (1, "54040.01"),
        (10, "54040.10"),
        (100, "54041.00"),
        (3000, "540530.00"),
        (999_999_999_999, "54139999999999.99"),
    ],
)
def test_amounts_are_written_from_satang_without_rounding(satang: int, field: str) -> None:
    payload = credit_transfer("0812345678", satang)
    assert field + "6304" in payload
    assert payload == with_independent_crc(payload[:-4])


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "more than zero"),
        (-100, "more than zero"),
        (10**12, "13 characters"),
        (150.25, "integer"),
        (True, "integer"),
        ("15025", "integer"),
    ],
)
def test_bad_amounts_are_refused(amount: object, words: str) -> None:
    with pytest.raises(PromptPayError, match=words):
        credit_transfer("0812345678", amount)  # type: ignore[arg-type]


def test_a_national_id_goes_in_sub_tag_02() -> None:
    body = f"00020101021129370016A0000006770101110213{NATIONAL_ID}5802TH53037646304"
    assert credit_transfer("3-1006-00445-63-5") == with_independent_crc(body)
    assert parse(credit_transfer(NATIONAL_ID)).proxy_type == "national_id"


def test_a_national_id_with_a_wrong_check_digit_is_refused() -> None:
    with pytest.raises(PromptPayError, match="neither a national ID nor a tax ID"):
        credit_transfer("3100600445636")
    with pytest.raises(PromptPayError, match="wrong check digit"):
        credit_transfer("3100600445636", proxy_type="national_id")


def test_a_company_tax_id_is_a_tax_id() -> None:
    payload = credit_transfer(COMPANY_TAX_ID)
    assert "0213" + COMPANY_TAX_ID in payload
    assert parse(payload).proxy_type == "tax_id"


def test_an_ewallet_id_goes_in_sub_tag_03() -> None:
    body = "00020101021129390016A0000006770101110315140000801111111" + "5802TH53037646304"
    assert credit_transfer("140000801111111") == with_independent_crc(body)


def test_a_bank_account_must_be_asked_for_and_goes_in_sub_tag_04() -> None:
    payload = credit_transfer("014-1-23456-7", 5000, proxy_type="bank_account")
    assert "0016A00000067701011104100141234567" in payload
    assert parse(payload).proxy_type == "bank_account"


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("12345", "is not a mobile"),
        ("0212345678", "not a Thai mobile"),
        ("08123x5678", "not a"),
        ("", "is not a mobile"),
        ("+1 415 555 0100", "must be 10 digits"),
        ("9999999999999", "neither"),
        ("12345678901234", "is not a mobile"),
    ],
)
def test_bad_targets_are_refused(target: str, words: str) -> None:
    with pytest.raises(PromptPayError, match=words):
        credit_transfer(target)


def test_an_unknown_proxy_type_is_refused() -> None:
    with pytest.raises(PromptPayError, match="proxy_type must be one of"):
        credit_transfer("0812345678", proxy_type="iban")


def test_merchant_name_city_and_additional_data_follow_the_amount() -> None:
    payload = credit_transfer(
        "0812345678",
        15025,
        merchant_name="OTOP San Kamphaeng",
        merchant_city="Chiang Mai",
        bill_number="INV-0001",
        terminal_label="TILL1",
        reference_label="R42",
    )
    tail = "5918OTOP San Kamphaeng6010Chiang Mai62280108INV-00010503R420705TILL16304"
    assert payload == with_independent_crc(payload[: payload.index(tail)] + tail)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"merchant_name": "x" * 26}, "at most 25"),
        ({"merchant_city": "x" * 16}, "at most 15"),
        ({"merchant_name": "ร้านผ้า"}, "printable ASCII"),
        ({"bill_number": "x" * 26}, "at most 25"),
        ({"merchant_name": ""}, "non-empty"),
        ({"terminal_label": "a\nb"}, "printable"),
    ],
)
def test_bad_merchant_and_additional_texts_are_refused(kwargs: dict, words: str) -> None:
    with pytest.raises(PromptPayError, match=words):
        credit_transfer("0812345678", **kwargs)


def test_bill_payment_carries_biller_and_references_in_tag_30() -> None:
    body = (
        "00020101021230650016A0000006770101120115099400016550100021212345678901203066704295802TH"
        "530376454073649.226304"
    )
    assert bill_payment("099400016550100", "123456789012", "670429", 364922) == (
        with_independent_crc(body)
    )


def test_bill_payment_ref3_goes_in_tag_62_sub_tag_07() -> None:
    payload = bill_payment("010555512345601", "CUSTOMER001", "INV001", ref3="SCB")
    assert "62070703SCB6304" in payload
    assert payload == with_independent_crc(payload[:-4])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("0112233445566", "A"), "biller_id must be 15 digits"),
        (("01055551234560X", "A"), "biller_id"),
        (("010555512345601", "abc"), "ref1"),
        (("010555512345601", ""), "ref1"),
        (("010555512345601", "A" * 21), "ref1"),
        (("010555512345601", "A", "B-1"), "ref2"),
        (("010555512345601", None), "ref1"),
    ],
)
def test_bad_bill_payment_inputs_are_refused(args: tuple, words: str) -> None:
    with pytest.raises(PromptPayError, match=words):
        bill_payment(*args)


def test_truemoney_wallet_with_message_writes_utf16_hex_in_tag_81() -> None:
    payload = truemoney("0801111111", 1005, message="Hello World!")
    assert "0315140000801111111" in payload
    assert "814800480065006C006C006F00200057006F0072006C006400216304" in payload
    assert payload == with_independent_crc(payload[:-4])


def test_a_truemoney_message_too_long_for_its_field_is_refused() -> None:
    with pytest.raises(PromptPayError, match="at most 24"):
        truemoney("0801111111", message="x" * 25)


def test_slip_verify_matches_the_published_vector() -> None:
    assert slip_verify("002", "0002123123121200011") == (
        "004000060000010103002021900021231231212000115102TH91049C30"
    )


def test_truemoney_slip_has_a_lower_case_crc() -> None:
    payload = truemoney_slip_verify("P2P", "50001234567890", date(2024, 1, 31))
    assert payload.startswith("00490002010102010203P2P0314500012345678900408310120249104")
    assert payload[-4:] == crc_bitwise(payload[:-4]).lower()


def test_bot_barcode_matches_the_published_vectors() -> None:
    assert bot_barcode("099999999999990", "111222333444") == "|099999999999990\r111222333444\r\r0"
    assert bot_barcode("099400016550100", "123456789012", "670429", 364922) == (
        "|099400016550100\r123456789012\r670429\r364922"
    )


def test_a_bot_barcode_becomes_the_same_bill_payment_qr() -> None:
    assert bot_barcode_to_qr("|099400016550100\r123456789012\r670429\r364922") == bill_payment(
        "099400016550100", "123456789012", "670429", 364922
    )
