"""Amounts in Thai words for receipts."""

from __future__ import annotations

import pytest

from pos.checkout.thai_words import baht_words, number_words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "ศูนย์"),
        (1, "หนึ่ง"),
        (10, "สิบ"),
        (11, "สิบเอ็ด"),
        (20, "ยี่สิบ"),
        (21, "ยี่สิบเอ็ด"),
        (101, "หนึ่งร้อยเอ็ด"),
        (111, "หนึ่งร้อยสิบเอ็ด"),
        (1_000, "หนึ่งพัน"),
        (25_000, "สองหมื่นห้าพัน"),
        (120_021, "หนึ่งแสนสองหมื่นยี่สิบเอ็ด"),
        (1_000_000, "หนึ่งล้าน"),
        (1_000_001, "หนึ่งล้านเอ็ด"),
        (21_000_000, "ยี่สิบเอ็ดล้าน"),
        (1_000_000_000_000, "หนึ่งล้านล้าน"),
    ],
)
def test_numbers_read_in_thai(number: int, words: str) -> None:
    assert number_words(number) == words


@pytest.mark.parametrize(
    ("satang", "words"),
    [
        (15025, "หนึ่งร้อยห้าสิบบาทยี่สิบห้าสตางค์"),
        (15000, "หนึ่งร้อยห้าสิบบาทถ้วน"),
        (100, "หนึ่งบาทถ้วน"),
        (50, "ห้าสิบสตางค์"),
        (2101, "ยี่สิบเอ็ดบาทหนึ่งสตางค์"),
        (0, "ศูนย์บาทถ้วน"),
        (-100, "ลบหนึ่งบาทถ้วน"),
    ],
)
def test_amounts_read_as_a_receipt_writes_them(satang: int, words: str) -> None:
    assert baht_words(satang) == words


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        baht_words(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        number_words(-1)
