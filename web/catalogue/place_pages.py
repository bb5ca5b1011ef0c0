"""Staff pages for categories and locations: a list with inline edit rows and an add form."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from inventory import catalogue
from inventory.catalogue import CategoryDraft, LocationDraft
from inventory.catalogue.rules import parse_percent_to_bp
from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import DomainError
from web.accounts.auth import managers_only, staff_only
from web.catalogue.schemas import PlaceForm
from web.pages import form_number, page, redirect, refusal, stale_form


def _version(text: str) -> int:
    return form_number(text, stale_form())


def _category_values(form: PlaceForm) -> dict[str, Any]:
    percent = form.commission_percent.strip()
    return {
        "code": form.code,
        "name_th": form.name_th,
        "name_en": form.name_en,
        "commission_bp": parse_percent_to_bp(percent, "commission_percent") if percent else None,
    }


def _location_values(form: PlaceForm) -> dict[str, Any]:
    return {
        "code": form.code,
        "name_th": form.name_th,
        "name_en": form.name_en,
        "is_default": bool(form.is_default),
        "active": bool(form.active),
    }


def _render(
    request: Request[Any, Any, Any],
    db: Database,
    kind: str,
    *,
    error: DomainError | None = None,
    form: dict[str, Any] | None = None,
    row_id: int | None = None,
) -> Template:
    with db.read() as conn:
        items: list[Any] = (
            catalogue.list_categories(conn)
            if kind == "categories"
            else catalogue.list_locations(conn)
        )
    response = page(
        request,
        "catalogue/places.html",
        kind=kind,
        items=items,
        error=refusal(request, error) if error else None,
        form=form or {"active": "on"},
        row_id=row_id,
    )
    if error is not None:
        response.status_code = 422
    return response


class PlacePages(Controller):
    """The categories and locations pages."""

    path = "/admin"

    @get("/categories", sync_to_thread=False, guards=[staff_only], include_in_schema=False)
    def categories_page(
        self, request: Request[Any, Any, Any], db: NamedDependency[Database]
    ) -> Template:
        return _render(request, db, "categories")

    @get("/locations", sync_to_thread=False, guards=[staff_only], include_in_schema=False)
    def locations_page(
        self, request: Request[Any, Any, Any], db: NamedDependency[Database]
    ) -> Template:
        return _render(request, db, "locations")

    @post("/categories", guards=[managers_only], include_in_schema=False)
    async def category_create_form(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[PlaceForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            draft = CategoryDraft(**_category_values(data))
            now = clock.now()
            await db.writer.run(lambda conn: catalogue.create_category(conn, actor, now, draft))
        except DomainError as error:
            return _render(request, db, "categories", error=error, form=data.model_dump())
        return redirect("/admin/categories")

    @post(
        "/categories/{category_id:int}",
        guards=[managers_only],
        include_in_schema=False,
    )
    async def category_update_form(
        self,
        request: Request[Any, Any, Any],
        category_id: FromPath[int],
        data: URLEncodedBody[PlaceForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            values = _category_values(data)
            now = clock.now()
            await db.writer.run(
                lambda conn: catalogue.update_category(
                    conn, actor, now, category_id, values, _version(data.version)
                )
            )
        except DomainError as error:
            return _render(request, db, "categories", error=error, row_id=category_id)
        return redirect("/admin/categories")

    @post("/locations", guards=[managers_only], include_in_schema=False)
    async def location_create_form(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[PlaceForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            draft = LocationDraft(**_location_values(data))
            now = clock.now()
            await db.writer.run(lambda conn: catalogue.create_location(conn, actor, now, draft))
        except DomainError as error:
            return _render(request, db, "locations", error=error, form=data.model_dump())
        return redirect("/admin/locations")

    @post(
        "/locations/{location_id:int}",
        guards=[managers_only],
        include_in_schema=False,
    )
    async def location_update_form(
        self,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        data: URLEncodedBody[PlaceForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            values = _location_values(data)
            now = clock.now()
            await db.writer.run(
                lambda conn: catalogue.update_location(
                    conn, actor, now, location_id, values, _version(data.version)
                )
            )
        except DomainError as error:
            return _render(request, db, "locations", error=error, row_id=location_id)
        return redirect("/admin/locations")
