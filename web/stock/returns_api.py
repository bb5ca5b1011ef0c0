"""Goods at the end of their consignment period over JSON: the lots due, return notes
(prepare, read, confirm pickup, cancel) and extending the lots whose terms say extend.

Managers prepare, collect, cancel and extend; staff read what is due; an entrepreneur reads
their own notes (another's is 404).
"""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from inventory.stock.extensions import ExtensionResult, extend_due_lots
from inventory.stock.return_note_queries import (
    DueLotRow,
    ReturnNoteSummary,
    ReturnNoteView,
    due_lots,
    get_return_note,
    list_return_notes,
)
from inventory.stock.return_notes import (
    LotChoice,
    cancel_return_note,
    collect_return_note,
    prepare_return_note,
)
from inventory.stock.return_rules import ReturnNoteStatus
from inventory.terms.rules import EndAction
from kernel.access import Actor
from kernel.clock import Clock, business_date
from kernel.db.engine import Database
from web.accounts.auth import managers_only, signed_in, staff_only
from web.stock.schemas import CancelNoteIn, ExtendIn, PickupIn, ReturnNoteIn


class ReturnNotesApi(Controller):
    """Return notes and extensions at the end of the consignment period."""

    path = "/api/v1/stock"

    @get("/due", sync_to_thread=True, guards=[staff_only])
    def stock_due(
        self,
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
        end_action: FromQuery[EndAction] = EndAction.RETURN,
        entrepreneur_id: FromQuery[int | None] = None,
        location_id: FromQuery[int | None] = None,
    ) -> list[DueLotRow]:
        """Lots past their period whose terms end in ``end_action`` (return or extend), oldest
        first, with the units already set aside on return notes."""
        today = business_date(clock.now())
        with db.read() as conn:
            due = due_lots(
                conn, today, end_action, entrepreneur_id=entrepreneur_id, location_id=location_id
            )
        return [lot.row() for lot in due]

    @post("/return-notes", guards=[managers_only], status_code=201)
    async def return_note_create(
        self,
        data: JSONBody[ReturnNoteIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> ReturnNoteView:
        """Prepare a return note (RTN-YYYY-NNNNNN): no stock moves until pickup."""
        lots = None
        if data.lots is not None:
            lots = [LotChoice(x.lot_id, x.quantity) for x in data.lots]
        now = clock.now()
        return await db.writer.run(
            lambda conn: prepare_return_note(
                conn,
                actor,
                now,
                entrepreneur_id=data.entrepreneur_id,
                location_id=data.location_id,
                lots=lots,
                note=data.note,
            )
        )

    @get("/return-notes", sync_to_thread=True, guards=[signed_in])
    def return_note_index(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        status: FromQuery[list[ReturnNoteStatus] | None] = None,
        entrepreneur_id: FromQuery[int | None] = None,
        location_id: FromQuery[int | None] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> list[ReturnNoteSummary]:
        """Return notes newest first (an entrepreneur sees only their own)."""
        with db.read() as conn:
            return list_return_notes(
                conn,
                actor,
                statuses=status or (),
                entrepreneur_id=entrepreneur_id,
                location_id=location_id,
                limit=limit,
                offset=offset,
            )

    @get("/return-notes/{note_id:int}", sync_to_thread=True, guards=[signed_in])
    def return_note_show(
        self, note_id: FromPath[int], db: NamedDependency[Database], actor: NamedDependency[Actor]
    ) -> ReturnNoteView:
        """One return note with its lines; another entrepreneur's is 404."""
        with db.read() as conn:
            return get_return_note(conn, actor, note_id)

    @post("/return-notes/{note_id:int}/collect", guards=[managers_only], status_code=200)
    async def return_note_collect(
        self,
        note_id: FromPath[int],
        data: JSONBody[PickupIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> ReturnNoteView:
        """The entrepreneur signed: what is there leaves the stock under the note's number;
        a note already collected or cancelled is 409."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: collect_return_note(
                conn, actor, now, note_id, collected_by=data.collected_by
            )
        )

    @post("/return-notes/{note_id:int}/cancel", guards=[managers_only], status_code=200)
    async def return_note_cancel(
        self,
        note_id: FromPath[int],
        data: JSONBody[CancelNoteIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> ReturnNoteView:
        """Call a note off before pickup (stock never moved); after it, 409."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: cancel_return_note(conn, actor, now, note_id, reason=data.reason)
        )

    @post("/lot-extensions", guards=[managers_only], status_code=200)
    async def lots_extend(
        self,
        data: JSONBody[ExtendIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> ExtensionResult:
        """Extend every lot past its period whose terms say extend (by their extend_days)."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: extend_due_lots(
                conn,
                actor,
                now,
                entrepreneur_id=data.entrepreneur_id,
                location_id=data.location_id,
            )
        )
