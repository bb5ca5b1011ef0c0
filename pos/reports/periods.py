"""Periods of the centre's reports: business days (Asia/Bangkok), presets, ISO weeks, months.

Pure: no database, no framework. A period is a range of business dates, both ends included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kernel.clock import buddhist_year
from kernel.dates import parse_date
from kernel.errors import InvalidInputError
from kernel.i18n import translate

# Ten years of days: a day-by-day table longer than this is no report anyone reads.
MAX_DAYS = 3660
MONTHS_TH = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO week, Monday to Sunday
    MONTH = "month"


class Preset(StrEnum):
    TODAY = "today"
    THIS_WEEK = "this_week"
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_YEAR = "this_year"


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # included

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise InvalidInputError(
                "report.period_reversed",
                "วันเริ่มต้น ({start}) อยู่หลังวันสิ้นสุด ({end})",
                field="from",
                start=self.start.isoformat(),
                end=self.end.isoformat(),
            )
        if (self.end - self.start).days >= MAX_DAYS:
            raise InvalidInputError(
                "report.period_too_long",
                "รายงานครอบคลุมได้ไม่เกิน {max_days} วัน",
                field="to",
                max_days=MAX_DAYS,
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def natural_grain(self) -> Grain:
        """How a chart of the period reads best: days up to two months, then weeks, months."""
        if self.days <= 62:
            return Grain.DAY
        if self.days <= 27 * 7:
            return Grain.WEEK
        return Grain.MONTH


def preset_period(preset: Preset, today: date) -> Period:
    """The preset's period as of ``today`` (a business date); "this" periods end today."""
    if preset is Preset.TODAY:
        return Period(today, today)
    if preset is Preset.THIS_WEEK:
        return Period(today - timedelta(days=today.weekday()), today)
    if preset is Preset.THIS_MONTH:
        return Period(today.replace(day=1), today)
    if preset is Preset.LAST_MONTH:
        end = today.replace(day=1) - timedelta(days=1)
        return Period(end.replace(day=1), end)
    return Period(today.replace(month=1, day=1), today)


def parse_period(start: str | None, end: str | None) -> Period:
    """Both ends as typed: Buddhist-era ``dd/mm/2569`` or ISO (kernel.dates)."""
    return Period(parse_date(start, "from"), parse_date(end, "to"))


def bucket_of(day: date, grain: Grain) -> date:
    """The first day of the bucket holding ``day``: itself, its ISO week's Monday, its month's
    first day. Buckets at the edges of a period are cut by the period."""
    if grain is Grain.DAY:
        return day
    if grain is Grain.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def buckets(period: Period, grain: Grain) -> list[date]:
    """Every bucket the period touches, in order (so empty ones show as zero)."""
    seen: dict[date, None] = {}
    for day in period.dates():
        seen.setdefault(bucket_of(day, grain), None)
    return list(seen)


def bucket_key(first: date, grain: Grain) -> str:
    """``2026-11-21``, ``2026-W47`` (ISO year and week), ``2026-11``."""
    if grain is Grain.DAY:
        return first.isoformat()
    if grain is Grain.WEEK:
        year, week, _ = first.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{first.year}-{first.month:02d}"


def day_text(day: date, lang: str) -> str:
    """``21 พ.ย. 2569`` (Buddhist era) / ``21 Nov 2026``."""
    months = MONTHS_EN if lang == "en" else MONTHS_TH
    year = day.year if lang == "en" else buddhist_year(day.year)
    return f"{day.day} {months[day.month - 1]} {year}"


def range_text(start: date, end: date, lang: str) -> str:
    """``2–8 พ.ย. 2569``, ``30 ต.ค. – 5 พ.ย. 2569``, ``28 Dec 2026 – 3 Jan 2027``."""
    last = day_text(end, lang)
    if start == end:
        return last
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{last}"
    if start.year == end.year:
        return f"{day_text(start, lang).rsplit(' ', 1)[0]} – {last}"
    return f"{day_text(start, lang)} – {last}"


def bucket_label(first: date, grain: Grain, lang: str, period: Period | None = None) -> str:
    """What a person reads: a day, a week with the days of it the period covers, a month."""
    if grain is Grain.DAY:
        return day_text(first, lang)
    if grain is Grain.MONTH:
        return day_text(first, lang).split(" ", 1)[1]
    start, end = first, first + timedelta(days=6)
    if period is not None:
        start, end = max(start, period.start), min(end, period.end)
    week = first.isocalendar()[1]
    days = range_text(start, end, lang)
    return translate("สัปดาห์ที่ {week} ({days})", lang).format(week=week, days=days)


def short_label(first: date, grain: Grain, lang: str) -> str:
    """An axis label: ``21/11``, ``W47``, ``พ.ย. 69`` / ``Nov 26``."""
    if grain is Grain.DAY:
        return f"{first.day}/{first.month}"
    if grain is Grain.WEEK:
        return f"W{first.isocalendar()[1]}"
    months = MONTHS_EN if lang == "en" else MONTHS_TH
    year = first.year if lang == "en" else buddhist_year(first.year)
    return f"{months[first.month - 1]} {year % 100:02d}"


def share_bp(part: int, whole: int) -> int:
    """``part`` of ``whole`` in basis points (1% = 100), rounded half up; 0 of nothing is 0."""
    if whole <= 0:
        return 0
    return (part * 20_000 + whole) // (2 * whole)


def percent_text(bp: int) -> str:
    """Basis points as a percentage with one decimal: ``4235`` -> ``'42.4%'``."""
    tenths = (bp + 5) // 10
    return f"{tenths // 10}.{tenths % 10}%"
