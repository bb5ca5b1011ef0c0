"""Deliveries and proposed products over JSON.

An entrepreneur announces and cancels their own deliveries and reads their own (another's is
404); staff who may receive goods (cashiers too) receive them; managers approve or reject
proposed products, and may cancel a delivery for an entrepreneur.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.engine import Connection

from inventory.catalogue.photos import Photo
from inventory.deliveries.proposals import (
    ProposalView,
    approve_product,
    list_proposals,
    reject_product,
)
from inventory.deliveries.queries import (
    DeliverySummary,
    DeliveryView,
    get_delivery,
    list_deliveries,
)
from inventory.deliveries.rules import DeliveryStatus, NewProductIn, ReviewStatus
from inventory.deliveries.service import announce_delivery, cancel_delivery, receive_delivery
from inventory.stock.document_rules import LineIn
from kernel.access import MANAGERS, Actor, Role
from kernel.clock import Clock
from kernel.db.engine import Database
from web.accounts.auth import managers_only, requires, signed_in, staff_only
from web.deliveries.schemas import ApproveIn, DeliveryIn, ReceiveIn, RejectIn

entrepreneurs_only = requires(frozenset({Role.ENTREPRENEUR}))
entrepreneurs_or_managers = requires(frozenset({Role.ENTREPRENEUR, *MANAGERS}))


def announce(
    conn: Connection,
    actor: Actor,
    now: datetime,
    data: DeliveryIn,
    photos: Mapping[int, Photo] | None = None,
) -> DeliveryView:
    """The announcement a body describes (the API's JSON, the portal form's payload)."""
    return announce_delivery(
        conn,
        actor,
        now,
        location_id=data.location_id,
        expected_on=data.expected_on,
        lines=[LineIn(line.quantity, line.product_id) for line in data.lines],
        new_products=[
            NewProductIn(p.name_th, p.category_id, p.price_satang, p.quantity, p.name_en)
            for p in data.new_products
        ],
        photos=photos,
        note=data.note,
    )


class DeliveriesApi(Controller):
    """Deliveries announced from the portal, received at the centre."""

    path = "/api/v1"

    @post("/deliveries", guards=[entrepreneurs_only], status_code=201)
    async def delivery_announce(
        self,
        data: JSONBody[DeliveryIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> DeliveryView:
        """Announce a delivery (DLV-YYYY-NNNNNN) of one's own products and new ones proposed
        (inactive until a manager approves them)."""
        now = clock.now()
        return await db.writer.run(lambda conn: announce(conn, actor, now, data))

    @get("/deliveries", sync_to_thread=False, guards=[signed_in])
    def delivery_index(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        entrepreneur_id: FromQuery[int | None] = None,
        status: FromQuery[DeliveryStatus | None] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> list[DeliverySummary]:
        """Deliveries newest first (an entrepreneur sees only their own)."""
        with db.read() as conn:
            return list_deliveries(
                conn,
                actor,
                entrepreneur_id=entrepreneur_id,
                status=status,
                limit=limit,
                offset=offset,
            )

    @get("/deliveries/{delivery_id:int}", sync_to_thread=False, guards=[signed_in])
    def delivery_show(
        self,
        delivery_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> DeliveryView:
        """One delivery with its lines: announced, received and the difference of each."""
        with db.read() as conn:
            return get_delivery(conn, actor, delivery_id)

    @post(
        "/deliveries/{delivery_id:int}/cancel",
        guards=[entrepreneurs_or_managers],
        status_code=200,
    )
    async def delivery_cancel(
        self,
        delivery_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> DeliveryView:
        """Cancel an announced delivery (409 once it is received or cancelled)."""
        now = clock.now()
        return await db.writer.run(lambda conn: cancel_delivery(conn, actor, now, delivery_id))

    @post("/deliveries/{delivery_id:int}/receive", guards=[staff_only], status_code=200)
    async def delivery_receive(
        self,
        delivery_id: FromPath[int],
        data: JSONBody[ReceiveIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> DeliveryView:
        """Receive what was counted (by product id or barcode; 0 = none came): a
        goods-received note for it, and the differences from the announcement. Once only."""
        lines = [LineIn(line.quantity, line.product_id, line.barcode) for line in data.lines]
        now = clock.now()
        return await db.writer.run(
            lambda conn: receive_delivery(
                conn, actor, now, delivery_id, lines=lines, note=data.note
            )
        )

    @get("/product-proposals", sync_to_thread=False, guards=[signed_in])
    def proposal_index(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        status: FromQuery[ReviewStatus | None] = ReviewStatus.PROPOSED,
        entrepreneur_id: FromQuery[int | None] = None,
        limit: FromQuery[int] = 100,
        offset: FromQuery[int] = 0,
    ) -> list[ProposalView]:
        """Proposed products, oldest first (waiting ones by default); an entrepreneur's own."""
        with db.read() as conn:
            return list_proposals(
                conn,
                actor,
                status=status,
                entrepreneur_id=entrepreneur_id,
                limit=limit,
                offset=offset,
            )

    @post("/product-proposals/{product_id:int}/approve", guards=[managers_only], status_code=200)
    async def proposal_approve(
        self,
        product_id: FromPath[int],
        data: JSONBody[ApproveIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> ProposalView:
        """Make a proposed product sellable (at its proposed price unless one is given)."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: approve_product(conn, actor, now, product_id, data.price_satang)
        )

    @post("/product-proposals/{product_id:int}/reject", guards=[managers_only], status_code=200)
    async def proposal_reject(
        self,
        product_id: FromPath[int],
        data: JSONBody[RejectIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> ProposalView:
        """Refuse a proposed product with the reason the entrepreneur reads."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: reject_product(conn, actor, now, product_id, data.reason)
        )
