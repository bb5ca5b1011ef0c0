"""Districts (read-only reference), locations where stock is kept, and product categories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from inventory.catalogue.events import CatalogueEvent
from inventory.catalogue.rules import (
    CATEGORY_CODE_MAX,
    LOCATION_CODE_MAX,
    check_bool,
    check_commission_bp,
    clean_code,
    clean_name,
    content_version,
)
from inventory.catalogue.store import changed, check_version, clean_changes, ensure_unique
from inventory.models import Category, District, Location
from kernel import audit
from kernel.access import MANAGERS, Actor
from kernel.errors import InvalidInputError, NotFoundError

# The 25 amphoe of Chiang Mai with their official geocodes (province 50).
CHIANG_MAI_DISTRICTS: tuple[tuple[str, str, str], ...] = (
    ("5001", "เมืองเชียงใหม่", "Mueang Chiang Mai"),
    ("5002", "จอมทอง", "Chom Thong"),
    ("5003", "แม่แจ่ม", "Mae Chaem"),
    ("5004", "เชียงดาว", "Chiang Dao"),
    ("5005", "ดอยสะเก็ด", "Doi Saket"),
    ("5006", "แม่แตง", "Mae Taeng"),
    ("5007", "แม่ริม", "Mae Rim"),
    ("5008", "สะเมิง", "Samoeng"),
    ("5009", "ฝาง", "Fang"),
    ("5010", "แม่อาย", "Mae Ai"),
    ("5011", "พร้าว", "Phrao"),
    ("5012", "สันป่าตอง", "San Pa Tong"),
    ("5013", "สันกำแพง", "San Kamphaeng"),
    ("5014", "สันทราย", "San Sai"),
    ("5015", "หางดง", "Hang Dong"),
    ("5016", "ฮอด", "Hot"),
    ("5017", "ดอยเต่า", "Doi Tao"),
    ("5018", "อมก๋อย", "Omkoi"),
    ("5019", "สารภี", "Saraphi"),
    ("5020", "เวียงแหง", "Wiang Haeng"),
    ("5021", "ไชยปราการ", "Chai Prakan"),
    ("5022", "แม่วาง", "Mae Wang"),
    ("5023", "แม่ออน", "Mae On"),
    ("5024", "ดอยหล่อ", "Doi Lo"),
    ("5025", "กัลยาณิวัฒนา", "Galyani Vadhana"),
)
STANDARD_LOCATIONS: tuple[tuple[str, str, str, bool], ...] = (
    ("SKP", "ศูนย์จำหน่ายสินค้า OTOP สันกำแพง", "OTOP Distribution Centre, San Kamphaeng", True),
    (
        "TPR",
        "พื้นที่สร้างสรรค์ Creative Co-Sharing Space ถนนท่าแพ",
        "Creative Co-Sharing Space, Tha Phae Road",
        False,
    ),
)


@dataclass(frozen=True, slots=True)
class DistrictView:
    id: int
    code: str
    name_th: str
    name_en: str


@dataclass(frozen=True, slots=True)
class LocationView:
    id: int
    code: str
    name_th: str
    name_en: str
    is_default: bool
    active: bool
    version: int


@dataclass(frozen=True, slots=True)
class CategoryView:
    id: int
    code: str
    name_th: str
    name_en: str
    commission_bp: int | None
    version: int


@dataclass(frozen=True, slots=True)
class LocationDraft:
    code: str
    name_th: str
    name_en: str
    is_default: bool = False
    active: bool = True


@dataclass(frozen=True, slots=True)
class CategoryDraft:
    code: str
    name_th: str
    name_en: str
    commission_bp: int | None = None


# --- districts -------------------------------------------------------------------------


def list_districts(conn: Connection) -> list[DistrictView]:
    rows = conn.execute(
        select(District.id, District.code, District.name_th, District.name_en).order_by(
            District.code
        )
    )
    return [DistrictView(*row) for row in rows]


def ensure_reference_places(conn: Connection, actor: Actor, now: datetime) -> None:
    """Add the 25 districts and the two outlets where missing (for seeding and set-up)."""
    known = set(conn.execute(select(District.code)).scalars())
    missing = [
        {"code": c, "name_th": th, "name_en": en}
        for c, th, en in CHIANG_MAI_DISTRICTS
        if c not in known
    ]
    if missing:
        conn.execute(insert(District), missing)
    have_default = conn.execute(select(Location.id).where(Location.is_default.is_(True))).first()
    places = set(conn.execute(select(Location.code)).scalars())
    for code, name_th, name_en, is_default in STANDARD_LOCATIONS:
        if code not in places:
            draft = LocationDraft(code, name_th, name_en, is_default and not have_default)
            create_location(conn, actor, now, draft)


# --- locations -------------------------------------------------------------------------

_LOCATION_COLUMNS = (
    Location.id,
    Location.code,
    Location.name_th,
    Location.name_en,
    Location.is_default,
    Location.active,
)


def _location_view(row: Any) -> LocationView:
    return cast(Any, LocationView)(*row, version=content_version(row))


def list_locations(conn: Connection, *, active_only: bool = False) -> list[LocationView]:
    query = select(*_LOCATION_COLUMNS).order_by(Location.is_default.desc(), Location.code)
    if active_only:
        query = query.where(Location.active.is_(True))
    return [_location_view(row) for row in conn.execute(query)]


def get_location(conn: Connection, location_id: int) -> LocationView:
    row = conn.execute(select(*_LOCATION_COLUMNS).where(Location.id == location_id)).first()
    if row is None:
        raise NotFoundError(
            "location.not_found",
            "ไม่พบสถานที่ id {location_id}",
            field="location_id",
            location_id=location_id,
        )
    return _location_view(row)


def default_location_id(conn: Connection) -> int:
    """The default location (San Kamphaeng): where on-hand is shown when none is named."""
    found = conn.execute(
        select(Location.id).where(Location.is_default.is_(True)).order_by(Location.id).limit(1)
    ).scalar()
    if found is None:
        raise NotFoundError("location.no_default", "ยังไม่ได้ตั้งสถานที่หลัก", field="location_id")
    return int(found)


def _location_cleaners() -> dict[str, Any]:
    return {
        "code": lambda v: clean_code(v, "code", limit=LOCATION_CODE_MAX),
        "name_th": lambda v: clean_name(v, "name_th"),
        "name_en": lambda v: clean_name(v, "name_en"),
        "is_default": lambda v: check_bool(v, "is_default"),
        "active": lambda v: check_bool(v, "active"),
    }


def create_location(
    conn: Connection, actor: Actor, now: datetime, draft: LocationDraft
) -> LocationView:
    actor.require(MANAGERS, "add locations")
    values = clean_changes(vars_of(draft), _location_cleaners())
    ensure_unique(conn, Location.code, Location.id, values["code"], "code")
    if values["is_default"]:
        conn.execute(update(Location).values(is_default=False))
    new_id = conn.execute(insert(Location).values(**values).returning(Location.id)).scalar_one()
    audit.record(conn, actor, CatalogueEvent.LOCATION_CREATED, "location", new_id, now, **values)
    return get_location(conn, new_id)


def update_location(
    conn: Connection,
    actor: Actor,
    now: datetime,
    location_id: int,
    changes: dict[str, Any],
    version: int,
) -> LocationView:
    actor.require(MANAGERS, "edit locations")
    current = get_location(conn, location_id)
    check_version(current.version, version, f"location {current.code}")
    values = clean_changes(changes, _location_cleaners())
    if "code" in values:
        ensure_unique(
            conn, Location.code, Location.id, values["code"], "code", exclude_id=location_id
        )
    if current.is_default and (values.get("is_default") is False or values.get("active") is False):
        raise InvalidInputError(
            "location.default_required",
            "ปิดสถานที่หลักหรือยกเลิกการเป็นสถานที่หลักไม่ได้ กรุณาตั้งสถานที่อื่นเป็นสถานที่หลักก่อน",
            field="is_default" if "is_default" in values else "active",
        )
    diff = changed(vars_of(current), values)
    if diff:
        if values.get("is_default"):
            conn.execute(update(Location).values(is_default=False))
        conn.execute(update(Location).where(Location.id == location_id).values(**values))
        audit.record(
            conn, actor, CatalogueEvent.LOCATION_UPDATED, "location", location_id, now, changes=diff
        )
    return get_location(conn, location_id)


# --- categories ------------------------------------------------------------------------

_CATEGORY_COLUMNS = (
    Category.id,
    Category.code,
    Category.name_th,
    Category.name_en,
    Category.commission_bp,
)


def _category_view(row: Any) -> CategoryView:
    return cast(Any, CategoryView)(*row, version=content_version(row))


def list_categories(conn: Connection) -> list[CategoryView]:
    rows = conn.execute(select(*_CATEGORY_COLUMNS).order_by(Category.name_th))
    return [_category_view(row) for row in rows]


def get_category(conn: Connection, category_id: int) -> CategoryView:
    row = conn.execute(select(*_CATEGORY_COLUMNS).where(Category.id == category_id)).first()
    if row is None:
        raise NotFoundError(
            "category.not_found",
            "ไม่พบหมวดหมู่ id {category_id}",
            field="category_id",
            category_id=category_id,
        )
    return _category_view(row)


def _category_cleaners() -> dict[str, Any]:
    return {
        "code": lambda v: clean_code(v, "code", limit=CATEGORY_CODE_MAX),
        "name_th": lambda v: clean_name(v, "name_th"),
        "name_en": lambda v: clean_name(v, "name_en"),
        "commission_bp": lambda v: None if v is None else check_commission_bp(v),
    }


def create_category(
    conn: Connection, actor: Actor, now: datetime, draft: CategoryDraft
) -> CategoryView:
    actor.require(MANAGERS, "add categories")
    values = clean_changes(vars_of(draft), _category_cleaners())
    ensure_unique(conn, Category.code, Category.id, values["code"], "code")
    new_id = conn.execute(insert(Category).values(**values).returning(Category.id)).scalar_one()
    audit.record(conn, actor, CatalogueEvent.CATEGORY_CREATED, "category", new_id, now, **values)
    return get_category(conn, new_id)


def update_category(
    conn: Connection,
    actor: Actor,
    now: datetime,
    category_id: int,
    changes: dict[str, Any],
    version: int,
) -> CategoryView:
    actor.require(MANAGERS, "edit categories")
    current = get_category(conn, category_id)
    check_version(current.version, version, f"category {current.code}")
    values = clean_changes(changes, _category_cleaners())
    if "code" in values:
        ensure_unique(
            conn, Category.code, Category.id, values["code"], "code", exclude_id=category_id
        )
    diff = changed(vars_of(current), values)
    if diff:
        conn.execute(update(Category).where(Category.id == category_id).values(**values))
        audit.record(
            conn, actor, CatalogueEvent.CATEGORY_UPDATED, "category", category_id, now, changes=diff
        )
    return get_category(conn, category_id)


def vars_of(view: Any) -> dict[str, Any]:
    """A slotted dataclass as a dict (``vars()`` does not work with slots)."""
    return {name: getattr(view, name) for name in view.__dataclass_fields__}
