"""What a sale rung at the till found different from the books on arrival: a price changed
since, a product withdrawn, stock the books did not have, a shift closed before it arrived,
a slip used before; and the stock a short sale a manager allowed took below the books. The
sale is recorded all the same (the goods left, the money was taken); each difference is a
sale exception a manager reviews and resolves, and ``otop-pos check`` lists the open ones as
warnings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from inventory.stock.rules import Shortage
from kernel import audit
from kernel.access import MANAGERS, STAFF, Actor
from kernel.db.bulk import insert_rows
from kernel.errors import ConflictError, InvalidInputError, NotFoundError
from kernel.text import check_text
from pos.checkout.events import SaleEvent
from pos.checkout.requests import MergedLine
from pos.models import Sale, SaleException, SaleExceptionKind, Till

MAX_RESOLUTION = 1000


@dataclass(frozen=True, slots=True)
class Difference:
    kind: SaleExceptionKind
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SaleExceptionView:
    id: int
    sale_id: int
    receipt_number: str | None
    till_code: str
    kind: str
    detail: dict[str, Any]
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: int | None
    resolution: str | None


def rung_products(
    merged: Sequence[MergedLine], found: Mapping[int, Mapping[Any, Any]]
) -> tuple[Mapping[int, Mapping[Any, Any]], list[Difference]]:
    """A rung sale's products: each must exist (the sale names it), and each line must say the
    price the till charged; a price other than the catalogue's, or a product withdrawn from
    sale meanwhile, is a difference."""
    differences = []
    for m in merged:
        row = found.get(m.product_id)
        where = f"lines[{m.first_index}]"
        if row is None:
            raise InvalidInputError(
                "sale.product_not_found",
                "ไม่พบสินค้ารหัส {product_id}",
                field=f"{where}.product_id",
                product_id=m.product_id,
            )
        if m.unit_price_satang is None:
            raise InvalidInputError(
                "sale.rung_price_missing",
                "การขายจากเครื่องขายต้องบอกราคาต่อหน่วยที่คิดกับลูกค้า",
                field=f"{where}.unit_price_satang",
            )
        product = {"product_id": m.product_id, "sku": row["sku"], "name": row["name_th"]}
        if not row["active"]:
            differences.append(Difference(SaleExceptionKind.NOT_FOR_SALE, product))
        if m.unit_price_satang != row["price_satang"]:
            differences.append(
                Difference(
                    SaleExceptionKind.PRICE_DIFFERS,
                    {
                        **product,
                        "charged_satang": m.unit_price_satang,
                        "catalogue_satang": row["price_satang"],
                        "quantity": m.quantity,
                    },
                )
            )
    return found, differences


def below_zero(
    shortages: Sequence[Shortage], approved_by_id: int | None = None
) -> list[Difference]:
    """Stock a sale took that the books did not have (rung at the till, or a short sale a
    manager allowed: ``approved_by_id``): count it."""
    return [
        Difference(
            SaleExceptionKind.STOCK_BELOW_ZERO,
            {
                "product_id": s.product_id,
                "name": s.label,
                "requested": s.requested,
                "on_hand_before": s.on_hand,
                **({} if approved_by_id is None else {"approved_by_id": approved_by_id}),
            },
        )
        for s in shortages
    ]


def record_differences(
    conn: Connection, now: datetime, found: Sequence[tuple[int, Actor, Difference]]
) -> None:
    """One open exception per difference of each sale (its id, who rang it)."""
    if not found:
        return
    insert_rows(
        conn,
        SaleException,
        [
            {"sale_id": sale_id, "kind": d.kind.value, "detail": d.detail, "created_at": now}
            for sale_id, _, d in found
        ],
    )
    audit.record_many(
        conn,
        [
            audit.entry(
                actor, SaleEvent.SALE_EXCEPTION_OPENED, "sale", sale_id, now, kind=d.kind.value
            )
            for sale_id, actor, d in found
        ],
    )


_VIEW = (
    select(
        SaleException.id,
        SaleException.sale_id,
        Sale.receipt_number,
        Till.code,
        SaleException.kind,
        SaleException.detail,
        SaleException.created_at,
        SaleException.resolved_at,
        SaleException.resolved_by,
        SaleException.resolution,
    )
    .join(Sale, Sale.id == SaleException.sale_id)
    .join(Till, Till.id == Sale.till_id)
)


def _view(row: Any) -> SaleExceptionView:
    id_, sale_id, number, till, kind, detail, created, resolved_at, resolved_by, resolution = row
    return SaleExceptionView(
        id_,
        sale_id,
        number,
        till,
        kind,
        detail or {},
        created,
        resolved_at,
        resolved_by,
        resolution,
    )


def list_sale_exceptions(
    conn: Connection, actor: Actor, *, open_only: bool = True, limit: int = 200
) -> list[SaleExceptionView]:
    """The newest first."""
    actor.require(STAFF, "see sale exceptions")
    query = _VIEW.order_by(SaleException.id.desc()).limit(limit)
    if open_only:
        query = query.where(SaleException.resolved_at.is_(None))
    return [_view(row) for row in conn.execute(query)]


def resolve_sale_exception(
    conn: Connection, actor: Actor, now: datetime, exception_id: int, resolution: str
) -> SaleExceptionView:
    """A manager says what was done (counted the shelf, accepted the price, ...)."""
    actor.require(MANAGERS, "resolve sale exceptions")
    text = check_text(resolution, "resolution").strip() if isinstance(resolution, str) else ""
    if not text or len(text) > MAX_RESOLUTION:
        raise InvalidInputError(
            "sale_exception.resolution_invalid",
            "ใส่สิ่งที่ทำเพื่อแก้รายการนี้ (ไม่เกิน {limit} ตัวอักษร)",
            field="resolution",
            limit=MAX_RESOLUTION,
        )
    changed = conn.execute(
        update(SaleException)
        .where(SaleException.id == exception_id, SaleException.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by=actor.user_id, resolution=text)
    ).rowcount
    row = conn.execute(_VIEW.where(SaleException.id == exception_id)).first()
    if row is None:
        raise NotFoundError(
            "sale_exception.not_found",
            "ไม่พบรายการผิดปกติ {exception_id}",
            field="exception_id",
            exception_id=exception_id,
        )
    if not changed:
        raise ConflictError(
            "sale_exception.resolved_already",
            "รายการผิดปกติ {exception_id} แก้ไขไปแล้ว",
            field="exception_id",
            exception_id=exception_id,
        )
    audit.record(
        conn,
        actor,
        SaleEvent.SALE_EXCEPTION_RESOLVED,
        "sale",
        row[1],
        now,
        exception_id=exception_id,
        kind=row[4],
        resolution=text,
    )
    return _view(row)
