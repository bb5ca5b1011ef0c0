"""Agreed markdowns applied on their date: each product's markdown on the tills set to what
its oldest goods' terms make due (inventory.stock.markdown_rules), each change recorded in
``markdowns`` and the audit log.

Running it again the same day changes nothing (only products whose markdown differs from the
due one change). A change sets the product's markdown only if it is still the one read
(compare-and-set on ``markdown_bp``): two runs at once (two workers starting on PostgreSQL)
record each change once. Each change bumps the product's ``version`` and ``updated_at``, so
that an edit made on the old version is refused and the tills' catalogue deltas carry the new
price within their refresh.

Who runs it: ``otop-pos markdowns``, a manager's button on the aging page (or
POST /api/v1/markdowns/apply), and the server itself at start and whenever the aging page is
opened (web.stock.aging_pages): there is no scheduler in the server.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, or_, select, union, update
from sqlalchemy.engine import Connection

from inventory.models import Entrepreneur, Markdown, Product, StockLot, StockMovement
from inventory.stock.aging import aged_lots
from inventory.stock.events import StockEvent
from inventory.stock.markdown_rules import LotOnShelf, MarkdownChange, markdown_changes
from inventory.stock.queries import MAX_PAGE
from inventory.stock.refs import visible_entrepreneur
from inventory.terms.rules import marked_down_price
from kernel.access import MANAGERS, Actor
from kernel.audit import record
from kernel.clock import business_date

# Products a writer of many changes (the server, the command) changes per write transaction:
# three rows each (the product, the markdown, the audit entry), so a first day with hundreds
# due holds the writer for a few hundred rows at a time (238 changes in one took 0.7 s).
CHUNK = 100


@dataclass(frozen=True, slots=True)
class MarkdownView:
    """One recorded change of a product's markdown."""

    id: int
    product_id: int
    sku: str
    name_th: str
    name_en: str
    entrepreneur_id: int
    entrepreneur_code: str
    lot_id: int | None  # the lot whose terms made it due; None: no goods left
    terms_id: int | None  # None: the built-in standard terms (or no goods left)
    from_bp: int
    to_bp: int
    list_price_satang: int
    price_before_satang: int
    price_after_satang: int
    due_on: date | None  # the day the lot's step came in force
    effective_on: date  # the Bangkok day the tills changed price
    applied_at: datetime
    actor_name: str


@dataclass(frozen=True, slots=True)
class MarkdownRun:
    """What one run did: the changes it made, on which day, and how many products it read."""

    day: date
    checked: int
    applied: list[MarkdownView]


_IN_FORCE = select(Product.id, Product.markdown_bp, Product.price_satang).where(
    or_(
        Product.markdown_bp != 0,
        Product.id.in_(select(StockLot.product_id).where(StockLot.remaining > 0)),
    )
)


def due_changes(
    conn: Connection, today: date, product_ids: Sequence[int] | None = None
) -> tuple[list[MarkdownChange], dict[int, int]]:
    """The products (all, or ``product_ids``) whose markdown differs from what is due
    ``today``, and the list price of every product read (product id -> satang)."""
    lots: dict[int, list[LotOnShelf]] = defaultdict(list)
    for lot in aged_lots(conn, today, product_ids=product_ids):
        lots[lot.product_id].append(
            LotOnShelf(lot.lot_id, lot.received_on, lot.remaining, lot.terms.id, lot.terms.terms)
        )
    query = _IN_FORCE
    if product_ids is not None:
        query = query.where(Product.id.in_(sorted(set(product_ids))))
    in_force: dict[int, int] = {}
    prices: dict[int, int] = {}
    for product_id, markdown_bp, price in conn.execute(query):
        in_force[product_id] = markdown_bp
        prices[product_id] = price
    return markdown_changes(in_force, lots, today), prices


def moved_since(conn: Connection, since: datetime, after_id: int) -> list[int]:
    """The products whose goods moved since an earlier read: by a movement written at or after
    ``since``, or numbered after ``after_id`` (a sale a till rang offline keeps the time it was
    rung, and arrives later). On one Bangkok day only these can have a different markdown due
    than that read found: what is due follows the day and each product's oldest goods, and
    goods change only by a movement."""
    by_time = select(StockMovement.product_id).where(StockMovement.created_at >= since)
    by_number = select(StockMovement.product_id).where(StockMovement.id > after_id)
    return list(conn.execute(union(by_time, by_number)).scalars())


def last_movement_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(StockMovement.id), 0))).scalar_one())


def apply_due_markdowns(
    conn: Connection, actor: Actor, now: datetime, product_ids: Sequence[int] | None = None
) -> MarkdownRun:
    """Set every product's markdown (or those of ``product_ids``) to the one due on ``now``'s
    Bangkok day, recording each change; in the caller's transaction.

    The server reads the whole plan in a snapshot first (:func:`due_changes`, off the writer)
    and runs this for the products it found only, so that the write transaction stays short
    and still decides on what it reads itself."""
    actor.require(MANAGERS, "apply markdowns")
    today = business_date(now)
    changes, prices = due_changes(conn, today, product_ids)
    return MarkdownRun(today, len(prices), apply_changes(conn, actor, now, changes, prices))


def apply_changes(
    conn: Connection,
    actor: Actor,
    now: datetime,
    changes: list[MarkdownChange],
    prices: dict[int, int],
) -> list[MarkdownView]:
    """Make the changes :func:`due_changes` found, each only if the product's markdown is
    still the one it read; the changes made."""
    actor.require(MANAGERS, "apply markdowns")
    ids = [
        markdown_id
        for change in changes
        if (markdown_id := _apply(conn, actor, now, change, prices[change.product_id])) is not None
    ]
    return _views(conn, ids) if ids else []


def _apply(
    conn: Connection, actor: Actor, now: datetime, change: MarkdownChange, list_price: int
) -> int | None:
    """One product's change, if its markdown is still the one read (None otherwise)."""
    done = conn.execute(
        update(Product)
        .where(Product.id == change.product_id, Product.markdown_bp == change.from_bp)
        .values(markdown_bp=change.to_bp, version=Product.version + 1, updated_at=now)
    )
    if done.rowcount != 1:
        return None  # another run got there first
    values = {
        "product_id": change.product_id,
        "lot_id": change.due.lot_id,
        "terms_id": change.due.terms_id,
        "from_bp": change.from_bp,
        "to_bp": change.to_bp,
        "list_price_satang": list_price,
        "price_before_satang": marked_down_price(list_price, change.from_bp),
        "price_after_satang": marked_down_price(list_price, change.to_bp),
        "due_on": change.due.due_on,
        "effective_on": business_date(now),
        "applied_at": now,
        "actor_id": actor.user_id,
        "actor_name": actor.username,
    }
    markdown_id = int(
        conn.execute(insert(Markdown).values(values).returning(Markdown.id)).scalar_one()
    )
    record(
        conn,
        actor,
        StockEvent.MARKDOWN_APPLIED,
        "product",
        change.product_id,
        now,
        markdown_id=markdown_id,
        lot_id=change.due.lot_id,
        terms_id=change.due.terms_id,
        from_bp=change.from_bp,
        to_bp=change.to_bp,
        price_before_satang=values["price_before_satang"],
        price_after_satang=values["price_after_satang"],
        due_on=None if change.due.due_on is None else change.due.due_on.isoformat(),
    )
    return markdown_id


_VIEW = (
    select(
        Markdown.id,
        Markdown.product_id,
        Product.sku,
        Product.name_th,
        Product.name_en,
        Product.entrepreneur_id,
        Entrepreneur.code.label("entrepreneur_code"),
        Markdown.lot_id,
        Markdown.terms_id,
        Markdown.from_bp,
        Markdown.to_bp,
        Markdown.list_price_satang,
        Markdown.price_before_satang,
        Markdown.price_after_satang,
        Markdown.due_on,
        Markdown.effective_on,
        Markdown.applied_at,
        Markdown.actor_name,
    )
    .join(Product, Product.id == Markdown.product_id)
    .join(Entrepreneur, Entrepreneur.id == Product.entrepreneur_id)
)


def _views(conn: Connection, ids: list[int]) -> list[MarkdownView]:
    query = _VIEW.where(Markdown.id.in_(ids)).order_by(Markdown.id)
    return [MarkdownView(**row) for row in conn.execute(query).mappings()]


def list_markdowns(
    conn: Connection,
    actor: Actor,
    *,
    entrepreneur_id: int | None = None,
    product_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[MarkdownView]:
    """Markdowns applied (newest first), by the day they took effect (``since``..``until``,
    both included); an entrepreneur sees only their own products'."""
    whose = visible_entrepreneur(actor, entrepreneur_id)
    query = _VIEW
    if whose is not None:
        query = query.where(Product.entrepreneur_id == whose)
    if product_id is not None:
        query = query.where(Markdown.product_id == product_id)
    if since is not None:
        query = query.where(Markdown.effective_on >= since)
    if until is not None:
        query = query.where(Markdown.effective_on <= until)
    query = (
        query.order_by(Markdown.id.desc())
        .limit(min(max(limit, 1), MAX_PAGE))
        .offset(max(offset, 0))
    )
    return [MarkdownView(**row) for row in conn.execute(query).mappings()]
