"""Reading payloads, slips and BOT barcodes; every malformed input is refused by name."""

from __future__ import annotations

from datetime import date

import pytest

from payments.promptpay import (
    BotBarcode,
    PromptPayError,
    QRPayload,
    Slip,
    bill_payment,
    credit_transfer,
    parse,
    parse_any,
    parse_bot_barcode,
    parse_slip,
    slip_verify,
    truemoney_slip_verify,
)
from payments.promptpay.emv import tlv
from tests.unit.test_promptpay_build import with_independent_crc

# Payloads published with promptparse (JavaScript), written in its tag order.
PP_MOBILE_AMOUNT = (
    "00020101021229370016A0000006770101110113006680111111153037645802TH540520.15630442BE"
)
PP_TRUEMONEY = (
    "00020101021229390016A000000677010111031514000080111111153037645802TH540510.05"
    "814800480065006C006C006F00200057006F0072006C006400216304F5A2"
)
PP_BILL_REF3 = (
    "00020101021130620016A000000677010112011301122334455660211CUSTOMER0010306INV001"
    "53037645802TH62070703SCB6304780E"
)
ACCOUNT = "0016A00000067701011101130066801111111"  # tag 29 to 0801111111
PP_SLIP = "004100060000010103014022000111222233344ABCD125102TH910417DF"


def test_a_dynamic_mobile_payload_is_read() -> None:
    qr = parse(PP_MOBILE_AMOUNT)
    assert (qr.kind, qr.initiation, qr.proxy_type, qr.proxy_value) == (
        "credit_transfer",
        "dynamic",
        "mobile",
        "0801111111",
    )
    assert (qr.amount_satang, qr.currency, qr.country) == (2015, "764", "TH")
    assert qr.tags["63"] == "42BE"
    assert qr.subtags["29"] == {"00": "A000000677010111", "01": "0066801111111"}


def test_a_static_payload_has_no_amount() -> None:
    qr = parse(credit_transfer("0812345678"))
    assert (qr.initiation, qr.amount_satang) == ("static", None)


def test_a_truemoney_payload_gives_wallet_mobile_and_message() -> None:
    qr = parse(PP_TRUEMONEY)
    assert (qr.kind, qr.proxy_type, qr.proxy_value) == ("truemoney", "ewallet", "140000801111111")
    assert (qr.wallet_mobile, qr.message, qr.amount_satang) == ("0801111111", "Hello World!", 1005)


def test_a_bill_payment_gives_biller_and_three_references() -> None:
    qr = parse(PP_BILL_REF3)
    assert (qr.kind, qr.biller_id, qr.ref1, qr.ref2, qr.ref3) == (
        "bill_payment",
        "0112233445566",
        "CUSTOMER001",
        "INV001",
        "SCB",
    )
    assert qr.additional == {"terminal_label": "SCB"}


def test_merchant_and_additional_data_are_read() -> None:
    qr = parse(
        credit_transfer(
            "0812345678",
            100,
            merchant_name="Ban Thawai",
            merchant_city="Chiang Mai",
            bill_number="B1",
            reference_label="R1",
        )
    )
    assert (qr.merchant_name, qr.merchant_city) == ("Ban Thawai", "Chiang Mai")
    assert qr.additional == {"bill_number": "B1", "reference_label": "R1"}


def test_our_payload_and_promptparse_s_read_the_same_whatever_the_tag_order() -> None:
    ours = parse(bill_payment("099400016550100", "123456789012", "670429", 364922))
    theirs = parse(
        "00020101021230650016A00000067701011201150994000165501000212123456789012030667042953037645802TH54073649.2263044534"
    )
    assert ours.tags.keys() == theirs.tags.keys()
    assert (ours.biller_id, ours.ref1, ours.ref2, ours.amount_satang) == (
        theirs.biller_id,
        theirs.ref1,
        theirs.ref2,
        theirs.amount_satang,
    )


def test_a_foreign_emv_payload_is_read_as_other() -> None:
    account = tlv("00", "com.example.pay") + tlv("01", "MERCHANT42")
    body = (
        "000201010211" + tlv("26", account) + "52045812530370254041.505802SG5904Shop6009Singapore"
    )
    qr = parse(with_independent_crc(body + "6304"))
    assert (qr.kind, qr.currency, qr.country, qr.amount_satang) == ("other", "702", "SG", 150)
    assert qr.subtags["26"] == {"00": "com.example.pay", "01": "MERCHANT42"}
    assert qr.proxy_type is None


def test_surrounding_whitespace_from_a_scanner_is_ignored() -> None:
    assert parse(f"  {PP_MOBILE_AMOUNT}\r\n").amount_satang == 2015


def _resealed(body: str) -> str:
    return with_independent_crc(body + "6304")


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (PP_MOBILE_AMOUNT[:-4] + "42BF", "wrong CRC"),
        (PP_MOBILE_AMOUNT[:-4] + "42be", "wrong CRC"),
        (PP_MOBILE_AMOUNT[:-8], "must end with tag 63"),
        ("", "must begin with tag 00"),
        ("0102110002016304ABCD", "must begin with tag 00"),
        (
            _resealed("00020101021229370016A0000006770101110113006680111111153037645802TH5499"),
            "truncated",
        ),
        (_resealed("000201010212290016A000000677010111"), "length 00"),
        (_resealed("0002010102125A03xyz5303764"), "malformed tag"),
        (_resealed("0002010102125303764580TH"), "malformed length"),
        (_resealed("000201010211" + tlv("29", ACCOUNT) + "5802TH"), "tag 53"),
        (_resealed("000201010211" + tlv("29", ACCOUNT) + "5303764"), "tag 58"),
        (_resealed("0002010102115303764" + "5802TH"), "merchant account information"),
        (_resealed("0002010102135303764" + "5802TH" + tlv("29", ACCOUNT)), "tag 01"),
        (_resealed("000201010212" + tlv("29", ACCOUNT) + "53037645802TH54041,50"), "tag 54"),
        (_resealed("000201010212" + tlv("29", ACCOUNT) + "53037645802TH5303764"), "twice"),
        (
            _resealed(
                "000201010211"
                + tlv("29", "0016A0000006770101110113006680111111102130000000000000")
                + "53037645802TH"
            ),
            "exactly one",
        ),
        (
            _resealed(
                "000201010211" + tlv("29", "0016A00000067701011101100066801111") + "53037645802TH"
            ),
            "malformed value",
        ),
        (
            _resealed(
                "000201010211" + tlv("29", "0016A00000067701011101130066801111") + "53037645802TH"
            ),
            "tag 29",
        ),
        (
            _resealed(
                "000201010211" + tlv("30", "0016A0000006770101120211CUSTOMER001") + "53037645802TH"
            ),
            "biller ID",
        ),
    ],
)
def test_malformed_payloads_are_refused_with_a_reason(payload: str, words: str) -> None:
    with pytest.raises(PromptPayError, match=words):
        parse(payload)


def test_a_payload_that_is_not_text_is_refused() -> None:
    with pytest.raises(PromptPayError, match="must be text"):
        parse(b"000201")  # type: ignore[arg-type]


def test_a_bank_slip_gives_sending_bank_and_reference() -> None:
    slip = parse_slip(PP_SLIP)
    assert slip == Slip("014", "00111222233344ABCD12", "TH", "000001", PP_SLIP)
    assert slip.unique_key == "014:00111222233344ABCD12"


def _slip_with_a_leading_zero_crc() -> str:
    for n in range(10_000):
        payload = slip_verify("004", f"REF{n:06d}")
        if payload[-4] == "0":
            return payload
    raise AssertionError("no slip with a CRC below 0x1000")


def test_a_slip_whose_bank_app_dropped_the_crc_s_leading_zero_is_accepted() -> None:
    full = _slip_with_a_leading_zero_crc()
    slip = parse_slip(full[:-4] + full[-3:])
    assert (slip.bank_code, slip.raw) == ("004", full)


def test_a_truemoney_slip_gives_event_transaction_and_date() -> None:
    payload = truemoney_slip_verify("P2P", "50001234567890", date(2024, 1, 31))
    slip = parse_slip(payload)
    assert (slip.kind, slip.bank_code, slip.transaction_ref) == (
        "truemoney",
        None,
        "50001234567890",
    )
    assert (slip.event_type, slip.transaction_date) == ("P2P", date(2024, 1, 31))


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (PP_SLIP[:-4] + "17DE", "wrong slip CRC"),
        (PP_SLIP[:-8], "must end with tag 91"),
        (PP_MOBILE_AMOUNT, "payment QR, not a slip"),
        (with_independent_crc(tlv("00", "0006000002" + "0103014") + "5102TH9104"), "unknown API"),
        (with_independent_crc(tlv("00", "0006000001" + "0103014") + "5102TH9104"), "sub-tag 02"),
        (with_independent_crc("5102TH9104"), "lacks tag 00"),
        (with_independent_crc("5102TH9104") + "5102TH", "must end with tag 91"),
        (with_independent_crc(tlv("00", "0006000001") + "5102TH" + "9104")[:-4] + "XYZW", "tag 91"),
    ],
)
def test_bad_slips_are_refused_with_a_reason(payload: str, words: str) -> None:
    with pytest.raises(PromptPayError, match=words):
        parse_slip(payload)


def test_a_truemoney_slip_with_an_impossible_date_is_refused() -> None:
    inner = "000201010201" + tlv("02", "P2P") + tlv("03", "5000") + tlv("04", "31022024")
    with pytest.raises(PromptPayError, match="DDMMYYYY"):
        parse_slip(with_independent_crc(tlv("00", inner) + "9104"))


def test_a_bot_barcode_is_read_with_amount_in_satang() -> None:
    barcode = parse_bot_barcode("|099400016550100\r123456789012\r670429\r364922")
    assert barcode == BotBarcode("099400016550100", "123456789012", "670429", 364922)
    assert parse_bot_barcode("|099999999999990\r111222333444\r\r0\r") == BotBarcode(
        "099999999999990", "111222333444", None, None
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("099400016550100\r1\r\r0", "begins with '|'"),
        ("|099400016550100\r123456789012\r670429", "4 parts"),
        ("|099400016550100\r123456789012\r\r12.50", "amount"),
        ("|0994\r123456789012\r\r0", "biller_id"),
    ],
)
def test_bad_bot_barcodes_are_refused(text: str, words: str) -> None:
    with pytest.raises(PromptPayError, match=words):
        parse_bot_barcode(text)


def test_parse_any_tells_payment_qr_slip_and_barcode_apart() -> None:
    assert isinstance(parse_any(PP_MOBILE_AMOUNT), QRPayload)
    assert isinstance(parse_any(PP_SLIP), Slip)
    assert isinstance(parse_any("|099999999999990\r111222333444\r\r0"), BotBarcode)
    with pytest.raises(PromptPayError, match="wrong CRC"):
        parse_any(PP_MOBILE_AMOUNT[:-1] + "F")
