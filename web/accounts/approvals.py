"""A manager's approval at the till: the manager types their password on the cashier's
screen, and the till gets a short-lived token to send with the discounted sale or the refund.

The token is signed (HMAC-SHA256 with the secret key) and names the approver, the action, the
cashier it was given to, when it runs out (5 minutes), its subject and a unique id:

- the subject is a digest of what was approved: for a discount, the cart's lines (product,
  quantity, line discount, merged per product) and its cart discount; for a sale, the same
  with each line's changed price and its reason, and whether short lines may be sold below
  the books (a manager's approval of the whole cart); for a refund, the sale
  and its lines (line number, quantity). A request whose own subject differs is refused
  (403 ``approval.other_subject``): a token for one sale's discount approves no other.
- the id is recorded when the token is used, in the sale's or refund's own transaction
  (:mod:`pos.approvals`, a primary key): a second use is refused (403 ``approval.used``), even
  by two workers racing, and a sale rung offline cannot reuse a token at its earlier time.

The till asks for an approval for the subject on its screen, and again for the next sale.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from kernel.errors import ForbiddenError
from pos.approvals import SALE_APPROVAL, ApprovalGrant

LIFETIME = timedelta(minutes=5)
FIELD = "approval_token"


class ApprovalAction(StrEnum):
    DISCOUNT = "discount"
    REFUND = "refund"
    # The cart as the till shows it: its discounts, its changed prices (with their reasons)
    # and, when it says so, its lines sold short of the books (pos.approvals.SALE_APPROVAL).
    SALE = SALE_APPROVAL
    RETURN = "return"  # goods back without a receipt


@dataclass(frozen=True, slots=True)
class Approval:
    approval_token: str
    approver_id: int
    approver_name: str
    action: str
    expires_at: datetime


def _digest(body: object) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def discount_subject(lines: Iterable[tuple[int, int, int]], cart_discount_satang: int) -> str:
    """The subject of a discount: the cart's (product id, quantity, discount) lines merged per
    product (the till may list a product twice), and the cart discount."""
    merged: dict[int, list[int]] = {}
    for product_id, quantity, discount_satang in lines:
        line = merged.setdefault(product_id, [0, 0])
        line[0] += quantity
        line[1] += discount_satang
    return _digest(["discount", sorted([k, *v] for k, v in merged.items()), cart_discount_satang])


SaleLineSubject = tuple[int, int, int, int | None, str | None]


def sale_subject(
    lines: Iterable[SaleLineSubject], cart_discount_satang: int, allow_short_stock: bool
) -> str:
    """The subject of a sale approval: the cart's (product id, quantity, discount, unit price
    or None, price reason or None) lines merged per product, its cart discount, and whether its
    short lines may go below the books. A line's price is part of it only with a reason."""
    merged: dict[int, list[object]] = {}
    for product_id, quantity, discount_satang, unit_price, reason in lines:
        line = merged.setdefault(product_id, [0, 0, None, None])
        line[0] = int(line[0]) + quantity  # type: ignore[call-overload]
        line[1] = int(line[1]) + discount_satang  # type: ignore[call-overload]
        # A price counts only as a change, with its reason (a sale rung at the till sends
        # every line's price: the catalogue's is not what the manager approves).
        reason = (reason or "").strip() or None
        if reason is not None and unit_price is not None:
            line[2], line[3] = unit_price, reason
    body = sorted([k, *v] for k, v in merged.items())
    return _digest(["sale", body, cart_discount_satang, bool(allow_short_stock)])


def action_of(token: str | None) -> str | None:
    """The action a token says it is for, read without checking it (:func:`verify` checks)."""
    if not token:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(token.partition(".")[0].encode()))
    except (binascii.Error, ValueError):
        return None
    action = claims.get("a") if isinstance(claims, dict) else None
    return action if isinstance(action, str) else None


def refund_subject(
    sale_id: int, lines: Iterable[tuple[int, int]], method: str | None = None
) -> str:
    """The subject of a refund: the sale and its (line number, quantity) lines; with
    ``method``, also the way the money goes back (a refund another way than it was paid)."""
    merged: dict[int, int] = {}
    for line_no, quantity in lines:
        merged[line_no] = merged.get(line_no, 0) + quantity
    body: list[object] = ["refund", sale_id, sorted(merged.items())]
    return _digest(body if method is None else [*body, method])


def return_subject(till_id: int, lines: Iterable[tuple[int, int, int | None]]) -> str:
    """The subject of a return without a receipt: the till and its (product id, quantity,
    unit price or None for today's) lines, in the order sent."""
    return _digest(["return", till_id, [list(line) for line in lines]])


def _sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def issue(
    secret: str,
    *,
    approver_id: int,
    approver_name: str,
    cashier_id: int | None,
    action: ApprovalAction,
    subject: str,
    now: datetime,
) -> Approval:
    """A token for one use of ``action`` on ``subject`` (see the module's docstring)."""
    expires = now + LIFETIME
    claims = {
        "a": action.value,
        "u": approver_id,
        "c": cashier_id,
        "x": int(expires.timestamp()),
        "s": subject,
        "j": secrets.token_urlsafe(16),
    }
    body = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode())
    token = f"{body.decode()}.{_sign(secret, body)}"
    return Approval(token, approver_id, approver_name, action.value, expires)


def verify(
    secret: str,
    token: str,
    *,
    action: ApprovalAction,
    cashier_id: int | None,
    subject: str,
    now: datetime,
) -> ApprovalGrant:
    """The approval (its id and approver), or 403 naming ``approval_token``. Whether it was
    used already is for the write that uses it (:mod:`pos.approvals`)."""
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
    if claims.get("s") != subject:
        raise ForbiddenError(
            "approval.other_subject",
            "การอนุมัตินี้ให้ไว้สำหรับรายการอื่น: ขอให้ผู้จัดการอนุมัติรายการนี้",
            field=FIELD,
        )
    if not isinstance(claims.get("j"), str):
        raise invalid
    return ApprovalGrant(claims["j"], int(claims["u"]), action.value)


def approver_of(
    secret: str,
    token: str | None,
    *,
    action: ApprovalAction,
    cashier_id: int | None,
    subject: str,
    now: datetime,
) -> ApprovalGrant | None:
    """The approval of a request's optional ``approval_token`` (None without one)."""
    if token is None:
        return None
    return verify(secret, token, action=action, cashier_id=cashier_id, subject=subject, now=now)
