"""Staff pages of the catalogue's products (list, search, new, edit).

Forms post URL-encoded; a refused form is shown again with the message beside the field,
status 422, nothing saved. Prices are typed in baht and converted exactly to satang.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.engine import Connection

from inventory import catalogue
from inventory.catalogue import ProductDraft, ProductView
from inventory.catalogue.photo_store import photo_file, photo_url
from inventory.catalogue.photos import MAX_PHOTO_BYTES
from inventory.models import Entrepreneur
from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import DomainError, InvalidInputError
from web.accounts.auth import managers_only, staff_only
from web.catalogue.schemas import ProductForm
from web.pages import form_baht, form_id, form_number, page, redirect, said, stale_form

PAGE_SIZE = 50


def error_of(
    request: Request[Any, Any, Any], error: DomainError, renames: dict[str, str]
) -> dict[str, str]:
    """The refusal beside its form field, in the page's language."""
    field = error.field or "form"
    return {renames.get(field, field): said(request, error)}


# --- products --------------------------------------------------------------------------


def _product_values(conn: Connection, form: ProductForm) -> dict[str, Any]:
    price = form_baht(form.price_baht, "price_baht")
    owner = conn.execute(
        select(Entrepreneur.id).where(Entrepreneur.code == form.entrepreneur_code.strip())
    ).scalar()
    if owner is None:
        raise InvalidInputError(
            "form.entrepreneur_code_unknown",
            "ไม่มีผู้ประกอบการรหัส '{entrepreneur_code}'",
            field="entrepreneur_code",
            entrepreneur_code=form.entrepreneur_code[:40],
        )
    return {
        "sku": form.sku,
        "barcode": form.barcode,
        "name_th": form.name_th,
        "name_en": form.name_en,
        "category_id": form_number(
            form.category_id,
            InvalidInputError("form.choose_category", "กรุณาเลือกหมวดหมู่", field="category_id"),
        ),
        "entrepreneur_id": int(owner),
        "price_satang": price,
        "vat_applicable": bool(form.vat_applicable),
        "active": bool(form.active),
    }


def _product_form(
    request: Request[Any, Any, Any],
    db: Database,
    form: dict[str, Any],
    *,
    product_id: int | None = None,
    errors: dict[str, str] | None = None,
    photo_error: str | None = None,
) -> Template:
    photo: dict[str, str] | None = None
    with db.read() as conn:
        categories = catalogue.list_categories(conn)
        if product_id is not None:
            found = photo_file(conn, product_id, "display")
            if found is not None:
                photo = {
                    "display_url": photo_url(product_id, found.key, "display"),
                    "thumb_url": photo_url(product_id, found.key, "thumb"),
                }
    response = page(
        request,
        "catalogue/product_form.html",
        form=form,
        product_id=product_id,
        categories=categories,
        errors=errors or {},
        photo=photo,
        photo_error=photo_error,
        photo_limit_mb=MAX_PHOTO_BYTES // (1024 * 1024),
    )
    if errors or photo_error:
        response.status_code = 422
    return response


def edit_page(
    request: Request[Any, Any, Any],
    db: Database,
    actor: Actor,
    product_id: int,
    *,
    photo_error: DomainError | None = None,
) -> Template:
    """A product's page as stored (with the photo's refusal, if one was just refused)."""
    with db.read() as conn:
        view = catalogue.get_product(conn, actor, product_id)
    form = {
        "version": view.version,
        "sku": view.sku,
        "barcode": view.barcode,
        "name_th": view.name_th,
        "name_en": view.name_en,
        "category_id": str(view.category_id),
        "entrepreneur_code": view.entrepreneur_code,
        "price_baht": f"{view.price_satang // 100}.{view.price_satang % 100:02d}",
        "vat_applicable": "on" if view.vat_applicable else "",
        "active": "on" if view.active else "",
        "on_hand": view.on_hand,
        "on_hand_total": view.on_hand_total,
    }
    said_error = said(request, photo_error) if photo_error is not None else None
    return _product_form(request, db, form, product_id=product_id, photo_error=said_error)


class ProductPages(Controller):
    """The products pages."""

    path = "/admin"

    @get("/products", sync_to_thread=True, guards=[staff_only], include_in_schema=False)
    def products_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        q: FromQuery[str | None] = None,
        category_id: FromQuery[str | None] = None,
        location_id: FromQuery[str | None] = None,
        page_number: FromQuery[int] = 1,
    ) -> Template:
        page_number = max(page_number, 1)
        category = form_id(category_id, "category_id")
        location = form_id(location_id, "location_id")
        with db.read() as conn:
            found = catalogue.search_products(
                conn,
                actor,
                q=q,
                category_id=category,
                location_id=location,
                limit=PAGE_SIZE + 1,
                offset=(page_number - 1) * PAGE_SIZE,
            )
            categories = catalogue.list_categories(conn)
            locations = catalogue.list_locations(conn)
        return page(
            request,
            "catalogue/products.html",
            products=found[:PAGE_SIZE],
            has_next=len(found) > PAGE_SIZE,
            page_number=page_number,
            q=q or "",
            category_id=category,
            location_id=location,
            categories=categories,
            locations=locations,
        )

    @get("/products/new", sync_to_thread=False, guards=[managers_only], include_in_schema=False)
    def product_new_page(
        self, request: Request[Any, Any, Any], db: NamedDependency[Database]
    ) -> Template:
        return _product_form(request, db, {"vat_applicable": "on", "active": "on"})

    @post("/products/new", guards=[managers_only], include_in_schema=False)
    async def product_create_form(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[ProductForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            now = clock.now()

            def create(conn: Connection) -> ProductView:
                draft = ProductDraft(**_product_values(conn, data))
                return catalogue.create_product(conn, actor, now, draft)

            view = await db.writer.run(create)
        except DomainError as error:
            errors = error_of(
                request,
                error,
                {"price_satang": "price_baht", "entrepreneur_id": "entrepreneur_code"},
            )
            return _product_form(request, db, data.model_dump(), errors=errors)
        return redirect(f"/admin/products/{view.id}?saved=1")

    @get(
        "/products/{product_id:int}",
        sync_to_thread=False,
        guards=[staff_only],
        include_in_schema=False,
    )
    def product_edit_page(
        self,
        request: Request[Any, Any, Any],
        product_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Template:
        return edit_page(request, db, actor, product_id)

    @post("/products/{product_id:int}", guards=[managers_only], include_in_schema=False)
    async def product_update_form(
        self,
        request: Request[Any, Any, Any],
        product_id: FromPath[int],
        data: URLEncodedBody[ProductForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            now, version = clock.now(), form_number(data.version, stale_form())

            def update(conn: Connection) -> None:
                values = _product_values(conn, data)
                if not values["barcode"].strip():
                    values.pop("barcode")
                catalogue.update_product(conn, actor, now, product_id, values, version)

            await db.writer.run(update)
        except DomainError as error:
            errors = error_of(
                request,
                error,
                {"price_satang": "price_baht", "entrepreneur_id": "entrepreneur_code"},
            )
            return _product_form(
                request, db, data.model_dump(), product_id=product_id, errors=errors
            )
        return redirect(f"/admin/products/{product_id}?saved=1")
