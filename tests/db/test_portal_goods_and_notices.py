"""The entrepreneur's goods at the centre, deliveries, this week's sales and notices, read from
the lots, intakes, sales and payouts, on SQLite and PostgreSQL.

One history (T is the clock's start, Saturday 21 Nov 2026 10:00 in Bangkok): the maker's terms
(markdowns 10% after 30 days, 20% after 55, 90 days then back to the maker) from T-100d; goods
received at T-40d (5 of a), T-18d (3 of a) and T-85d (2 of c); sales of a at T (2) and T+1d (1);
a payout run and its transfer at T+10d, when the pages are read.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from inventory.deliveries.proposals import reject_product
from inventory.deliveries.rules import NewProductIn
from inventory.deliveries.service import announce_delivery, receive_delivery
from inventory.models import Entrepreneur, Product
from inventory.stock.aging import aged_lots
from inventory.stock.document_rules import LineIn
from inventory.stock.intakes import receive_intake
from inventory.stock.markdowns import apply_due_markdowns
from inventory.stock.return_note_queries import return_notes_for
from inventory.stock.return_notes import collect_return_note, prepare_return_note
from inventory.stock.return_rules import ReturnNoteStatus
from inventory.terms.rules import CommissionKind, ConsignmentTerms, EndAction, MarkdownStep
from inventory.terms.service import add_version
from kernel.access import SYSTEM, Actor, Role
from kernel.clock import BANGKOK, FixedClock, business_date
from kernel.db.engine import Database
from kernel.errors import ForbiddenError, NotFoundError
from pos.checkout.requests import CheckoutRequest, LineRequest, PaymentRequest
from pos.consignment.goods import delivery_history, goods_at_centre, week_sales
from pos.consignment.notice_rules import NoticeKind
from pos.consignment.notices import mark_seen, notice_board, seen_up_to
from pos.consignment.payouts import create_run, mark_paid
from tests.db.test_sales import Shop, _sell, _shop, _user
from web.accounts.users import NewPassword, create_user

WINDOW = timedelta(days=7)
TERMS = ConsignmentTerms(
    commission_kind=CommissionKind.FLAT,
    commission_bp=2000,
    period_days=90,
    end_action=EndAction.RETURN,
    markdowns=(MarkdownStep(30, 1000), MarkdownStep(55, 2000)),
)


@dataclass
class History:
    shop: Shop
    start: datetime  # T
    maker: int
    a: int
    c: int
    manager: Actor
    entrepreneur: Actor


def _history(db: Database, clock: FixedClock, *, pay: bool = True) -> History:
    start = clock.now()
    shop = _shop(db, clock, stock=(0, 0, 0))
    maker, a, c = shop.makers[0], shop.products[0], shop.products[2]
    with db.write() as conn:
        manager = _user(conn, "manager9", Role.MANAGER)
        conn.execute(
            update(Entrepreneur).where(Entrepreneur.id == maker).values(promptpay_id="0812345678")
        )
        add_version(conn, manager, start - timedelta(days=100), entrepreneur_id=maker, terms=TERMS)
        for days, product, units in ((40, a, 5), (18, a, 3), (85, c, 2)):
            receive_intake(
                conn,
                manager,
                start - timedelta(days=days),
                entrepreneur_id=maker,
                location_id=shop.location,
                lines=[LineIn(units, product_id=product)],
            )
        user = create_user(
            conn,
            SYSTEM,
            username="maker-user",
            password=NewPassword.of("correct horse battery"),
            role=Role.ENTREPRENEUR,
            now=start,
            entrepreneur_id=maker,
        )
    entrepreneur = Actor(user.id, user.username, Role.ENTREPRENEUR, maker)
    for day, units in ((0, 2), (1, 1)):
        clock.at = start + timedelta(days=day)
        request = CheckoutRequest(
            shop.till, (LineRequest(a, units),), (PaymentRequest("cash", units * 45000),)
        )
        _sell(db, clock, shop, request, f"portal-sale-{day}")
    clock.at = start + timedelta(days=10)
    if pay:
        with db.write() as conn:
            run = create_run(
                conn,
                manager,
                clock.now(),
                cutoff=business_date(clock.now()) - timedelta(days=1),
                minimum_satang=100,
                refund_window=WINDOW,
            )
            [payout] = run.payouts
            mark_paid(
                conn, manager, clock.now(), payout.id, bank_reference="KB-1", refund_window=WINDOW
            )
    return History(shop, start, maker, a, c, manager, entrepreneur)


def test_goods_show_what_the_lots_hold_with_ages_and_dates_soonest_first(
    db: Database, clock: FixedClock
) -> None:
    h = _history(db, clock, pay=False)
    today = business_date(clock.now())  # T+10d
    t = business_date(h.start)
    with db.write() as conn:  # a's markdown on the tills now
        conn.execute(update(Product).where(Product.id == h.a).values(markdown_bp=1000))
    with db.read() as conn:
        found = goods_at_centre(conn, h.entrepreneur, h.maker, today)
        lots = aged_lots(conn, today, entrepreneur_id=h.maker)
    assert [g.product_id for g in found.goods] == [h.c, h.a]  # c is past its period
    c, a = found.goods
    # What the page says adds up to the lots, product by product.
    for g in found.goods:
        mine = [lot for lot in lots if lot.product_id == g.product_id]
        assert g.units == sum(lot.remaining for lot in mine)
        assert g.oldest_age_days == max(lot.age_days for lot in mine)
        assert dict(g.by_location) == {h.shop.location: g.units}
    assert found.places[h.shop.location].name_th == "ศูนย์ OTOP สันกำแพง"
    assert (a.units, a.oldest_age_days, a.oldest_received_on) == (5, 50, t - timedelta(days=40))
    # Three sold from the oldest lot (2 left): its 20% at 55 days, T+15d, sets the product's
    # price (the T-18d lot's own 10% at T+12d moves no price while older goods are here).
    assert a.next_markdown is not None
    assert (a.next_markdown.on, a.next_markdown.percent_bp) == (t + timedelta(days=15), 2000)
    assert (a.period_end.on, a.period_end.units) == (t + timedelta(days=50), 2)
    assert (a.list_price_satang, a.markdown_bp, a.shelf_price_satang) == (45000, 1000, 40500)
    assert c.next_markdown is None and c.overdue(today) and c.period_end.on == t + timedelta(days=5)
    assert c.period_end.action == EndAction.RETURN and c.shelf_price_satang == 9900
    with db.read() as conn:  # someone else's: not found; a cashier: forbidden
        other = Actor(None, "other", Role.ENTREPRENEUR, h.shop.makers[1])
        with pytest.raises(NotFoundError):
            goods_at_centre(conn, other, h.maker, today)
        with pytest.raises(ForbiddenError):
            goods_at_centre(conn, h.shop.cashier, h.maker, today)
        assert goods_at_centre(conn, other, h.shop.makers[1], today).goods == []


def test_deliveries_are_the_intakes_newest_first_a_page_at_a_time(
    db: Database, clock: FixedClock
) -> None:
    h = _history(db, clock, pay=False)
    with db.write() as conn:  # eleven more, so that there are two pages
        for n in range(11):
            receive_intake(
                conn,
                h.manager,
                h.start - timedelta(days=2, minutes=n),
                entrepreneur_id=h.maker,
                location_id=h.shop.location,
                lines=[LineIn(1, product_id=h.a), LineIn(2, product_id=h.c)],
            )
    with db.read() as conn:
        first = delivery_history(conn, h.entrepreneur, h.maker, 1)
        second = delivery_history(conn, h.entrepreneur, h.maker, 2)
        beyond = delivery_history(conn, h.entrepreneur, h.maker, 9)
        with pytest.raises(NotFoundError):
            delivery_history(conn, h.entrepreneur, h.shop.makers[1], 1)
    assert (first.total, first.pages, len(first.deliveries), len(second.deliveries)) == (
        14,
        2,
        10,
        4,
    )
    shown = first.deliveries + second.deliveries
    times = [d.received_at for d in shown]
    assert times == sorted(times, reverse=True)
    assert [(line.product_id, line.quantity) for line in shown[0].lines] == [(h.a, 1), (h.c, 2)]
    assert shown[0].units == 3 and shown[-1].units == 2  # the oldest: 2 of c at T-85d
    assert beyond.deliveries == [] and beyond.total == 14


def _bangkok(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BANGKOK).astimezone(UTC)


def test_the_week_is_monday_to_sunday_in_bangkok(db: Database, clock: FixedClock) -> None:
    # Sunday 22 Nov 2026 23:30 in Bangkok is still last week (16:30 UTC); Monday 00:30 is this.
    clock.at = _bangkok(2026, 11, 22, 8)
    shop = _shop(db, clock)
    a = shop.products[0]
    maker = shop.makers[0]
    for key, at, units in (
        ("sun", _bangkok(2026, 11, 22, 23, 30), 1),
        ("mon", _bangkok(2026, 11, 23, 0, 30), 2),
    ):
        clock.at = at
        request = CheckoutRequest(
            shop.till, (LineRequest(a, units),), (PaymentRequest("cash", units * 45000),)
        )
        _sell(db, clock, shop, request, f"week-{key}")
    me = Actor(None, "maker", Role.ENTREPRENEUR, maker)
    with db.read() as conn:
        sunday = week_sales(conn, me, maker, business_date(_bangkok(2026, 11, 22, 23, 59)))
        wednesday = week_sales(conn, me, maker, business_date(_bangkok(2026, 11, 25, 9)))
        next_monday = week_sales(conn, me, maker, business_date(_bangkok(2026, 11, 30, 0, 1)))
    assert (sunday.week.start.isoformat(), sunday.week.end.isoformat()) == (
        "2026-11-16",
        "2026-11-22",
    )
    assert (sunday.quantity, sunday.sales_satang, sunday.net_satang) == (1, 45000, 36000)
    assert (wednesday.week.start.isoformat(), wednesday.end.isoformat()) == (
        "2026-11-23",
        "2026-11-25",
    )
    assert (wednesday.quantity, wednesday.sales_satang, wednesday.net_satang) == (2, 90000, 72000)
    [item] = wednesday.items
    assert (item.product_id, item.quantity) == (a, 2)
    assert next_monday.items == [] and next_monday.quantity == 0


def test_notices_come_from_each_source_with_their_dates_newest_first(
    db: Database, clock: FixedClock
) -> None:
    h = _history(db, clock)
    now = clock.now()  # T+10d, the payout just sent
    t = business_date(h.start)
    with db.read() as conn:
        board = notice_board(conn, h.entrepreneur, h.maker, now + timedelta(hours=1))
    seen = [(n.kind, n.on - t) for n in board.notices]
    day = timedelta(days=1)
    assert seen == [
        (NoticeKind.PAYOUT_SENT, 10 * day),
        (NoticeKind.MARKDOWN_COMING, 15 * day),  # news from T+8d: a week before
        (NoticeKind.SALES, 1 * day),
        (NoticeKind.SALES, 0 * day),
        (NoticeKind.DUE_BACK, 5 * day),  # news from T-2d, overdue now and still listed
        (NoticeKind.DELIVERY_RECEIVED, -18 * day),
        (NoticeKind.DELIVERY_RECEIVED, -40 * day),  # the T-85d one is past the 60 days
    ]
    payout, markdown, sales_t1, sales_t0, due, delivery, _ = board.notices
    assert payout.amount_satang == 3 * 36000 and payout.document == "KB-1"
    assert payout.at == now
    assert (markdown.units, markdown.percent_bp, markdown.products) == (5, 2000, 1)  # all of a
    assert markdown.at == datetime(2026, 11, 29, tzinfo=BANGKOK)  # midnight, T+8d
    assert (sales_t0.units, sales_t0.amount_satang, sales_t0.month) == (2, 90000, "2026-11")
    assert (sales_t1.units, sales_t1.amount_satang) == (1, 45000)
    assert (due.units, due.products) == (2, 1)
    assert (delivery.units, delivery.products, delivery.document[:3]) == (3, 1, "GRN")
    assert board.unread == 7 and board.seen_up_to is None
    # Someone else's notices: not found; a manager sees them all, none of them new to him.
    with db.read() as conn:
        with pytest.raises(NotFoundError):
            notice_board(conn, h.entrepreneur, h.shop.makers[1], now)
        managers = notice_board(conn, h.manager, h.maker, now)
    assert len(managers.notices) == 7 and managers.unread == 0


def test_the_unread_count_drops_once_seen_and_counts_what_came_after(
    db: Database, clock: FixedClock
) -> None:
    h = _history(db, clock)
    now = clock.now()
    with db.write() as conn:
        mark_seen(conn, h.entrepreneur, now)
        mark_seen(conn, h.manager, now)  # a manager's looking is not recorded
    with db.read() as conn:
        assert notice_board(conn, h.entrepreneur, h.maker, now).unread == 0
        assert seen_up_to(conn, h.manager.user_id) is None
    clock.at = now + timedelta(hours=2)  # a sale after: one new notice (today's sales)
    request = CheckoutRequest(h.shop.till, (LineRequest(h.a, 1),), (PaymentRequest("cash", 45000),))
    _sell(db, clock, h.shop, request, "portal-sale-after")
    with db.write() as conn:  # an older page's request arriving late moves nothing back
        mark_seen(conn, h.entrepreneur, now - timedelta(days=30))
    with db.read() as conn:
        board = notice_board(conn, h.entrepreneur, h.maker, clock.now())
    assert board.unread == 1 and board.seen_up_to == now
    assert [n.kind for n in board.notices if n.is_new(board.seen_up_to)] == [NoticeKind.SALES]
    with db.write() as conn:
        mark_seen(conn, h.entrepreneur, clock.now())
    with db.read() as conn:
        assert notice_board(conn, h.entrepreneur, h.maker, clock.now()).unread == 0


def test_two_tabs_marking_notices_seen_at_once_keep_the_latest_moment(
    db: Database, clock: FixedClock
) -> None:
    h = _history(db, clock, pay=False)
    now = clock.now()
    moments = [now + timedelta(minutes=m) for m in (3, 9, 1, 7, 5, 2)]

    def read_at(at: datetime) -> None:
        with db.write() as conn:
            mark_seen(conn, h.entrepreneur, at)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(read_at, moments))
    with db.read() as conn:
        assert seen_up_to(conn, h.entrepreneur.user_id) == max(moments)


def test_a_return_note_a_delivery_with_differences_and_a_rejected_product_are_notices(
    db: Database, clock: FixedClock
) -> None:
    h = _history(db, clock, pay=False)
    now = clock.now()  # T+10d: c's two units are past their 90 days
    with db.write() as conn:
        cashier_like = h.shop.cashier
        delivery = announce_delivery(
            conn,
            h.entrepreneur,
            now,
            location_id=h.shop.location,
            expected_on=business_date(now),
            lines=[LineIn(4, product_id=h.a)],
            new_products=[NewProductIn("ตะกร้าไม้ไผ่ใบเล็ก", _category_of(conn, h.a), 15000, 2)],
        )
        received = receive_delivery(
            conn, cashier_like, now, delivery.id, lines=[LineIn(3, product_id=h.a)]
        )
        [proposed] = [line for line in delivery.lines if line.review_status == "proposed"]
        reject_product(conn, h.manager, now, proposed.product_id, "ราคาสูงกว่าสินค้าคล้ายกัน")
        note = prepare_return_note(
            conn, h.manager, now, entrepreneur_id=h.maker, location_id=h.shop.location
        )
        apply_due_markdowns(conn, h.manager, now)  # a's oldest goods are 50 days old: -10%
    assert received.differences is not None and received.differences.short == 2  # 1 a, 2 new
    with db.read() as conn:
        board = notice_board(conn, h.entrepreneur, h.maker, now + timedelta(minutes=1))
        goods_waiting = return_notes_for(conn, h.maker, [ReturnNoteStatus.WAITING_PICKUP])
    by_kind = {n.kind: n for n in board.notices}
    ready = by_kind[NoticeKind.RETURN_NOTE_READY]
    assert (ready.document, ready.units) == (note.number, 2)
    assert ready.path == "/portal/goods" and ready.anchor == "return-notes"
    differs = by_kind[NoticeKind.DELIVERY_DIFFERS]
    assert differs.document == delivery.number and differs.products == 2
    assert differs.path == f"/portal/deliveries/{delivery.id}"
    rejected = by_kind[NoticeKind.PRODUCT_REJECTED]
    assert (rejected.name, rejected.reason) == ("ตะกร้าไม้ไผ่ใบเล็ก", "ราคาสูงกว่าสินค้าคล้ายกัน")
    assert NoticeKind.PRODUCT_APPROVED not in by_kind
    marked = {
        (n.percent_bp, n.before_satang, n.amount_satang, n.on)
        for n in board.notices
        if n.kind == NoticeKind.MARKDOWN_APPLIED
    }
    today = business_date(now)  # a's goods are 50 days old (-10%), c's 95 (-20%)
    assert marked == {(1000, 45000, 40500, today), (2000, 9900, 7920, today)}
    assert [n.number for n in goods_waiting] == [note.number]
    # Collected: no longer a notice.
    with db.write() as conn:
        collect_return_note(conn, h.manager, now, note.id, collected_by="สมศรี")
    with db.read() as conn:
        board = notice_board(conn, h.entrepreneur, h.maker, now + timedelta(minutes=2))
    assert NoticeKind.RETURN_NOTE_READY not in {n.kind for n in board.notices}


def _category_of(conn: Connection, product_id: int) -> int:
    return int(
        conn.execute(select(Product.category_id).where(Product.id == product_id)).scalar_one()
    )
