"""The portal's reading of goods and notices, without a database: products summed from their
lots and sorted by what needs attention, the week a day falls in, and notices from the lots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from inventory.terms.rules import EndAction
from kernel.clock import BANGKOK
from pos.consignment.goods_rules import goods_by_product, week_of
from pos.consignment.notice_rules import (
    Notice,
    NoticeKind,
    lot_notices,
    newest_first,
    news_from,
    unread,
)

TODAY = date(2026, 12, 7)  # a Monday


@dataclass(frozen=True)
class FakeLot:
    product_id: int
    received_on: date
    remaining: int
    next_markdown: tuple[date, int] | None
    ends_on: date
    end_action: EndAction = EndAction.RETURN
    location_id: int = 1
    sku: str = "SKU"
    name_th: str = "ผ้า"
    name_en: str = "Cloth"
    list_price_satang: int = 10000
    applied_markdown_bp: int = 0

    @property
    def age_days(self) -> int:
        return (TODAY - self.received_on).days


def _day(n: int) -> date:
    return TODAY + timedelta(days=n)


def test_a_products_lots_add_up_the_oldest_sets_the_markdown_the_soonest_end_wins() -> None:
    lots = [
        FakeLot(1, _day(-50), 2, (_day(10), 2000), _day(40), location_id=2),
        FakeLot(1, _day(-20), 3, (_day(10), 1000), _day(70)),
        FakeLot(1, _day(-20), 4, (_day(10), 1000), _day(70), location_id=2),
        FakeLot(1, _day(-1), 1, (_day(5), 1000), _day(89)),
    ]
    [goods] = goods_by_product(lots)
    assert goods.units == 10 and goods.by_location == ((2, 6), (1, 4))
    assert (goods.oldest_received_on, goods.oldest_age_days) == (_day(-50), 50)
    assert goods.next_markdown is not None
    # One price on the tills: the oldest lot's next step, not the soonest of any lot.
    assert (goods.next_markdown.on, goods.next_markdown.percent_bp) == (_day(10), 2000)
    assert (goods.period_end.on, goods.period_end.units) == (_day(40), 2)
    assert goods.due_on == _day(10) and not goods.overdue(TODAY)


def test_what_needs_attention_comes_first_overdue_goods_at_the_top() -> None:
    lots = [
        FakeLot(1, _day(-10), 1, (_day(20), 1000), _day(80), sku="A"),
        FakeLot(2, _day(-95), 1, None, _day(-5), sku="B"),  # past its period
        FakeLot(3, _day(-80), 1, None, _day(10), sku="C"),
        FakeLot(4, _day(-28), 1, (_day(2), 1000), _day(62), sku="D"),
        FakeLot(5, _day(-1), 0, (_day(1), 1000), _day(89), sku="E"),  # nothing left
    ]
    goods = goods_by_product(lots)
    assert [g.sku for g in goods] == ["B", "D", "C", "A"]
    assert goods[0].overdue(TODAY)


def test_the_shelf_price_is_the_list_price_less_the_markdown_on_the_tills() -> None:
    [goods] = goods_by_product([FakeLot(1, _day(-1), 1, None, _day(89), applied_markdown_bp=1250)])
    assert (goods.list_price_satang, goods.shelf_price_satang) == (10000, 8750)


def test_a_week_runs_from_monday_to_sunday() -> None:
    for day in (date(2026, 12, 7), date(2026, 12, 10), date(2026, 12, 13)):
        week = week_of(day)
        assert (week.start, week.end) == (date(2026, 12, 7), date(2026, 12, 13))
    assert week_of(date(2026, 12, 6)).start == date(2026, 11, 30)
    assert week_of(date(2027, 1, 1)).start == date(2026, 12, 28)  # across the year's end


def test_lots_give_markdowns_and_returns_coming_within_a_week_grouped_by_day() -> None:
    lots = [
        FakeLot(1, _day(-28), 3, (_day(2), 1000), _day(62)),
        FakeLot(2, _day(-28), 2, (_day(2), 1000), _day(62)),
        FakeLot(3, _day(-22), 5, (_day(8), 1000), _day(68)),  # 8 days: not yet
        FakeLot(4, _day(-85), 4, None, _day(5)),
        FakeLot(5, _day(-95), 1, None, _day(-5)),  # overdue, still here
        FakeLot(6, _day(-85), 7, None, _day(5), end_action=EndAction.EXTEND),  # not coming back
        # The oldest lot's steps are past: a younger lot's step moves no price on the tills.
        FakeLot(7, _day(-70), 1, None, _day(20)),
        FakeLot(7, _day(-29), 4, (_day(1), 1000), _day(61)),
    ]
    found = {(n.kind, n.on): n for n in lot_notices(lots, TODAY)}
    assert sorted(found) == [
        (NoticeKind.DUE_BACK, _day(-5)),
        (NoticeKind.DUE_BACK, _day(5)),
        (NoticeKind.MARKDOWN_COMING, _day(2)),
    ]
    markdown = found[(NoticeKind.MARKDOWN_COMING, _day(2))]
    assert (markdown.units, markdown.products, markdown.percent_bp) == (5, 2, 1000)
    assert markdown.at == datetime(2026, 12, 2, tzinfo=BANGKOK)  # a week before its day
    assert found[(NoticeKind.DUE_BACK, _day(5))].units == 4


def test_a_dated_notice_is_news_a_week_before_but_never_before_the_goods_came() -> None:
    assert news_from(_day(7), _day(-30)) == datetime(2026, 12, 7, tzinfo=BANGKOK)
    assert news_from(_day(3), _day(-1)) == datetime(2026, 12, 6, tzinfo=BANGKOK)


def _notice(at: datetime, kind: NoticeKind = NoticeKind.SALES) -> Notice:
    return Notice(kind, at, at.date(), "/portal")


def test_the_list_is_the_last_60_days_newest_first_and_counts_what_is_new() -> None:
    now = datetime(2026, 12, 7, 5, tzinfo=UTC)
    notices = [
        _notice(now - timedelta(days=61)),
        _notice(now - timedelta(days=59)),
        _notice(now - timedelta(hours=1), NoticeKind.PAYOUT_SENT),
        _notice(now + timedelta(hours=1)),  # not news yet
    ]
    shown = newest_first(notices, now)
    assert [n.at for n in shown] == [now - timedelta(hours=1), now - timedelta(days=59)]
    assert unread(shown, None) == 2
    assert unread(shown, now - timedelta(hours=2)) == 1
    assert unread(shown, now - timedelta(hours=1)) == 0  # seen at that very moment
