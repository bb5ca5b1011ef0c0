"""Consignment terms as pages: managers set the centre's default (``/admin/terms``) and an
entrepreneur's (``/admin/entrepreneurs/{id}/terms``); the entrepreneur reads theirs in plain
words on a phone (``/portal/terms``), with the deliveries still here under older terms.

A new version applies to goods received from now on; goods at the centre keep their terms
(inventory.terms). A refused form is shown again with the message beside its part, 422,
nothing saved.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from inventory import catalogue
from inventory.terms.service import add_version
from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import DomainError
from pos.consignment.terms import (
    TermsBook,
    centre_terms,
    deliveries_under_terms,
    entrepreneur_terms,
    rate_card_categories,
)
from pos.reports.periods import day_text
from web.accounts.auth import managers_only
from web.consignment.portal import (
    choose_entrepreneur_page,
    portal_entrepreneur,
    portal_readers,
    viewing_query,
)
from web.consignment.terms_api import usernames
from web.consignment.terms_form import TermsForm, error_place, form_again, form_of, terms_of
from web.pages import page, page_language, redirect, said


def _manage_page(
    request: Request[Any, Any, Any],
    db: Database,
    actor: Actor,
    clock: Clock,
    entrepreneur_id: int | None,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    with db.read() as conn:
        now = clock.now()
        card: dict[int, int] = {}
        if entrepreneur_id is None:
            book, me = centre_terms(conn, actor, now), None
        else:
            book = entrepreneur_terms(conn, actor, entrepreneur_id, now)
            me = catalogue.get_entrepreneur(conn, actor, entrepreneur_id)
            card = rate_card_categories(conn, entrepreneur_id)
        names = usernames(conn, book.versions)
        categories = catalogue.list_categories(conn)
    response = page(
        request,
        "terms/manage.html",
        book=book,
        me=me,
        names=names,
        categories=categories,
        card=card,
        category_names=_category_names(categories, page_language(request)),
        form=form or form_of(book.in_force.terms),
        errors=errors or {},
        action="/admin/terms" if me is None else f"/admin/entrepreneurs/{me.id}/terms",
    )
    if errors:
        response.status_code = 422
    return response


def _category_names(categories: list[Any], lang: str) -> dict[int, str]:
    return {c.id: c.name_en if lang == "en" else c.name_th for c in categories}


async def _add(
    request: Request[Any, Any, Any],
    data: TermsForm,
    db: Database,
    actor: Actor,
    clock: Clock,
    entrepreneur_id: int | None,
) -> Template | Redirect:
    back = (
        "/admin/terms"
        if entrepreneur_id is None
        else f"/admin/entrepreneurs/{entrepreneur_id}/terms"
    )
    try:
        terms = terms_of(data)
        now = clock.now()
        await db.writer.run(
            lambda conn: add_version(
                conn, actor, now, entrepreneur_id=entrepreneur_id, terms=terms, note=data.note
            )
        )
    except DomainError as error:
        errors = {error_place(error): said(request, error)}
        return _manage_page(
            request, db, actor, clock, entrepreneur_id, form=form_again(data), errors=errors
        )
    return redirect(f"{back}?saved=1")


class TermsPages(Controller):
    """Managers' terms pages, and the entrepreneur's in the portal."""

    @get("/admin/terms", sync_to_thread=True, guards=[managers_only], include_in_schema=False)
    def default_terms_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template:
        return _manage_page(request, db, actor, clock, None)

    @post("/admin/terms", guards=[managers_only], include_in_schema=False)
    async def default_terms_form(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[TermsForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        return await _add(request, data, db, actor, clock, None)

    @get(
        "/admin/entrepreneurs/{entrepreneur_id:int}/terms",
        sync_to_thread=True,
        guards=[managers_only],
        include_in_schema=False,
    )
    def entrepreneur_terms_page(
        self,
        request: Request[Any, Any, Any],
        entrepreneur_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template:
        return _manage_page(request, db, actor, clock, entrepreneur_id)

    @post(
        "/admin/entrepreneurs/{entrepreneur_id:int}/terms",
        guards=[managers_only],
        include_in_schema=False,
    )
    async def entrepreneur_terms_form(
        self,
        request: Request[Any, Any, Any],
        entrepreneur_id: FromPath[int],
        data: URLEncodedBody[TermsForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        return await _add(request, data, db, actor, clock, entrepreneur_id)

    @get("/portal/terms", sync_to_thread=True, guards=[portal_readers], include_in_schema=False)
    def portal_terms_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        entrepreneur_id: FromQuery[str | None] = None,
    ) -> Template:
        """The terms the entrepreneur is under, in plain words, and older terms still held."""
        whose = portal_entrepreneur(actor, entrepreneur_id)
        if whose is None:
            return choose_entrepreneur_page(request)
        lang = page_language(request)
        with db.read() as conn:
            book: TermsBook = entrepreneur_terms(conn, actor, whose, clock.now())
            me = catalogue.get_entrepreneur(conn, actor, whose)
            held = deliveries_under_terms(conn, whose)
            card = rate_card_categories(conn, whose)
            categories = catalogue.list_categories(conn)
        older = [d for d in held if d.terms.id != book.in_force.id]
        return page(
            request,
            "portal/terms.html",
            me=me,
            book=book,
            older=older,
            held_count=len(held),
            card=card,
            category_names=_category_names(categories, lang),
            day=lambda d: day_text(d, lang),
            viewing=viewing_query(actor, whose),
        )
