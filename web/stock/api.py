"""Stock over JSON: levels, history, goods-received notes, adjustments, counts, transfers, returns.

Reads are open to every signed-in user (an entrepreneur only ever sees their own products);
intakes to staff (cashiers included); anything else that moves stock to managers.
"""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from inventory.stock.document_rules import LineIn
from inventory.stock.documents import (
    CountView,
    MovementDocument,
    TransferView,
    adjust_stock,
    post_count,
    return_to_entrepreneur,
    transfer_stock,
)
from inventory.stock.intakes import (
    IntakeSummary,
    IntakeView,
    get_intake,
    list_intakes,
    receive_intake,
)
from inventory.stock.queries import (
    LookupResult,
    MovementRow,
    StockPage,
    StockRow,
    list_stock,
    lookup_product,
    low_stock,
    movements,
)
from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from web.accounts.auth import managers_only, signed_in, staff_only
from web.settings import Settings
from web.stock.schemas import (
    AdjustmentIn,
    CountIn,
    IntakeIn,
    ReturnIn,
    ScannedLine,
    TransferIn,
)


def _scanned(lines: list[ScannedLine]) -> list[LineIn]:
    return [LineIn(line.quantity, line.product_id, line.barcode) for line in lines]


class StockApi(Controller):
    """Stock levels, movements and documents over JSON."""

    path = "/api/v1"

    @get("/stock", sync_to_thread=True, guards=[signed_in])
    def stock_index(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        settings: NamedDependency[Settings],
        location_id: FromQuery[int | None] = None,
        entrepreneur_id: FromQuery[int | None] = None,
        product_id: FromQuery[int | None] = None,
        low: FromQuery[bool] = False,
        limit: FromQuery[int] = 100,
        offset: FromQuery[int] = 0,
    ) -> StockPage:
        """On-hand per product and location; ``low=true`` keeps those at or below the threshold.

        An entrepreneur always gets their own products, whatever ``entrepreneur_id`` says."""
        with db.read() as conn:
            return list_stock(
                conn,
                actor,
                location_id=location_id,
                entrepreneur_id=entrepreneur_id,
                product_id=product_id,
                low_threshold=settings.low_stock_threshold if low else None,
                limit=limit,
                offset=offset,
            )

    @get("/stock/low", sync_to_thread=True, guards=[signed_in])
    def stock_low(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        settings: NamedDependency[Settings],
        location_id: FromQuery[int | None] = None,
        entrepreneur_id: FromQuery[int | None] = None,
        threshold: FromQuery[int | None] = None,
        limit: FromQuery[int] = 200,
        offset: FromQuery[int] = 0,
    ) -> list[StockRow]:
        """Products at or below ``threshold`` units (default: the centre's setting), emptiest
        first."""
        with db.read() as conn:
            return low_stock(
                conn,
                actor,
                location_id=location_id,
                entrepreneur_id=entrepreneur_id,
                threshold=settings.low_stock_threshold if threshold is None else threshold,
                limit=limit,
                offset=offset,
            )

    @get("/stock/movements", sync_to_thread=True, guards=[signed_in])
    def stock_movements(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        product_id: FromQuery[int | None] = None,
        location_id: FromQuery[int | None] = None,
        document: FromQuery[str | None] = None,
        limit: FromQuery[int] = 100,
        offset: FromQuery[int] = 0,
    ) -> list[MovementRow]:
        """Movement history, newest first."""
        with db.read() as conn:
            return movements(
                conn,
                actor,
                product_id=product_id,
                location_id=location_id,
                document=document,
                limit=limit,
                offset=offset,
            )

    @get("/stock/lookup", sync_to_thread=False, guards=[staff_only])
    def stock_lookup(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        barcode: FromQuery[str],
        location_id: FromQuery[int | None] = None,
    ) -> LookupResult:
        """The product a scanner read (barcode or SKU) with its on-hand at the location; 404
        if none."""
        with db.read() as conn:
            return lookup_product(conn, actor, barcode, location_id)

    @post("/stock/intakes", guards=[staff_only], status_code=201)
    async def stock_intake_create(
        self,
        data: JSONBody[IntakeIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> IntakeView:
        """Receive goods from one entrepreneur: a numbered goods-received note (GRN-YYYY-NNNNNN).

        Lines for the same product are merged; every product must be the entrepreneur's."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: receive_intake(
                conn,
                actor,
                now,
                entrepreneur_id=data.entrepreneur_id,
                location_id=data.location_id,
                lines=_scanned(data.lines),
                note=data.note,
            )
        )

    @get("/stock/intakes", sync_to_thread=False, guards=[signed_in])
    def stock_intake_index(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        entrepreneur_id: FromQuery[int | None] = None,
        location_id: FromQuery[int | None] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> list[IntakeSummary]:
        """Goods-received notes, newest first (an entrepreneur sees only their own)."""
        with db.read() as conn:
            return list_intakes(
                conn,
                actor,
                entrepreneur_id=entrepreneur_id,
                location_id=location_id,
                limit=limit,
                offset=offset,
            )

    @get("/stock/intakes/{intake_id:int}", sync_to_thread=False, guards=[signed_in])
    def stock_intake_show(
        self, intake_id: FromPath[int], db: NamedDependency[Database], actor: NamedDependency[Actor]
    ) -> IntakeView:
        """One goods-received note with its lines; another entrepreneur's is 404."""
        with db.read() as conn:
            return get_intake(conn, actor, intake_id)

    @post("/stock/adjustments", guards=[managers_only], status_code=201)
    async def stock_adjust(
        self,
        data: JSONBody[AdjustmentIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> MovementDocument:
        """Signed, non-zero corrections at one location with a reason (damage, loss, found)."""
        lines = [LineIn(line.quantity, line.product_id) for line in data.lines]
        now = clock.now()
        return await db.writer.run(
            lambda conn: adjust_stock(
                conn,
                actor,
                now,
                location_id=data.location_id,
                lines=lines,
                reason=data.reason,
            )
        )

    @post("/stock/transfers", guards=[managers_only], status_code=201)
    async def stock_transfer(
        self,
        data: JSONBody[TransferIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> TransferView:
        """Move goods from one location to another (two movements per line)."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: transfer_stock(
                conn,
                actor,
                now,
                from_location_id=data.from_location_id,
                to_location_id=data.to_location_id,
                lines=_scanned(data.lines),
                note=data.note,
            )
        )

    @post("/stock/counts", guards=[managers_only], status_code=201)
    async def stock_count(
        self,
        data: JSONBody[CountIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> CountView:
        """Post a stock count: the differences from expected become ``count`` movements.

        Each product may appear once (two figures for one product are refused)."""
        lines = [LineIn(line.counted, line.product_id) for line in data.lines]
        now = clock.now()
        return await db.writer.run(
            lambda conn: post_count(
                conn, actor, now, location_id=data.location_id, lines=lines, note=data.note
            )
        )

    @post("/stock/returns", guards=[managers_only], status_code=201)
    async def stock_return(
        self,
        data: JSONBody[ReturnIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> MovementDocument:
        """Give goods back to their entrepreneur (kind ``return``)."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: return_to_entrepreneur(
                conn,
                actor,
                now,
                entrepreneur_id=data.entrepreneur_id,
                location_id=data.location_id,
                lines=_scanned(data.lines),
                note=data.note,
            )
        )
