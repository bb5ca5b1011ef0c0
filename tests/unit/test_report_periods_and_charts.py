"""Report periods (presets, ISO weeks, labels, shares) and the server-drawn SVG charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from kernel.errors import InvalidInputError
from pos.reports.periods import (
    Grain,
    Period,
    Preset,
    bucket_key,
    bucket_label,
    bucket_of,
    buckets,
    parse_period,
    percent_text,
    preset_period,
    range_text,
    share_bp,
    short_label,
)
from web.reports.charts import (
    Series,
    bar_chart,
    column_chart,
    line_chart,
    nice_step,
    share_bar,
    text_width,
)

SATURDAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("preset", "start", "end"),
    [
        (Preset.TODAY, date(2026, 11, 21), date(2026, 11, 21)),
        (Preset.THIS_WEEK, date(2026, 11, 16), date(2026, 11, 21)),
        (Preset.THIS_MONTH, date(2026, 11, 1), date(2026, 11, 21)),
        (Preset.LAST_MONTH, date(2026, 10, 1), date(2026, 10, 31)),
        (Preset.THIS_YEAR, date(2026, 1, 1), date(2026, 11, 21)),
    ],
)
def test_presets_end_today_and_last_month_is_the_whole_month(
    preset: Preset, start: date, end: date
) -> None:
    assert preset_period(preset, SATURDAY) == Period(start, end)


def test_last_month_in_january_is_december_of_the_year_before() -> None:
    assert preset_period(Preset.LAST_MONTH, date(2027, 1, 5)) == Period(
        date(2026, 12, 1), date(2026, 12, 31)
    )


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (None, "2026-11-30", "from"),
        ("", "2026-11-30", "from"),
        ("2026-11-01", None, "to"),
        ("2026-13-01", "2026-11-30", "from"),
        ("20261101", "2026-11-30", "from"),
        ("2026-11-01", "2026-11-31", "to"),
        ("๓๑/๐๒/๒๕๖๙", "2026-11-30", "from"),  # Thai digits are read; 31 February is not a day
        ("2026-12-01", "2026-11-30", "from"),
        ("2016-01-01", "2026-11-30", "to"),
    ],
)
def test_a_bad_period_names_the_field(start: str | None, end: str | None, field: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_period(start, end)
    assert refused.value.field == field


def test_iso_weeks_cross_the_year_and_buckets_cover_the_period() -> None:
    new_year = date(2027, 1, 1)  # a Friday in ISO week 53 of 2026
    assert bucket_of(new_year, Grain.WEEK) == date(2026, 12, 28)
    assert bucket_key(bucket_of(new_year, Grain.WEEK), Grain.WEEK) == "2026-W53"
    period = Period(date(2026, 12, 30), date(2027, 1, 12))
    assert [bucket_key(b, Grain.WEEK) for b in buckets(period, Grain.WEEK)] == [
        "2026-W53",
        "2027-W01",
        "2027-W02",
    ]
    assert [bucket_key(b, Grain.MONTH) for b in buckets(period, Grain.MONTH)] == [
        "2026-12",
        "2027-01",
    ]
    assert len(buckets(period, Grain.DAY)) == period.days == 14


def test_labels_use_the_buddhist_era_in_thai() -> None:
    first = date(2026, 11, 16)
    assert bucket_label(first, Grain.DAY, "th") == "16 พ.ย. 2569"
    assert bucket_label(first, Grain.MONTH, "en") == "Nov 2026"
    week = Period(date(2026, 11, 18), date(2026, 11, 30))
    assert bucket_label(first, Grain.WEEK, "th", week) == "สัปดาห์ที่ 47 (18–22 พ.ย. 2569)"
    assert short_label(first, Grain.MONTH, "th") == "พ.ย. 69"
    assert short_label(first, Grain.WEEK, "en") == "W47"


def test_ranges_say_the_month_and_year_once() -> None:
    assert range_text(date(2026, 11, 2), date(2026, 11, 8), "th") == "2–8 พ.ย. 2569"
    assert range_text(date(2026, 10, 26), date(2026, 11, 1), "en") == "26 Oct – 1 Nov 2026"
    assert range_text(date(2026, 12, 28), date(2027, 1, 3), "en") == "28 Dec 2026 – 3 Jan 2027"
    assert range_text(date(2026, 11, 2), date(2026, 11, 2), "th") == "2 พ.ย. 2569"


def test_the_natural_grain_follows_the_length() -> None:
    assert Period(date(2026, 11, 1), date(2026, 11, 30)).natural_grain() is Grain.DAY
    assert Period(date(2026, 8, 1), date(2026, 11, 30)).natural_grain() is Grain.WEEK
    assert Period(date(2026, 1, 1), date(2026, 11, 30)).natural_grain() is Grain.MONTH


def test_shares_are_whole_basis_points_rounded_half_up() -> None:
    assert share_bp(29700, 151350) == 1962
    assert share_bp(1, 3) == 3333 and share_bp(2, 3) == 6667
    assert share_bp(5, 0) == 0 and share_bp(0, 10) == 0
    assert percent_text(1962) == "19.6%" and percent_text(10_000) == "100.0%"
    assert percent_text(5) == "0.1%"


def _svg(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


NS = "{http://www.w3.org/2000/svg}"


def test_a_column_chart_draws_one_bar_per_value_with_escaped_thai_labels() -> None:
    labels = [f"{d}/11" for d in range(1, 31)]
    values = [d * 1000 for d in range(30)]
    svg = _svg(column_chart(labels, values, title="ยอดขาย <สุทธิ>", fmt=str))
    bars = svg.findall(f"{NS}rect")
    assert len(bars) == 30
    assert svg.get("aria-label") == "ยอดขาย <สุทธิ>"
    ticks = [t.text for t in svg.findall(f"{NS}text") if t.text and "/" in t.text]
    assert 0 < len(ticks) <= 30 and ticks[0] == "1/11"  # thinned so they do not overlap


def test_a_negative_day_draws_below_the_axis() -> None:
    svg = _svg(column_chart(["a", "b"], [5000, -2000], title="t", fmt=str))
    bars = svg.findall(f"{NS}rect")
    assert "negative" in (bars[1].get("class") or "")
    assert float(bars[1].get("y") or 0) >= float(bars[0].get("y") or 0)


def test_a_bar_chart_lists_every_row_even_zero() -> None:
    names = ["หางดง", "สันทราย", "กัลยาณิวัฒนา"]
    svg = _svg(bar_chart(names, [300, 100, 0], title="อำเภอ", fmt=str))
    texts = [t.text for t in svg.findall(f"{NS}text")]
    assert all(name in texts for name in names)
    widths = [float(r.get("width") or 0) for r in svg.findall(f"{NS}rect")]
    assert widths[0] > widths[1] > widths[2]


def test_a_line_chart_and_a_share_bar_render() -> None:
    line = _svg(
        line_chart(
            ["ก.ย. 69", "ต.ค. 69"],
            [Series("พร้อมเพย์", [3200, 4100], "s-pp")],
            title="สัดส่วน",
            fmt=percent_text,
            high=10_000,
        )
    )
    assert len(line.findall(f"{NS}circle")) == 2
    assert "41.0%" in [t.text for t in line.findall(f"{NS}text")]
    gap = _svg(
        line_chart(
            ["a", "b", "c", "d"], [Series("pp", [10, None, 30, 40], "s-pp")], title="t", fmt=str
        )
    )
    assert len(gap.findall(f"{NS}circle")) == 3  # a month without payments is no zero
    assert len(gap.findall(f"{NS}polyline")) == 2
    bar = _svg(share_bar([("เงินสด", 600, "s-cash"), ("พร้อมเพย์", 400, "s-pp")], title="t", fmt=str))
    parts = [r for r in bar.findall(f"{NS}rect") if "part" in (r.get("class") or "")]
    assert [round(float(r.get("width") or 0)) for r in parts] == [384, 256]
    empty = _svg(share_bar([("เงินสด", 0, "s-cash")], title="t", fmt=str))
    assert not [r for r in empty.findall(f"{NS}rect") if "part" in (r.get("class") or "")]


def test_thai_marks_take_no_width_and_steps_are_round() -> None:
    assert text_width("กิ่") == text_width("ก")
    assert [nice_step(n) for n in (1, 9, 40, 1_075_830)] == [1, 5, 10, 500_000]
