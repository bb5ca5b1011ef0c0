"""Entrepreneurs' bank accounts, the pure rules: the Thai banks a payout can go to (the Bank
of Thailand's three-digit bank codes, as the bulk-transfer files and ITMX use them), and an
account number checked for its bank.

An account number is typed with dashes or spaces as the passbook prints it
(``123-4-56789-0``); only its digits are kept, and their count must be the bank's: ten for
the commercial banks, twelve for the Government Savings Bank, the BAAC and the Government
Housing Bank (their passbooks' numbers). A number of the wrong length is refused with both
the count typed and the count wanted, never shortened or padded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kernel.errors import InvalidInputError
from kernel.text import ascii_digits, check_text

ACCOUNT_NAME_MAX = 120
_SEPARATORS = re.compile(r"[\s\-–.]+")


@dataclass(frozen=True, slots=True)
class Bank:
    code: str  # the Bank of Thailand's three digits
    short: str
    name_th: str
    name_en: str
    digits: int  # an account number's length at this bank


BANKS: tuple[Bank, ...] = (
    Bank("002", "BBL", "ธนาคารกรุงเทพ", "Bangkok Bank", 10),
    Bank("004", "KBANK", "ธนาคารกสิกรไทย", "Kasikornbank", 10),
    Bank("006", "KTB", "ธนาคารกรุงไทย", "Krungthai Bank", 10),
    Bank("011", "TTB", "ธนาคารทหารไทยธนชาต", "TMBThanachart Bank", 10),
    Bank("014", "SCB", "ธนาคารไทยพาณิชย์", "Siam Commercial Bank", 10),
    Bank("022", "CIMBT", "ธนาคารซีไอเอ็มบี ไทย", "CIMB Thai Bank", 10),
    Bank("024", "UOBT", "ธนาคารยูโอบี", "United Overseas Bank (Thai)", 10),
    Bank("025", "BAY", "ธนาคารกรุงศรีอยุธยา", "Bank of Ayudhya (Krungsri)", 10),
    Bank("030", "GSB", "ธนาคารออมสิน", "Government Savings Bank", 12),
    Bank("033", "GHB", "ธนาคารอาคารสงเคราะห์", "Government Housing Bank", 12),
    Bank("034", "BAAC", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร (ธ.ก.ส.)", "BAAC", 12),
    Bank("066", "IBANK", "ธนาคารอิสลามแห่งประเทศไทย", "Islamic Bank of Thailand", 10),
    Bank("067", "TISCO", "ธนาคารทิสโก้", "TISCO Bank", 10),
    Bank("069", "KKP", "ธนาคารเกียรตินาคินภัทร", "Kiatnakin Phatra Bank", 10),
    Bank("070", "ICBCT", "ธนาคารไอซีบีซี (ไทย)", "ICBC (Thai)", 10),
    Bank("071", "TCRB", "ธนาคารไทยเครดิต", "Thai Credit Bank", 10),
    Bank("073", "LHFG", "ธนาคารแลนด์ แอนด์ เฮ้าส์", "Land and Houses Bank", 10),
)
_BY_KEY = {key: bank for bank in BANKS for key in (bank.code, bank.short)}
_ALIASES = {
    "KBNK": "004",
    "TMB": "011",
    "CIMB": "022",
    "UOB": "024",
    "KRUNGSRI": "025",
    "LHB": "073",
    "LHBANK": "073",
}


@dataclass(frozen=True, slots=True)
class BankAccount:
    bank_code: str
    account_number: str  # digits only
    account_name: str

    @property
    def bank(self) -> Bank:
        return _BY_KEY[self.bank_code]


def find_bank(value: object, field: str = "bank_code") -> Bank:
    """A bank by its three-digit code (``4`` or ``004``) or short name (``KBANK``)."""
    text = value.strip().upper() if isinstance(value, str) else ""
    if ascii_digits(text) and 0 < len(text) <= 3:
        text = f"{int(text):03d}"
    bank = _BY_KEY.get(_ALIASES.get(text, text))
    if bank is None:
        raise InvalidInputError(
            "bank_account.bank_unknown",
            "ไม่รู้จักธนาคาร '{value}': ใช้รหัสธนาคาร 3 หลัก เช่น 004 หรือชื่อย่อ เช่น KBANK",
            field=field,
            value=str(value)[:20] if value is not None else "",
        )
    return bank


def clean_account_number(bank: Bank, value: object, field: str = "account_number") -> str:
    """The account's digits (dashes, dots and spaces dropped), as many as the bank's are."""
    text = check_text(value, field) if isinstance(value, str) else ""
    digits = _SEPARATORS.sub("", text)
    if not digits:
        raise InvalidInputError("bank_account.number_required", "กรุณากรอกเลขที่บัญชี", field=field)
    if not ascii_digits(digits):
        raise InvalidInputError(
            "bank_account.number_not_digits",
            "เลขที่บัญชีต้องเป็นตัวเลขเท่านั้น (ขีดและช่องว่างใส่ได้): '{value}'",
            field=field,
            value=text[:30],
        )
    if len(digits) != bank.digits:
        raise InvalidInputError(
            "bank_account.number_length",
            "เลขที่บัญชี{bank_th}ต้องมี {wanted} หลัก แต่กรอกมา {length} หลัก",
            field=field,
            bank_th=bank.name_th,
            bank_en=bank.name_en,
            wanted=bank.digits,
            length=len(digits),
        )
    return digits


def clean_account_name(value: object, field: str = "account_name") -> str:
    """The account holder's name as the bank has it: single spaces, 1-120 characters."""
    text = " ".join(check_text(value, field).split()) if isinstance(value, str) else ""
    if not text:
        raise InvalidInputError(
            "bank_account.name_required", "กรุณากรอกชื่อบัญชี (ตามสมุดบัญชีธนาคาร)", field=field
        )
    if len(text) > ACCOUNT_NAME_MAX:
        raise InvalidInputError(
            "bank_account.name_too_long",
            "ชื่อบัญชียาว {length} ตัวอักษร ใส่ได้ไม่เกิน {limit} ตัวอักษร",
            field=field,
            length=len(text),
            limit=ACCOUNT_NAME_MAX,
        )
    return text


def check_bank_account(bank: object, number: object, name: object) -> BankAccount:
    """A bank account from what was typed, or the first rule it breaks."""
    found = find_bank(bank)
    return BankAccount(found.code, clean_account_number(found, number), clean_account_name(name))


def is_valid(bank_code: str, account_number: str, account_name: str) -> bool:
    """Whether a stored account still passes the rules (the bank file pays only those)."""
    try:
        check_bank_account(bank_code, account_number, account_name)
    except InvalidInputError:
        return False
    return True


def shown_number(account: BankAccount) -> str:
    """The number grouped as passbooks print it: ``123-4-56789-0`` (ten digits) or in fours."""
    n = account.account_number
    if len(n) == 10:
        return f"{n[:3]}-{n[3]}-{n[4:9]}-{n[9]}"
    return "-".join(n[i : i + 4] for i in range(0, len(n), 4))
