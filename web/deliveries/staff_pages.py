"""Staff pages of deliveries (made for the till's 1366x768 screen): the deliveries
entrepreneurs announced, receiving one by scanning against its announcement, and the new
products waiting for a manager's approval. The pages post JSON to the deliveries API."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from inventory.catalogue.photo_store import photo_keys
from inventory.deliveries.proposals import list_proposals
from inventory.deliveries.queries import get_delivery, list_deliveries
from inventory.deliveries.rules import DeliveryStatus, ReviewStatus
from inventory.stock.queries import entrepreneur_choices
from kernel.access import Actor
from kernel.db.engine import Database
from kernel.errors import InvalidInputError
from web.accounts.auth import staff_only
from web.pages import form_id, page

STATUSES = tuple(status.value for status in DeliveryStatus)


def _status(value: str | None) -> DeliveryStatus | None:
    """``?status=``: one of the statuses, ``all``, or (unset) the announced ones."""
    if value is None or value == "":
        return DeliveryStatus.ANNOUNCED
    if value == "all":
        return None
    if value not in STATUSES:
        raise InvalidInputError(
            "delivery.status_unknown",
            "สถานะ {status} ใช้กรองไม่ได้ (ใช้ announced, received, cancelled หรือ all)",
            field="status",
            status=value[:20],
        )
    return DeliveryStatus(value)


class DeliveryStaffPages(Controller):
    """Receiving announced deliveries; proposed products."""

    path = "/admin"
    guards = [staff_only]

    @get("/deliveries", sync_to_thread=False, include_in_schema=False)
    def deliveries_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        status: FromQuery[str | None] = None,
        entrepreneur_id: FromQuery[str | None] = None,
    ) -> Template:
        chosen = _status(status)
        whose = form_id(entrepreneur_id, "entrepreneur_id")
        with db.read() as conn:
            rows = list_deliveries(conn, actor, entrepreneur_id=whose, status=chosen, limit=200)
            waiting = len(list_proposals(conn, actor, limit=500))
            entrepreneurs = entrepreneur_choices(conn, actor)
        return page(
            request,
            "deliveries/staff_list.html",
            rows=rows,
            status=chosen.value if chosen else "all",
            entrepreneur_id=whose,
            entrepreneurs=entrepreneurs,
            waiting=waiting,
        )

    @get("/deliveries/{delivery_id:int}", sync_to_thread=False, include_in_schema=False)
    def delivery_page(
        self,
        request: Request[Any, Any, Any],
        delivery_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Template:
        with db.read() as conn:
            delivery = get_delivery(conn, actor, delivery_id)
            photos = photo_keys(conn, [line.product_id for line in delivery.lines])
        return page(request, "deliveries/staff_receive.html", delivery=delivery, photos=photos)

    @get("/product-proposals", sync_to_thread=False, include_in_schema=False)
    def proposals_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        status: FromQuery[str | None] = None,
    ) -> Template:
        chosen = ReviewStatus(status) if status in tuple(ReviewStatus) else ReviewStatus.PROPOSED
        with db.read() as conn:
            rows = list_proposals(conn, actor, status=chosen, limit=500)
            photos = photo_keys(conn, [row.product_id for row in rows])
        return page(
            request,
            "deliveries/proposals.html",
            rows=rows,
            photos=photos,
            status=chosen.value,
        )
