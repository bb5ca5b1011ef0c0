"""One-time sign-in codes: how a new account or a reset password is handed to a person.

A code is 12 random digits, shown once (``1234-5678-9012``: a phone's number pad types it),
stored only as an argon2 hash with when it expires. The person signs in with their username and
the code once, and sets their own password there (web.accounts.welcome); the code is then gone.
An account holding a code has no password of its own (``NO_PASSWORD``): the one it had before a
reset no longer signs in.

The codes are random, not chosen by people, so their hash uses lighter argon2 parameters than a
password's (2 passes over 4 MiB, ~3 ms instead of ~150 ms): 500 entrepreneurs' accounts are
hashed in seconds, and a copy of the database still costs an attacker 10^12 guesses of ~3 ms
each per code (and the code expires). Hashing is CPU work: it runs before the write
transaction, on the accounts' hashing thread (see web.accounts.users).
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

CODE_DIGITS = 12
# A new account's first-sign-in code lasts 30 days (the sheet is handed out at a meeting, and
# some come to the centre only monthly); a reset password's code 7 days (it is given in person
# or by phone, at once).
NEW_ACCOUNT_DAYS = 30
RESET_DAYS = 7
# The password hash of an account without a password of its own: argon2 refuses it as a hash,
# so no password matches it.
NO_PASSWORD = "!"

_code_hasher = PasswordHasher(time_cost=2, memory_cost=4096, parallelism=1)
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@dataclass(frozen=True, slots=True)
class IssuedCode:
    """A code as issued: the plain code (shown once, never stored), its hash and expiry."""

    code: str
    hash: str
    expires_at: datetime


def shown(digits: str) -> str:
    """``123456789012`` as people read it: ``1234-5678-9012``."""
    return "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def normalised(typed: str) -> str:
    """What a person typed, as the code's digits: spaces and dashes dropped, Thai digits read."""
    return "".join(ch for ch in typed.translate(_THAI_DIGITS) if ch.isascii() and ch.isdigit())


def issue(now: datetime, days: int) -> IssuedCode:
    """A fresh random code and its hash (CPU: outside any transaction)."""
    digits = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    return IssuedCode(shown(digits), _code_hasher.hash(digits), now + timedelta(days=days))


def issue_many(count: int, now: datetime, days: int) -> list[IssuedCode]:
    return [issue(now, days) for _ in range(count)]


def code_matches(stored_hash: str | None, typed: str) -> bool:
    """Whether ``typed`` is the code of ``stored_hash`` (CPU: outside any transaction)."""
    digits = normalised(typed)
    if stored_hash is None or len(digits) != CODE_DIGITS:
        # The same work either way: the answer's time does not tell who holds a code.
        stored_hash, digits = _stand_in(), digits or "0"
    try:
        return bool(_code_hasher.verify(stored_hash, digits)) and stored_hash != _stand_in()
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _stand_in() -> str:
    return _code_hasher.hash(secrets.token_hex(16))


def expiry_of(now: datetime, days: int) -> datetime:
    """When a code issued at ``now`` for ``days`` expires."""
    return now + timedelta(days=days)
