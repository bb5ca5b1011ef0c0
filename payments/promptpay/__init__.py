"""PromptPay / Thai QR payloads: build and read them, with no I/O.

Pure: imports only the standard library and stdnum. Every refusal is a :class:`PromptPayError`
(a ``ValueError``) whose message names the input. Money is integer satang.

Builders write tags in the order the long-standing generators use (00 01 29|30 58 53 54 ...),
so a payload equals theirs character for character; :func:`parse` accepts any order.
"""

from __future__ import annotations

from datetime import date

from payments.promptpay import fields as f
from payments.promptpay.emv import PromptPayError, crc16, tlv, with_crc
from payments.promptpay.fields import receiving_id
from payments.promptpay.parse import (
    BotBarcode,
    QRPayload,
    Slip,
    parse,
    parse_any,
    parse_bot_barcode,
    parse_slip,
    slip_key,
)

__all__ = [
    "BotBarcode",
    "PromptPayError",
    "QRPayload",
    "Slip",
    "bill_payment",
    "bot_barcode",
    "bot_barcode_to_qr",
    "crc16",
    "credit_transfer",
    "parse",
    "parse_any",
    "parse_bot_barcode",
    "parse_slip",
    "receiving_id",
    "slip_key",
    "slip_verify",
    "truemoney",
    "truemoney_slip_verify",
]

_TH = "5802TH5303764"  # country TH, currency THB (764)


def credit_transfer(
    target: str,
    amount_satang: int | None = None,
    *,
    proxy_type: str | None = None,
    merchant_name: str | None = None,
    merchant_city: str | None = None,
    bill_number: str | None = None,
    terminal_label: str | None = None,
    reference_label: str | None = None,
) -> str:
    """Tag 29 payload paying ``target`` (mobile, national/tax ID, e-wallet, or bank account).

    Static (01 = 11) without an amount, dynamic (01 = 12) with one. A bank account must be
    asked for with ``proxy_type="bank_account"``; other types are recognised from the digits.
    """
    _kind, sub_tag, value = f.proxy(target, proxy_type)
    account = f"0016{f.AID_CREDIT_TRANSFER}{sub_tag}{len(value):02d}{value}"
    body = f"00020101021{'1' if amount_satang is None else '2'}29{len(account):02d}{account}{_TH}"
    if amount_satang is not None:
        body += f.amount_field(amount_satang)
    if (
        merchant_name is not None
        or merchant_city is not None
        or bill_number is not None
        or terminal_label is not None
        or reference_label is not None
    ):
        body += _merchant(merchant_name, merchant_city)
        body += _additional(bill_number, terminal_label, reference_label)
    body += "6304"
    return body + crc16(body)


def bill_payment(
    biller_id: str,
    ref1: str,
    ref2: str | None = None,
    amount_satang: int | None = None,
    *,
    ref3: str | None = None,
    merchant_name: str | None = None,
    merchant_city: str | None = None,
    bill_number: str | None = None,
    reference_label: str | None = None,
) -> str:
    """Tag 30 payload: biller ID (tax ID + 2-digit suffix), ref1, optional ref2 and ref3.

    ref3 travels in tag 62 sub-tag 07 (the terminal label), as Thai banks read it.
    """
    account = (
        f"0016{f.AID_BILL_PAYMENT}0115{f.biller(biller_id)}{tlv('02', f.reference('ref1', ref1))}"
    )
    if ref2 is not None:
        account += tlv("03", f.reference("ref2", ref2))
    body = f"00020101021{'1' if amount_satang is None else '2'}30{len(account):02d}{account}{_TH}"
    if amount_satang is not None:
        body += f.amount_field(amount_satang)
    if ref3 is not None:
        ref3 = f.reference("ref3", ref3)
    body += _merchant(merchant_name, merchant_city)
    body += _additional(bill_number, ref3, reference_label)
    return with_crc(body)


def truemoney(mobile: str, amount_satang: int | None = None, *, message: str | None = None) -> str:
    """TrueMoney Wallet QR: e-wallet ``14000`` + mobile, optional personal message (tag 81).

    Any banking app pays it as an e-wallet PromptPay; only TrueMoney shows the message.
    """
    _kind, _sub, field = f.proxy(mobile, "mobile")
    wallet = f.TRUEMONEY_PREFIX + f.mobile_from_field(field)
    account = f"0016{f.AID_CREDIT_TRANSFER}0315{wallet}"
    body = f"00020101021{'1' if amount_satang is None else '2'}29{len(account):02d}{account}{_TH}"
    if amount_satang is not None:
        body += f.amount_field(amount_satang)
    if message is not None:
        if not isinstance(message, str) or not message:
            raise PromptPayError(
                "promptpay.message_empty",
                "ข้อความต้องไม่ว่าง แต่ได้ {value}",
                "message must be a non-empty text, got {value}",
                value=repr(message),
            )
        encoded = message.encode("utf-16-be").hex().upper()  # tag 81: UTF-16 code units in hex
        if len(encoded) > 99:
            raise PromptPayError(
                "promptpay.message_too_long",
                "ข้อความยาว {length} ตัวอักษร ใส่ได้ไม่เกิน 24 ตัวอักษร",
                "message is {length} characters long; at most 24",
                length=len(message),
            )
        body += tlv("81", encoded)
    return with_crc(body)


def slip_verify(bank_code: str, transaction_ref: str) -> str:
    """The mini-QR a Thai bank prints on a transfer slip (tag 00 with API ID 000001, CRC in 91)."""
    if not (isinstance(bank_code, str) and len(bank_code) == 3 and bank_code.isdecimal()):
        raise PromptPayError(
            "promptpay.bank_code",
            "รหัสธนาคารต้องเป็นตัวเลข 3 หลัก (เช่น 002, 014) แต่ได้ {value}",
            "bank_code must be 3 digits (e.g. 002, 014), got {value}",
            value=repr(bank_code),
        )
    if not (isinstance(transaction_ref, str) and transaction_ref.isalnum()):
        raise _not_alphanumeric("transaction_ref", transaction_ref)
    inner = tlv("00", f.SLIP_API_ID) + tlv("01", bank_code) + tlv("02", transaction_ref)
    return with_crc(tlv("00", inner) + "5102TH", "91")


def _not_alphanumeric(name: str, value: object) -> PromptPayError:
    return PromptPayError(
        "promptpay.not_alphanumeric",
        "{name} ต้องเป็นตัวอักษรและตัวเลขเท่านั้น แต่ได้ {value}",
        "{name} must be letters and digits, got {value}",
        name=name,
        value=repr(value),
    )


def truemoney_slip_verify(event_type: str, transaction_id: str, transaction_date: date) -> str:
    """TrueMoney's slip mini-QR: tag 00 with 00=01, 01=01, event, transaction, DDMMYYYY date.

    TrueMoney writes its CRC in lower-case hex, and so do we, so that it matches theirs.
    """
    for name, value in (("event_type", event_type), ("transaction_id", transaction_id)):
        if not (isinstance(value, str) and value.isalnum() and value.isascii()):
            raise _not_alphanumeric(name, value)
    if not isinstance(transaction_date, date):
        raise PromptPayError(
            "promptpay.transaction_date",
            "transaction_date ต้องเป็นวันที่ แต่ได้ {value}",
            "transaction_date must be a date, got {value}",
            value=repr(transaction_date),
        )
    inner = (
        "000201010201"
        + tlv("02", event_type)
        + tlv("03", transaction_id)
        + tlv("04", transaction_date.strftime("%d%m%Y"))
    )
    body = tlv("00", inner) + "9104"
    return body + crc16(body).lower()


def bot_barcode(
    biller_id: str, ref1: str, ref2: str | None = None, amount_satang: int | None = None
) -> str:
    """The Bank of Thailand 1-D bill-payment barcode text: ``|biller CR ref1 CR ref2 CR satang``."""
    biller_id = f.biller(biller_id)
    ref1 = f.reference("ref1", ref1)
    ref2 = "" if ref2 is None else f.reference("ref2", ref2)
    amount = "0"
    if amount_satang is not None:
        f.amount_field(amount_satang)  # the same limits as the QR
        amount = str(amount_satang)
    return f"|{biller_id}\r{ref1}\r{ref2}\r{amount}"


def bot_barcode_to_qr(barcode: str | BotBarcode) -> str:
    """The tag 30 bill-payment QR for a BOT barcode (works where the biller's bank accepts it)."""
    if isinstance(barcode, str):
        barcode = parse_bot_barcode(barcode)
    return bill_payment(barcode.biller_id, barcode.ref1, barcode.ref2, barcode.amount_satang)


def _merchant(name: str | None, city: str | None) -> str:
    out = ""
    if name is not None:
        out += tlv("59", f.text("merchant_name", name, f.MERCHANT_NAME_MAX))
    if city is not None:
        out += tlv("60", f.text("merchant_city", city, f.MERCHANT_CITY_MAX))
    return out


def _additional(
    bill_number: str | None, terminal_label: str | None, reference_label: str | None
) -> str:
    inner = ""
    for sub_tag, name, value in (
        ("01", "bill_number", bill_number),
        ("05", "reference_label", reference_label),
        ("07", "terminal_label", terminal_label),
    ):
        if value is not None:
            inner += tlv(sub_tag, f.text(name, value, f.ADDITIONAL_MAX))
    return tlv("62", inner) if inner else ""
