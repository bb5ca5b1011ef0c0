"""The staff aging page (managers): goods due for a markdown or their return, by
entrepreneur and location, and the markdowns applied today, with the button that applies
those due. Opening the page applies them too: the server has no scheduler, so the day's
markdowns go on when the server starts, when a manager opens this page or presses the
button, and from ``otop-pos markdowns`` (a daily timer). After the server's first run of the
day, opening the page reads only the products whose goods moved since its last run: the
others' markdowns cannot have changed (at ten times the catalogue, every product took 1.5 s)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from inventory.stock.aging_report import MAX_WITHIN_DAYS, aging_report
from inventory.stock.markdown_rules import percent_text
from inventory.stock.markdowns import list_markdowns
from inventory.stock.queries import entrepreneur_choices, location_choices
from kernel.access import SYSTEM, Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from web.accounts.auth import managers_only
from web.pages import form_id, page
from web.stock.markdown_api import run_due_markdowns

DEFAULT_WITHIN_DAYS = 7


class AgingPages(Controller):
    path = "/admin"

    @get("/stock/aging", guards=[managers_only], include_in_schema=False)
    async def aging_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        entrepreneur_id: FromQuery[str | None] = None,
        location_id: FromQuery[str | None] = None,
        within: FromQuery[str | None] = None,
    ) -> Template:
        whose = form_id(entrepreneur_id, "entrepreneur_id")
        where = form_id(location_id, "location_id")
        days = form_id(within, "within")
        days = DEFAULT_WITHIN_DAYS if days is None else min(days, MAX_WITHIN_DAYS)
        # The server's own run (see above): the products whose goods moved since its last run.
        sweeps = request.app.state.markdown_sweeps
        run = await run_due_markdowns(db, SYSTEM, clock, sweeps, moved_only=True)
        today = run.day

        def read(conn: Any) -> dict[str, Any]:
            return {
                "report": aging_report(
                    conn,
                    actor,
                    today,
                    entrepreneur_id=whose,
                    location_id=where,
                    within_days=days,
                ),
                "applied_today": list_markdowns(
                    conn, actor, entrepreneur_id=whose, since=today, until=today, limit=200
                ),
                "locations": location_choices(conn),
                "entrepreneurs": entrepreneur_choices(conn, actor),
            }

        return page(
            request,
            "stock/aging.html",
            entrepreneur_id=whose,
            location_id=where,
            within=days,
            max_within=MAX_WITHIN_DAYS,
            percent=percent_text,
            **await db.read_on_thread(read),
        )
