"""Staff pages for stock: levels, low stock, goods in (scanner form), counts, transfers,
adjustments, returns, and printable label sheets. Forms post JSON to the stock API."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from inventory.catalogue.labels import MAX_COPIES, LabelRequest, barcode_svg, plan_labels
from inventory.stock.intakes import get_intake, list_intakes
from inventory.stock.queries import (
    count_sheet,
    entrepreneur_choices,
    list_stock,
    location_choices,
    low_stock,
    movements,
)
from inventory.stock.refs import products_by_id
from kernel.access import Actor
from kernel.db.engine import Database
from web.accounts.auth import managers_only, staff_only
from web.pages import form_id, page
from web.settings import Settings

PAGE_SIZE = 50
MAX_LABEL_PRODUCTS = 200


def _choices(db: Database, actor: Actor) -> dict[str, Any]:
    with db.read() as conn:
        return {
            "locations": location_choices(conn),
            "entrepreneurs": entrepreneur_choices(conn, actor),
        }


def _label_sheet(
    request: Request[Any, Any, Any],
    wanted: list[LabelRequest],
    *,
    title: str,
    back: str,
    missing: list[int] | None = None,
) -> Template:
    labels, cut = plan_labels(wanted)
    svgs = {label.barcode: barcode_svg(label.barcode) for label in labels}
    return page(
        request,
        "stock/labels.html",
        labels=labels,
        svgs=svgs,
        cut=cut,
        title=title,
        back=back,
        missing=missing or [],
        requested=sum(w.copies for w in wanted),
    )


class StockPages(Controller):
    """The stock pages: levels, goods received, counts, labels."""

    path = "/admin"

    @get("/stock", sync_to_thread=True, guards=[staff_only], include_in_schema=False)
    def stock_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        settings: NamedDependency[Settings],
        location_id: FromQuery[str | None] = None,
        entrepreneur_id: FromQuery[str | None] = None,
        low: FromQuery[str | None] = None,
        offset: FromQuery[int] = 0,
    ) -> Template:
        where = form_id(location_id, "location_id")
        whose = form_id(entrepreneur_id, "entrepreneur_id")
        threshold = settings.low_stock_threshold
        with db.read() as conn:
            stock = list_stock(
                conn,
                actor,
                location_id=where,
                entrepreneur_id=whose,
                low_threshold=threshold if low else None,
                limit=PAGE_SIZE,
                offset=offset,
            )
        return page(
            request,
            "stock/levels.html",
            stock=stock,
            threshold=threshold,
            location_id=where,
            entrepreneur_id=whose,
            low=bool(low),
            **_choices(db, actor),
        )

    @get("/stock/low", sync_to_thread=True, guards=[staff_only], include_in_schema=False)
    def low_stock_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        settings: NamedDependency[Settings],
        location_id: FromQuery[str | None] = None,
        entrepreneur_id: FromQuery[str | None] = None,
        threshold: FromQuery[str | None] = None,
    ) -> Template:
        where = form_id(location_id, "location_id")
        whose = form_id(entrepreneur_id, "entrepreneur_id")
        limit = form_id(threshold, "threshold")
        limit = settings.low_stock_threshold if limit is None else limit
        with db.read() as conn:
            rows = low_stock(conn, actor, threshold=limit, location_id=where, entrepreneur_id=whose)
        return page(
            request,
            "stock/low.html",
            rows=rows,
            threshold=limit,
            location_id=where,
            entrepreneur_id=whose,
            **_choices(db, actor),
        )

    @get("/stock/movements", sync_to_thread=True, guards=[staff_only], include_in_schema=False)
    def movements_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        product_id: FromQuery[str | None] = None,
        location_id: FromQuery[str | None] = None,
        document: FromQuery[str | None] = None,
    ) -> Template:
        with db.read() as conn:
            rows = movements(
                conn,
                actor,
                product_id=form_id(product_id, "product_id"),
                location_id=form_id(location_id, "location_id"),
                document=document or None,
                limit=200,
            )
        return page(request, "stock/movements.html", rows=rows, document=document or "")

    @get("/intakes", sync_to_thread=False, guards=[staff_only], include_in_schema=False)
    def intakes_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        entrepreneur_id: FromQuery[str | None] = None,
        offset: FromQuery[int] = 0,
    ) -> Template:
        whose = form_id(entrepreneur_id, "entrepreneur_id")
        with db.read() as conn:
            rows = list_intakes(conn, actor, entrepreneur_id=whose, limit=PAGE_SIZE, offset=offset)
        return page(
            request,
            "stock/intakes.html",
            rows=rows,
            entrepreneur_id=whose,
            offset=offset,
            page_size=PAGE_SIZE,
            **_choices(db, actor),
        )

    @get("/intakes/new", sync_to_thread=False, guards=[staff_only], include_in_schema=False)
    def intake_new_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Template:
        return page(request, "stock/intake_new.html", **_choices(db, actor))

    @get(
        "/intakes/{intake_id:int}",
        sync_to_thread=False,
        guards=[staff_only],
        include_in_schema=False,
    )
    def intake_page(
        self,
        request: Request[Any, Any, Any],
        intake_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Template:
        with db.read() as conn:
            intake = get_intake(conn, actor, intake_id)
        return page(request, "stock/intake.html", intake=intake)

    @get(
        "/intakes/{intake_id:int}/labels",
        sync_to_thread=True,
        guards=[staff_only],
        include_in_schema=False,
    )
    def intake_labels_page(
        self,
        request: Request[Any, Any, Any],
        intake_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Template:
        """One label per unit received (capped), to stick on the goods before they go out."""
        with db.read() as conn:
            intake = get_intake(conn, actor, intake_id)
        wanted = [
            LabelRequest(line.barcode, line.sku, line.name_th, line.price_satang, line.quantity)
            for line in intake.lines
        ]
        return _label_sheet(
            request, wanted, title=intake.number, back=f"/admin/intakes/{intake.id}"
        )

    @get("/labels", sync_to_thread=True, guards=[staff_only], include_in_schema=False)
    def labels_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        product_ids: FromQuery[str] = "",
        copies: FromQuery[int] = 1,
    ) -> Template:
        """Labels for any products: ``?product_ids=1,2,3&copies=2``."""
        try:
            ids = [int(part) for part in product_ids.split(",") if part.strip()]
        except ValueError:
            ids = []
        ids = ids[:MAX_LABEL_PRODUCTS]
        copies = min(max(copies, 1), MAX_COPIES)
        with db.read() as conn:
            found = products_by_id(conn, ids)
        wanted = [
            LabelRequest(p.barcode, p.sku, p.name_th, p.price_satang, copies)
            for p in (found[i] for i in ids if i in found)
        ]
        missing = [i for i in ids if i not in found]
        return _label_sheet(request, wanted, title="", back="/admin/stock", missing=missing)

    @get("/stock/counts/new", sync_to_thread=True, guards=[managers_only], include_in_schema=False)
    def count_new_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        location_id: FromQuery[str | None] = None,
        entrepreneur_id: FromQuery[str | None] = None,
    ) -> Template:
        """Choose a location (and an entrepreneur), then enter what is counted."""
        where = form_id(location_id, "location_id")
        whose = form_id(entrepreneur_id, "entrepreneur_id")
        rows = []
        if where is not None:
            with db.read() as conn:
                rows = count_sheet(conn, actor, location_id=where, entrepreneur_id=whose)
        return page(
            request,
            "stock/count_new.html",
            rows=rows,
            location_id=where,
            entrepreneur_id=whose,
            **_choices(db, actor),
        )

    @get(
        ["/stock/transfers/new", "/stock/adjustments/new", "/stock/returns/new"],
        sync_to_thread=False,
        guards=[managers_only],
        include_in_schema=False,
    )
    def lines_form(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Template:
        """The form of a transfer, an adjustment or a return: lines of products and counts."""
        kind = request.url.path.split("/")[-2].removesuffix("s")
        return page(request, "stock/lines_form.html", kind=kind, **_choices(db, actor))
