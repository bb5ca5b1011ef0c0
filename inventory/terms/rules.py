"""The rules of consignment terms, pure: what the centre keeps, when goods are marked down,
and when their consignment period ends.

- **Commission** is the centre's rate card (``standard``: the category's rate where it has
  one, else the entrepreneur's rate, as the catalogue says at the sale), flat (one rate), by
  category (a rate per category, the flat rate for the others), or tiered by the unit's list
  price (the rate of the highest tier the price reaches). Tiers read the list price, so that
  a markdown never moves goods between tiers. Only the rate card follows later changes of the
  catalogue's rates; the other kinds are fixed in their version.
- **Markdowns** the entrepreneur agreed to are steps from the day the goods came in:
  ``after_days`` later the price is the list price less ``percent_bp`` (basis points of the
  list price, not compounded). Steps rise and fall within the consignment period.
- **The period** ends ``period_days`` after intake; then the goods go back to the
  entrepreneur (``return``) or stay ``extend_days`` more (``extend``), as agreed.

Dates are Bangkok calendar days: goods received on the 1st with a 60-day step are marked down
on the 1st plus 60 days.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from kernel.errors import InvalidInputError

BP_SCALE = 10_000
MAX_MARKDOWN_BP = 9_000  # 90 %: a markdown never gives goods away
MAX_PERIOD_DAYS = 730
MAX_EXTEND_DAYS = 365
MAX_STEPS = 10


class CommissionKind(StrEnum):
    STANDARD = "standard"  # the centre's rate card: the category's rate, else the entrepreneur's
    FLAT = "flat"
    CATEGORY = "category"
    TIERED = "tiered"


class EndAction(StrEnum):
    RETURN = "return"  # back to the entrepreneur, on a return note they sign at pickup
    EXTEND = "extend"  # kept for extend_days more


@dataclass(frozen=True, slots=True)
class Tier:
    from_price_satang: int  # the list price from which this rate applies
    commission_bp: int


@dataclass(frozen=True, slots=True)
class MarkdownStep:
    after_days: int
    percent_bp: int  # off the list price


@dataclass(frozen=True, slots=True)
class RateCard:
    """The catalogue's rates for one product: its category's (if set) and its entrepreneur's."""

    category_bp: int | None
    entrepreneur_bp: int

    def rate(self) -> int:
        return self.entrepreneur_bp if self.category_bp is None else self.category_bp


@dataclass(frozen=True, slots=True)
class ConsignmentTerms:
    commission_kind: CommissionKind
    commission_bp: int  # the flat rate; under ``category``, the rate of unlisted categories
    period_days: int
    end_action: EndAction
    category_bp: Mapping[int, int] = field(default_factory=dict)  # category id -> rate
    tiers: tuple[Tier, ...] = ()
    markdowns: tuple[MarkdownStep, ...] = ()
    extend_days: int = 0

    def commission_bp_for(
        self, list_price_satang: int, category_id: int, rate_card: RateCard
    ) -> int:
        """The rate the centre keeps on a unit of this list price and category."""
        if self.commission_kind == CommissionKind.STANDARD:
            return rate_card.rate()
        if self.commission_kind == CommissionKind.CATEGORY:
            return self.category_bp.get(category_id, self.commission_bp)
        if self.commission_kind == CommissionKind.TIERED:
            rate = self.commission_bp
            for tier in self.tiers:
                if list_price_satang >= tier.from_price_satang:
                    rate = tier.commission_bp
            return rate
        return self.commission_bp

    def markdown_bp_on(self, received_on: date, day: date) -> int:
        """The markdown in force on ``day`` for goods received on ``received_on``."""
        age = (day - received_on).days
        return max((s.percent_bp for s in self.markdowns if age >= s.after_days), default=0)

    def next_markdown(self, received_on: date, day: date) -> tuple[date, int] | None:
        """The next step after ``day`` (its date and markdown), if any is left."""
        age = (day - received_on).days
        for step in self.markdowns:
            if step.after_days > age:
                return received_on + timedelta(days=step.after_days), step.percent_bp
        return None

    def period_ends_on(self, received_on: date, extensions: int = 0) -> date:
        """The day the goods are due back (or due another extension)."""
        return received_on + timedelta(days=self.period_days + extensions * self.extend_days)


# Until a manager sets the centre's default: the rate card, 90 days, then back to the maker.
STANDARD_TERMS = ConsignmentTerms(
    commission_kind=CommissionKind.STANDARD,
    commission_bp=0,
    period_days=90,
    end_action=EndAction.RETURN,
)


def marked_down_price(list_price_satang: int, markdown_bp: int) -> int:
    """The list price less a markdown, half up to the satang."""
    off = (list_price_satang * markdown_bp * 2 + BP_SCALE) // (2 * BP_SCALE)
    return list_price_satang - off


def _rate(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= BP_SCALE:
        raise InvalidInputError(
            "terms.commission_out_of_range",
            "ค่าคอมมิชชันต้องอยู่ระหว่าง 0 ถึง 100%",
            field=where,
        )
    return value


def check_terms(
    *,
    commission_kind: str,
    commission_bp: int,
    period_days: int,
    end_action: str,
    category_bp: Mapping[int, int] | None = None,
    tiers: Sequence[tuple[int, int]] = (),
    markdowns: Sequence[tuple[int, int]] = (),
    extend_days: int = 0,
) -> ConsignmentTerms:
    """Terms from what a manager typed, or the error that says which part is wrong."""
    try:
        kind = CommissionKind(commission_kind)
    except ValueError:
        raise InvalidInputError(
            "terms.commission_kind_unknown",
            "แบบค่าคอมมิชชันต้องเป็น อัตรามาตรฐาน คงที่ ตามหมวด หรือขั้นตามราคา",
            field="commission_kind",
        ) from None
    try:
        end = EndAction(end_action)
    except ValueError:
        raise InvalidInputError(
            "terms.end_action_unknown",
            "เมื่อครบกำหนดฝากขายต้องเลือก คืนสินค้า หรือ ต่ออายุ",
            field="end_action",
        ) from None
    _rate(commission_bp, "commission_bp")
    if not isinstance(period_days, int) or not 1 <= period_days <= MAX_PERIOD_DAYS:
        raise InvalidInputError(
            "terms.period_out_of_range",
            "ระยะฝากขายต้องอยู่ระหว่าง 1 ถึง {limit} วัน",
            field="period_days",
            limit=MAX_PERIOD_DAYS,
        )
    rates = {}
    if kind == CommissionKind.CATEGORY:
        rates = {int(c): _rate(bp, f"category_bp.{c}") for c, bp in (category_bp or {}).items()}
    tier_list: list[Tier] = []
    if kind == CommissionKind.TIERED:
        tier_list = _tiers(tiers)
    steps = _markdowns(markdowns, period_days)
    if end == EndAction.EXTEND and not 1 <= extend_days <= MAX_EXTEND_DAYS:
        raise InvalidInputError(
            "terms.extend_out_of_range",
            "ต่ออายุได้ 1 ถึง {limit} วัน",
            field="extend_days",
            limit=MAX_EXTEND_DAYS,
        )
    return ConsignmentTerms(
        commission_kind=kind,
        commission_bp=commission_bp,
        period_days=period_days,
        end_action=end,
        category_bp=rates,
        tiers=tuple(tier_list),
        markdowns=tuple(steps),
        extend_days=extend_days if end == EndAction.EXTEND else 0,
    )


def _tiers(tiers: Sequence[tuple[int, int]]) -> list[Tier]:
    if not tiers or len(tiers) > MAX_STEPS:
        raise InvalidInputError(
            "terms.tiers_required",
            "ค่าคอมมิชชันขั้นตามราคาต้องมี 1 ถึง {limit} ขั้น",
            field="tiers",
            limit=MAX_STEPS,
        )
    out: list[Tier] = []
    for index, (price, bp) in enumerate(tiers):
        where = f"tiers[{index}]"
        if not isinstance(price, int) or price < 0 or (out and price <= out[-1].from_price_satang):
            raise InvalidInputError(
                "terms.tiers_not_rising",
                "ราคาเริ่มของแต่ละขั้นต้องเรียงจากน้อยไปมาก ไม่ซ้ำกัน",
                field=where,
            )
        out.append(Tier(price, _rate(bp, f"{where}.commission_bp")))
    return out


def _markdowns(markdowns: Sequence[tuple[int, int]], period_days: int) -> list[MarkdownStep]:
    if len(markdowns) > MAX_STEPS:
        raise InvalidInputError(
            "terms.markdowns_too_many",
            "ลดราคาตามข้อตกลงได้ไม่เกิน {limit} ขั้น",
            field="markdowns",
            limit=MAX_STEPS,
        )
    out: list[MarkdownStep] = []
    for index, (after_days, percent_bp) in enumerate(markdowns):
        where = f"markdowns[{index}]"
        if (
            not isinstance(after_days, int)
            or not 1 <= after_days < period_days
            or (out and after_days <= out[-1].after_days)
        ):
            raise InvalidInputError(
                "terms.markdown_day_invalid",
                "วันลดราคาต้องอยู่ในระยะฝากขาย ({period} วัน) และเรียงจากน้อยไปมาก",
                field=where,
                period=period_days,
            )
        if (
            not isinstance(percent_bp, int)
            or not 1 <= percent_bp <= MAX_MARKDOWN_BP
            or (out and percent_bp <= out[-1].percent_bp)
        ):
            raise InvalidInputError(
                "terms.markdown_percent_invalid",
                "ส่วนลดแต่ละขั้นต้องมากกว่าขั้นก่อน และไม่เกิน 90%",
                field=where,
            )
        out.append(MarkdownStep(after_days, percent_bp))
    return out
