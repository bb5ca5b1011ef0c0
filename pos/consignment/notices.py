"""The entrepreneur's notices, derived from the data each time (pos.consignment.notice_rules
says what a notice is), and what each user has seen of them.

One small function per source, each ``(conn, entrepreneur_id, now) -> list[Notice]`` reading
only the last ``NOTICE_DAYS``; ``SOURCES`` lists them. A new source is one more function and
one more entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from inventory.deliveries.models import ProductReview
from inventory.deliveries.queries import deliveries_since
from inventory.models import Intake, IntakeLine, Markdown, Product
from inventory.stock.aging import aged_lots
from inventory.stock.return_note_queries import return_notes_for
from inventory.stock.return_rules import ReturnNoteStatus
from kernel.access import SYSTEM, Actor, Role
from kernel.clock import business_date
from payments.ledger.payout_models import Payout, PayoutStatus
from pos.consignment.access import check_access
from pos.consignment.notice_models import NoticesSeen
from pos.consignment.notice_rules import (
    NOTICE_DAYS,
    Notice,
    NoticeKind,
    lot_notices,
    newest_first,
    unread,
)
from pos.models import Sale, SaleLine, SaleStatus

Source = Callable[[Connection, int, datetime], list[Notice]]


def _since(now: datetime) -> datetime:
    return now - timedelta(days=NOTICE_DAYS)


def sales_notices(conn: Connection, entrepreneur_id: int, now: datetime) -> list[Notice]:
    """One a day with sales: units and what customers paid (the portal's one sales figure).
    News when the day's last sale reached the server (a sale rung offline, when it arrived)."""
    since = _since(now)
    arrived = func.coalesce(Sale.received_at, Sale.completed_at)
    rows = conn.execute(
        select(
            Sale.business_date,
            func.sum(SaleLine.quantity),
            func.sum(SaleLine.line_total_satang),
            func.max(arrived),
        )
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(
            SaleLine.entrepreneur_id == entrepreneur_id,
            Sale.status == SaleStatus.COMPLETED.value,
            Sale.business_date >= business_date(since),
        )
        .group_by(Sale.business_date)
    )
    return [
        Notice(
            NoticeKind.SALES,
            at,
            day,
            "/portal/statement",
            month=f"{day:%Y-%m}",
            units=int(units),
            amount_satang=int(amount),
        )
        for day, units, amount, at in rows
    ]


def payout_notices(conn: Connection, entrepreneur_id: int, now: datetime) -> list[Notice]:
    """One a payout the centre marked paid (the money left the bank)."""
    rows: list[tuple[datetime, int, str | None]] = [
        (row.paid_at, row.amount_satang, row.bank_reference)
        for row in conn.execute(
            select(Payout.paid_at, Payout.amount_satang, Payout.bank_reference).where(
                Payout.entrepreneur_id == entrepreneur_id,
                Payout.status == PayoutStatus.PAID.value,
                Payout.paid_at >= _since(now),
            )
        )
        if row.paid_at is not None
    ]
    return [
        Notice(
            NoticeKind.PAYOUT_SENT,
            paid_at,
            business_date(paid_at),
            "/portal",
            anchor="payouts",
            amount_satang=int(amount),
            document=reference or "",
        )
        for paid_at, amount, reference in rows
    ]


def delivery_notices(conn: Connection, entrepreneur_id: int, now: datetime) -> list[Notice]:
    """One a delivery the centre received (a goods-received note)."""
    rows = conn.execute(
        select(
            Intake.received_at,
            Intake.number,
            func.sum(IntakeLine.quantity),
            func.count(IntakeLine.id),
        )
        .join(IntakeLine, IntakeLine.intake_id == Intake.id)
        .where(Intake.entrepreneur_id == entrepreneur_id, Intake.received_at >= _since(now))
        .group_by(Intake.id, Intake.received_at, Intake.number)
    )
    return [
        Notice(
            NoticeKind.DELIVERY_RECEIVED,
            received_at,
            business_date(received_at),
            "/portal/goods",
            anchor="deliveries",
            units=int(units),
            products=int(lines),
            document=number,
        )
        for received_at, number, units, lines in rows
    ]


def goods_notices(conn: Connection, entrepreneur_id: int, now: datetime) -> list[Notice]:
    """Markdowns coming and goods due back within the week, from the lots' own terms."""
    today = business_date(now)
    return lot_notices(aged_lots(conn, today, entrepreneur_id=entrepreneur_id), today)


def markdown_notices(conn: Connection, entrepreneur_id: int, now: datetime) -> list[Notice]:
    """One a change of a product's agreed markdown on the tills (or its end: back to list)."""
    rows = conn.execute(
        select(
            Markdown.applied_at,
            Markdown.effective_on,
            Markdown.to_bp,
            Markdown.price_before_satang,
            Markdown.price_after_satang,
            Product.name_th,
        )
        .join(Product, Product.id == Markdown.product_id)
        .where(Product.entrepreneur_id == entrepreneur_id, Markdown.applied_at >= _since(now))
    )
    return [
        Notice(
            NoticeKind.MARKDOWN_APPLIED,
            applied_at,
            effective_on,
            "/portal/goods",
            percent_bp=to_bp,
            amount_satang=after,
            before_satang=before,
            name=name,
        )
        for applied_at, effective_on, to_bp, before, after, name in rows
    ]


def return_note_notices(conn: Connection, entrepreneur_id: int, now: datetime) -> list[Notice]:
    """One a return note waiting for the entrepreneur to collect its goods."""
    return [
        Notice(
            NoticeKind.RETURN_NOTE_READY,
            note.prepared_at,
            business_date(note.prepared_at),
            "/portal/goods",
            anchor="return-notes",
            units=note.total_units,
            document=note.number,
            name=note.location_name_th,
        )
        for note in return_notes_for(conn, entrepreneur_id, [ReturnNoteStatus.WAITING_PICKUP])
        if note.prepared_at >= _since(now)
    ]


def announced_delivery_notices(
    conn: Connection, entrepreneur_id: int, now: datetime
) -> list[Notice]:
    """One an announced delivery received with differences (short, over, not announced)."""
    return [
        Notice(
            NoticeKind.DELIVERY_DIFFERS,
            d.changed_at,
            business_date(d.changed_at),
            f"/portal/deliveries/{d.id}",
            products=d.differences.total,
            document=d.number,
        )
        for d in deliveries_since(conn, SYSTEM, entrepreneur_id, _since(now))
        if d.differences is not None and d.differences.total
    ]


def proposal_notices(conn: Connection, entrepreneur_id: int, now: datetime) -> list[Notice]:
    """One a new product the centre approved (now for sale) or rejected (with why)."""
    rows = conn.execute(
        select(
            ProductReview.status, ProductReview.decided_at, ProductReview.reason, Product.name_th
        )
        .join(Product, Product.id == ProductReview.product_id)
        .where(
            ProductReview.entrepreneur_id == entrepreneur_id,
            ProductReview.decided_at >= _since(now),
        )
    )
    return [
        Notice(
            NoticeKind.PRODUCT_APPROVED if status == "approved" else NoticeKind.PRODUCT_REJECTED,
            decided_at,
            business_date(decided_at),
            "/portal/deliveries",
            name=name,
            reason=reason,
        )
        for status, decided_at, reason, name in rows
        if decided_at is not None and status in ("approved", "rejected")
    ]


SOURCES: tuple[Source, ...] = (
    sales_notices,
    goods_notices,
    markdown_notices,
    payout_notices,
    delivery_notices,
    announced_delivery_notices,
    proposal_notices,
    return_note_notices,
)


@dataclass(frozen=True, slots=True)
class NoticeBoard:
    notices: list[Notice]  # newest first
    seen_up_to: datetime | None  # None: never opened (every notice is new)
    unread: int


def seen_up_to(conn: Connection, user_id: int | None) -> datetime | None:
    if user_id is None:
        return None
    return conn.execute(
        select(NoticesSeen.seen_up_to).where(NoticesSeen.user_id == user_id)
    ).scalar_one_or_none()


def notice_board(
    conn: Connection, actor: Actor, entrepreneur_id: int, now: datetime
) -> NoticeBoard:
    """The entrepreneur's notices of the last ``NOTICE_DAYS``, newest first, and how many the
    reader has not seen. Only an entrepreneur's own reading counts: a manager looking at the
    pages sees every notice as the entrepreneur would, but nothing is new to them."""
    check_access(conn, actor, entrepreneur_id)
    found = [notice for source in SOURCES for notice in source(conn, entrepreneur_id, now)]
    notices = newest_first(found, now)
    if actor.role != Role.ENTREPRENEUR:
        return NoticeBoard(notices, now, 0)
    seen = seen_up_to(conn, actor.user_id)
    return NoticeBoard(notices, seen, unread(notices, seen))


def _later_of(statement: sqlite.Insert | postgresql.Insert) -> sqlite.Insert | postgresql.Insert:
    """Keep the later moment: an older page's request arriving late never un-reads notices."""
    return statement.on_conflict_do_update(
        index_elements=["user_id"],
        set_={"seen_up_to": statement.excluded.seen_up_to},
        where=NoticesSeen.seen_up_to < statement.excluded.seen_up_to,
    )


def mark_seen(conn: Connection, actor: Actor, now: datetime) -> None:
    """The entrepreneur has read their notices up to ``now`` (one row per user, kept at the
    latest moment; two tabs at once are one upsert each, in any order)."""
    if actor.role != Role.ENTREPRENEUR or actor.user_id is None:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(NoticesSeen).values(user_id=actor.user_id, seen_up_to=now)
    conn.execute(_later_of(statement))
