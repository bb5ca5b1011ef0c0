"""Amounts in Thai words, as receipts write them: ``15025`` -> ``หนึ่งร้อยห้าสิบบาทยี่สิบห้าสตางค์``.

Rules: a 1 in the tens place is สิบ (not หนึ่งสิบ), a 2 there is ยี่สิบ; a 1 in the units
place after any higher digit is เอ็ด (สิบเอ็ด, หนึ่งร้อยเอ็ด, หนึ่งล้านเอ็ด); millions repeat
(ล้านล้าน). Whole baht end in ถ้วน; less than one baht is satang only.
"""

from __future__ import annotations

DIGITS = ("ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
PLACES = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")
MILLION = 1_000_000


def number_words(n: int) -> str:
    """A whole number >= 0 read in Thai."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"number_words takes a whole number >= 0, got {n!r}")
    if n == 0:
        return DIGITS[0]
    return _words(n, has_higher=False)


def _words(n: int, *, has_higher: bool) -> str:
    millions, rest = divmod(n, MILLION)
    head = _words(millions, has_higher=has_higher) + "ล้าน" if millions else ""
    return head + _group(rest, has_higher=has_higher or bool(millions))


def _group(n: int, *, has_higher: bool) -> str:
    """0..999,999 in words ('' for 0); ``has_higher``: a non-zero digit stands before it."""
    words = []
    digits = str(n)[::-1] if n else ""
    for place in range(len(digits) - 1, -1, -1):
        digit = int(digits[place])
        if digit == 0:
            continue
        if place == 1 and digit == 1:
            words.append("สิบ")
        elif place == 1 and digit == 2:
            words.append("ยี่สิบ")
        elif place == 0 and digit == 1 and (has_higher or n > 9):
            words.append("เอ็ด")
        else:
            words.append(DIGITS[digit] + PLACES[place])
    return "".join(words)


def baht_words(satang: int) -> str:
    """An amount in satang as Thai words for a receipt."""
    if isinstance(satang, bool) or not isinstance(satang, int):
        raise TypeError(f"money must be integer satang, got {type(satang).__name__}")
    if satang < 0:
        return "ลบ" + baht_words(-satang)
    baht, rest = divmod(satang, 100)
    if rest == 0:
        return number_words(baht) + "บาทถ้วน"
    head = number_words(baht) + "บาท" if baht else ""
    return head + number_words(rest) + "สตางค์"
