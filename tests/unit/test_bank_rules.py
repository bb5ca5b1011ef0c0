"""Entrepreneurs' bank accounts, the pure rules: banks by code or short name, account numbers
of the bank's length (dashes and spaces dropped), the holder's name; clear refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory.catalogue.bank_rules import (
    BANKS,
    Bank,
    BankAccount,
    check_bank_account,
    clean_account_number,
    find_bank,
    is_valid,
    shown_number,
)
from kernel.errors import InvalidInputError


@pytest.mark.parametrize(
    ("typed", "code", "digits"),
    [
        ("002", "002", 10),
        ("BBL", "002", 10),
        ("4", "004", 10),
        ("kbank", "004", 10),
        (" KTB ", "006", 10),
        ("TMB", "011", 10),
        ("014", "014", 10),
        ("025", "025", 10),
        ("GSB", "030", 12),
        ("034", "034", 12),
        ("GHB", "033", 12),
        ("069", "069", 10),
        ("LHFG", "073", 10),
    ],
)
def test_a_bank_is_found_by_its_code_or_short_name(typed: str, code: str, digits: int) -> None:
    bank = find_bank(typed)
    assert (bank.code, bank.digits) == (code, digits)


@pytest.mark.parametrize("typed", ["", "999", "XBANK", "0004", None, 4])
def test_an_unknown_bank_is_refused_with_what_to_type(typed: object) -> None:
    with pytest.raises(InvalidInputError) as refused:
        find_bank(typed)
    assert refused.value.code == "bank_account.bank_unknown"
    assert refused.value.field == "bank_code"
    assert "KBANK" in refused.value.message_in("th") and "004" in refused.value.message


def test_an_account_number_keeps_only_its_digits() -> None:
    kbank = find_bank("KBANK")
    assert clean_account_number(kbank, "123-4-56789-0") == "1234567890"
    assert clean_account_number(kbank, " 123 456 7890 ") == "1234567890"
    gsb = find_bank("GSB")
    assert clean_account_number(gsb, "0201-2345-6789") == "020123456789"


def test_a_number_of_the_wrong_length_names_the_bank_and_both_counts() -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_bank_account("GSB", "123-4-56789-0", "นางสมศรี ใจดี")
    error = refused.value
    assert (error.code, error.field) == ("bank_account.number_length", "account_number")
    assert error.message_in("th") == "เลขที่บัญชีธนาคารออมสินต้องมี 12 หลัก แต่กรอกมา 10 หลัก"
    assert error.message_in("en") == (
        "a Government Savings Bank account number has 12 digits; this one has 10"
    )


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("", "bank_account.number_required"),
        ("  - ", "bank_account.number_required"),
        ("12345678O0", "bank_account.number_not_digits"),  # a letter O
        ("๑๒๓๔๕๖๗๘๙๐", "bank_account.number_not_digits"),  # Thai digits
        ("１２３４５６７８９０", "bank_account.number_not_digits"),  # fullwidth
        ("123456789", "bank_account.number_length"),
        ("12345678901", "bank_account.number_length"),
        ("123\u200b4567890", "text.invisible_character"),
    ],
)
def test_bad_account_numbers_are_refused(number: str, code: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_bank_account("004", number, "Somsri")
    assert refused.value.code.startswith(code.split(".")[0])
    if code.startswith("bank_account"):
        assert refused.value.code == code


@pytest.mark.parametrize(("name", "code"), [("", "name_required"), ("x" * 121, "name_too_long")])
def test_the_account_name_is_required_and_limited(name: str, code: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_bank_account("004", "1234567890", name)
    assert refused.value.code == f"bank_account.{code}"


def test_an_account_is_shown_as_the_passbook_prints_it() -> None:
    account = check_bank_account("kbank", "1234567890", "  นางสาว  สมศรี   ใจดี ")
    assert account == BankAccount("004", "1234567890", "นางสาว สมศรี ใจดี")
    assert shown_number(account) == "123-4-56789-0"
    assert shown_number(BankAccount("030", "020123456789", "x")) == "0201-2345-6789"
    assert is_valid("004", "1234567890", "x") and not is_valid("030", "1234567890", "x")


@given(
    bank=st.sampled_from(BANKS),
    digits=st.text(alphabet="0123456789", min_size=1, max_size=16),
    dashes=st.lists(st.sampled_from(["-", " ", ""]), min_size=16, max_size=16),
)
def test_any_typing_is_accepted_exactly_when_its_digits_are_the_banks_count(
    bank: Bank, digits: str, dashes: list[str]
) -> None:
    typed = "".join(d + sep for d, sep in zip(digits, dashes, strict=False))
    try:
        account = check_bank_account(bank.code, typed, "ชื่อบัญชี")
    except InvalidInputError as error:
        assert len(digits) != bank.digits
        assert error.code == "bank_account.number_length"
    else:
        assert account.account_number == digits
        assert len(digits) == bank.digits
        assert is_valid(account.bank_code, account.account_number, account.account_name)
