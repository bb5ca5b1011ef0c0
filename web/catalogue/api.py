"""JSON API of the catalogue: products, entrepreneurs, categories, locations, districts.

Everyone signed in may read (an entrepreneur user only their own entrepreneur and products,
which the services enforce); only admins and managers create and edit. Edits carry the
``version`` that was read: a stale one is a 409.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel

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
from web.accounts.auth import managers_only, signed_in
from web.catalogue.schemas import (
    CategoryIn,
    CategoryPatch,
    EntrepreneurIn,
    EntrepreneurPatch,
    LocationIn,
    LocationPatch,
    ProductIn,
    ProductPatch,
)
from web.settings import Settings


def changes_of(data: BaseModel) -> tuple[dict[str, Any], int]:
    """The fields the client sent (``null`` included where it means "clear") and the version."""
    sent = data.model_dump(exclude_unset=True)
    version = sent.pop("version")
    return sent, version


# --- products --------------------------------------------------------------------------


# --- entrepreneurs ---------------------------------------------------------------------


# --- categories, locations, districts -------------------------------------------------


class CatalogueApi(Controller):
    """Products, entrepreneurs, categories and locations over JSON."""

    path = "/api/v1"

    @get("/products", sync_to_thread=True, guards=[signed_in])
    def products_index(
        self,
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

    @get("/products/{product_id:int}", sync_to_thread=False, guards=[signed_in])
    def products_show(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        product_id: FromPath[int],
        location_id: FromQuery[int | None] = None,
    ) -> ProductView:
        with db.read() as conn:
            return catalogue.get_product(conn, actor, product_id, location_id)

    @post("/products", guards=[managers_only], status_code=201)
    async def products_create(
        self,
        data: JSONBody[ProductIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> ProductView:
        """Create a product; a blank barcode gets a generated in-store code (GS1 prefix 20)."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: catalogue.create_product(
                conn, actor, now, ProductDraft(**data.model_dump())
            )
        )

    @patch("/products/{product_id:int}", guards=[managers_only])
    async def products_update(
        self,
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

    @get("/entrepreneurs", sync_to_thread=True, guards=[signed_in])
    def entrepreneurs_index(
        self,
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

    @get("/entrepreneurs/{entrepreneur_id:int}", sync_to_thread=False, guards=[signed_in])
    def entrepreneurs_show(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        entrepreneur_id: FromPath[int],
    ) -> EntrepreneurView:
        with db.read() as conn:
            return catalogue.get_entrepreneur(conn, actor, entrepreneur_id)

    @post("/entrepreneurs", guards=[managers_only], status_code=201)
    async def entrepreneurs_create(
        self,
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
        return await db.writer.run(
            lambda conn: catalogue.create_entrepreneur(conn, actor, now, draft)
        )

    @patch("/entrepreneurs/{entrepreneur_id:int}", guards=[managers_only])
    async def entrepreneurs_update(
        self,
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

    @get("/categories", sync_to_thread=False, guards=[signed_in])
    def categories_index(self, db: NamedDependency[Database]) -> list[CategoryView]:
        with db.read() as conn:
            return catalogue.list_categories(conn)

    @post("/categories", guards=[managers_only], status_code=201)
    async def categories_create(
        self,
        data: JSONBody[CategoryIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> CategoryView:
        now = clock.now()
        return await db.writer.run(
            lambda conn: catalogue.create_category(
                conn, actor, now, CategoryDraft(**data.model_dump())
            )
        )

    @patch("/categories/{category_id:int}", guards=[managers_only])
    async def categories_update(
        self,
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

    @get("/locations", sync_to_thread=False, guards=[signed_in])
    def locations_index(self, db: NamedDependency[Database]) -> list[LocationView]:
        with db.read() as conn:
            return catalogue.list_locations(conn)

    @post("/locations", guards=[managers_only], status_code=201)
    async def locations_create(
        self,
        data: JSONBody[LocationIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> LocationView:
        now = clock.now()
        return await db.writer.run(
            lambda conn: catalogue.create_location(
                conn, actor, now, LocationDraft(**data.model_dump())
            )
        )

    @patch("/locations/{location_id:int}", guards=[managers_only])
    async def locations_update(
        self,
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

    @get("/districts", sync_to_thread=False, guards=[signed_in])
    def districts_index(self, db: NamedDependency[Database]) -> list[DistrictView]:
        """The 25 districts (amphoe) of Chiang Mai."""
        with db.read() as conn:
            return catalogue.list_districts(conn)
