"""New products an entrepreneur proposes: a real product row that cannot be sold until a
manager approves it.

Proposing creates an *inactive* product (an in-store barcode and an SKU are assigned the way
the catalogue does for goods without a GTIN), so that its photo lives in the catalogue's photo
store and its label prints like any other; its review row says proposed. Approving makes it
active (with the proposed price, or the one the manager sets), bumps its version and stamps
it changed: the tills' catalogue refresh picks it up like any edit. Rejecting keeps it
inactive, with the reason the entrepreneur reads in the portal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from inventory.catalogue.photo_store import write_photo
from inventory.catalogue.photos import Photo
from inventory.catalogue.products import next_in_store_codes
from inventory.catalogue.rules import check_price_satang
from inventory.catalogue.search import search_text
from inventory.deliveries.events import DeliveryEvent
from inventory.deliveries.models import Delivery, ProductReview
from inventory.deliveries.rules import CleanNewProduct, ReviewStatus, check_reason
from inventory.models import Category, Entrepreneur, Product
from kernel import audit
from kernel.access import MANAGERS, STAFF, Actor, Role
from kernel.db.engine import next_in_sequence
from kernel.errors import ConflictError, InvalidInputError, NotFoundError

SKU_SEQUENCE = "proposed_sku"


@dataclass(frozen=True, slots=True)
class ProposalView:
    product_id: int
    sku: str
    barcode: str
    name_th: str
    name_en: str
    category_id: int
    category_name_th: str
    category_name_en: str
    entrepreneur_id: int
    entrepreneur_code: str
    entrepreneur_name_th: str
    price_satang: int  # the proposed price until approved; the selling price after
    status: str
    proposed_at: datetime
    decided_at: datetime | None
    reason: str
    delivery_id: int | None
    delivery_number: str | None


def _next_sku(conn: Connection, entrepreneur_code: str) -> str:
    while True:
        sku = f"{entrepreneur_code}-N{next_in_sequence(conn, SKU_SEQUENCE):05d}"
        if conn.execute(select(Product.id).where(Product.sku == sku)).first() is None:
            return sku


def check_categories(conn: Connection, drafts: list[CleanNewProduct]) -> None:
    wanted = {d.category_id for d in drafts}
    known = set(conn.execute(select(Category.id).where(Category.id.in_(wanted))).scalars())
    for index, draft in enumerate(drafts):
        if draft.category_id not in known:
            raise InvalidInputError(
                "category.unknown",
                "ไม่พบหมวดหมู่ id {category_id}",
                field=f"new_products[{index}].category_id",
                category_id=draft.category_id,
            )


def propose_product(
    conn: Connection,
    actor: Actor,
    now: datetime,
    *,
    entrepreneur_id: int,
    entrepreneur_code: str,
    draft: CleanNewProduct,
    delivery_id: int,
    photo: Photo | None,
) -> int:
    """An inactive product and its review row (proposed); its id. The caller checked the
    entrepreneur and the category."""
    barcode = next_in_store_codes(conn, 1)[0]
    sku = _next_sku(conn, entrepreneur_code)
    product_id = int(
        conn.execute(
            insert(Product)
            .values(
                sku=sku,
                barcode=barcode,
                name_th=draft.name_th,
                name_en=draft.name_en,
                category_id=draft.category_id,
                entrepreneur_id=entrepreneur_id,
                price_satang=draft.price_satang,
                vat_applicable=True,
                active=False,
                search_text=search_text(
                    name_th=draft.name_th,
                    name_en=draft.name_en,
                    sku=sku,
                    barcode=barcode,
                    entrepreneur_code=entrepreneur_code,
                ),
                version=1,
                created_at=now,
                updated_at=now,
            )
            .returning(Product.id)
        ).scalar_one()
    )
    conn.execute(
        insert(ProductReview).values(
            product_id=product_id,
            entrepreneur_id=entrepreneur_id,
            delivery_id=delivery_id,
            status=ReviewStatus.PROPOSED.value,
            proposed_price_satang=draft.price_satang,
            proposed_by=actor.user_id,
            proposed_at=now,
            reason="",
        )
    )
    audit.record(
        conn,
        actor,
        DeliveryEvent.PRODUCT_PROPOSED,
        "product",
        product_id,
        now,
        sku=sku,
        barcode=barcode,
        name_th=draft.name_th,
        entrepreneur_id=entrepreneur_id,
        price_satang=draft.price_satang,
        delivery_id=delivery_id,
    )
    if photo is not None:
        write_photo(conn, actor, now, product_id, photo)
    return product_id


def _not_found(product_id: int) -> NotFoundError:
    return NotFoundError(
        "proposal.not_found",
        "ไม่พบสินค้าที่เสนอ id {product_id}",
        field="product_id",
        product_id=product_id,
    )


def _decide(
    conn: Connection,
    actor: Actor,
    now: datetime,
    product_id: int,
    status: ReviewStatus,
    reason: str,
) -> ProposalView:
    """Move a proposed review to ``status``, or 409 naming its decision (404 if none)."""
    decided = conn.execute(
        update(ProductReview)
        .where(
            ProductReview.product_id == product_id,
            ProductReview.status == ReviewStatus.PROPOSED.value,
        )
        .values(status=status.value, decided_by=actor.user_id, decided_at=now, reason=reason)
    ).rowcount
    if decided != 1:
        current = get_proposal(conn, actor, product_id)
        raise ConflictError(
            "proposal.already_decided",
            "สินค้า {name} ได้รับการพิจารณาแล้ว ({status})",
            field="product_id",
            name=current.name_th,
            status=current.status,
        )
    return get_proposal(conn, actor, product_id)


def approve_product(
    conn: Connection, actor: Actor, now: datetime, product_id: int, price_satang: int | None = None
) -> ProposalView:
    """Make a proposed product sellable, at its proposed price or at ``price_satang``."""
    actor.require(MANAGERS, "approve new products")
    if price_satang is not None:
        price_satang = check_price_satang(price_satang)
    view = _decide(conn, actor, now, product_id, ReviewStatus.APPROVED, "")
    price = view.price_satang if price_satang is None else price_satang
    conn.execute(
        update(Product)
        .where(Product.id == product_id)
        .values(active=True, price_satang=price, version=Product.version + 1, updated_at=now)
    )
    audit.record(
        conn,
        actor,
        DeliveryEvent.PRODUCT_APPROVED,
        "product",
        product_id,
        now,
        sku=view.sku,
        entrepreneur_id=view.entrepreneur_id,
        proposed_price_satang=view.price_satang,
        price_satang=price,
    )
    return get_proposal(conn, actor, product_id)


def reject_product(
    conn: Connection, actor: Actor, now: datetime, product_id: int, reason: str
) -> ProposalView:
    actor.require(MANAGERS, "reject new products")
    reason = check_reason(reason)
    view = _decide(conn, actor, now, product_id, ReviewStatus.REJECTED, reason)
    audit.record(
        conn,
        actor,
        DeliveryEvent.PRODUCT_REJECTED,
        "product",
        product_id,
        now,
        sku=view.sku,
        entrepreneur_id=view.entrepreneur_id,
        reason=reason,
    )
    return view


def _query():  # type: ignore[no-untyped-def]
    return (
        select(
            Product.id,
            Product.sku,
            Product.barcode,
            Product.name_th,
            Product.name_en,
            Product.category_id,
            Category.name_th,
            Category.name_en,
            Product.entrepreneur_id,
            Entrepreneur.code,
            Entrepreneur.name_th,
            Product.price_satang,
            ProductReview.status,
            ProductReview.proposed_at,
            ProductReview.decided_at,
            ProductReview.reason,
            ProductReview.delivery_id,
            Delivery.number,
        )
        .select_from(ProductReview)
        .join(Product, Product.id == ProductReview.product_id)
        .join(Category, Category.id == Product.category_id)
        .join(Entrepreneur, Entrepreneur.id == Product.entrepreneur_id)
        .outerjoin(Delivery, Delivery.id == ProductReview.delivery_id)
    )


def get_proposal(conn: Connection, actor: Actor, product_id: int) -> ProposalView:
    """One proposed product with its review; another entrepreneur's is 404."""
    row = conn.execute(_query().where(ProductReview.product_id == product_id)).first()
    if row is None or not actor.may_see_entrepreneur(row.entrepreneur_id):
        raise _not_found(product_id)
    return ProposalView(*row)


def list_proposals(
    conn: Connection,
    actor: Actor,
    *,
    status: ReviewStatus | None = ReviewStatus.PROPOSED,
    entrepreneur_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[ProposalView]:
    """Proposals oldest first (the queue a manager works through); an entrepreneur gets
    their own only, a cashier may look at the queue."""
    if actor.role == Role.ENTREPRENEUR:
        entrepreneur_id = actor.entrepreneur_id if actor.entrepreneur_id is not None else -1
    else:
        actor.require(STAFF, "see proposed products")
    query = _query().order_by(ProductReview.proposed_at, ProductReview.product_id)
    if status is not None:
        query = query.where(ProductReview.status == status.value)
    if entrepreneur_id is not None:
        query = query.where(ProductReview.entrepreneur_id == entrepreneur_id)
    query = query.limit(min(max(limit, 1), 500)).offset(max(offset, 0))
    return [ProposalView(*row) for row in conn.execute(query)]


def review_statuses(conn: Connection, product_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Product id -> (review status, reason) for those of ``product_ids`` that were proposed."""
    if not product_ids:
        return {}
    rows = conn.execute(
        select(ProductReview.product_id, ProductReview.status, ProductReview.reason).where(
            ProductReview.product_id.in_(sorted(set(product_ids)))
        )
    )
    return {pid: (status, reason) for pid, status, reason in rows}
