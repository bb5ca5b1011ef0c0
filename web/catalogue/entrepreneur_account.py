"""A manager's page of one entrepreneur's money: what the centre owes them (in parts that add
up), a month's statement (to print, or as CSV) and their payouts.

``/admin/entrepreneurs/{id}/account?month=YYYY-MM``, for managers and admins (a cashier gets
403, an entrepreneur 403: their own is the portal). It reads exactly what the entrepreneur's
portal reads (pos.consignment.portal): one implementation, so both say the same figures.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from inventory import catalogue
from kernel.access import Actor
from kernel.clock import Clock, business_date
from kernel.db.engine import Database
from kernel.errors import DomainError
from pos.consignment.portal import month_of, monthly_statement, parse_month, portal_home
from web.accounts.auth import managers_only
from web.consignment.portal import month_choices, month_title
from web.errors import status_of
from web.i18n import language_of
from web.pages import page, said
from web.settings import Settings


class EntrepreneurAccountPages(Controller):
    """One entrepreneur's balance, statement and payouts, for managers."""

    guards = [managers_only]

    @get(
        "/admin/entrepreneurs/{entrepreneur_id:int}/account",
        sync_to_thread=True,
        include_in_schema=False,
    )
    def account_page(
        self,
        request: Request[Any, Any, Any],
        entrepreneur_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
        month: FromQuery[str | None] = None,
    ) -> Template:
        now = clock.now()
        today = business_date(now)
        lang = language_of(request.cookies, dict(request.query_params), settings.default_language)
        window = timedelta(days=settings.refund_window_days)
        error: DomainError | None = None
        with db.read() as conn:
            me = catalogue.get_entrepreneur(conn, actor, entrepreneur_id)
            home = portal_home(conn, actor, entrepreneur_id, now, window)
            try:
                chosen = parse_month(month, today)
            except DomainError as refused:
                error, chosen = refused, month_of(today)
            found = monthly_statement(conn, actor, entrepreneur_id, chosen, today)
        response = page(
            request,
            "catalogue/entrepreneur_account.html",
            me=me,
            home=home,
            found=found,
            month=chosen,
            month_text=month_title(chosen, lang),
            this_month_text=month_title(home.month, lang),
            months=month_choices(month_of(today), chosen, lang),
            asked=month or chosen.key,
            previous_month=chosen.previous(),
            next_month=chosen.following(),
            latest=month_of(today),
            refund_window_days=settings.refund_window_days,
            centre_name=settings.centre_name_en if lang == "en" else settings.centre_name_th,
            now_at=now,
            error=said(request, error) if error else None,
        )
        if error is not None:
            response.status_code = status_of(error)
        return response
