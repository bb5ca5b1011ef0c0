"""Staff pages of entrepreneurs: list with district filter, new, edit.

A refused form is shown again with the message beside the field, status 422, nothing saved.
Commission is typed in per cent and stored exactly in basis points.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from inventory import catalogue
from inventory.catalogue import EntrepreneurDraft
from inventory.catalogue.rules import parse_percent_to_bp
from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import DomainError, InvalidInputError
from web.accounts.auth import managers_only, staff_only
from web.catalogue.product_pages import PAGE_SIZE, error_of
from web.catalogue.schemas import EntrepreneurForm
from web.pages import form_id, form_number, page, redirect, stale_form

# --- entrepreneurs ---------------------------------------------------------------------


def _entrepreneur_values(form: EntrepreneurForm) -> dict[str, Any]:
    stars = form_number(
        form.star_rating,
        InvalidInputError("form.choose_stars", "เลือกระดับดาว 1 ถึง 5", field="star_rating"),
    )
    return {
        "code": form.code,
        "name_th": form.name_th,
        "name_en": form.name_en,
        "district_id": form_number(
            form.district_id,
            InvalidInputError("form.choose_district", "กรุณาเลือกอำเภอ", field="district_id"),
        ),
        "tambon": form.tambon,
        "phone": form.phone,
        "promptpay_id": form.promptpay_id or None,
        "commission_bp": parse_percent_to_bp(form.commission_percent),
        "star_rating": stars,
        "active": bool(form.active),
    }


def _entrepreneur_form(
    request: Request[Any, Any, Any],
    db: Database,
    form: dict[str, Any],
    *,
    entrepreneur_id: int | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    with db.read() as conn:
        districts = catalogue.list_districts(conn)
    response = page(
        request,
        "catalogue/entrepreneur_form.html",
        form=form,
        entrepreneur_id=entrepreneur_id,
        districts=districts,
        errors=errors or {},
    )
    if errors:
        response.status_code = 422
    return response


class EntrepreneurPages(Controller):
    """The entrepreneurs pages."""

    path = "/admin"

    @get("/entrepreneurs", sync_to_thread=True, guards=[staff_only], include_in_schema=False)
    def entrepreneurs_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        q: FromQuery[str | None] = None,
        district_id: FromQuery[str | None] = None,
        page_number: FromQuery[int] = 1,
    ) -> Template:
        page_number = max(page_number, 1)
        district = form_id(district_id, "district_id")
        with db.read() as conn:
            found = catalogue.list_entrepreneurs(
                conn, actor, q, district, PAGE_SIZE + 1, (page_number - 1) * PAGE_SIZE
            )
            districts = catalogue.list_districts(conn)
        return page(
            request,
            "catalogue/entrepreneurs.html",
            entrepreneurs=found[:PAGE_SIZE],
            has_next=len(found) > PAGE_SIZE,
            page_number=page_number,
            q=q or "",
            district_id=district,
            districts=districts,
        )

    @get(
        "/entrepreneurs/new",
        sync_to_thread=False,
        guards=[managers_only],
        include_in_schema=False,
    )
    def entrepreneur_new_page(
        self, request: Request[Any, Any, Any], db: NamedDependency[Database]
    ) -> Template:
        return _entrepreneur_form(request, db, {"active": "on", "star_rating": "3"})

    @post(
        "/entrepreneurs/new",
        guards=[managers_only],
        include_in_schema=False,
    )
    async def entrepreneur_create_form(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[EntrepreneurForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            draft = EntrepreneurDraft(**_entrepreneur_values(data))
            now = clock.now()
            view = await db.writer.run(
                lambda conn: catalogue.create_entrepreneur(conn, actor, now, draft)
            )
        except DomainError as error:
            errors = error_of(request, error, {"commission_bp": "commission_percent"})
            return _entrepreneur_form(request, db, data.model_dump(), errors=errors)
        return redirect(f"/admin/entrepreneurs/{view.id}?saved=1")

    @get(
        "/entrepreneurs/{entrepreneur_id:int}",
        sync_to_thread=False,
        guards=[staff_only],
        include_in_schema=False,
    )
    def entrepreneur_edit_page(
        self,
        request: Request[Any, Any, Any],
        entrepreneur_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Template:
        with db.read() as conn:
            view = catalogue.get_entrepreneur(conn, actor, entrepreneur_id)
        percent, rest = divmod(view.commission_bp, 100)
        form = {
            "version": view.version,
            "code": view.code,
            "name_th": view.name_th,
            "name_en": view.name_en,
            "district_id": str(view.district_id),
            "tambon": view.tambon,
            "phone": view.phone,
            "promptpay_id": view.promptpay_id or "",
            "commission_percent": f"{percent}.{rest:02d}" if rest else str(percent),
            "star_rating": str(view.star_rating),
            "active": "on" if view.active else "",
        }
        return _entrepreneur_form(request, db, form, entrepreneur_id=entrepreneur_id)

    @post(
        "/entrepreneurs/{entrepreneur_id:int}",
        guards=[managers_only],
        include_in_schema=False,
    )
    async def entrepreneur_update_form(
        self,
        request: Request[Any, Any, Any],
        entrepreneur_id: FromPath[int],
        data: URLEncodedBody[EntrepreneurForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            values = _entrepreneur_values(data)
            version = form_number(data.version, stale_form())
            now = clock.now()
            await db.writer.run(
                lambda conn: catalogue.update_entrepreneur(
                    conn, actor, now, entrepreneur_id, values, version
                )
            )
        except DomainError as error:
            errors = error_of(request, error, {"commission_bp": "commission_percent"})
            return _entrepreneur_form(
                request, db, data.model_dump(), entrepreneur_id=entrepreneur_id, errors=errors
            )
        return redirect(f"/admin/entrepreneurs/{entrepreneur_id}?saved=1")
