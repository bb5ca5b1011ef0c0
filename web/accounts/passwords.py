"""The password policy of NIST SP 800-63B (memorized secrets): a length, and a check against a
list of common passwords and the words of this context; no composition rules (no "one digit,
one capital"), no periodic change.

The list is ``common-passwords.txt.gz``: the 20,000 common passwords (lowercased, deduplicated)
that Django ships for its CommonPasswordValidator, compiled by Royce Williams
(https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce), copied from the
Django 5.2.8 wheel on PyPI (django/contrib/auth/common-passwords.txt.gz, BSD-3-Clause).
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

from kernel.errors import InvalidInputError

# 800-63B: at least 8 characters; a verifier should permit at least 64 (spaces and any
# Unicode included), so a passphrase fits.
MIN_PASSWORD = 8
MAX_PASSWORD = 64
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")
# The words of this service an attacker tries first (800-63B: "context-specific words").
CONTEXT_WORDS = frozenset(
    {
        "otop",
        "otoppos",
        "pos",
        "sankamphaeng",
        "sankampaeng",
        "chiangmai",
        "สันกำแพง",
        "เชียงใหม่",
        "โอทอป",
    }
)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lowercased (read once per process: ~20,000 entries)."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def _letters(password: str) -> str:
    """The password's letters only: ``Password1!`` and ``otop-2026`` are a word with digits
    and punctuation around it, as weak as the word itself."""
    return "".join(ch for ch in password if ch.isalpha())


def check_password_policy(password: str, *, username: str = "") -> None:
    """Refuse a password that is too short, too long, common, or the username or a word of
    this service (alone or with digits and punctuation added), case-insensitively."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInputError(
            "user.password_too_short",
            "รหัสผ่านต้องยาวอย่างน้อย {min_length} ตัวอักษร",
            field="password",
            min_length=MIN_PASSWORD,
        )
    if len(password) > MAX_PASSWORD:
        raise InvalidInputError(
            "user.password_too_long",
            "รหัสผ่านยาวได้ไม่เกิน {max_length} ตัวอักษร",
            field="password",
            max_length=MAX_PASSWORD,
        )
    lowered = password.lower()
    letters = _letters(lowered)
    name = username.strip().lower()
    if name and (name in (lowered, letters) or _letters(name) in (lowered, letters)):
        raise InvalidInputError(
            "user.password_is_username",
            "รหัสผ่านต้องไม่ใช่ชื่อผู้ใช้",
            field="password",
        )
    if lowered in CONTEXT_WORDS or letters in CONTEXT_WORDS:
        raise InvalidInputError(
            "user.password_context_word",
            "รหัสผ่านต้องไม่ใช่ชื่อของระบบหรือของศูนย์: ลองใช้วลีหลายคำที่เดาได้ยาก",
            field="password",
        )
    common = common_passwords()
    if lowered in common or letters in common:
        raise InvalidInputError(
            "user.password_common",
            "รหัสผ่านนี้ใช้กันทั่วไปและเดาได้ง่าย: ลองใช้วลีหลายคำที่เดาได้ยาก",
            field="password",
        )
