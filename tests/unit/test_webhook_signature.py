"""The bank callback's signature and body: HMAC-SHA256 over timestamp + "." + raw body."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from payments.webhook import SignatureError, WebhookFormatError, parse_event, sign, verify

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
TS = str(int(NOW.timestamp()))
BODY = (
    b'{"reference":"OTPABCDEFGHIJKLM","amount_satang":15000,"transaction_id":"T1",'
    b'"paid_at":"2026-11-21T10:00:00+07:00"}'
)


def test_signature_is_hex_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(b"secret", TS.encode() + b"." + BODY, hashlib.sha256).hexdigest()
    assert sign("secret", TS, BODY) == "sha256=" + expected


def test_a_correct_fresh_signature_verifies() -> None:
    verify("secret", TS, sign("secret", TS, BODY), BODY, NOW)


@pytest.mark.parametrize(
    ("timestamp", "signature", "body", "message"),
    [
        (TS, sign("other secret", TS, BODY), BODY, "does not match"),
        (TS, sign("secret", TS, BODY), BODY + b" ", "does not match"),
        (TS, sign("secret", TS, BODY).removeprefix("sha256="), BODY, "does not match"),
        (TS, "sha256=ünïcode", BODY, "does not match"),
        (None, sign("secret", TS, BODY), BODY, "required"),
        (TS, None, BODY, "required"),
        ("17.5", sign("secret", "17.5", BODY), BODY, "whole seconds"),
    ],
)
def test_a_wrong_or_missing_signature_is_refused(
    timestamp: str | None, signature: str | None, body: bytes, message: str
) -> None:
    with pytest.raises(SignatureError, match=message):
        verify("secret", timestamp, signature, body, NOW)


@pytest.mark.parametrize("age", [301, -301, 86_400])
def test_a_timestamp_more_than_five_minutes_away_is_refused_even_if_signed(age: int) -> None:
    stamp = str(int(NOW.timestamp()) - age)
    with pytest.raises(SignatureError, match="X-Timestamp"):
        verify("secret", stamp, sign("secret", stamp, BODY), BODY, NOW)


@pytest.mark.parametrize("age", [0, 300, -300])
def test_a_timestamp_within_five_minutes_is_accepted(age: int) -> None:
    stamp = str(int(NOW.timestamp()) - age)
    verify("secret", stamp, sign("secret", stamp, BODY), BODY, NOW)


def test_the_body_is_read_strictly() -> None:
    event = parse_event(BODY)
    assert (event.reference, event.amount_satang, event.transaction_id) == (
        "OTPABCDEFGHIJKLM",
        15000,
        "T1",
    )
    assert event.paid_at == datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


GOOD = {
    "reference": "R",
    "amount_satang": 1,
    "transaction_id": "T",
    "paid_at": "2026-11-21T10:00:00Z",
}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount_satang": "150"}, "amount_satang"),
        ({"amount_satang": True}, "amount_satang"),
        ({"amount_satang": 1.5}, "amount_satang"),
        ({"amount_satang": 0}, "amount_satang"),
        ({"reference": ""}, "reference"),
        ({"reference": "R" * 41}, "reference"),
        ({"transaction_id": None}, "transaction_id"),
        ({"paid_at": "2026-11-21T10:00:00"}, "paid_at"),
        ({"paid_at": "yesterday"}, "paid_at"),
        ({"paid_at": 1700000000}, "paid_at"),
    ],
)
def test_a_malformed_body_names_the_field(changes: dict[str, object], field: str) -> None:
    body = json.dumps({**GOOD, **changes}).encode()
    with pytest.raises(WebhookFormatError) as caught:
        parse_event(body)
    assert caught.value.field == field


@pytest.mark.parametrize("body", [b"[1]", b"\xff", b"{", b""])
def test_a_body_that_is_not_a_json_object_is_refused(body: bytes) -> None:
    with pytest.raises(WebhookFormatError, match="JSON"):
        parse_event(body)
