"""The entrepreneur's own pages (mobile first, Thai by default): what the centre owes them,
sales by day, items sold, stock at each location, payouts, the monthly statement and their
printable PromptPay QR card.

An entrepreneur sees only their own: another entrepreneur's id is "not found" (the access
rules of pos.consignment.access). Managers and admins may open ``?entrepreneur_id=N`` to see what an
entrepreneur sees; a cashier gets 403.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template
from markupsafe import Markup

from inventory import catalogue
from inventory.catalogue.entrepreneurs import EntrepreneurView
from inventory.catalogue.photo_store import photo_keys
from inventory.stock.queries import list_stock
from kernel.access import MANAGERS, Actor, Role
from kernel.clock import Clock, business_date
from kernel.db.engine import Database
from kernel.errors import DomainError, ForbiddenError, NotFoundError
from kernel.i18n import translate
from kernel.money import format_baht
from payments import promptpay
from payments.qr import payload_svg
from pos.consignment.notices import notice_board
from pos.consignment.portal import (
    DaySales,
    Month,
    month_of,
    monthly_statement,
    parse_month,
    portal_home,
)
from pos.reports.periods import Grain, day_text, short_label
from web.accounts.auth import requires
from web.consignment.portal_words import date_words
from web.errors import status_of
from web.i18n import language_of
from web.pages import form_id, page
from web.reports.charts import column_chart
from web.settings import Settings

portal_readers = requires(frozenset({Role.ENTREPRENEUR, *MANAGERS}))
STOCK_SHOWN = 500
MONTHS_TH = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_title(month: Month, lang: str) -> str:
    """``พฤศจิกายน 2569`` (Buddhist era) / ``November 2026``."""
    if lang == "en":
        return f"{MONTHS_EN[month.month - 1]} {month.year}"
    return f"{MONTHS_TH[month.month - 1]} {month.year + 543}"


CHOOSABLE_MONTHS = 24


def month_choices(latest: Month, chosen: Month, lang: str) -> list[tuple[str, str]]:
    """The months the statement's picker offers, newest first: the last two years, and the
    chosen month if it is older; each as (``YYYY-MM``, its title in Thai with the Buddhist
    year, or in English). The browser's own month input spoke its own language and the
    Western year."""
    months = [latest]
    while len(months) < CHOOSABLE_MONTHS:
        months.append(months[-1].previous())
    if chosen.key < months[-1].key:
        months.append(chosen)
    return [(month.key, month_title(month, lang)) for month in months]


def portal_language(request: Request[Any, Any, Any], settings: Settings) -> str:
    return language_of(request.cookies, dict(request.query_params), settings.default_language)


def portal_entrepreneur(actor: Actor, asked: str | None) -> int | None:
    """The entrepreneur a page shows: an entrepreneur user's own (asking for anyone else is
    "not found"); a manager's choice (None: not chosen yet)."""
    wanted = form_id(asked, "entrepreneur_id")
    if actor.role == Role.ENTREPRENEUR:
        if actor.entrepreneur_id is None:
            raise ForbiddenError(
                "portal.account_unlinked", "บัญชีผู้ประกอบการนี้ยังไม่ได้ผูกกับผู้ประกอบการรายใด"
            )
        if wanted is not None and wanted != actor.entrepreneur_id:
            raise NotFoundError(
                "portal.entrepreneur_not_found",
                "ไม่พบผู้ประกอบการหมายเลข {entrepreneur_id}",
                field="entrepreneur_id",
                entrepreneur_id=wanted,
            )
        return actor.entrepreneur_id
    return wanted


def viewing_query(actor: Actor, entrepreneur_id: int) -> str:
    """The query that keeps a manager on the same entrepreneur from page to page."""
    return "" if actor.role == Role.ENTREPRENEUR else f"entrepreneur_id={entrepreneur_id}"


def choose_entrepreneur_page(request: Request[Any, Any, Any]) -> Template:
    return page(request, "portal/choose.html")


def sales_chart(days: list[DaySales], lang: str) -> Markup:
    """Sales by day as columns, sized for a phone (it scales with the page)."""
    tip = translate("{day}: ฿{amount} ({quantity} ชิ้น)", lang)
    return column_chart(
        [short_label(d.day, Grain.DAY, lang) for d in days],
        [d.sales_satang for d in days],
        title=translate("ยอดขายรายวัน", lang),
        fmt=lambda satang: f"{satang // 100:,}",
        tips=[
            tip.format(
                day=day_text(d.day, lang),
                amount=format_baht(d.sales_satang),
                quantity=f"{d.quantity:,}",
            )
            for d in days
        ],
        width=360,
        height=190,
    )


def masked_id(promptpay_id: str) -> str:
    """The receiving ID as printed on a public card: the last four digits only."""
    digits = "".join(ch for ch in promptpay_id if ch.isascii() and ch.isdigit())
    return "x" * max(0, len(digits) - 4) + digits[-4:]


def _qr_of(me: EntrepreneurView) -> tuple[Markup | None, str | None]:
    """The static PromptPay QR (no amount: the customer types it) or why there is none."""
    if not me.promptpay_id:
        return None, None
    try:
        payload = promptpay.credit_transfer(me.promptpay_id)
    except promptpay.PromptPayError as error:
        return None, str(error)
    return Markup(payload_svg(payload)), None


class PortalPages(Controller):
    """The entrepreneur's portal."""

    guards = [portal_readers]

    @get("/portal", sync_to_thread=True, include_in_schema=False)
    def portal_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
        entrepreneur_id: FromQuery[str | None] = None,
    ) -> Template:
        """Balance, sales by day (30 days), items sold this month, stock, payouts."""
        whose = portal_entrepreneur(actor, entrepreneur_id)
        if whose is None:
            return choose_entrepreneur_page(request)
        now = clock.now()
        with db.read() as conn:
            home = portal_home(conn, actor, whose, now, timedelta(days=settings.refund_window_days))
            me = catalogue.get_entrepreneur(conn, actor, whose)
            stock = list_stock(conn, actor, entrepreneur_id=whose, limit=STOCK_SHOWN)
            photos = photo_keys(conn, [row.product_id for row in stock.items])
            board = notice_board(conn, actor, whose, now)
        lang = portal_language(request, settings)
        low = [row for row in stock.items if row.on_hand <= settings.low_stock_threshold]
        return page(
            request,
            "portal/home.html",
            me=me,
            home=home,
            stock=stock.items,
            low=low,
            stock_total=stock.total,
            photos=photos,
            threshold=settings.low_stock_threshold,
            chart=sales_chart(home.days, lang),
            chart_total=sum(d.sales_satang for d in home.days),
            chart_units=sum(d.quantity for d in home.days),
            items_total=sum(item.sales_satang for item in home.items),
            month_text=month_title(home.month, lang),
            today=business_date(now),
            refund_window_days=settings.refund_window_days,
            viewing=viewing_query(actor, whose),
            board=board,
            **date_words(lang),
        )

    @get("/portal/statement", sync_to_thread=True, include_in_schema=False)
    def statement_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
        month: FromQuery[str | None] = None,
        entrepreneur_id: FromQuery[str | None] = None,
    ) -> Template:
        """A month's statement (``?month=YYYY-MM``, this month by default), made to print."""
        whose = portal_entrepreneur(actor, entrepreneur_id)
        if whose is None:
            return choose_entrepreneur_page(request)
        now = clock.now()
        today = business_date(now)
        lang = portal_language(request, settings)
        with db.read() as conn:
            me = catalogue.get_entrepreneur(conn, actor, whose)
            try:
                chosen = parse_month(month, today)
            except DomainError as error:
                current = month_of(today)
                response = page(
                    request,
                    "portal/statement.html",
                    me=me,
                    found=None,
                    month=current,
                    month_text=month_title(current, lang),
                    error=error.message_in(lang),
                    asked=month or "",
                    viewing=viewing_query(actor, whose),
                    latest=current,
                    months=month_choices(current, current, lang),
                )
                response.status_code = status_of(error)
                return response
            found = monthly_statement(conn, actor, whose, chosen, today)
        return page(
            request,
            "portal/statement.html",
            me=me,
            found=found,
            month=chosen,
            month_text=month_title(chosen, lang),
            error=None,
            asked=chosen.key,
            viewing=viewing_query(actor, whose),
            latest=month_of(today),
            months=month_choices(month_of(today), chosen, lang),
            previous_month=chosen.previous(),
            next_month=chosen.following(),
            now_at=now,
            centre_name=settings.centre_name_en if lang == "en" else settings.centre_name_th,
        )

    @get("/portal/qr-card", sync_to_thread=False, include_in_schema=False)
    def qr_card_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        settings: NamedDependency[Settings],
        entrepreneur_id: FromQuery[str | None] = None,
    ) -> Template:
        """Their own PromptPay QR, name and "สแกนจ่าย", to print on A6 for their stalls."""
        whose = portal_entrepreneur(actor, entrepreneur_id)
        if whose is None:
            return choose_entrepreneur_page(request)
        with db.read() as conn:
            me = catalogue.get_entrepreneur(conn, actor, whose)
        qr, problem = _qr_of(me)
        return page(
            request,
            "portal/qr_card.html",
            me=me,
            qr=qr,
            problem=problem,
            shown_id=masked_id(me.promptpay_id or ""),
            viewing=viewing_query(actor, whose),
            centre_name=settings.centre_name_th,
        )
