"""Agreed markdowns over JSON: those applied (GET /api/v1/markdowns) and a manager's run of
those due today (POST /api/v1/markdowns/apply), and the run the server makes itself.

A run reads its plan in a snapshot on a thread (every lot with goods: a few thousand rows,
~0.4-0.8 s for the whole demo catalogue on a loaded 2-core machine), then applies it through
the writer, :data:`CHUNK` products at a time, for the products it found only, deciding again on
what it reads there (inventory.stock.markdowns): the write transactions stay short (238
changes took 0.7 s in one), the tills' sales go in between.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from sqlalchemy.engine import Connection

from inventory.stock.markdown_rules import MarkdownChange
from inventory.stock.markdowns import (
    CHUNK,
    MarkdownRun,
    MarkdownView,
    apply_due_markdowns,
    due_changes,
    last_movement_id,
    list_markdowns,
    moved_since,
)
from kernel.access import MANAGERS, SYSTEM, Actor
from kernel.clock import Clock, business_date
from kernel.db.engine import Database
from web.accounts.auth import managers_only, signed_in

log = logging.getLogger("otop.markdowns")


# A run counts the goods moved since the last run read, less a margin for transactions still
# open then: five minutes of movements written, and a thousand movements numbered (about five
# minutes of the centre's peak), which covers sales rung offline that arrive with an old time.
MOVED_MARGIN = timedelta(minutes=5)
MOVED_ID_MARGIN = 1_000
# Past this many products moved, a run reads every product (one read, no long id list).
MOVED_AT_MOST = 5_000


@dataclass(frozen=True, slots=True)
class _Read:
    at: datetime
    last_movement_id: int


@dataclass(slots=True)
class MarkdownSweeps:
    """When this server last read every product's markdown (the Bangkok day), and when and up
    to which movement it last read at all: a run later that day may read only the products
    whose goods moved in between."""

    whole_on: date | None = None
    last: _Read | None = None

    def moved_after(self, today: date) -> _Read | None:
        """From which time and movement moved goods are enough today; None: read every product."""
        if self.whole_on != today or self.last is None:
            return None
        return _Read(self.last.at - MOVED_MARGIN, self.last.last_movement_id - MOVED_ID_MARGIN)

    def ran(self, today: date, read: _Read, *, whole: bool) -> None:
        if whole:
            self.whole_on = today
        self.last = read


async def run_due_markdowns(
    db: Database,
    actor: Actor,
    clock: Clock,
    sweeps: MarkdownSweeps,
    *,
    moved_only: bool = False,
) -> MarkdownRun:
    """Apply the markdowns due today, on behalf of ``actor``: for every product, or with
    ``moved_only`` for those whose goods moved since this server's last run (every product
    still, on the day's first run)."""
    actor.require(MANAGERS, "apply markdowns")
    now = clock.now()
    today = business_date(now)
    since = sweeps.moved_after(today) if moved_only else None

    def plan(conn: Connection) -> tuple[list[MarkdownChange], dict[int, int], _Read, bool]:
        read = _Read(now, last_movement_id(conn))
        moved = None if since is None else moved_since(conn, since.at, since.last_movement_id)
        if moved is not None and len(moved) > MOVED_AT_MOST:
            moved = None
        return *due_changes(conn, today, moved), read, moved is None

    planned, prices, read, whole = await db.read_on_thread(plan)
    applied = []
    ids = [change.product_id for change in planned]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        run = await db.writer.run(partial(_apply, actor=actor, now=now, product_ids=chunk))
        applied += run.applied
    for m in applied:
        log.info("markdown %s: %s -> %s bp (%s)", m.sku, m.from_bp, m.to_bp, actor.username)
    sweeps.ran(today, read, whole=whole)
    return MarkdownRun(today, len(prices), applied)


def _apply(conn: Connection, *, actor: Actor, now: datetime, product_ids: list[int]) -> MarkdownRun:
    return apply_due_markdowns(conn, actor, now, product_ids)


async def apply_at_start(db: Database, clock: Clock, sweeps: MarkdownSweeps) -> None:
    """The server's own run when it starts (there is no scheduler: see
    inventory.stock.markdowns). A failure is logged, never a reason not to serve the tills."""
    try:
        run = await run_due_markdowns(db, SYSTEM, clock, sweeps)
    except Exception:
        log.exception("markdowns due today were not applied at start")
        return
    log.info("markdowns at start: %d applied of %d products", len(run.applied), run.checked)


class MarkdownsApi(Controller):
    """Markdowns applied, and a run of those due."""

    path = "/api/v1"

    @get("/markdowns", sync_to_thread=True, guards=[signed_in])
    def markdowns_index(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        entrepreneur_id: FromQuery[int | None] = None,
        product_id: FromQuery[int | None] = None,
        since: FromQuery[date | None] = None,
        until: FromQuery[date | None] = None,
        limit: FromQuery[int] = 100,
        offset: FromQuery[int] = 0,
    ) -> list[MarkdownView]:
        """Markdowns applied, newest first, by the Bangkok day they took effect (``since`` and
        ``until`` included). An entrepreneur always gets their own products'."""
        with db.read() as conn:
            return list_markdowns(
                conn,
                actor,
                entrepreneur_id=entrepreneur_id,
                product_id=product_id,
                since=since,
                until=until,
                limit=limit,
                offset=offset,
            )

    @post("/markdowns/apply", guards=[managers_only], status_code=200)
    async def markdowns_apply(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> MarkdownRun:
        """Apply the agreed markdowns due today (Asia/Bangkok): each product whose markdown
        differs from what its oldest goods' terms make due. A second run the same day changes
        nothing (``applied`` is empty)."""
        return await run_due_markdowns(db, actor, clock, request.app.state.markdown_sweeps)
