"""Writes tests/promptpay_vectors.json: PromptPay payloads as the Python makes them, for the
till's web/static/promptpay.js to make the same (tests/js/promptpay_vectors.test.js).

The file is never edited by hand: ``python -m tests.promptpay_vectors`` writes it, and
tests/unit/test_promptpay_vectors.py fails while it differs from what :func:`build` gives now,
so a change to the codec that changes a payload shows up as a diff to this file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any
from unittest import mock

from payments import promptpay, references
from payments.references import ReceivingAccount, payment_payload

VECTORS_PATH = Path(__file__).resolve().parent / "promptpay_vectors.json"

NATIONAL_ID = "3100600445635"  # valid check digit (stdnum's own example)
COMPANY_TAX_ID = "0993000133978"  # a company's tax ID (MOA number), first digit 0
EWALLET_ID = "004999000288505"  # 15 digits
BILLER_ID = "010555512345601"  # a company tax ID + suffix 01
AMOUNTS = [1, 99, 100, 15025, 12345678, 999_999_999_999]

_CREDIT_TARGETS: list[tuple[str, str, dict[str, str]]] = [
    ("mobile 0...", "0812345678", {}),
    ("mobile with dashes", "081-234-5678", {}),
    ("mobile +66 with spaces", "+66 81 234 5678", {}),
    ("mobile +66", "+66912345678", {}),
    ("mobile 66 without plus", "66612345678", {}),
    ("mobile with spaces around", " 081 234 5678 ", {}),
    ("national ID", NATIONAL_ID, {}),
    ("national ID with dashes", "3-1006-00445-63-5", {}),
    ("company tax ID", COMPANY_TAX_ID, {}),
    ("national ID asked as tax ID", NATIONAL_ID, {"proxy_type": "tax_id"}),
    ("e-wallet ID", EWALLET_ID, {}),
    ("bank account", "014-1-23456-7", {"proxy_type": "bank_account"}),
]

_CREDIT_EXTRAS: list[tuple[str, dict[str, str]]] = [
    ("merchant name only", {"merchant_name": "OTOP SAN KAMPHAENG"}),
    ("merchant and city", {"merchant_name": "OTOP SAN KAMPHAENG", "merchant_city": "CHIANG MAI"}),
    ("reference label only", {"reference_label": "OTPAAAABBBBCCCC2"}),
    ("bill number and terminal", {"bill_number": "INV-0001", "terminal_label": "TILL 2"}),
    (
        "every optional field",
        {
            "merchant_name": "Ban Rai Craft",
            "merchant_city": "Lamphun",
            "bill_number": "S1",
            "terminal_label": "T1",
            "reference_label": "OTP2222333344445",
        },
    ),
]

_BILLS: list[tuple[str, str, str | None, dict[str, str]]] = [
    ("ref1 only", "OTPAAAABBBBCCCC2", None, {}),
    ("ref1 and ref2", "INV20260001", "CUST42", {}),
    ("20-character refs", "A" * 20, "9" * 20, {}),
    ("ref3 in the terminal label", "REF1", "REF2", {"ref3": "REF3"}),
    (
        "merchant, city, bill number, reference label",
        "OTP7777777777776",
        None,
        {
            "merchant_name": "OTOP SAN KAMPHAENG",
            "merchant_city": "CHIANG MAI",
            "bill_number": "B-77",
            "reference_label": "LABEL",
        },
    ),
]

_ACCOUNTS: list[tuple[str, ReceivingAccount]] = [
    (
        "PromptPay mobile",
        ReceivingAccount("0812345678", None, "OTOP SAN KAMPHAENG", "CHIANG MAI"),
    ),
    (
        "PromptPay national ID",
        ReceivingAccount(NATIONAL_ID, None, "OTOP SAN KAMPHAENG", "CHIANG MAI"),
    ),
    (
        "PromptPay company tax ID, other shop",
        ReceivingAccount(COMPANY_TAX_ID, None, "Ban Rai Craft", "Lamphun"),
    ),
    ("biller ID", ReceivingAccount(None, BILLER_ID, "OTOP SAN KAMPHAENG", "CHIANG MAI")),
    ("biller ID wins", ReceivingAccount("0812345678", BILLER_ID, "OTOP SAN KAMPHAENG", "LAMPHUN")),
]

# Random bytes for new_reference(): every bit pattern a base32 tail can end on.
_REFERENCE_BYTES = [
    [0] * 8,
    [255] * 8,
    [1, 2, 3, 4, 5, 6, 7, 8],
    [0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x23, 0x45, 0x67],
    [0x80, 0, 0, 0, 0, 0, 0, 1],
    [0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE],
]

# (case, function, positional arguments, keyword arguments): each refused with a code.
_REFUSALS: list[tuple[str, str, list[Any], dict[str, Any]]] = [
    ("zero amount", "credit_transfer", ["0812345678", 0], {}),
    ("negative amount", "credit_transfer", ["0812345678", -100], {}),
    ("fractional amount", "credit_transfer", ["0812345678", 1.5], {}),
    ("amount over 13 characters", "credit_transfer", ["0812345678", 10**12], {}),
    ("a landline", "credit_transfer", ["0212345678"], {}),
    ("too few digits", "credit_transfer", ["12345"], {}),
    ("letters", "credit_transfer", ["08123abcde"], {}),
    ("empty target", "credit_transfer", [""], {}),
    ("bad check digit", "credit_transfer", ["3100600445636"], {"proxy_type": "national_id"}),
    ("bad check digit inferred", "credit_transfer", ["3100600445636"], {}),
    (
        "company ID asked as national ID",
        "credit_transfer",
        [COMPANY_TAX_ID],
        {"proxy_type": "national_id"},
    ),
    ("short e-wallet", "credit_transfer", ["00499900028850"], {"proxy_type": "ewallet"}),
    ("short bank account", "credit_transfer", ["014"], {"proxy_type": "bank_account"}),
    ("unknown proxy type", "credit_transfer", ["0812345678"], {"proxy_type": "iban"}),
    ("Thai merchant name", "credit_transfer", ["0812345678"], {"merchant_name": "โอทอป"}),
    ("long merchant name", "credit_transfer", ["0812345678"], {"merchant_name": "M" * 26}),
    ("long merchant city", "credit_transfer", ["0812345678"], {"merchant_city": "C" * 16}),
    ("empty reference label", "credit_transfer", ["0812345678"], {"reference_label": ""}),
    ("lower-case ref1", "bill_payment", [BILLER_ID, "otp123"], {}),
    ("21-character ref1", "bill_payment", [BILLER_ID, "A" * 21], {}),
    ("empty ref2", "bill_payment", [BILLER_ID, "REF1", ""], {}),
    ("14-digit biller", "bill_payment", [BILLER_ID[:-1], "REF1"], {}),
    ("bill of zero", "bill_payment", [BILLER_ID, "REF1", None, 0], {}),
    ("bad ref3", "bill_payment", [BILLER_ID, "REF1"], {"ref3": "a-b"}),
]


def _refusal_code(function: Callable[..., str], args: list[Any], kwargs: dict[str, Any]) -> str:
    try:
        function(*args, **kwargs)
    except promptpay.PromptPayError as error:
        return error.code
    raise AssertionError(f"{function.__name__}{tuple(args)} {kwargs} was not refused")


def _reference_of(random: list[int]) -> str:
    """What new_reference() makes when the random source gives these bytes."""
    with mock.patch.object(references.secrets, "token_bytes", return_value=bytes(random)):
        return references.new_reference()


def build() -> dict[str, Any]:
    """Every case, computed by payments.promptpay and payments.references as they are now."""
    credit = []
    for case, target, kwargs in _CREDIT_TARGETS:
        for amount in [None, *AMOUNTS[:3]] if case.startswith("mobile 0") else [None, 12345678]:
            credit.append(
                {
                    "case": f"{case}, {'static' if amount is None else amount}",
                    "target": target,
                    "amount_satang": amount,
                    "options": kwargs,
                    "payload": promptpay.credit_transfer(target, amount, **kwargs),
                }
            )
    for amount in AMOUNTS[3:]:
        credit.append(
            {
                "case": f"mobile 0..., {amount}",
                "target": "0812345678",
                "amount_satang": amount,
                "options": {},
                "payload": promptpay.credit_transfer("0812345678", amount),
            }
        )
    for case, kwargs in _CREDIT_EXTRAS:
        for amount in (None, 99):
            credit.append(
                {
                    "case": f"{case}, {'static' if amount is None else amount}",
                    "target": "0812345678",
                    "amount_satang": amount,
                    "options": kwargs,
                    "payload": promptpay.credit_transfer("0812345678", amount, **kwargs),
                }
            )
    bills = []
    for case, ref1, ref2, kwargs in _BILLS:
        for amount in (None, *AMOUNTS):
            bills.append(
                {
                    "case": f"{case}, {'static' if amount is None else amount}",
                    "biller_id": BILLER_ID,
                    "ref1": ref1,
                    "ref2": ref2,
                    "amount_satang": amount,
                    "options": kwargs,
                    "payload": promptpay.bill_payment(BILLER_ID, ref1, ref2, amount, **kwargs),
                }
            )
    payments = []
    for case, account in _ACCOUNTS:
        for random, amount in zip(_REFERENCE_BYTES, AMOUNTS, strict=True):
            reference = _reference_of(random)
            payments.append(
                {
                    "case": f"{case}, {amount}",
                    "account": asdict(account),
                    "reference": reference,
                    "amount_satang": amount,
                    "payload": payment_payload(account, reference, amount),
                }
            )
    return {
        "about": (
            "PromptPay payloads as payments/promptpay and payments/references.py make them, "
            "which the till's web/static/promptpay.js must make character for character. "
            "Written by `python -m tests.promptpay_vectors`, never by hand; "
            "tests/unit/test_promptpay_vectors.py fails while this file differs from what the "
            "Python makes now and runs tests/js/promptpay_vectors.test.js against the "
            "JavaScript. Options are the Python keyword arguments (the JS takes them in "
            "camelCase)."
        ),
        "crc16": [
            {"data": data, "crc": promptpay.crc16(data)}
            for data in ["123456789", "", "A", "00020101021129370016A0000006770101116304"]
        ],
        "credit_transfer": credit,
        "bill_payment": bills,
        "payment_payload": payments,
        "new_reference": [
            {"random_bytes": random, "reference": _reference_of(random)}
            for random in _REFERENCE_BYTES
        ],
        "refusals": [
            {
                "case": case,
                "function": function,
                "args": args,
                "options": kwargs,
                "code": _refusal_code(getattr(promptpay, function), args, kwargs),
            }
            for case, function, args, kwargs in _REFUSALS
        ],
    }


def render(vectors: dict[str, Any]) -> str:
    """The file's text: one case a line, so that a changed payload is a one-line diff."""
    sections = []
    for name, value in vectors.items():
        if isinstance(value, list):
            items = ",\n".join(f"    {json.dumps(item, ensure_ascii=False)}" for item in value)
            sections.append(f"  {json.dumps(name)}: [\n{items}\n  ]")
        else:
            sections.append(f"  {json.dumps(name)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(sections) + "\n}\n"


def main() -> None:
    VECTORS_PATH.write_text(render(build()), "utf-8")
    print(f"wrote {VECTORS_PATH}")


if __name__ == "__main__":
    main()
