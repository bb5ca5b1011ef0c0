"""What a name or a note may hold: Thai with its marks, never hidden or direction characters."""

from __future__ import annotations

import pytest

from kernel.errors import InvalidInputError
from kernel.text import check_text

THAI_NAMES = (
    "ผ้าไหมมัดหมี่",
    "น้ำผึ้งป่า",
    "กระเป๋าผ้าฝ้าย",
    "ปั๊มน้ำ",
    "กุ้งแม่น้ำ",
    "ศักดิ์สิทธิ์",
    "เครื่องปั้นดินเผาบ้านเชียงใหม่",
    "Tiếng Việt",  # Latin with two marks on a letter, decomposed or not
    "e\u0302\u0301",
    "หมายเหตุ:\r\nบรรทัดที่สอง\tแท็บ",  # free text keeps ordinary whitespace
)


@pytest.mark.parametrize("text", THAI_NAMES)
def test_thai_and_ordinary_text_pass_unchanged(text: str) -> None:
    assert check_text(text, "name_th") == text


@pytest.mark.parametrize(
    ("text", "code", "position", "character"),
    [
        ("ผ้า\u202eไหม", "text.direction_character", 4, "U+202E"),  # right-to-left override
        ("a\u2066b", "text.direction_character", 2, "U+2066"),  # left-to-right isolate
        ("\u200fชื่อ", "text.direction_character", 1, "U+200F"),  # right-to-left mark
        ("น้ำ\u200bผึ้ง", "text.invisible_character", 4, "U+200B"),  # zero-width space
        ("a\u200db", "text.invisible_character", 2, "U+200D"),  # zero-width joiner
        ("a\u2060b", "text.invisible_character", 2, "U+2060"),  # word joiner
        ("\ufeffa", "text.invisible_character", 1, "U+FEFF"),  # zero-width no-break space
        ("a\x00b", "text.invisible_character", 2, "U+0000"),
        ("a\x1b[31mb", "text.invisible_character", 2, "U+001B"),  # a terminal escape
        ("a\u00adb", "text.invisible_character", 2, "U+00AD"),  # soft hyphen (Cf)
        ("a\u2028b", "text.invisible_character", 2, "U+2028"),  # line separator
        ("Z\u0335\u0321\u0334\u0322algo", "text.too_many_marks", 5, "U+0322"),
        ("ก\u0e34\u0e48\u0e48\u0e48", "text.too_many_marks", 5, "U+0E48"),  # four Thai marks
    ],
)
def test_hidden_direction_and_piled_marks_are_refused_naming_where(
    text: str, code: str, position: int, character: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_text(text, "name_th")
    error = refused.value
    assert (error.code, error.field) == (code, "name_th")
    assert error.params["position"] == position and error.params["character"] == character
    for lang in ("th", "en"):
        assert "name_th" in error.message_in(lang) and character in error.message_in(lang)
    assert "position" in error.message_in("en")
