"""The entrepreneur's goods at the centre (with their deliveries), what sold this week and
their notices: phone-first portal pages in Thai.

The same access as the rest of the portal (web.consignment.portal): an entrepreneur sees only
their own (another's id is "not found"); managers and admins add ``?entrepreneur_id=N`` to see
what an entrepreneur sees (their looking marks nothing read); a cashier gets 403.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from inventory import catalogue
from inventory.stock.return_note_queries import return_notes_for
from inventory.stock.return_rules import ReturnNoteStatus
from kernel.access import Actor
from kernel.clock import Clock, business_date
from kernel.db.engine import Database
from kernel.errors import DomainError
from pos.consignment.goods import (
    delivery_history,
    goods_at_centre,
    parse_page,
    week_sales,
)
from pos.consignment.notice_rules import AHEAD_DAYS
from pos.consignment.notices import mark_seen, notice_board
from pos.consignment.portal import month_of
from web.consignment.portal import (
    choose_entrepreneur_page,
    month_title,
    portal_entrepreneur,
    portal_language,
    portal_readers,
    viewing_query,
)
from web.consignment.portal_words import date_words
from web.errors import status_of
from web.pages import page
from web.settings import Settings


class PortalGoodsPages(Controller):
    """Goods at the centre, this week's sales and the notices of one entrepreneur."""

    guards = [portal_readers]

    @get("/portal/goods", sync_to_thread=True, include_in_schema=False)
    def goods_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
        entrepreneur_id: FromQuery[str | None] = None,
        page_number: Annotated[str | None, QueryParameter(name="page")] = None,
    ) -> Template:
        """The return notes waiting for pickup; each product here: units by place, age, next
        markdown or end of period, price now; and the deliveries received, newest first."""
        whose = portal_entrepreneur(actor, entrepreneur_id)
        if whose is None:
            return choose_entrepreneur_page(request)
        today = business_date(clock.now())
        lang = portal_language(request, settings)
        error: DomainError | None = None
        try:
            number = parse_page(page_number)
        except DomainError as refused:
            error, number = refused, 1
        with db.read() as conn:
            me = catalogue.get_entrepreneur(conn, actor, whose)
            goods = goods_at_centre(conn, actor, whose, today)
            deliveries = delivery_history(conn, actor, whose, number)
            to_collect = return_notes_for(conn, whose, [ReturnNoteStatus.WAITING_PICKUP])
        response = _page(
            request,
            "portal/goods.html",
            lang,
            me=me,
            found=goods,
            deliveries=deliveries,
            to_collect=to_collect,
            today=today,
            soon_days=AHEAD_DAYS,
            viewing=viewing_query(actor, whose),
            error=error.message_in(lang) if error else None,
        )
        if error is not None:
            response.status_code = status_of(error)
        return response

    @get("/portal/week", sync_to_thread=True, include_in_schema=False)
    def week_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
        entrepreneur_id: FromQuery[str | None] = None,
    ) -> Template:
        """What sold this week (Monday to Sunday, Bangkok): units, sales and their share."""
        whose = portal_entrepreneur(actor, entrepreneur_id)
        if whose is None:
            return choose_entrepreneur_page(request)
        today = business_date(clock.now())
        lang = portal_language(request, settings)
        with db.read() as conn:
            me = catalogue.get_entrepreneur(conn, actor, whose)
            sold = week_sales(conn, actor, whose, today)
        months = sorted({month_of(sold.week.start), month_of(today)}, key=lambda m: m.key)
        return _page(
            request,
            "portal/week.html",
            lang,
            me=me,
            sold=sold,
            statements=[(m.key, month_title(m, lang)) for m in reversed(months)],
            viewing=viewing_query(actor, whose),
        )

    @get("/portal/notices", sync_to_thread=True, include_in_schema=False)
    def notices_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
        entrepreneur_id: FromQuery[str | None] = None,
    ) -> Template:
        """What changed, newest first (60 days), the new ones marked; opening the page is
        reading them: the entrepreneur's "seen up to" moves to now."""
        whose = portal_entrepreneur(actor, entrepreneur_id)
        if whose is None:
            return choose_entrepreneur_page(request)
        now = clock.now()
        with db.read() as conn:
            me = catalogue.get_entrepreneur(conn, actor, whose)
            board = notice_board(conn, actor, whose, now)
        with db.write() as conn:
            mark_seen(conn, actor, now)
        return _page(
            request,
            "portal/notices.html",
            portal_language(request, settings),
            me=me,
            board=board,
            viewing=viewing_query(actor, whose),
        )


def _page(request: Request[Any, Any, Any], template: str, lang: str, **context: Any) -> Template:
    return page(request, template, **date_words(lang), **context)
