"""Small text rules shared by the domains: digits, and what a name or a note may hold."""

from __future__ import annotations

import unicodedata

from kernel.errors import InvalidInputError


def ascii_digits(text: str) -> bool:
    """Only 0-9: ``str.isdigit`` also takes '²', fullwidth and Thai digits, which ``int()``
    or a barcode scanner would then read differently."""
    return text.isascii() and text.isdecimal()


# --- what a name or a note may hold (Unicode Technical Standard #39, "Security Mechanisms") ---

# Characters that reorder the text around them: a file named "invoice\u202efdp.exe" shows as
# "invoiceexe.pdf". Refused with their own code, because the reason is not that they hide.
DIRECTION_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Zero-width characters: two names that look the same would differ, a search would miss one.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# The whitespace free text may hold; a name folds it to single spaces anyway.
ORDINARY_WHITESPACE = frozenset("\t\n\r")
# Thai stacks at most three marks on a consonant (below vowel, upper vowel or tone, thanthakhat);
# a longer run is "Zalgo" text that spills over the lines above and below it on a receipt.
MAX_COMBINING_MARKS = 3


def check_text(text: str, field: str) -> str:
    """``text`` unchanged, or an InvalidInputError naming the first character a person cannot
    see or that changes the direction of what follows, or a pile of combining marks.

    Refused: bidi controls, zero-width characters, every other control or format character
    (Unicode categories Cc, Cf, Zl, Zp; lone surrogates) except tab and line ends, and more than
    :data:`MAX_COMBINING_MARKS` marks on one base. Thai with its ordinary marks passes.
    """
    marks = 0
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category.startswith("M"):
            marks += 1
            if marks > MAX_COMBINING_MARKS:
                raise InvalidInputError(
                    "text.too_many_marks",
                    "ช่อง {field} มีเครื่องหมายซ้อนกันเกิน {limit} ตัวบนอักษรตัวเดียว"
                    " (ตำแหน่ง {position}, {character})",
                    field=field,
                    limit=MAX_COMBINING_MARKS,
                    position=index + 1,
                    character=_code_point(char),
                )
            continue
        marks = 0
        if char in DIRECTION_CONTROLS:
            raise InvalidInputError(
                "text.direction_character",
                "ช่อง {field} มีอักขระที่กลับทิศทางข้อความ {character} ที่ตำแหน่ง {position}"
                " กรุณาลบออกแล้วพิมพ์ใหม่",
                field=field,
                position=index + 1,
                character=_code_point(char),
            )
        if char in ORDINARY_WHITESPACE:
            continue
        if char in ZERO_WIDTH or category in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            raise InvalidInputError(
                "text.invisible_character",
                "ช่อง {field} มีอักขระที่มองไม่เห็น {character} ที่ตำแหน่ง {position} กรุณาลบออกแล้วพิมพ์ใหม่",
                field=field,
                position=index + 1,
                character=_code_point(char),
            )
    return text


def _code_point(char: str) -> str:
    return f"U+{ord(char):04X}"
