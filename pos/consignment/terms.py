"""Consignment terms as people reach them: the centre's default and one entrepreneur's, with
the version in force, the versions set, and the deliveries still here under other terms.

A manager sees and sets any; an entrepreneur sees only their own (another's is "not found")
and the centre's default; a cashier sees none (403), as with balances (pos.consignment.access).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from inventory.models import Category, Intake, Product, StockLot
from inventory.terms.service import (
    BUILT_IN,
    TermsVersion,
    current_versions,
    version_history,
    versions_by_id,
)
from kernel.access import Actor, Role
from kernel.errors import ForbiddenError
from pos.consignment.access import check_access


@dataclass(frozen=True, slots=True)
class TermsBook:
    """Whose terms (None: the centre's default), the version in force now and those set."""

    entrepreneur_id: int | None
    in_force: TermsVersion
    versions: list[TermsVersion]  # newest first (the entrepreneur's own, or the default's)


@dataclass(frozen=True, slots=True)
class DeliveryUnderTerms:
    """Goods of one delivery still at the centre, and the terms they came in under."""

    intake_id: int | None  # None: stock from before intakes were kept
    number: str | None
    received_on: date
    remaining: int
    terms: TermsVersion


def centre_terms(conn: Connection, actor: Actor, now: datetime) -> TermsBook:
    """The centre's default: the version in force and the history (not for cashiers)."""
    if actor.role == Role.CASHIER:
        raise ForbiddenError("terms.cashier_may_not_see", "พนักงานขายดูเงื่อนไขฝากขายไม่ได้")
    history = version_history(conn, None)
    in_force = next((v for v in history if v.valid_from and v.valid_from <= now), BUILT_IN)
    return TermsBook(None, in_force, history)


def entrepreneur_terms(
    conn: Connection, actor: Actor, entrepreneur_id: int, now: datetime
) -> TermsBook:
    """One entrepreneur's terms: in force (their own, else the default) and their versions."""
    check_access(conn, actor, entrepreneur_id)
    in_force = current_versions(conn, [entrepreneur_id], now)[entrepreneur_id]
    return TermsBook(entrepreneur_id, in_force, version_history(conn, entrepreneur_id))


def deliveries_under_terms(conn: Connection, entrepreneur_id: int) -> list[DeliveryUnderTerms]:
    """The entrepreneur's deliveries with goods still here, oldest first, each with its terms.
    (Access is the caller's: it has read the entrepreneur's terms book first.)"""
    rows = conn.execute(
        select(
            StockLot.intake_id,
            Intake.number,
            StockLot.terms_id,
            func.min(StockLot.received_on),
            func.sum(StockLot.remaining),
        )
        .join(Product, Product.id == StockLot.product_id)
        .outerjoin(Intake, Intake.id == StockLot.intake_id)
        .where(Product.entrepreneur_id == entrepreneur_id, StockLot.remaining > 0)
        .group_by(StockLot.intake_id, Intake.number, StockLot.terms_id)
    ).all()
    versions = versions_by_id(conn, (r[2] for r in rows if r[2] is not None))
    found = [
        DeliveryUnderTerms(
            intake_id,
            number,
            received_on,
            int(remaining),
            BUILT_IN if terms_id is None else versions[terms_id],
        )
        for intake_id, number, terms_id, received_on, remaining in rows
    ]
    return sorted(found, key=lambda d: (d.received_on, d.intake_id or 0))


def rate_card_categories(conn: Connection, entrepreneur_id: int) -> dict[int, int]:
    """The categories of the entrepreneur's products that have a rate of their own on the
    rate card (it takes the place of the entrepreneur's under standard terms): id -> rate."""
    rows = conn.execute(
        select(Category.id, Category.commission_bp)
        .where(
            Category.commission_bp.is_not(None),
            Category.id.in_(
                select(Product.category_id).where(Product.entrepreneur_id == entrepreneur_id)
            ),
        )
        .order_by(Category.id)
    )
    return {int(cid): int(bp or 0) for cid, bp in rows}  # never None: filtered above
