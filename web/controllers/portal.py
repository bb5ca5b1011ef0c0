"""The entrepreneur's own pages (mobile first, Thai by default): their stock at the centre.

The entrepreneurs' accounts issue adds balances, statements and payouts here.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from inventory import catalogue
from inventory.stock_queries import list_stock
from kernel.access import Actor, Role
from kernel.db import Database
from web.auth import requires
from web.pages import page
from web.settings import Settings

entrepreneurs_only = requires(frozenset({Role.ENTREPRENEUR}))


@get("/portal", sync_to_thread=False, guards=[entrepreneurs_only], include_in_schema=False)
def portal_home(
    request: Request[Any, Any, Any],
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
) -> Template:
    assert actor.entrepreneur_id is not None
    with db.read() as conn:
        me = catalogue.get_entrepreneur(conn, actor, actor.entrepreneur_id)
        stock = list_stock(conn, actor, entrepreneur_id=actor.entrepreneur_id, limit=500)
    low = [row for row in stock.items if row.on_hand <= settings.low_stock_threshold]
    return page(
        request,
        "portal/home.html",
        me=me,
        stock=stock.items,
        low=low,
        threshold=settings.low_stock_threshold,
    )


HANDLERS = [portal_home]
