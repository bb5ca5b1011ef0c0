"""Staff pages for goods at the end of their consignment period: what is due (for return, by
entrepreneur and location; for another period), the notes waiting for pickup and their
history, one note with its pickup and cancel forms, and the note printed on A4 or 80 mm
paper for the entrepreneur to sign. The forms post JSON to the returns API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from inventory.stock.queries import entrepreneur_choices, location_choices
from inventory.stock.return_note_queries import (
    DueLot,
    due_lots_by_action,
    get_return_note,
    list_return_notes,
)
from inventory.stock.return_rules import RETURN_REASON, ReturnNoteStatus
from inventory.terms.rules import EndAction
from kernel.access import Actor
from kernel.clock import Clock, business_date
from kernel.db.engine import Database
from web.accounts.auth import managers_only
from web.i18n import thai_datetime
from web.pages import form_id, page
from web.settings import Settings
from web.tax.pages import be_date

Paper = Literal["a4", "80mm"]
HISTORY = 50


@dataclass
class DueGroup:
    """One entrepreneur's lots due back at one location: what one note would hold."""

    entrepreneur_id: int
    entrepreneur_code: str
    entrepreneur_name: str
    location_id: int
    location_code: str
    lots: list[DueLot] = field(default_factory=list)

    @property
    def free(self) -> int:
        return sum(lot.free for lot in self.lots)


def group_due(lots: list[DueLot]) -> list[DueGroup]:
    groups: dict[tuple[int, int], DueGroup] = {}
    for due in lots:
        lot = due.lot
        key = (lot.entrepreneur_id, lot.location_id)
        if key not in groups:
            groups[key] = DueGroup(
                lot.entrepreneur_id,
                lot.entrepreneur_code,
                lot.entrepreneur_name,
                lot.location_id,
                lot.location_code,
            )
        groups[key].lots.append(due)
    return sorted(groups.values(), key=lambda g: (g.entrepreneur_code, g.location_code))


INLINE_LOTS = 300  # more lots due than this, and no entrepreneur chosen: a line each


def _due_shown(due: dict[EndAction, list[DueLot]], *, chosen: bool) -> dict[str, Any]:
    """What the page lists: every lot due back, grouped into the notes they would make; or,
    when that is more than a page can hold (a centre that has not returned goods for long),
    a line an entrepreneur and place to choose from. Lots to extend: the first INLINE_LOTS."""
    groups = group_due(due[EndAction.RETURN])
    summarised = not chosen and len(due[EndAction.RETURN]) > INLINE_LOTS
    extend = due[EndAction.EXTEND]
    return {
        "groups": [] if summarised else groups,
        "summary": groups if summarised else [],
        "to_extend": extend[:INLINE_LOTS],
        "more_extend": max(len(extend) - INLINE_LOTS, 0),
    }


class ReturnNotePages(Controller):
    """The returns page, a return note, and its print view."""

    path = "/admin/stock/returns"
    include_in_schema = False

    @get("/", sync_to_thread=True, guards=[managers_only])
    def returns_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        location_id: FromQuery[str | None] = None,
        entrepreneur_id: FromQuery[str | None] = None,
    ) -> Template:
        where = form_id(location_id, "location_id")
        whose = form_id(entrepreneur_id, "entrepreneur_id")
        today = business_date(clock.now())
        filters: dict[str, Any] = {"entrepreneur_id": whose, "location_id": where}
        with db.read() as conn:
            due = due_lots_by_action(conn, today, **filters)
            waiting = list_return_notes(
                conn, actor, statuses=[ReturnNoteStatus.WAITING_PICKUP], limit=200, **filters
            )
            history = list_return_notes(
                conn,
                actor,
                statuses=[ReturnNoteStatus.COLLECTED, ReturnNoteStatus.CANCELLED],
                limit=HISTORY,
                **filters,
            )
            locations = location_choices(conn)
            entrepreneurs = entrepreneur_choices(conn, actor)
        return page(
            request,
            "stock/returns.html",
            today=today,
            **_due_shown(due, chosen=whose is not None),
            waiting=waiting,
            history=history,
            location_id=where,
            entrepreneur_id=whose,
            locations=locations,
            entrepreneurs=entrepreneurs,
        )

    @get("/{note_id:int}", sync_to_thread=True, guards=[managers_only])
    def return_note_page(
        self,
        request: Request[Any, Any, Any],
        note_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Template:
        with db.read() as conn:
            note = get_return_note(conn, actor, note_id)
        return page(request, "stock/return_note.html", note=note)

    @get("/{note_id:int}/print", sync_to_thread=True, guards=[managers_only])
    def return_note_print(
        self,
        note_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        settings: NamedDependency[Settings],
        paper: FromQuery[Paper] = "a4",
    ) -> Template:
        """The note for the printer (A4 or 80 mm), Thai with English beside, for signing."""
        with db.read() as conn:
            note = get_return_note(conn, actor, note_id)
        return Template(
            template_name="stock/return_note_print.html",
            context={
                "note": note,
                "paper": paper,
                "be_day": be_date,
                "printed": thai_datetime,
                "reason": RETURN_REASON,
                "centre_th": settings.centre_name_th,
                "centre_en": settings.centre_name_en,
            },
            media_type="text/html",
        )
