"""The centre's reports on SQLite and PostgreSQL, from sales rung through the till's code path.

The scene (Bangkok business days): on 2 Nov a cash sale with a line discount and a PromptPay
sale at San Kamphaeng; on 10 Nov a cash sale at Tha Phae and a PromptPay sale never paid; a
cash sale at 00:30 on 1 Dec Bangkok time (still 30 Nov in UTC); and on 1 Dec a refund of a
line of the first sale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from inventory.models import Entrepreneur, Location
from kernel.access import Actor, Role
from kernel.clock import BANGKOK, FixedClock
from kernel.db.engine import Database
from payments.confirmations import confirm_manually
from pos.checkout.requests import CheckoutRequest, LineRequest, PaymentRequest
from pos.checkout.service import checkout
from pos.completion.by_payment import complete_if_paid
from pos.models import Refund, RefundLine, Sale, SaleLine
from pos.refunds.service import RefundRequest, refund_sale
from pos.reports.centre import CentreReport, Figures, centre_report
from pos.reports.periods import Grain, Period
from pos.tills.service import create_till, open_shift
from tests import factories as f
from tests.db.test_sales import ACCOUNT, EXPIRY, _user
from web.commands.seed import seed_demo_database, seed_demo_history
from web.settings import Settings

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
DECEMBER = Period(date(2026, 12, 1), date(2026, 12, 31))
P1, P2, P3 = 45000, 12050, 9900  # prices
DISCOUNT = 4500  # on two of P1: 5%, under the approval limit


@dataclass
class Centre:
    skp_till: int
    tpr_till: int
    cashier: Actor
    manager: Actor
    products: tuple[int, int, int]
    makers: tuple[int, int]
    sales: dict[str, int]


def _bangkok(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BANGKOK).astimezone(UTC)


def _setup(db: Database, clock: FixedClock) -> Centre:
    with db.write() as conn:
        f.reference_places(conn)
        weavers = f.entrepreneur(
            conn,
            f.district_id_by_code(conn, "5013"),
            code="CM-0001",
            name_th="กลุ่มทอผ้าสันกำแพง",
            commission_bp=2000,
        )
        cooks = f.entrepreneur(
            conn,
            f.district_id_by_code(conn, "5015"),
            code="CM-0002",
            name_th="น้ำพริกหางดง",
            commission_bp=1500,
        )
        conn.execute(update(Entrepreneur).where(Entrepreneur.id == cooks).values(star_rating=2))
        textiles = f.category(conn)
        food = f.category(conn, code="food", name_th="อาหาร", name_en="Food")
        p1 = f.product(conn, weavers, textiles, name_th="ผ้าซิ่นตีนจก", price_satang=P1)
        p2 = f.product(conn, cooks, food, name_th="น้ำพริกหนุ่ม", price_satang=P2)
        p3 = f.product(conn, weavers, food, name_th="ข้าวแต๋น", price_satang=P3)
        places = {code: id_ for code, id_ in conn.execute(select(Location.code, Location.id))}
        for product in (p1, p2, p3):
            for place in places.values():
                f.stock(conn, product, place, 50)
        manager = _user(conn, "manager1", Role.MANAGER)
        cashier = _user(conn, "cashier1", Role.CASHIER)
        tills = []
        for code, place in (("SKP-01", "SKP"), ("TPR-01", "TPR")):
            till = create_till(
                conn, manager, clock.now(), code=code, name=code, location_id=places[place]
            )
            open_shift(conn, cashier, clock.now(), till.id, 100000)
            tills.append(till.id)
    centre = Centre(tills[0], tills[1], cashier, manager, (p1, p2, p3), (weavers, cooks), {})
    _ring(db, centre)
    return centre


def _sell(
    db: Database,
    centre: Centre,
    at: datetime,
    till: int,
    lines: list[LineRequest],
    method: str,
    key: str,
    *,
    paid: bool = True,
) -> int:
    total = sum(
        {centre.products[0]: P1, centre.products[1]: P2, centre.products[2]: P3}[ln.product_id]
        * ln.quantity
        - ln.discount_satang
        for ln in lines
    )
    request = CheckoutRequest(till, tuple(lines), (PaymentRequest(method, total),))
    with db.write() as conn:
        sale = checkout(
            conn, centre.cashier, at, request, idempotency_key=key, account=ACCOUNT, expiry=EXPIRY
        )
        if method == "promptpay" and paid:
            confirm_manually(conn, centre.cashier, at, sale.payments[0].payment_id, None)
            complete_if_paid(conn, at, sale.id, actor=centre.cashier)
    return sale.id


def _ring(db: Database, centre: Centre) -> None:
    p1, p2, p3 = centre.products
    skp, tpr = centre.skp_till, centre.tpr_till
    nov2, nov10 = date(2026, 11, 2), date(2026, 11, 10)
    centre.sales["s1"] = _sell(
        db,
        centre,
        _bangkok(nov2, 10),
        skp,
        [LineRequest(p1, 2, DISCOUNT), LineRequest(p2, 1)],
        "cash",
        "report-sale-0001",
    )
    centre.sales["s2"] = _sell(
        db, centre, _bangkok(nov2, 11), skp, [LineRequest(p3, 3)], "promptpay", "report-sale-0002"
    )
    centre.sales["s3"] = _sell(
        db, centre, _bangkok(nov10, 15), tpr, [LineRequest(p2, 2)], "cash", "report-sale-0003"
    )
    centre.sales["pending"] = _sell(
        db,
        centre,
        _bangkok(nov10, 16),
        skp,
        [LineRequest(p1, 1)],
        "promptpay",
        "report-sale-0004",
        paid=False,
    )
    # 00:30 on 1 December in Bangkok is 17:30 on 30 November in UTC.
    late = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)
    centre.sales["s5"] = _sell(
        db, centre, late, tpr, [LineRequest(p3, 1)], "cash", "report-sale-0005"
    )
    refund = RefundRequest(
        centre.sales["s1"], skp, ((2, 1),), restock=True, method="cash", reason="ลูกค้าเปลี่ยนใจ"
    )
    with db.write() as conn:
        refund_sale(
            conn,
            centre.manager,
            _bangkok(date(2026, 12, 1), 14),
            refund,
            idempotency_key="report-refund-0001",
            approved_by_id=None,
        )


def _commission(conn: Connection, sale_ids: list[int]) -> int:
    return int(
        conn.execute(
            select(func.sum(SaleLine.commission_satang)).where(SaleLine.sale_id.in_(sale_ids))
        ).scalar_one()
    )


def _refunded_commission(conn: Connection) -> int:
    return int(conn.execute(select(func.sum(RefundLine.commission_satang))).scalar_one())


def _net(rows: list, key: str) -> int:  # type: ignore[type-arg]
    return next(r.figures.net_sales_satang for r in rows if r.key == key)


def test_completed_sales_of_the_period_count_on_their_bangkok_business_day(
    db: Database, clock: FixedClock
) -> None:
    centre = _setup(db, clock)
    with db.read() as conn:
        s = centre.sales
        assert conn.execute(select(Sale.status).where(Sale.id == s["pending"])).scalar_one() == (
            "pending_payment"
        )
        november = CentreReport(conn, NOVEMBER).summary()
        commission = _commission(conn, [s["s1"], s["s2"], s["s3"]])
    gross = 2 * P1 + P2 + 3 * P3 + 2 * P2
    assert november == Figures(
        sales=3,
        quantity=2 + 1 + 3 + 2,
        gross_satang=gross,
        discount_satang=DISCOUNT,
        commission_satang=commission,
    )
    assert november.net_sales_satang == gross - DISCOUNT == 151350


def test_a_refund_reduces_the_period_it_was_made_in_not_the_sales(
    db: Database, clock: FixedClock
) -> None:
    centre = _setup(db, clock)
    with db.read() as conn:
        december = CentreReport(conn, DECEMBER).summary()
        refunded = conn.execute(select(Refund.total_satang)).scalar_one()
        expected_commission = _commission(conn, [centre.sales["s5"]]) - _refunded_commission(conn)
        both = CentreReport(conn, Period(NOVEMBER.start, DECEMBER.end)).summary()
    assert refunded == P2
    assert december.sales == 1 and december.refunds == 1
    assert december.gross_satang == P3 and december.refunds_satang == P2
    assert december.net_sales_satang == P3 - P2 < 0
    assert december.quantity == 1 - 1
    assert december.commission_satang == expected_commission
    assert both.net_sales_satang == 151350 + P3 - P2


def test_sales_by_day_week_and_month_list_every_bucket_of_the_period(
    db: Database, clock: FixedClock
) -> None:
    _setup(db, clock)
    with db.read() as conn:
        november = CentreReport(conn, NOVEMBER)
        days = november.over_time(Grain.DAY)
        weeks = november.over_time(Grain.WEEK)
        months = CentreReport(conn, Period(NOVEMBER.start, DECEMBER.end)).over_time(Grain.MONTH)
    assert len(days) == 30 and days[0].key == "2026-11-01" and days[-1].key == "2026-11-30"
    busy = {r.key: r.figures.sales for r in days if r.figures.sales}
    assert busy == {"2026-11-02": 2, "2026-11-10": 1}
    assert days[1].label_th == "2 พ.ย. 2569" and days[1].label_en == "2 Nov 2026"
    # 1 November 2026 is a Sunday: the period touches ISO weeks 44 to 49.
    assert [r.key for r in weeks] == [f"2026-W{n}" for n in range(44, 50)]
    assert (
        weeks[1].figures.sales == 2
        and weeks[1].figures.net_sales_satang == 2 * P1 - DISCOUNT + P2 + 3 * P3
    )
    assert weeks[0].label_en == "Week 44 (1 Nov 2026)"  # cut to the period
    assert [(r.key, r.figures.sales) for r in months] == [("2026-11", 3), ("2026-12", 1)]
    assert months[1].figures.net_sales_satang == P3 - P2


def test_every_district_and_star_rating_is_listed_even_without_sales(
    db: Database, clock: FixedClock
) -> None:
    _setup(db, clock)
    with db.read() as conn:
        report = CentreReport(conn, NOVEMBER)
        districts = report.by_district()
        stars = report.by_stars()
        december = CentreReport(conn, DECEMBER).by_district()
    assert len(districts) == 25
    assert _net(districts, "5013") == 2 * P1 - DISCOUNT + 3 * P3
    assert _net(districts, "5015") == P2 + 2 * P2
    assert [r.key for r in districts[:2]] == ["5013", "5015"]  # by net sales
    assert sum(1 for r in districts if r.figures == Figures()) == 23
    assert [r.key for r in stars] == ["5", "4", "3", "2", "1"]
    assert _net(stars, "4") == _net(districts, "5013") and _net(stars, "2") == 3 * P2
    assert _net(stars, "5") == 0 and stars[0].label_th == "★★★★★ 5 ดาว"
    assert _net(december, "5015") == -P2  # the refund, in December
    assert _net(december, "5013") == P3


def test_by_location_category_and_top_lists(db: Database, clock: FixedClock) -> None:
    centre = _setup(db, clock)
    with db.read() as conn:
        report = CentreReport(conn, NOVEMBER)
        places = {r.key: r.figures for r in report.by_location()}
        categories = {r.key: r.figures.net_sales_satang for r in report.by_category()}
        top_two = report.top_products(limit=2)
        makers = report.top_entrepreneurs()
        december = {r.key: r.figures for r in CentreReport(conn, DECEMBER).by_location()}
    assert places["SKP"].sales == 2 and places["TPR"].sales == 1
    assert places["SKP"].net_sales_satang == 2 * P1 - DISCOUNT + P2 + 3 * P3
    assert places["TPR"].net_sales_satang == 2 * P2
    assert december["SKP"].net_sales_satang == -P2  # refunded at the San Kamphaeng till
    assert december["TPR"].net_sales_satang == P3
    assert categories == {"textile": 2 * P1 - DISCOUNT, "food": 3 * P2 + 3 * P3}
    assert [r.label_th for r in top_two] == ["ผ้าซิ่นตีนจก", "น้ำพริกหนุ่ม"]
    assert top_two[0].figures.discount_satang == DISCOUNT and top_two[0].detail_th.startswith(
        "CM-0001"
    )
    assert [r.key for r in makers] == ["CM-0001", "CM-0002"]
    assert makers[1].detail_en == "Hang Dong"
    assert len(centre.products) == 3


def test_the_payment_mix_counts_cash_and_promptpay_and_the_promptpay_share(
    db: Database, clock: FixedClock
) -> None:
    _setup(db, clock)
    with db.read() as conn:
        mix = CentreReport(conn, NOVEMBER).payment_mix()
        by_month = CentreReport(conn, Period(NOVEMBER.start, DECEMBER.end)).payment_mix_by_month()
    cash = 2 * P1 - DISCOUNT + P2 + 2 * P2
    methods = {m.method: (m.payments, m.amount_satang) for m in mix.methods}
    # The unpaid one not counted; no card taken (a line of its own all the same).
    assert methods == {"cash": (2, cash), "promptpay": (1, 3 * P3), "card": (0, 0)}
    assert mix.amount_satang == cash + 3 * P3
    assert mix.promptpay_share_bp == 1962  # 29,700 of 151,350: 19.62%
    assert [(m.key, m.promptpay_share_bp) for m in by_month] == [("2026-11", 1962), ("2026-12", 0)]


def test_an_empty_period_gives_zero_rows_and_no_division_by_zero(
    db: Database, clock: FixedClock
) -> None:
    _setup(db, clock)
    with db.read() as conn:
        tables = centre_report(conn, date(2025, 1, 1), date(2025, 1, 31))
    assert tables.summary == Figures()
    assert len(tables.over_time) == 31 and len(tables.by_district) == 25
    assert tables.top_products == [] and tables.top_entrepreneurs == []
    assert tables.payment_mix.promptpay_share_bp == 0


def test_the_tables_of_a_history_add_up_to_the_same_totals(db: Database, clock: FixedClock) -> None:
    """Volume from the demo history (the till's code path): every grouping sums to the
    period's summary, and the commission is the sale lines' less the refund lines'."""
    seed_demo_database(db, clock.now(), scale=0.02)
    history = seed_demo_history(db, Settings(demo=True, database_url=db.url), days=5, scale=0.1)
    with db.read() as conn:
        first, last = conn.execute(
            select(func.min(Sale.business_date), func.max(Sale.business_date))
        ).one()
        tables = centre_report(conn, first, last)
        lines = conn.execute(
            select(func.sum(SaleLine.commission_satang))
            .join(Sale, Sale.id == SaleLine.sale_id)
            .where(Sale.status == "completed")
        ).scalar_one()
        back = conn.execute(
            select(func.coalesce(func.sum(RefundLine.commission_satang), 0))
        ).scalar_one()
    assert tables.summary.sales == history.sales > 0
    assert tables.summary.commission_satang == lines - back
    for rows in (
        tables.over_time,
        tables.by_category,
        tables.by_district,
        tables.by_stars,
        tables.by_location,
    ):
        total = Figures()
        for row in rows:
            total.add(row.figures)
        assert total.net_sales_satang == tables.summary.net_sales_satang
        assert total.commission_satang == tables.summary.commission_satang
        assert total.quantity == tables.summary.quantity
    assert tables.payment_mix.amount_satang == tables.summary.sales_satang
    assert tables.payment_mix.methods[1].payments == history.promptpay_sales
    assert len(tables.top_products) == 20 and len(tables.top_entrepreneurs) == 20
    nets = [r.figures.net_sales_satang for r in tables.top_products]
    assert nets == sorted(nets, reverse=True)
