"""The bank/gateway callback's signature: HMAC-SHA256 of ``timestamp + "." + raw body``. Pure.

Headers: ``X-Timestamp`` (Unix seconds) and ``X-Signature: sha256=<hex>``. A callback older
(or newer) than the tolerance is refused, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

TOLERANCE_SECONDS = 300
PREFIX = "sha256="


class SignatureError(ValueError):
    """The callback cannot be trusted: missing, malformed, wrong or stale signature."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Signature`` header value for a body sent at ``timestamp``."""
    message = timestamp.encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return PREFIX + digest


def verify(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: datetime,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Raise :class:`SignatureError` unless the signature is right and the timestamp fresh."""
    if not timestamp or not signature:
        raise SignatureError("X-Timestamp and X-Signature headers are required")
    if not (timestamp.isascii() and timestamp.isdecimal() and len(timestamp) <= 12):
        raise SignatureError("X-Timestamp must be Unix time in whole seconds")
    # Compare the signature first, so that a stranger learns nothing about our clock.
    expected = sign(secret, timestamp, body).encode("ascii")
    if not hmac.compare_digest(expected, signature.strip().encode("utf-8", "replace")):
        raise SignatureError("X-Signature does not match the body")
    age = now.timestamp() - int(timestamp)
    if abs(age) > tolerance:
        raise SignatureError(
            f"X-Timestamp is {int(abs(age))} seconds {'old' if age > 0 else 'ahead'}; "
            f"at most {tolerance} seconds are accepted"
        )


class WebhookFormatError(ValueError):
    """The callback's body is not the agreed JSON; ``field`` names what is wrong."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """What a bank/gateway tells us: this reference was paid this much, in this transaction."""

    reference: str
    amount_satang: int
    transaction_id: str
    paid_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "amount_satang": self.amount_satang,
            "transaction_id": self.transaction_id,
            "paid_at": self.paid_at.isoformat(),
        }


def parse_event(body: bytes) -> WebhookEvent:
    """``{reference, amount_satang, transaction_id, paid_at}`` from the raw body, strictly."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WebhookFormatError(f"the body is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise WebhookFormatError("the body must be a JSON object")
    reference = _text(data, "reference", 40)
    transaction_id = _text(data, "transaction_id", 64)
    amount = data.get("amount_satang")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise WebhookFormatError(
            "amount_satang must be a whole number of satang above zero", "amount_satang"
        )
    return WebhookEvent(reference, amount, transaction_id, _instant(data.get("paid_at")))


def _text(data: dict[str, Any], name: str, limit: int) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise WebhookFormatError(f"{name} must be a non-empty string", name)
    if len(value) > limit or not value.isascii() or not value.isprintable():
        raise WebhookFormatError(f"{name} must be at most {limit} printable ASCII characters", name)
    return value.strip()


def _instant(value: object) -> datetime:
    if not isinstance(value, str):
        raise WebhookFormatError("paid_at must be an ISO 8601 time with a zone", "paid_at")
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise WebhookFormatError(f"paid_at {value!r} is not an ISO 8601 time", "paid_at") from None
    if at.tzinfo is None:
        raise WebhookFormatError("paid_at must carry a zone (e.g. +07:00 or Z)", "paid_at")
    return at.astimezone(UTC)
