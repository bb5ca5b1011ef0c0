"""PromptPay receiving IDs: Thai mobile numbers and 13-digit national/tax IDs."""

from __future__ import annotations

import pytest

from inventory.catalogue.promptpay_ids import normalize_promptpay_id, promptpay_id_problem
from kernel.errors import InvalidInputError


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("0812345678", "0812345678"),
        ("081-234-5678", "0812345678"),
        ("+66 81 234 5678", "0812345678"),
        ("0612345678", "0612345678"),
        ("0912345678", "0912345678"),
        ("1101700230708", "1101700230708"),  # a personal ID with a valid check digit
        ("0105536000313", "0105536000313"),  # a company's tax ID
        ("1-1017-00230-70-8", "1101700230708"),
    ],
)
def test_valid_ids_are_kept_as_digits(given: str, stored: str) -> None:
    assert normalize_promptpay_id(given) == stored


@pytest.mark.parametrize("empty", [None, "", "   ", " - "])
def test_no_id_is_allowed(empty: str | None) -> None:
    assert normalize_promptpay_id(empty) is None


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("0212345678", "06, 08 or 09"),  # a Bangkok landline
        ("081234567", "mobile number"),  # nine digits
        ("1101700230709", "check digit"),
        ("08123456ab", "digits only"),
        ("123", "13-digit"),
    ],
)
def test_invalid_ids_are_refused_with_the_reason(given: str, says: str) -> None:
    problem = promptpay_id_problem(given)
    assert problem is not None and says in problem
    with pytest.raises(InvalidInputError) as caught:
        normalize_promptpay_id(given, field="promptpay_id")
    assert caught.value.field == "promptpay_id"
    assert caught.value.code.startswith("promptpay.")
    assert says in caught.value.message
