"""A manager's approval at the till: the manager types their password on the cashier's
screen, and the till gets a short-lived token to send with the discounted sale or the refund.

The token is signed (HMAC-SHA256 with the secret key) and names the approver, the action, the
cashier it was given to and when it runs out, so any worker can check it and nothing is kept
in memory. It can be used for that cashier's requests until it expires (5 minutes).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from kernel.errors import ForbiddenError

LIFETIME = timedelta(minutes=5)
FIELD = "approval_token"


class ApprovalAction(StrEnum):
    DISCOUNT = "discount"
    REFUND = "refund"


@dataclass(frozen=True, slots=True)
class Approval:
    approval_token: str
    approver_id: int
    approver_name: str
    action: str
    expires_at: datetime


def _sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def issue(
    secret: str,
    *,
    approver_id: int,
    approver_name: str,
    cashier_id: int | None,
    action: ApprovalAction,
    now: datetime,
) -> Approval:
    expires = now + LIFETIME
    claims = {"a": action.value, "u": approver_id, "c": cashier_id, "x": int(expires.timestamp())}
    body = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode())
    token = f"{body.decode()}.{_sign(secret, body)}"
    return Approval(token, approver_id, approver_name, action.value, expires)


def verify(
    secret: str, token: str, *, action: ApprovalAction, cashier_id: int | None, now: datetime
) -> int:
    """The approver's user id, or 403 naming ``approval_token``."""
    invalid = ForbiddenError("approval.invalid", "การอนุมัติไม่ถูกต้อง: ขอให้ผู้จัดการอนุมัติอีกครั้ง", field=FIELD)
    body, _, signature = token.partition(".")
    if not hmac.compare_digest(_sign(secret, body.encode()).encode(), signature.encode()):
        raise invalid
    try:
        claims = json.loads(base64.urlsafe_b64decode(body.encode()))
    except (binascii.Error, ValueError):
        raise invalid from None
    if claims.get("a") != action.value:
        raise ForbiddenError(
            "approval.wrong_action",
            "การอนุมัตินี้ไม่ได้ให้สำหรับ {action}",
            field=FIELD,
            action=action.value,
        )
    if claims.get("c") != cashier_id:
        raise ForbiddenError("approval.other_cashier", "การอนุมัตินี้ให้ไว้กับพนักงานขายคนอื่น", field=FIELD)
    if datetime.fromtimestamp(int(claims.get("x", 0)), UTC) <= now:
        raise ForbiddenError(
            "approval.expired", "การอนุมัติหมดอายุแล้ว: ขอให้ผู้จัดการอนุมัติอีกครั้ง", field=FIELD
        )
    return int(claims["u"])


def approver_of(
    secret: str,
    token: str | None,
    *,
    action: ApprovalAction,
    cashier_id: int | None,
    now: datetime,
) -> int | None:
    """The approver of a request's optional ``approval_token`` (None without one)."""
    if token is None:
        return None
    return verify(secret, token, action=action, cashier_id=cashier_id, now=now)
