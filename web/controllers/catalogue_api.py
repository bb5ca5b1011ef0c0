"""JSON API of the catalogue: products, entrepreneurs, categories, locations, districts.

Everyone signed in may read (an entrepreneur user only their own entrepreneur and products,
which the services enforce); only admins and managers create and edit. Edits carry the
``version`` that was read: a stale one is a 409.
"""

from __future__ import annotations

from typing import Any

from litestar import get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel, ConfigDict, Field

from inventory import catalogue
from inventory.catalogue import (
    CategoryDraft,
    CategoryView,
    DistrictView,
    EntrepreneurDraft,
    EntrepreneurView,
    LocationDraft,
    LocationView,
    ProductDraft,
    ProductView,
)
from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from web.auth import managers_only, signed_in
from web.schemas import TrueOrFalse, WholeNumber
from web.settings import Settings


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProductIn(_Strict):
    sku: str = Field(max_length=32)
    barcode: str | None = Field(default=None, max_length=32, description="blank: in-store code")
    name_th: str = Field(max_length=400)
    name_en: str = Field(max_length=400)
    category_id: WholeNumber
    entrepreneur_id: WholeNumber
    price_satang: WholeNumber = Field(ge=0)
    vat_applicable: TrueOrFalse = True
    active: TrueOrFalse = True


class ProductPatch(_Strict):
    version: WholeNumber
    sku: str | None = Field(default=None, max_length=32)
    barcode: str | None = Field(default=None, max_length=32)
    name_th: str | None = Field(default=None, max_length=400)
    name_en: str | None = Field(default=None, max_length=400)
    category_id: WholeNumber | None = None
    entrepreneur_id: WholeNumber | None = None
    price_satang: WholeNumber | None = Field(default=None, ge=0)
    vat_applicable: TrueOrFalse | None = None
    active: TrueOrFalse | None = None


class EntrepreneurIn(_Strict):
    code: str = Field(max_length=16)
    name_th: str = Field(max_length=400)
    name_en: str = Field(max_length=400)
    district_id: WholeNumber
    commission_bp: WholeNumber | None = None  # none: the centre's default (a setting)
    star_rating: WholeNumber
    tambon: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    promptpay_id: str | None = Field(default=None, max_length=40)
    active: TrueOrFalse = True


class EntrepreneurPatch(_Strict):
    version: WholeNumber
    code: str | None = Field(default=None, max_length=16)
    name_th: str | None = Field(default=None, max_length=400)
    name_en: str | None = Field(default=None, max_length=400)
    district_id: WholeNumber | None = None
    commission_bp: WholeNumber | None = None
    star_rating: WholeNumber | None = None
    tambon: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    promptpay_id: str | None = Field(default=None, max_length=40)
    active: TrueOrFalse | None = None


class CategoryIn(_Strict):
    code: str = Field(max_length=32)
    name_th: str = Field(max_length=400)
    name_en: str = Field(max_length=400)
    commission_bp: WholeNumber | None = None


class CategoryPatch(_Strict):
    version: WholeNumber
    code: str | None = Field(default=None, max_length=32)
    name_th: str | None = Field(default=None, max_length=400)
    name_en: str | None = Field(default=None, max_length=400)
    commission_bp: WholeNumber | None = None


class LocationIn(_Strict):
    code: str = Field(max_length=16)
    name_th: str = Field(max_length=400)
    name_en: str = Field(max_length=400)
    is_default: TrueOrFalse = False
    active: TrueOrFalse = True


class LocationPatch(_Strict):
    version: WholeNumber
    code: str | None = Field(default=None, max_length=16)
    name_th: str | None = Field(default=None, max_length=400)
    name_en: str | None = Field(default=None, max_length=400)
    is_default: TrueOrFalse | None = None
    active: TrueOrFalse | None = None


def changes_of(data: BaseModel) -> tuple[dict[str, Any], int]:
    """The fields the client sent (``null`` included where it means "clear") and the version."""
    sent = data.model_dump(exclude_unset=True)
    version = sent.pop("version")
    return sent, version


# --- products --------------------------------------------------------------------------


@get("/api/v1/products", sync_to_thread=True, guards=[signed_in])
def products_index(
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    q: FromQuery[str | None] = None,
    barcode: FromQuery[str | None] = None,
    entrepreneur_id: FromQuery[int | None] = None,
    category_id: FromQuery[int | None] = None,
    location_id: FromQuery[int | None] = None,
    limit: FromQuery[int] = 50,
    offset: FromQuery[int] = 0,
) -> list[ProductView]:
    """Search products; ``on_hand`` is at ``location_id`` (default location if not given)."""
    with db.read() as conn:
        return catalogue.search_products(
            conn,
            actor,
            q=q,
            barcode=barcode,
            entrepreneur_id=entrepreneur_id,
            category_id=category_id,
            location_id=location_id,
            limit=limit,
            offset=offset,
        )


@get("/api/v1/products/{product_id:int}", sync_to_thread=False, guards=[signed_in])
def products_show(
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    product_id: FromPath[int],
    location_id: FromQuery[int | None] = None,
) -> ProductView:
    with db.read() as conn:
        return catalogue.get_product(conn, actor, product_id, location_id)


@post("/api/v1/products", guards=[managers_only], status_code=201)
async def products_create(
    data: JSONBody[ProductIn],
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    clock: NamedDependency[Clock],
) -> ProductView:
    """Create a product; a blank barcode gets a generated in-store code (GS1 prefix 20)."""
    now = clock.now()
    return await db.writer.run(
        lambda conn: catalogue.create_product(conn, actor, now, ProductDraft(**data.model_dump()))
    )


@patch("/api/v1/products/{product_id:int}", guards=[managers_only])
async def products_update(
    product_id: FromPath[int],
    data: JSONBody[ProductPatch],
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    clock: NamedDependency[Clock],
) -> ProductView:
    changes, version = changes_of(data)
    now = clock.now()
    return await db.writer.run(
        lambda conn: catalogue.update_product(conn, actor, now, product_id, changes, version)
    )


# --- entrepreneurs ---------------------------------------------------------------------


@get("/api/v1/entrepreneurs", sync_to_thread=True, guards=[signed_in])
def entrepreneurs_index(
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    q: FromQuery[str | None] = None,
    district_id: FromQuery[int | None] = None,
    limit: FromQuery[int] = 50,
    offset: FromQuery[int] = 0,
) -> list[EntrepreneurView]:
    """Staff list all; an entrepreneur user gets only their own record."""
    with db.read() as conn:
        return catalogue.list_entrepreneurs(conn, actor, q, district_id, limit, offset)


@get("/api/v1/entrepreneurs/{entrepreneur_id:int}", sync_to_thread=False, guards=[signed_in])
def entrepreneurs_show(
    db: NamedDependency[Database], actor: NamedDependency[Actor], entrepreneur_id: FromPath[int]
) -> EntrepreneurView:
    with db.read() as conn:
        return catalogue.get_entrepreneur(conn, actor, entrepreneur_id)


@post("/api/v1/entrepreneurs", guards=[managers_only], status_code=201)
async def entrepreneurs_create(
    data: JSONBody[EntrepreneurIn],
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> EntrepreneurView:
    """Register an entrepreneur; without ``commission_bp`` the centre's default rate applies."""
    fields = data.model_dump()
    if fields["commission_bp"] is None:
        fields["commission_bp"] = settings.default_commission_bp
    draft = EntrepreneurDraft(**fields)
    now = clock.now()
    return await db.writer.run(lambda conn: catalogue.create_entrepreneur(conn, actor, now, draft))


@patch("/api/v1/entrepreneurs/{entrepreneur_id:int}", guards=[managers_only])
async def entrepreneurs_update(
    entrepreneur_id: FromPath[int],
    data: JSONBody[EntrepreneurPatch],
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    clock: NamedDependency[Clock],
) -> EntrepreneurView:
    changes, version = changes_of(data)
    now = clock.now()
    return await db.writer.run(
        lambda conn: catalogue.update_entrepreneur(
            conn, actor, now, entrepreneur_id, changes, version
        )
    )


# --- categories, locations, districts -------------------------------------------------


@get("/api/v1/categories", sync_to_thread=False, guards=[signed_in])
def categories_index(db: NamedDependency[Database]) -> list[CategoryView]:
    with db.read() as conn:
        return catalogue.list_categories(conn)


@post("/api/v1/categories", guards=[managers_only], status_code=201)
async def categories_create(
    data: JSONBody[CategoryIn],
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    clock: NamedDependency[Clock],
) -> CategoryView:
    now = clock.now()
    return await db.writer.run(
        lambda conn: catalogue.create_category(conn, actor, now, CategoryDraft(**data.model_dump()))
    )


@patch("/api/v1/categories/{category_id:int}", guards=[managers_only])
async def categories_update(
    category_id: FromPath[int],
    data: JSONBody[CategoryPatch],
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    clock: NamedDependency[Clock],
) -> CategoryView:
    changes, version = changes_of(data)
    now = clock.now()
    return await db.writer.run(
        lambda conn: catalogue.update_category(conn, actor, now, category_id, changes, version)
    )


@get("/api/v1/locations", sync_to_thread=False, guards=[signed_in])
def locations_index(db: NamedDependency[Database]) -> list[LocationView]:
    with db.read() as conn:
        return catalogue.list_locations(conn)


@post("/api/v1/locations", guards=[managers_only], status_code=201)
async def locations_create(
    data: JSONBody[LocationIn],
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    clock: NamedDependency[Clock],
) -> LocationView:
    now = clock.now()
    return await db.writer.run(
        lambda conn: catalogue.create_location(conn, actor, now, LocationDraft(**data.model_dump()))
    )


@patch("/api/v1/locations/{location_id:int}", guards=[managers_only])
async def locations_update(
    location_id: FromPath[int],
    data: JSONBody[LocationPatch],
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    clock: NamedDependency[Clock],
) -> LocationView:
    changes, version = changes_of(data)
    now = clock.now()
    return await db.writer.run(
        lambda conn: catalogue.update_location(conn, actor, now, location_id, changes, version)
    )


@get("/api/v1/districts", sync_to_thread=False, guards=[signed_in])
def districts_index(db: NamedDependency[Database]) -> list[DistrictView]:
    """The 25 districts (amphoe) of Chiang Mai."""
    with db.read() as conn:
        return catalogue.list_districts(conn)


HANDLERS = [
    products_index,
    products_show,
    products_create,
    products_update,
    entrepreneurs_index,
    entrepreneurs_show,
    entrepreneurs_create,
    entrepreneurs_update,
    categories_index,
    categories_create,
    categories_update,
    locations_index,
    locations_create,
    locations_update,
    districts_index,
]
