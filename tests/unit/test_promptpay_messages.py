"""The PromptPay codec's refusals: a code, the reason in Thai and in English, and the shop's
catalogue holding the same English, since a service re-raises the codec's code, Thai and values
as a domain error (an entrepreneur's PromptPay ID, a payment's QR)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import payments.promptpay
from inventory.catalogue.promptpay_ids import normalize_promptpay_id
from kernel.errors import InvalidInputError
from kernel.i18n import english
from payments.promptpay import PromptPayError, credit_transfer

CODEC = Path(payments.promptpay.__file__).parent


def _refusals() -> Iterator[tuple[str, list[ast.expr]]]:
    for path in sorted(CODEC.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "PromptPayError":
                yield f"{path.name}:{node.lineno}", node.args


def test_every_codec_refusal_has_its_english_in_the_catalogue() -> None:
    refusals = list(_refusals())
    assert len(refusals) > 50
    catalogue = english()
    for where, args in refusals:
        texts = [arg.value for arg in args if isinstance(arg, ast.Constant)]
        assert len(args) == 3 and all(isinstance(text, str) for text in texts), where
        code, thai, in_english = texts
        assert code.startswith("promptpay."), where
        assert catalogue.get((code, thai)) == in_english, f"{where}: {code}"


def test_the_codec_s_error_is_english_as_text_and_thai_on_request() -> None:
    with pytest.raises(PromptPayError) as caught:
        credit_transfer("0812345678", 0)
    error = caught.value
    assert error.code == "promptpay.amount_not_positive" and error.params["amount_satang"] == 0
    assert str(error) == "amount_satang must be more than zero, got 0"
    assert error.message_in("th") == "จำนวนเงินต้องมากกว่าศูนย์ แต่ได้ 0.00 บาท"


def test_a_refused_promptpay_id_keeps_the_codec_s_code_in_both_languages() -> None:
    with pytest.raises(InvalidInputError) as caught:
        normalize_promptpay_id("0212345678")
    error = caught.value
    assert (error.code, error.field) == ("promptpay.mobile_prefix", "promptpay_id")
    assert error.message_in("en") == "mobile number 0212345678 must start with 06, 08 or 09"
    assert error.message_in("th") == "เบอร์มือถือ 0212345678 ต้องขึ้นต้นด้วย 06, 08 หรือ 09"
