"""Entrepreneurs: the consignors whose goods the centre sells and to whom it pays out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, bindparam, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from inventory.catalogue.events import CatalogueEvent
from inventory.catalogue.places import vars_of
from inventory.catalogue.promptpay_ids import normalize_promptpay_id
from inventory.catalogue.rules import (
    ENTREPRENEUR_CODE_MAX,
    TAMBON_MAX,
    check_bool,
    check_commission_bp,
    check_star_rating,
    clean_code,
    clean_name,
    clean_phone,
    content_version,
)
from inventory.catalogue.search import normalize, search_text
from inventory.catalogue.store import changed, check_version, clean_changes, ensure_unique
from inventory.models import District, Entrepreneur, Product
from kernel import audit
from kernel.access import MANAGERS, STAFF, Actor, Role
from kernel.errors import InvalidInputError, NotFoundError

MAX_PAGE = 500
EDITABLE = (
    "code",
    "name_th",
    "name_en",
    "district_id",
    "tambon",
    "phone",
    "promptpay_id",
    "commission_bp",
    "star_rating",
    "active",
)


@dataclass(frozen=True, slots=True)
class EntrepreneurDraft:
    code: str
    name_th: str
    name_en: str
    district_id: int
    commission_bp: int
    star_rating: int
    tambon: str = ""
    phone: str = ""
    promptpay_id: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class EntrepreneurView:
    id: int
    code: str
    name_th: str
    name_en: str
    district_id: int
    tambon: str
    phone: str
    promptpay_id: str | None
    commission_bp: int
    star_rating: int
    active: bool
    district_code: str
    district_name_th: str
    district_name_en: str
    created_at: datetime
    updated_at: datetime
    version: int


def entrepreneur_cleaners() -> dict[str, Any]:
    """Field -> validator, shared by the API and the CSV import."""
    return {
        "code": lambda v: clean_code(v, "code", limit=ENTREPRENEUR_CODE_MAX),
        "name_th": lambda v: clean_name(v, "name_th"),
        "name_en": lambda v: clean_name(v, "name_en"),
        "district_id": lambda v: v,  # checked against the table by the service
        "tambon": lambda v: clean_name(v, "tambon", required=False, limit=TAMBON_MAX),
        "phone": clean_phone,
        "promptpay_id": lambda v: normalize_promptpay_id(v if v is None else str(v)),
        "commission_bp": check_commission_bp,
        "star_rating": check_star_rating,
        "active": lambda v: check_bool(v, "active"),
    }


def _query() -> Select[*tuple[Any, ...]]:
    return select(
        Entrepreneur.id,
        Entrepreneur.code,
        Entrepreneur.name_th,
        Entrepreneur.name_en,
        Entrepreneur.district_id,
        Entrepreneur.tambon,
        Entrepreneur.phone,
        Entrepreneur.promptpay_id,
        Entrepreneur.commission_bp,
        Entrepreneur.star_rating,
        Entrepreneur.active,
        District.code,
        District.name_th,
        District.name_en,
        Entrepreneur.created_at,
        Entrepreneur.updated_at,
    ).join(District, District.id == Entrepreneur.district_id)


def _view(row: Any) -> EntrepreneurView:
    version = content_version((*row[:11], row.updated_at.isoformat()))
    return cast(Any, EntrepreneurView)(*row, version=version)


def get_entrepreneur(conn: Connection, actor: Actor, entrepreneur_id: int) -> EntrepreneurView:
    """One entrepreneur; another entrepreneur's record is "not found" to an entrepreneur user."""
    row = (
        conn.execute(_query().where(Entrepreneur.id == entrepreneur_id)).first()
        if actor.may_see_entrepreneur(entrepreneur_id)
        else None
    )
    if row is None:
        raise NotFoundError(
            "entrepreneur.not_found",
            "ไม่พบผู้ประกอบการ id {entrepreneur_id}",
            field="entrepreneur_id",
            entrepreneur_id=entrepreneur_id,
        )
    return _view(row)


def list_entrepreneurs(
    conn: Connection,
    actor: Actor,
    q: str | None = None,
    district_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[EntrepreneurView]:
    """Staff list and search all; an entrepreneur user gets only their own record."""
    query = _query()
    if actor.role == Role.ENTREPRENEUR:
        query = query.where(Entrepreneur.id == (actor.entrepreneur_id or -1))
    else:
        actor.require(STAFF, "list entrepreneurs")
    if district_id is not None:
        query = query.where(Entrepreneur.district_id == district_id)
    needle = normalize(q or "")
    if needle:
        query = query.where(
            or_(
                func.lower(Entrepreneur.code) == needle,
                Entrepreneur.name_th.contains(needle, autoescape=True),
                func.lower(Entrepreneur.name_en).contains(needle, autoescape=True),
                func.lower(Entrepreneur.code).startswith(needle, autoescape=True),
            )
        )
    limit = min(max(limit, 1), MAX_PAGE)
    query = query.order_by(Entrepreneur.code).limit(limit).offset(max(offset, 0))
    return [_view(row) for row in conn.execute(query)]


def district_exists(conn: Connection, district_id: object, field: str = "district_id") -> int:
    if isinstance(district_id, bool) or not isinstance(district_id, int):
        raise InvalidInputError("field.not_whole_number", "ช่อง {field} ต้องเป็นจำนวนเต็ม", field=field)
    if conn.execute(select(District.id).where(District.id == district_id)).first() is None:
        raise InvalidInputError(
            "district.unknown", "ไม่พบอำเภอ id {district_id}", field=field, district_id=district_id
        )
    return district_id


def create_entrepreneur(
    conn: Connection, actor: Actor, now: datetime, draft: EntrepreneurDraft
) -> EntrepreneurView:
    actor.require(MANAGERS, "add entrepreneurs")
    values = clean_changes(vars_of(draft), entrepreneur_cleaners())
    district_exists(conn, values["district_id"])
    ensure_unique(conn, Entrepreneur.code, Entrepreneur.id, values["code"], "code")
    new_id = conn.execute(
        insert(Entrepreneur)
        .values(**values, created_at=now, updated_at=now)
        .returning(Entrepreneur.id)
    ).scalar_one()
    audit.record(
        conn, actor, CatalogueEvent.ENTREPRENEUR_CREATED, "entrepreneur", new_id, now, **values
    )
    return get_entrepreneur(conn, actor, new_id)


def update_entrepreneur(
    conn: Connection,
    actor: Actor,
    now: datetime,
    entrepreneur_id: int,
    changes: dict[str, Any],
    version: int,
) -> EntrepreneurView:
    """Apply ``changes`` if ``version`` is what the caller read (else 409 on ``version``)."""
    actor.require(MANAGERS, "edit entrepreneurs")
    current = get_entrepreneur(conn, actor, entrepreneur_id)
    check_version(current.version, version, f"entrepreneur {current.code}")
    values = clean_changes(changes, entrepreneur_cleaners())
    if "district_id" in values:
        district_exists(conn, values["district_id"])
    if "code" in values:
        ensure_unique(
            conn,
            Entrepreneur.code,
            Entrepreneur.id,
            values["code"],
            "code",
            exclude_id=entrepreneur_id,
        )
    diff = changed(vars_of(current), values)
    if not diff:
        return current
    conn.execute(
        update(Entrepreneur)
        .where(Entrepreneur.id == entrepreneur_id)
        .values(**{k: values[k] for k in diff}, updated_at=now)
    )
    if "code" in diff:
        refresh_search_text(conn, entrepreneur_id, values["code"])
    audit.record(
        conn,
        actor,
        CatalogueEvent.ENTREPRENEUR_UPDATED,
        "entrepreneur",
        entrepreneur_id,
        now,
        changes=diff,
    )
    return get_entrepreneur(conn, actor, entrepreneur_id)


def refresh_search_text(conn: Connection, entrepreneur_id: int, code: str) -> None:
    """An entrepreneur's code is part of their products' search text."""
    rows = conn.execute(
        select(Product.id, Product.name_th, Product.name_en, Product.sku, Product.barcode).where(
            Product.entrepreneur_id == entrepreneur_id
        )
    ).all()
    if not rows:
        return
    conn.execute(
        update(Product).where(Product.id == bindparam("pid")).values(search_text=bindparam("text")),
        [
            {
                "pid": r.id,
                "text": search_text(
                    name_th=r.name_th,
                    name_en=r.name_en,
                    sku=r.sku,
                    barcode=r.barcode,
                    entrepreneur_code=code,
                ),
            }
            for r in rows
        ],
    )
