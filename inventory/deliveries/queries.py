"""Reading deliveries: one with its lines and differences, lists, and what changed since a time
(for the portal's notices). An entrepreneur sees only their own; another's is "not found"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.engine import Connection

from inventory.deliveries.models import Delivery, DeliveryLine, ProductReview
from inventory.deliveries.rules import (
    DeliveryStatus,
    DifferenceCounts,
    DifferenceKind,
    LineDifference,
    count_differences,
    kind_of,
)
from inventory.models import Entrepreneur, Intake, Location, Product
from inventory.stock.refs import parties, visible_entrepreneur, with_parties
from kernel.access import Actor
from kernel.errors import NotFoundError


@dataclass(frozen=True, slots=True)
class DeliveryLineView:
    product_id: int
    sku: str
    barcode: str
    name_th: str
    name_en: str
    price_satang: int
    active: bool
    review_status: str | None  # proposed / approved / rejected for a new product, else None
    review_reason: str
    announced: int
    received: int | None  # None until the delivery is received
    kind: DifferenceKind | None  # None until received

    @property
    def difference(self) -> int | None:
        return None if self.received is None else self.received - self.announced


@dataclass(frozen=True, slots=True)
class DeliveryView:
    id: int
    number: str
    entrepreneur_id: int
    entrepreneur_code: str
    entrepreneur_name_th: str
    entrepreneur_name_en: str
    location_id: int
    location_code: str
    location_name_th: str
    location_name_en: str
    expected_on: date
    note: str
    status: str
    announced_at: datetime
    cancelled_at: datetime | None
    received_at: datetime | None
    receive_note: str
    intake_id: int | None
    intake_number: str | None
    lines: list[DeliveryLineView]
    differences: DifferenceCounts | None  # None until received

    @property
    def announced_units(self) -> int:
        return sum(line.announced for line in self.lines)

    @property
    def received_units(self) -> int | None:
        if self.status != DeliveryStatus.RECEIVED:
            return None
        return sum(line.received or 0 for line in self.lines)


@dataclass(frozen=True, slots=True)
class DeliverySummary:
    id: int
    number: str
    entrepreneur_id: int
    entrepreneur_code: str
    entrepreneur_name_th: str
    location_code: str
    location_name_th: str
    expected_on: date
    status: str
    announced_at: datetime
    received_at: datetime | None
    line_count: int
    announced_units: int
    received_units: int
    differing_lines: int


@dataclass(frozen=True, slots=True)
class DeliveryNotice:
    """A delivery that changed since a time, as a notice feed says it."""

    id: int
    number: str
    status: str
    changed_at: datetime
    differences: DifferenceCounts | None


def _not_found(delivery_id: int) -> NotFoundError:
    return NotFoundError(
        "delivery.not_found",
        "ไม่พบการแจ้งส่งสินค้า id {delivery_id}",
        field="delivery_id",
        delivery_id=delivery_id,
    )


def get_delivery(conn: Connection, actor: Actor, delivery_id: int) -> DeliveryView:
    head = conn.execute(
        with_parties(Delivery)
        .add_columns(Intake.number.label("intake_number"))
        .outerjoin(Intake, Intake.id == Delivery.intake_id)
        .where(Delivery.id == delivery_id)
    ).first()
    if head is None or not actor.may_see_entrepreneur(head.entrepreneur_id):
        raise _not_found(delivery_id)
    received = head.status == DeliveryStatus.RECEIVED
    lines = [
        DeliveryLineView(
            *row[:10],
            row.received if received else None,
            kind_of(row.announced, row.received or 0) if received else None,
        )
        for row in conn.execute(
            select(
                Product.id,
                Product.sku,
                Product.barcode,
                Product.name_th,
                Product.name_en,
                Product.price_satang,
                Product.active,
                ProductReview.status.label("review_status"),
                func.coalesce(ProductReview.reason, "").label("review_reason"),
                DeliveryLine.announced,
                DeliveryLine.received,
            )
            .join(Product, Product.id == DeliveryLine.product_id)
            .outerjoin(ProductReview, ProductReview.product_id == DeliveryLine.product_id)
            .where(DeliveryLine.delivery_id == delivery_id)
            .order_by(DeliveryLine.id)
        )
    ]
    return DeliveryView(
        id=head.id,
        number=head.number,
        **parties(head),
        expected_on=head.expected_on,
        note=head.note,
        status=head.status,
        announced_at=head.announced_at,
        cancelled_at=head.cancelled_at,
        received_at=head.received_at if received else None,
        receive_note=head.receive_note,
        intake_id=head.intake_id,
        intake_number=head.intake_number,
        lines=lines,
        differences=_counts(lines) if received else None,
    )


def _counts(lines: list[DeliveryLineView]) -> DifferenceCounts:
    return DifferenceCounts(
        short=sum(line.kind == DifferenceKind.SHORT for line in lines),
        over=sum(line.kind == DifferenceKind.OVER for line in lines),
        not_announced=sum(line.kind == DifferenceKind.NOT_ANNOUNCED for line in lines),
    )


def _line_totals():  # type: ignore[no-untyped-def]
    received = func.coalesce(DeliveryLine.received, 0)
    differs = case((received != DeliveryLine.announced, 1), else_=0)
    return (
        select(
            DeliveryLine.delivery_id,
            func.count().label("line_count"),
            func.sum(DeliveryLine.announced).label("announced_units"),
            func.sum(received).label("received_units"),
            func.sum(differs).label("differing"),
        )
        .group_by(DeliveryLine.delivery_id)
        .subquery()
    )


def list_deliveries(
    conn: Connection,
    actor: Actor,
    *,
    entrepreneur_id: int | None = None,
    status: DeliveryStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[DeliverySummary]:
    """Newest first; an entrepreneur always gets their own, whatever they ask for.
    ``differing_lines`` counts only once the delivery is received."""
    entrepreneur_id = visible_entrepreneur(actor, entrepreneur_id)
    totals = _line_totals()
    received = Delivery.status == DeliveryStatus.RECEIVED.value
    query = (
        select(
            Delivery.id,
            Delivery.number,
            Delivery.entrepreneur_id,
            Entrepreneur.code,
            Entrepreneur.name_th,
            Location.code,
            Location.name_th,
            Delivery.expected_on,
            Delivery.status,
            Delivery.announced_at,
            case((received, Delivery.received_at), else_=None),
            func.coalesce(totals.c.line_count, 0),
            func.coalesce(totals.c.announced_units, 0),
            func.coalesce(totals.c.received_units, 0),
            case((received, func.coalesce(totals.c.differing, 0)), else_=0),
        )
        .join(Entrepreneur, Entrepreneur.id == Delivery.entrepreneur_id)
        .join(Location, Location.id == Delivery.location_id)
        .outerjoin(totals, totals.c.delivery_id == Delivery.id)
        .order_by(Delivery.id.desc())
        .limit(min(max(limit, 1), 500))
        .offset(max(offset, 0))
    )
    if entrepreneur_id is not None:
        query = query.where(Delivery.entrepreneur_id == entrepreneur_id)
    if status is not None:
        query = query.where(Delivery.status == status.value)
    return [DeliverySummary(*list(row)) for row in conn.execute(query)]


def deliveries_since(
    conn: Connection, actor: Actor, entrepreneur_id: int, since: datetime
) -> list[DeliveryNotice]:
    """An entrepreneur's deliveries announced, received or cancelled at or after ``since``,
    newest change first, with their difference counts once received (for the notices)."""
    if not actor.may_see_entrepreneur(entrepreneur_id):
        return []
    changed = func.coalesce(Delivery.received_at, Delivery.cancelled_at, Delivery.announced_at)
    rows = conn.execute(
        select(Delivery.id, Delivery.number, Delivery.status, changed.label("changed_at"))
        .where(
            Delivery.entrepreneur_id == entrepreneur_id,
            or_(
                Delivery.announced_at >= since,
                Delivery.cancelled_at >= since,
                Delivery.received_at >= since,
            ),
        )
        .order_by(changed.desc(), Delivery.id.desc())
        .limit(200)
    ).all()
    received_ids = [r.id for r in rows if r.status == DeliveryStatus.RECEIVED]
    counts = _counts_of(conn, received_ids)
    return [DeliveryNotice(r.id, r.number, r.status, r.changed_at, counts.get(r.id)) for r in rows]


def _counts_of(conn: Connection, delivery_ids: list[int]) -> dict[int, DifferenceCounts]:
    if not delivery_ids:
        return {}
    by_delivery: dict[int, list[tuple[int, int]]] = {}
    for delivery_id, announced, received in conn.execute(
        select(DeliveryLine.delivery_id, DeliveryLine.announced, DeliveryLine.received).where(
            DeliveryLine.delivery_id.in_(delivery_ids)
        )
    ):
        by_delivery.setdefault(delivery_id, []).append((announced, received or 0))
    return {
        delivery_id: count_differences(
            LineDifference(0, announced, received, kind_of(announced, received))
            for announced, received in pairs
        )
        for delivery_id, pairs in by_delivery.items()
    }


@dataclass(frozen=True, slots=True)
class ProductChoice:
    """A product the entrepreneur may announce: active, or proposed and still waiting."""

    id: int
    sku: str
    barcode: str
    name_th: str
    name_en: str
    price_satang: int
    waiting: bool  # proposed, not approved yet


def announceable_products(
    conn: Connection, actor: Actor, entrepreneur_id: int, limit: int = 2000
) -> list[ProductChoice]:
    """The entrepreneur's products for the announcement form, by Thai name."""
    if not actor.may_see_entrepreneur(entrepreneur_id):
        return []
    waiting = ProductReview.status == "proposed"
    rows = conn.execute(
        select(
            Product.id,
            Product.sku,
            Product.barcode,
            Product.name_th,
            Product.name_en,
            Product.price_satang,
            case((waiting, 1), else_=0),
        )
        .outerjoin(ProductReview, ProductReview.product_id == Product.id)
        .where(
            Product.entrepreneur_id == entrepreneur_id,
            or_(Product.active.is_(True), waiting),
        )
        .order_by(Product.name_th, Product.id)
        .limit(limit)
    )
    return [
        ProductChoice(
            row.id, row.sku, row.barcode, row.name_th, row.name_en, row.price_satang, bool(row[6])
        )
        for row in rows
    ]
