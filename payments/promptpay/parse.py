"""Reading Thai QR payloads, slip mini-QRs and BOT barcodes into frozen values.

Pure: standard library and stdnum. Import these names from :mod:`payments.promptpay`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from payments.promptpay import fields as f
from payments.promptpay.emv import PromptPayError, crc16, decode_fields, subfields

_TEMPLATE_TAGS = frozenset(
    [f"{n:02d}" for n in range(2, 52)] + ["62", "64"] + [f"{n:02d}" for n in range(80, 100)]
)
_MANDATORY = {"53": "transaction currency", "58": "country code"}
_ADDITIONAL_NAMES = {
    "01": "bill_number",
    "02": "mobile_number",
    "03": "store_label",
    "04": "loyalty_number",
    "05": "reference_label",
    "06": "customer_label",
    "07": "terminal_label",
    "08": "purpose",
    "09": "consumer_data_request",
}
_PROXY_BY_SUBTAG = {"01": "mobile", "02": "national_id", "03": "ewallet", "04": "bank_account"}
_SLIP_TAIL = re.compile(r"(.*9104)([0-9A-Fa-f]{1,4})", re.DOTALL)


@dataclass(frozen=True, slots=True)
class QRPayload:
    """A merchant-presented EMVCo payload, read. Amounts are integer satang."""

    raw: str
    kind: str  # credit_transfer | bill_payment | truemoney | other
    initiation: str | None  # static (01 = 11) | dynamic (01 = 12) | None when tag 01 is absent
    tags: dict[str, str]
    subtags: dict[str, dict[str, str]] = field(default_factory=dict)
    proxy_type: str | None = None  # mobile | national_id | tax_id | ewallet | bank_account
    proxy_value: str | None = None  # a mobile as 0812345678
    amount_satang: int | None = None
    biller_id: str | None = None
    ref1: str | None = None
    ref2: str | None = None
    ref3: str | None = None
    merchant_name: str | None = None
    merchant_city: str | None = None
    currency: str | None = None
    country: str | None = None
    additional: dict[str, str] = field(default_factory=dict)
    message: str | None = None  # TrueMoney personal message (tag 81)
    wallet_mobile: str | None = None  # TrueMoney wallet's mobile number


@dataclass(frozen=True, slots=True)
class Slip:
    """A transfer slip's mini-QR: who sent it and the transfer's reference."""

    bank_code: str | None  # sending bank, e.g. 002, 014; None for TrueMoney
    transaction_ref: str
    country: str | None
    api_id: str
    raw: str  # as read, with any CRC zeros a bank app dropped put back
    kind: str = "bank"  # bank | truemoney
    event_type: str | None = None  # TrueMoney, e.g. P2P
    transaction_date: date | None = None  # TrueMoney

    @property
    def unique_key(self) -> str:
        """What identifies the transfer, as the slip spells it (see :func:`slip_key`)."""
        return f"{self.bank_code or self.kind}:{self.transaction_ref}"

    @property
    def normal_key(self) -> str:
        """What identifies the transfer however it is spelled: a slip is accepted only once."""
        return slip_key(self.unique_key)


# Thai banks' short names, as apps and people write them, to the Bank of Thailand's 3-digit
# code the slips carry (only the banks whose codes are settled; anything else stays as read).
BANK_CODES = {
    "BBL": "002",
    "KBANK": "004",
    "KBNK": "004",
    "KTB": "006",
    "TTB": "011",
    "TMB": "011",
    "SCB": "014",
    "CIMB": "022",
    "CIMBT": "022",
    "UOB": "024",
    "UOBT": "024",
    "BAY": "025",
    "KRUNGSRI": "025",
    "GSB": "030",
    "GHB": "033",
    "BAAC": "034",
    "TISCO": "067",
    "KKP": "069",
    "LHB": "073",
    "LHBANK": "073",
}
_SPACING = re.compile(r"[\s\-_.]+")


def normal_bank_code(code: str) -> str:
    """A sending bank as the banks write it: the 3-digit code, zero-padded (``4``, ``04``,
    ``0004``, ``KBank`` and ``004`` are one bank); spaces and dashes dropped, upper-case."""
    text = _SPACING.sub("", code).upper()
    if text.isdecimal():
        return f"{int(text):03d}"
    return BANK_CODES.get(text, text)


def slip_key(unique_key: str) -> str:
    """A slip's identity (``bank:transaction``, as :attr:`Slip.unique_key` spells it), normalised
    as the banks write it: the bank by :func:`normal_bank_code` (TrueMoney's ``truemoney``
    stays), the transaction reference upper-case without spaces or dashes. Two slips with one
    key are one transfer."""
    bank, _, reference = unique_key.partition(":")
    bank = bank.strip().lower() if bank.strip().lower() == "truemoney" else normal_bank_code(bank)
    return f"{bank}:{_SPACING.sub('', reference).upper()}"


@dataclass(frozen=True, slots=True)
class BotBarcode:
    """The Bank of Thailand 1-D bill-payment barcode, read."""

    biller_id: str
    ref1: str
    ref2: str | None
    amount_satang: int | None


def parse(payload: str) -> QRPayload:
    """Read any EMVCo merchant-presented payload; refuses a wrong CRC or malformed field."""
    text = _checked_crc(payload)
    tags = decode_fields(text)
    for tag, name in _MANDATORY.items():
        if tag not in tags:
            raise PromptPayError(
                "promptpay.tag_missing",
                "QR ไม่มีแท็ก {tag} ({name}) ซึ่งต้องมี",
                "payload lacks mandatory tag {tag} ({name})",
                tag=tag,
                name=name,
            )
    if not any("02" <= tag <= "51" for tag in tags):
        raise PromptPayError(
            "promptpay.no_account",
            "QR ไม่มีข้อมูลบัญชีผู้รับเงิน (แท็ก 02 ถึง 51)",
            "payload lacks merchant account information (tags 02 to 51)",
        )
    values: dict[str, object] = {
        "initiation": _initiation(tags.get("01")),
        "amount_satang": f.amount_from_field(tags["54"]) if "54" in tags else None,
        "merchant_name": tags.get("59"),
        "merchant_city": tags.get("60"),
        "currency": tags["53"],
        "country": tags["58"],
        "additional": _additional(tags.get("62")),
        "subtags": {t: s for t, v in tags.items() if t in _TEMPLATE_TAGS if (s := subfields(v))},
    }
    values.update(_account(tags, values))
    return QRPayload(raw=text, tags=tags, **values)  # type: ignore[arg-type]


def _checked_crc(payload: object) -> str:
    if not isinstance(payload, str):
        raise _not_text(payload)
    text = payload.strip()
    if not text.startswith("000201"):
        raise PromptPayError(
            "promptpay.payload_start",
            "QR นี้ไม่ใช่ QR ชำระเงิน: ต้องขึ้นต้นด้วยแท็ก 00 (รูปแบบข้อมูล) = 01: '000201'",
            "payload must begin with tag 00 (payload format) = 01: '000201'",
        )
    if len(text) < 14 or text[-8:-4] != "6304":
        raise PromptPayError(
            "promptpay.payload_end",
            "QR ไม่ครบ: ต้องลงท้ายด้วยแท็ก 63 (CRC): '6304' และเลขฐานสิบหก 4 หลัก",
            "payload must end with tag 63 (CRC): '6304' and 4 hex digits",
        )
    expected = crc16(text[:-4])
    if text[-4:] != expected:
        raise PromptPayError(
            "promptpay.crc",
            "QR เสียหายหรืออ่านผิด: CRC ใน QR คือ “{given}” แต่ข้อมูลให้ค่า “{expected}”",
            "wrong CRC: the payload says {given!r}, its content gives {expected!r}",
            given=text[-4:],
            expected=expected,
        )
    return text


def _initiation(value: str | None) -> str | None:
    if value is None:
        return None
    if value == "11":
        return "static"
    if value == "12":
        return "dynamic"
    raise PromptPayError(
        "promptpay.initiation",
        "แท็ก 01 (ชนิด QR) ต้องเป็น 11 (QR แบบคงที่) หรือ 12 (QR แบบใช้ครั้งเดียว) ไม่ใช่ “{value}”",
        "tag 01 (initiation) must be 11 (static) or 12 (dynamic), not {value!r}",
        value=value,
    )


def _additional(value: str | None) -> dict[str, str]:
    if value is None:
        return {}
    fields = decode_fields(value, "tag 62 (additional data)")
    return {_ADDITIONAL_NAMES.get(sub, sub): v for sub, v in fields.items()}


def _account(tags: dict[str, str], values: dict[str, object]) -> dict[str, object]:
    if "29" in tags:
        subs = decode_fields(tags["29"], "tag 29 (PromptPay credit transfer)")
        if subs.get("00") == f.AID_CREDIT_TRANSFER:
            return _credit_transfer(subs, tags)
    if "30" in tags:
        subs = decode_fields(tags["30"], "tag 30 (PromptPay bill payment)")
        if subs.get("00") == f.AID_BILL_PAYMENT:
            return _bill_payment(subs, values)
    return {"kind": "other"}


def _credit_transfer(subs: dict[str, str], tags: dict[str, str]) -> dict[str, object]:
    found = [sub for sub in _PROXY_BY_SUBTAG if sub in subs]
    if len(found) != 1:
        raise PromptPayError(
            "promptpay.proxy_count",
            "แท็ก 29 ต้องมีแท็กย่อยเพียงหนึ่งอย่างจาก 01 (มือถือ), 02 (เลขประจำตัว),"
            " 03 (e-wallet), 04 (บัญชีธนาคาร) แต่มี {found}",
            "tag 29 must carry exactly one of sub-tags 01 (mobile), 02 (ID), 03 (e-wallet),"
            " 04 (bank account); it has {found}",
            found=", ".join(found) or "none",
        )
    sub = found[0]
    value = subs[sub]
    _check_proxy_value(sub, value)
    result: dict[str, object] = {"kind": "credit_transfer", "proxy_type": _PROXY_BY_SUBTAG[sub]}
    if sub == "01":
        value = f.mobile_from_field(value)
    elif sub == "02":
        result["proxy_type"] = f.id_type(value)
    elif sub == "03" and value.startswith(f.TRUEMONEY_PREFIX):
        result["kind"] = "truemoney"
        result["wallet_mobile"] = value[len(f.TRUEMONEY_PREFIX) :]
        result["message"] = _message(tags.get("81"))
    result["proxy_value"] = value
    return result


def _check_proxy_value(sub: str, value: str) -> None:
    size = {"01": (13,), "02": (13,), "03": (15,), "04": tuple(range(4, 44))}[sub]
    if not (value.isdecimal() and value.isascii() and len(value) in size):
        raise PromptPayError(
            "promptpay.proxy_value",
            "แท็ก 29 แท็กย่อย {sub} ({proxy_type}) มีค่าที่ผิดรูปแบบ “{value}”",
            "tag 29 sub-tag {sub} ({proxy_type}) has a malformed value {value!r}",
            sub=sub,
            proxy_type=_PROXY_BY_SUBTAG[sub],
            value=value,
        )


def _message(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return bytes.fromhex(value).decode("utf-16-be")
    except ValueError:
        raise PromptPayError(
            "promptpay.message_encoding",
            "แท็ก 81 (ข้อความ) ไม่ใช่ UTF-16 แบบเลขฐานสิบหก: “{value}”",
            "tag 81 (message) is not UTF-16 hex: {value!r}",
            value=value,
        ) from None


def _bill_payment(subs: dict[str, str], values: dict[str, object]) -> dict[str, object]:
    for sub, name in (("01", "biller ID"), ("02", "ref1")):
        if sub not in subs:
            raise PromptPayError(
                "promptpay.bill_subtag_missing",
                "แท็ก 30 (ชำระค่าสินค้า/บริการ) ไม่มีแท็กย่อย {sub} ({name})",
                "tag 30 lacks sub-tag {sub} ({name})",
                sub=sub,
                name=name,
            )
    additional = values["additional"]
    assert isinstance(additional, dict)
    return {
        "kind": "bill_payment",
        "biller_id": subs["01"],
        "ref1": subs["02"],
        "ref2": subs.get("03"),
        "ref3": additional.get("terminal_label"),
    }


def parse_slip(payload: str) -> Slip:
    """Read a Thai bank slip mini-QR or TrueMoney's; CRC checked, dropped leading zeros put back."""
    text = _slip_text(payload)
    tags = decode_fields(text, "slip")
    if list(tags)[-1] != "91":
        raise PromptPayError(
            "promptpay.slip_last_tag",
            "QR บนสลิปต้องลงท้ายด้วยแท็ก 91 (CRC)",
            "slip must end with tag 91 (CRC)",
        )
    if "00" not in tags:
        raise PromptPayError(
            "promptpay.slip_no_reference",
            "QR บนสลิปไม่มีแท็ก 00 (ข้อมูลอ้างอิงการโอน)",
            "slip lacks tag 00 (the transfer reference template)",
        )
    inner = decode_fields(tags["00"], "slip tag 00")
    if inner.get("00") == f.SLIP_API_ID:
        for sub, name in (("01", "sending bank"), ("02", "transaction reference")):
            if sub not in inner:
                raise PromptPayError(
                    "promptpay.slip_subtag_missing",
                    "QR บนสลิป แท็ก 00 ไม่มีแท็กย่อย {sub} ({name})",
                    "slip tag 00 lacks sub-tag {sub} ({name})",
                    sub=sub,
                    name=name,
                )
        return Slip(inner["01"], inner["02"], tags.get("51"), inner["00"], text)
    if inner.get("00") == "01" and inner.get("01") == "01":
        for sub, name in (("02", "event type"), ("03", "transaction ID"), ("04", "date")):
            if sub not in inner:
                raise PromptPayError(
                    "promptpay.truemoney_slip_subtag_missing",
                    "QR บนสลิป TrueMoney แท็ก 00 ไม่มีแท็กย่อย {sub} ({name})",
                    "TrueMoney slip tag 00 lacks sub-tag {sub} ({name})",
                    sub=sub,
                    name=name,
                )
        return Slip(
            None,
            inner["03"],
            tags.get("51"),
            inner["00"],
            text,
            kind="truemoney",
            event_type=inner["02"],
            transaction_date=_ddmmyyyy(inner["04"]),
        )
    raise PromptPayError(
        "promptpay.slip_api_id",
        "QR บนสลิปมีรหัส API ที่ไม่รู้จัก “{api_id}” (ควรเป็น 000001)",
        "slip tag 00 has an unknown API ID {api_id} (expected 000001)",
        api_id=repr(inner.get("00")),
    )


def _slip_text(payload: object) -> str:
    if not isinstance(payload, str):
        raise PromptPayError(
            "promptpay.slip_not_text",
            "QR บนสลิปต้องเป็นข้อความ แต่ได้ {type_name}",
            "slip payload must be text, got {type_name}",
            type_name=type(payload).__name__,
        )
    text = payload.strip()
    if text.startswith("000201") and text[-8:-4] == "6304":
        raise PromptPayError(
            "promptpay.payment_qr_not_slip",
            "นี่คือ QR สำหรับชำระเงิน ไม่ใช่ QR บนสลิปโอนเงิน",
            "this is a payment QR, not a slip: read it with parse()",
        )
    match = _SLIP_TAIL.fullmatch(text)
    if match is None:
        raise PromptPayError(
            "promptpay.slip_end",
            "QR บนสลิปไม่ครบ: ต้องลงท้ายด้วยแท็ก 91 (CRC): '9104' และเลขฐานสิบหก 4 หลัก",
            "slip must end with tag 91 (CRC): '9104' and 4 hex digits",
        )
    body, crc = match[1], match[2].rjust(4, "0")  # some bank apps drop the CRC's leading zeros
    expected = crc16(body)
    if crc.upper() != expected:
        raise PromptPayError(
            "promptpay.slip_crc",
            "QR บนสลิปเสียหายหรืออ่านผิด: CRC บนสลิปคือ “{given}” แต่ข้อมูลให้ค่า “{expected}”",
            "wrong slip CRC: the slip says {given!r}, its content gives {expected!r}",
            given=crc,
            expected=expected,
        )
    return body + crc


def _ddmmyyyy(value: str) -> date:
    try:
        return datetime.strptime(value, "%d%m%Y").date()
    except ValueError:
        raise PromptPayError(
            "promptpay.truemoney_slip_date",
            "วันที่บนสลิป TrueMoney “{value}” ไม่ใช่รูปแบบ DDMMYYYY",
            "TrueMoney slip date {value!r} is not DDMMYYYY",
            value=value,
        ) from None


def parse_bot_barcode(text: str) -> BotBarcode:
    """Read a BOT bill-payment barcode: ``|biller CR ref1 CR ref2 CR amount in satang``."""
    if not isinstance(text, str) or not text.startswith("|"):
        raise PromptPayError(
            "promptpay.bot_barcode_start",
            "บาร์โค้ดชำระเงินของ ธปท. ต้องขึ้นต้นด้วย '|'",
            "a BOT barcode begins with '|'",
        )
    parts = re.split(r"\r\n|\r|\n", text[1:])
    if len(parts) == 5 and parts[-1] == "":
        parts.pop()  # the Enter a keyboard-wedge scanner sends after the code
    if len(parts) != 4:
        raise PromptPayError(
            "promptpay.bot_barcode_parts",
            "บาร์โค้ดชำระเงินของ ธปท. มี 4 ส่วน (รหัสผู้รับชำระ, ref1, ref2, จำนวนเงิน)"
            " แต่บาร์โค้ดนี้มี {parts} ส่วน",
            "a BOT barcode has 4 parts (biller ID, ref1, ref2, amount), this one has {parts}",
            parts=len(parts),
        )
    biller_id, ref1, ref2, amount = parts
    if not (amount.isdecimal() and amount.isascii() and len(amount) <= 12):
        raise PromptPayError(
            "promptpay.bot_barcode_amount",
            "จำนวนเงินในบาร์โค้ด ธปท. “{amount}” ต้องเป็นตัวเลขหน่วยสตางค์ (0 = ไม่ระบุ)",
            "BOT barcode amount {amount!r} must be satang in digits (0 for none)",
            amount=amount,
        )
    return BotBarcode(
        f.biller(biller_id),
        f.reference("ref1", ref1),
        f.reference("ref2", ref2) if ref2 else None,
        int(amount) or None,
    )


def _not_text(payload: object) -> PromptPayError:
    return PromptPayError(
        "promptpay.payload_not_text",
        "ข้อมูล QR ต้องเป็นข้อความ แต่ได้ {type_name}",
        "payload must be text, got {type_name}",
        type_name=type(payload).__name__,
    )


def parse_any(payload: str) -> QRPayload | Slip | BotBarcode:
    """A payment QR, a slip mini-QR or a BOT barcode, told apart by their shape."""
    if not isinstance(payload, str):
        raise _not_text(payload)
    text = payload.strip()
    if payload.startswith("|"):
        return parse_bot_barcode(payload)
    if text.startswith("000201") or text[-8:-4] == "6304":
        return parse(text)
    return parse_slip(text)
