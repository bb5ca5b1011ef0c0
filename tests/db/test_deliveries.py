"""Deliveries on SQLite and PostgreSQL: announce, propose, approve or reject, cancel, receive
against the announcement (once, even when two staff finish at once)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from inventory.catalogue.photo_store import photo_keys
from inventory.catalogue.photos import process_photo
from inventory.deliveries.models import Delivery, DeliveryLine, ProductReview
from inventory.deliveries.proposals import approve_product, list_proposals, reject_product
from inventory.deliveries.queries import deliveries_since, get_delivery, list_deliveries
from inventory.deliveries.rules import DifferenceCounts, DifferenceKind, NewProductIn
from inventory.deliveries.service import announce_delivery, cancel_delivery, receive_delivery
from inventory.models import Intake, Product, StockMovement
from inventory.stock.document_rules import LineIn
from inventory.stock.service import on_hand
from kernel.access import Actor, Role
from kernel.audit import AuditEntry
from kernel.clock import FixedClock
from kernel.db.engine import Database
from kernel.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from tests import factories as f
from tests.photo_samples import image_bytes

MANAGER = Actor(user_id=None, username="manager", role=Role.MANAGER)
CASHIER = Actor(user_id=None, username="cashier", role=Role.CASHIER)
TOMORROW = date(2026, 11, 22)


@dataclass
class Shop:
    home: int
    category: int
    weaver: int
    potter: int
    sarong: int
    scarf: int
    vase: int

    @property
    def weaver_actor(self) -> Actor:
        return Actor(None, "weaver", Role.ENTREPRENEUR, entrepreneur_id=self.weaver)

    @property
    def potter_actor(self) -> Actor:
        return Actor(None, "potter", Role.ENTREPRENEUR, entrepreneur_id=self.potter)


@pytest.fixture
def shop(db: Database) -> Shop:
    with db.write() as conn:
        district = f.district(conn)
        home = f.location(conn)
        cat = f.category(conn)
        weaver = f.entrepreneur(conn, district, code="E1")
        potter = f.entrepreneur(conn, district, code="E2", name_th="เครื่องปั้น")
        sarong = f.product(conn, weaver, cat, name_th="ผ้าซิ่น")
        scarf = f.product(conn, weaver, cat, name_th="ผ้าพันคอ")
        vase = f.product(conn, potter, cat, name_th="แจกัน")
    return Shop(home, cat, weaver, potter, sarong, scarf, vase)


def _announce(db: Database, shop: Shop, clock: FixedClock, **kw: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {
        "location_id": None,
        "expected_on": TOMORROW,
        "lines": [LineIn(5, shop.sarong), LineIn(2, shop.scarf)],
    }
    args.update(kw)
    with db.write() as conn:
        return announce_delivery(conn, shop.weaver_actor, clock.now(), **args)  # type: ignore[arg-type]


def test_announce_numbers_the_delivery_and_proposes_new_products_inactive(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    photo = process_photo(image_bytes("JPEG"))
    view = _announce(
        db,
        shop,
        clock,
        lines=[LineIn(3, shop.sarong), LineIn(2, shop.sarong)],  # merged: 5
        new_products=[NewProductIn("ผ้าคลุมไหล่ลายใหม่", shop.category, 89000, 4, "New shawl")],
        photos={0: photo},
        note="  มาช่วงบ่าย ",
    )
    assert view.number == "DLV-2026-000001"
    assert (view.status, view.note, view.expected_on) == ("announced", "มาช่วงบ่าย", TOMORROW)
    assert [(line.name_th, line.announced, line.received) for line in view.lines] == [
        ("ผ้าซิ่น", 5, None),
        ("ผ้าคลุมไหล่ลายใหม่", 4, None),
    ]
    new = view.lines[1]
    assert (new.active, new.review_status, new.price_satang) == (False, "proposed", 89000)
    assert new.barcode.startswith("20") and len(new.barcode) == 13
    assert new.sku.startswith("E1-N")
    with db.read() as conn:
        assert photo_keys(conn, [new.product_id])  # in the catalogue's photo store
        actions = list(conn.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
        waiting = list_proposals(conn, CASHIER)
    assert actions == ["product_proposed", "product_photo_set", "delivery_announced"]
    assert [p.product_id for p in waiting] == [new.product_id]
    assert waiting[0].delivery_number == view.number


def test_announce_refuses_bad_input_and_writes_nothing(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    cases = [
        ({"lines": [LineIn(2, shop.vase)]}, "product.unknown", "lines[0].product_id"),
        ({"lines": [LineIn(0, shop.sarong)]}, "quantity.not_positive", "lines[0].quantity"),
        ({"lines": [LineIn(-3, shop.sarong)]}, "quantity.not_positive", "lines[0].quantity"),
        ({"lines": [LineIn(1, 999_999)]}, "product.unknown", "lines[0].product_id"),
        ({"lines": []}, "delivery.no_lines", "lines"),
        ({"expected_on": date(2026, 11, 1)}, "delivery.date_past", "expected_on"),
        ({"location_id": 999}, "location.unknown", "location_id"),
        (
            {"new_products": [NewProductIn("ผ้า", 999, 100, 1)]},
            "category.unknown",
            "new_products[0].category_id",
        ),
        (
            {"new_products": [NewProductIn("ผ้า", shop.category, 100, 0)]},
            "quantity.not_positive",
            "new_products[0].quantity",
        ),
    ]
    for kw, code, field in cases:
        with pytest.raises(InvalidInputError) as refused:
            _announce(db, shop, clock, **kw)
        assert (refused.value.code, refused.value.field) == (code, field), kw
    with pytest.raises(ForbiddenError), db.write() as conn:
        announce_delivery(
            conn, MANAGER, clock.now(), location_id=None, expected_on=TOMORROW, lines=[]
        )
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(Delivery)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(Product)).scalar() == 3


def test_an_entrepreneur_sees_only_their_own_deliveries(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    view = _announce(db, shop, clock)
    with db.read() as conn:
        with pytest.raises(NotFoundError):
            get_delivery(conn, shop.potter_actor, view.id)
        assert list_deliveries(conn, shop.potter_actor) == []
        assert list_deliveries(conn, shop.potter_actor, entrepreneur_id=shop.weaver) == []
        assert [d.number for d in list_deliveries(conn, shop.weaver_actor)] == [view.number]
    with pytest.raises(NotFoundError), db.write() as conn:
        cancel_delivery(conn, shop.potter_actor, clock.now(), view.id)
    with pytest.raises(ForbiddenError), db.write() as conn:
        cancel_delivery(conn, CASHIER, clock.now(), view.id)


def test_receive_with_differences_makes_one_intake_of_what_came(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    view = _announce(db, shop, clock)  # sarong 5, scarf 2
    with db.write() as conn:
        product = conn.execute(select(Product.barcode).where(Product.id == shop.sarong)).scalar()
        unannounced = f.product(conn, shop.weaver, shop.category, name_th="ย่าม")
        done = receive_delivery(
            conn,
            CASHIER,
            clock.now(),
            view.id,
            lines=[
                LineIn(1, barcode=product),
                LineIn(2, barcode=product),  # scanned three times in all
                LineIn(1, unannounced),
            ],  # the scarf never came
            note="ผ้าพันคอยังไม่เสร็จ",
        )
    assert done.status == "received" and done.intake_number == "GRN-2026-000001"
    assert [(line.announced, line.received, line.kind) for line in done.lines] == [
        (5, 3, DifferenceKind.SHORT),
        (2, 0, DifferenceKind.SHORT),
        (0, 1, DifferenceKind.NOT_ANNOUNCED),
    ]
    assert done.differences == DifferenceCounts(short=2, over=0, not_announced=1)
    with db.read() as conn:
        assert on_hand(conn, [shop.sarong, shop.scarf, unannounced], shop.home) == {
            shop.sarong: 3,
            shop.scarf: 0,
            unannounced: 1,
        }
        notices = deliveries_since(conn, shop.weaver_actor, shop.weaver, clock.now())
        assert deliveries_since(conn, shop.potter_actor, shop.weaver, clock.now()) == []
    assert [(n.number, n.status, n.differences) for n in notices] == [
        (view.number, "received", DifferenceCounts(short=2, over=0, not_announced=1))
    ]


def test_receive_refuses_bad_lines_and_leaves_the_delivery_announced(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    view = _announce(db, shop, clock)
    cases = [
        ([LineIn(1, shop.vase)], "stock.not_entrepreneurs_product"),
        ([LineIn(-1, shop.sarong)], "quantity.count_negative"),
        ([LineIn(0, shop.sarong)], "delivery.nothing_received"),
        ([LineIn(1, barcode="2000000099999")], "barcode.no_product"),
    ]
    for lines, code in cases:
        with pytest.raises(InvalidInputError) as refused, db.write() as conn:
            receive_delivery(conn, CASHIER, clock.now(), view.id, lines=lines)
        assert refused.value.code == code
    with db.read() as conn:
        assert get_delivery(conn, MANAGER, view.id).status == "announced"
        assert conn.execute(select(func.count()).select_from(Intake)).scalar() == 0
    entrepreneur = shop.weaver_actor
    with pytest.raises(ForbiddenError), db.write() as conn:
        receive_delivery(conn, entrepreneur, clock.now(), view.id, lines=[LineIn(1, shop.sarong)])


def test_a_proposed_product_is_received_only_once_approved(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    view = _announce(
        db, shop, clock, new_products=[NewProductIn("ตุงล้านนา", shop.category, 25000, 3)]
    )
    new_id = view.lines[-1].product_id
    lines = [LineIn(5, shop.sarong), LineIn(2, shop.scarf), LineIn(3, new_id)]
    with pytest.raises(InvalidInputError) as waiting, db.write() as conn:
        receive_delivery(conn, CASHIER, clock.now(), view.id, lines=lines)
    assert waiting.value.code == "delivery.product_awaiting_approval"
    with pytest.raises(ForbiddenError), db.write() as conn:
        approve_product(conn, CASHIER, clock.now(), new_id)
    with db.write() as conn:
        approved = approve_product(conn, MANAGER, clock.now(), new_id, price_satang=27000)
    assert (approved.status, approved.price_satang) == ("approved", 27000)
    with pytest.raises(ConflictError) as twice, db.write() as conn:
        reject_product(conn, MANAGER, clock.now(), new_id, "ซ้ำ")
    assert twice.value.code == "proposal.already_decided"
    with db.write() as conn:
        done = receive_delivery(conn, CASHIER, clock.now(), view.id, lines=lines)
        row = conn.execute(
            select(Product.active, Product.version, Product.price_satang).where(
                Product.id == new_id
            )
        ).one()
    assert done.differences == DifferenceCounts()
    assert tuple(row) == (True, 2, 27000)


def test_a_rejected_product_keeps_its_reason_and_cannot_be_received(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    view = _announce(db, shop, clock, new_products=[NewProductIn("โคม", shop.category, 5000, 2)])
    new_id = view.lines[-1].product_id
    with pytest.raises(InvalidInputError) as no_reason, db.write() as conn:
        reject_product(conn, MANAGER, clock.now(), new_id, " ")
    assert no_reason.value.code == "proposal.reason_required"
    with db.write() as conn:
        rejected = reject_product(conn, MANAGER, clock.now(), new_id, "ซ้ำกับสินค้าเดิม")
    assert (rejected.status, rejected.reason) == ("rejected", "ซ้ำกับสินค้าเดิม")
    with pytest.raises(InvalidInputError) as refused, db.write() as conn:
        receive_delivery(conn, CASHIER, clock.now(), view.id, lines=[LineIn(2, new_id)])
    assert refused.value.code == "delivery.product_rejected"
    with db.write() as conn:  # the rest of the delivery is received; the lamp goes back
        done = receive_delivery(conn, CASHIER, clock.now(), view.id, lines=[LineIn(5, shop.sarong)])
    assert done.lines[-1].review_reason == "ซ้ำกับสินค้าเดิม"
    assert done.lines[-1].kind == DifferenceKind.SHORT
    with db.read() as conn:
        assert not conn.execute(select(Product.active).where(Product.id == new_id)).scalar()
        assert list_proposals(conn, shop.weaver_actor, status=None)[0].status == "rejected"
        assert list_proposals(conn, shop.potter_actor, status=None) == []


def test_cancel_only_while_announced(db: Database, shop: Shop, clock: FixedClock) -> None:
    first = _announce(db, shop, clock)
    with db.write() as conn:
        assert cancel_delivery(conn, shop.weaver_actor, clock.now(), first.id).status == "cancelled"
    with pytest.raises(ConflictError) as again, db.write() as conn:
        cancel_delivery(conn, shop.weaver_actor, clock.now(), first.id)
    assert again.value.code == "delivery.already_cancelled"
    with pytest.raises(ConflictError), db.write() as conn:
        receive_delivery(conn, CASHIER, clock.now(), first.id, lines=[LineIn(1, shop.sarong)])
    second = _announce(db, shop, clock)
    with db.write() as conn:
        receive_delivery(conn, CASHIER, clock.now(), second.id, lines=[LineIn(5, shop.sarong)])
    with pytest.raises(ConflictError) as received, db.write() as conn:
        cancel_delivery(conn, shop.weaver_actor, clock.now(), second.id)
    assert received.value.code == "delivery.already_received"
    with pytest.raises(ConflictError) as twice, db.write() as conn:
        receive_delivery(conn, CASHIER, clock.now(), second.id, lines=[LineIn(5, shop.sarong)])
    assert twice.value.code == "delivery.already_received"
    with db.read() as conn:
        actions = list(conn.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
    assert actions.count("delivery_cancelled") == 1
    assert actions.count("delivery_received") == 1


def test_two_staff_finishing_at_once_make_one_intake(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    """Two workers (two engines, as two server processes would be) finish the same delivery
    at the same moment: one intake, one set of movements, the other told it is received."""
    view = _announce(db, shop, clock)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []
    lock = threading.Lock()

    def finish() -> None:
        worker = Database(db.url)
        try:
            barrier.wait()
            with worker.write() as conn:
                receive_delivery(
                    conn, CASHIER, clock.now(), view.id, lines=[LineIn(4, shop.sarong)]
                )
                time.sleep(0.2)  # hold the row so that the other must wait on it
            result: object = None
        except Exception as error:
            result = error
        finally:
            worker.dispose()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=finish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(type(o).__name__ for o in outcomes) == ["ConflictError", "NoneType"]
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(Intake)).scalar() == 1
        assert conn.execute(select(func.sum(StockMovement.quantity))).scalar() == 4
        assert on_hand(conn, [shop.sarong], shop.home) == {shop.sarong: 4}
        received = conn.execute(
            select(DeliveryLine.received).where(DeliveryLine.product_id == shop.sarong)
        ).scalar()
    assert received == 4


def test_deliveries_since_lists_changes_after_the_time(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    old = _announce(db, shop, clock)
    later = clock.now() + timedelta(hours=2)
    with db.write() as conn:
        cancel_delivery(conn, shop.weaver_actor, later, old.id)
        reviews = conn.execute(select(func.count()).select_from(ProductReview)).scalar()
    assert reviews == 0
    with db.read() as conn:
        notices = deliveries_since(conn, shop.weaver_actor, shop.weaver, later)
        none = deliveries_since(conn, shop.weaver_actor, shop.weaver, later + timedelta(1))
    assert [(n.number, n.status, n.differences) for n in notices] == [
        (old.number, "cancelled", None)
    ]
    assert none == []


def test_a_proposed_product_a_manager_activated_by_hand_is_received(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    view = _announce(db, shop, clock, new_products=[NewProductIn("ตุง", shop.category, 2500, 1)])
    new_id = view.lines[-1].product_id
    with db.write() as conn:  # as PATCH /products/{id} {"active": true} would
        conn.execute(update(Product).where(Product.id == new_id).values(active=True))
    with db.write() as conn:
        done = receive_delivery(conn, CASHIER, clock.now(), view.id, lines=[LineIn(1, new_id)])
    assert done.status == "received"
    assert done.lines[-1].review_status == "proposed"  # still in the manager's queue
