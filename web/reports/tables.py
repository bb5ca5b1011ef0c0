"""The report page's tables: columns (Thai headings, English in the catalogue), cells, CSV, JSON.

One definition per table serves the page, its CSV download and the JSON API, so the three
always agree. Cells hold raw values (satang, counts, basis points); formatting happens last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kernel.csv_cells import baht_cell, csv_text
from kernel.i18n import N_, translate
from kernel.money import format_baht
from pos.reports.centre import TOP_LIMIT, CentreReport, Figures, PaymentMix, ReportRow
from pos.reports.periods import Grain, Period, percent_text, share_bp


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    MONEY = "money"  # satang, shown in baht
    SHARE = "share"  # basis points, shown as a percentage


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    thai: str  # the heading; its English stands in the catalogue
    kind: Kind = Kind.TEXT

    def heading(self, lang: str) -> str:
        return translate(self.thai, lang)

    @property
    def numeric(self) -> bool:
        return self.kind is not Kind.TEXT


Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # the CSV's and the API's name: "district"
    title_thai: str  # may name {n}, the length of a top table
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None

    def title(self, lang: str) -> str:
        return translate(self.title_thai, lang).format(n=TOP_LIMIT)


class Group(StrEnum):
    """The groupings a report can be asked for (the API's ``group``, the CSV's name)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    CATEGORY = "category"
    DISTRICT = "district"
    STARS = "stars"
    LOCATION = "location"
    PRODUCT = "product"
    ENTREPRENEUR = "entrepreneur"
    PAYMENT_METHOD = "payment_method"
    PAYMENT_MONTH = "payment_month"


SALES = Column("sales", N_("จำนวนบิล"), Kind.COUNT)
UNITS = Column("quantity", N_("จำนวนชิ้น"), Kind.COUNT)
MONEY = [
    Column("gross_satang", N_("ยอดขายก่อนส่วนลด"), Kind.MONEY),
    Column("discount_satang", N_("ส่วนลด"), Kind.MONEY),
    Column("refunds_satang", N_("คืนเงิน"), Kind.MONEY),
    Column("net_sales_satang", N_("ยอดขายสุทธิ"), Kind.MONEY),
    Column("commission_satang", N_("ค่าคอมมิชชั่น"), Kind.MONEY),
]
SHARE = Column("share_bp", N_("สัดส่วน"), Kind.SHARE)
NAME = Column("label", N_("ชื่อ"))
CODE = Column("key", N_("รหัส"))
ISO = Column("key", "ISO")  # the same in both languages
TITLES: dict[Group, str] = {
    Group.DAY: N_("ยอดขายรายวัน"),
    Group.WEEK: N_("ยอดขายรายสัปดาห์ (ISO)"),
    Group.MONTH: N_("ยอดขายรายเดือน"),
    Group.CATEGORY: N_("ยอดขายตามหมวดหมู่"),
    Group.DISTRICT: N_("ยอดขายตามอำเภอของผู้ประกอบการ (25 อำเภอ)"),
    Group.STARS: N_("ยอดขายตามระดับดาว OTOP"),
    Group.LOCATION: N_("ยอดขายตามสถานที่ขาย"),
    Group.PRODUCT: N_("สินค้าขายดี {n} อันดับ"),
    Group.ENTREPRENEUR: N_("ผู้ประกอบการยอดขายสูงสุด {n} อันดับ"),
    Group.PAYMENT_METHOD: N_("วิธีชำระเงิน"),
    Group.PAYMENT_MONTH: N_("วิธีชำระเงินรายเดือน"),
}
METHOD_NAMES = {
    "cash": N_("เงินสด"),
    "promptpay": N_("พร้อมเพย์"),
    "card": N_("บัตร (เครื่องรูดบัตร)"),
    "other": N_("อื่นๆ"),
}
OTHER_PREFIX = "other:"
GRAINS = {Group.DAY: Grain.DAY, Group.WEEK: Grain.WEEK, Group.MONTH: Grain.MONTH}


def method_name(method: str, lang: str) -> str:
    if method.startswith(OTHER_PREFIX):
        return f"{translate(METHOD_NAMES['other'], lang)}: {method.removeprefix(OTHER_PREFIX)}"
    return translate(METHOD_NAMES.get(method, method), lang)


def _method_labels(method: str, lang: str) -> Row:
    """A payment method's row name; an other tender by its name (อื่นๆ: เป๋าตัง)."""
    if method.startswith(OTHER_PREFIX):
        return _labels(method_name(method, "th"), method_name(method, "en"), lang)
    return _word_labels(METHOD_NAMES.get(method, method), lang)


def _labels(th: str, en: str, lang: str) -> Row:
    """A row named by data in both languages (a product, a district, a period)."""
    return {"label": en if lang == "en" else th, "label_th": th, "label_en": en}


def _word_labels(thai: str, lang: str) -> Row:
    """A row named by a word of the catalogue (the total, a payment method)."""
    return _labels(thai, translate(thai, "en"), lang)


def _figures_row(row: ReportRow, lang: str, share_of: int | None = None) -> Row:
    cells: Row = {"key": row.key, **_labels(row.label_th, row.label_en, lang)}
    if row.detail_th:
        cells.update(detail=row.detail(lang), detail_th=row.detail_th, detail_en=row.detail_en)
    if row.short_th:
        cells["short"] = row.short(lang)
    cells.update(row.figures.as_dict())
    if share_of is not None:
        cells["share_bp"] = share_bp(max(row.figures.net_sales_satang, 0), share_of)
    return cells


def _total_row(figures: Figures, lang: str) -> Row:
    whole = 10_000 if figures.net_sales_satang > 0 else 0
    return {"key": "", **_word_labels(N_("รวม"), lang), "share_bp": whole, **figures.as_dict()}


def _ranked(rows: list[Row]) -> list[Row]:
    return [{"rank": n, **row} for n, row in enumerate(rows, start=1)]


def _sum(rows: list[ReportRow]) -> Figures:
    total = Figures()
    for row in rows:
        total.add(row.figures)
    return total


def table(report: CentreReport, group: Group, lang: str, limit: int = TOP_LIMIT) -> Table:
    """The table of one grouping of the report's period (``limit``: of the top tables)."""
    title = TITLES[group]
    if group in GRAINS:
        rows = report.over_time(GRAINS[group])
        columns = [ISO, Column("label", N_("ช่วงเวลา")), SALES, UNITS]
        cells = [_figures_row(r, lang) for r in rows]
        return Table(group.value, title, columns + MONEY, cells, _total_row(_sum(rows), lang))
    if group is Group.PAYMENT_METHOD:
        return _methods_table(report.payment_mix(), lang)
    if group is Group.PAYMENT_MONTH:
        return _months_table(report.payment_mix_by_month(), lang)
    rows = _rows_of(report, group, limit)
    total = _sum(rows)
    positive = sum(max(r.figures.net_sales_satang, 0) for r in rows)
    cells = [_figures_row(r, lang, positive) for r in rows]
    columns = [CODE, NAME, UNITS, *MONEY, SHARE]
    if group is Group.LOCATION:
        columns = [CODE, NAME, SALES, UNITS, *MONEY, SHARE]
    if group is Group.STARS:
        columns = [Column("label", N_("ระดับดาว")), UNITS, *MONEY, SHARE]
    if group in (Group.PRODUCT, Group.ENTREPRENEUR):
        detail = (
            Column("detail", N_("ผู้ประกอบการ"))
            if group is Group.PRODUCT
            else Column("detail", N_("อำเภอ"))
        )
        columns = [Column("rank", N_("อันดับ"), Kind.COUNT), CODE, NAME, detail, UNITS, *MONEY]
        return Table(group.value, title, columns, _ranked(cells))
    return Table(group.value, title, columns, cells, _total_row(total, lang))


def _rows_of(report: CentreReport, group: Group, limit: int) -> list[ReportRow]:
    readers: dict[Group, Callable[[], list[ReportRow]]] = {
        Group.CATEGORY: report.by_category,
        Group.DISTRICT: report.by_district,
        Group.STARS: report.by_stars,
        Group.LOCATION: report.by_location,
        Group.PRODUCT: lambda: report.top_products(limit),
        Group.ENTREPRENEUR: lambda: report.top_entrepreneurs(limit),
    }
    return readers[group]()


def _methods_table(mix: PaymentMix, lang: str) -> Table:
    columns = [
        Column("label", N_("วิธีชำระ")),
        Column("payments", N_("จำนวนครั้ง"), Kind.COUNT),
        Column("amount_satang", N_("ยอดเงิน"), Kind.MONEY),
        Column("share_bp", N_("สัดส่วนตามยอดเงิน"), Kind.SHARE),
        Column("count_share_bp", N_("สัดส่วนตามจำนวนครั้ง"), Kind.SHARE),
    ]
    rows = [
        {
            "key": m.method,
            **_method_labels(m.method, lang),
            "payments": m.payments,
            "amount_satang": m.amount_satang,
            "share_bp": m.share_bp,
            "count_share_bp": share_bp(m.payments, mix.payments),
        }
        for m in mix.methods
    ]
    total = {
        "key": "",
        **_word_labels(N_("รวม"), lang),
        "payments": mix.payments,
        "amount_satang": mix.amount_satang,
        "share_bp": 10_000 if mix.amount_satang else 0,
        "count_share_bp": 10_000 if mix.payments else 0,
    }
    return Table(Group.PAYMENT_METHOD.value, TITLES[Group.PAYMENT_METHOD], columns, rows, total)


def _months_table(months: list[PaymentMix], lang: str) -> Table:
    columns = [
        ISO,
        Column("label", N_("เดือน")),
        Column("cash_payments", N_("เงินสด (ครั้ง)"), Kind.COUNT),
        Column("cash_satang", N_("เงินสด (บาท)"), Kind.MONEY),
        Column("promptpay_payments", N_("พร้อมเพย์ (ครั้ง)"), Kind.COUNT),
        Column("promptpay_satang", N_("พร้อมเพย์ (บาท)"), Kind.MONEY),
        Column("promptpay_share_bp", N_("สัดส่วนพร้อมเพย์"), Kind.SHARE),
        Column("card_payments", N_("บัตร (ครั้ง)"), Kind.COUNT),
        Column("card_satang", N_("บัตร (บาท)"), Kind.MONEY),
        Column("other_payments", N_("อื่นๆ (ครั้ง)"), Kind.COUNT),
        Column("other_satang", N_("อื่นๆ (บาท)"), Kind.MONEY),
    ]
    rows = []
    for mix in months:
        row: Row = {
            "key": mix.key,
            **_labels(mix.label_th, mix.label_en, lang),
            "promptpay_share_bp": mix.promptpay_share_bp,
        }
        row["other_payments"] = row["other_satang"] = 0
        for m in mix.methods:
            name = "other" if m.method.startswith(OTHER_PREFIX) else m.method
            row[f"{name}_payments"] = row.get(f"{name}_payments", 0) + m.payments
            row[f"{name}_satang"] = row.get(f"{name}_satang", 0) + m.amount_satang
        rows.append(row)
    return Table(Group.PAYMENT_MONTH.value, TITLES[Group.PAYMENT_MONTH], columns, rows)


# --- formatting ------------------------------------------------------------------------


def cell(column: Column, value: Any) -> str:
    """A cell as people read it: baht with two decimals, counts with separators, percents."""
    if value is None or value == "":
        return ""
    if column.kind is Kind.MONEY:
        return format_baht(int(value))
    if column.kind is Kind.COUNT:
        return f"{int(value):,}"
    if column.kind is Kind.SHARE:
        return percent_text(int(value))
    return str(value)


def csv_cell(column: Column, value: Any) -> object:
    """A cell for the CSV: money and counts as numbers (their Python type says so, for
    ``csv_text``), labels as text that may not run as a formula."""
    if value is None or value == "":
        return ""
    if column.kind is Kind.MONEY:
        return baht_cell(int(value))
    if column.kind is Kind.COUNT:
        return int(value)
    return cell(column, value)


def csv_table(tab: Table, lang: str, period: Period) -> str:
    """The table as CSV text, money in baht."""
    return csv_text(
        [
            [f"{tab.title(lang)} {period.start.isoformat()} – {period.end.isoformat()}"],
            [_csv_heading(c, lang) for c in tab.columns],
            *(
                [csv_cell(c, row.get(c.key)) for c in tab.columns]
                for row in [*tab.rows, *([tab.total] if tab.total else [])]
            ),
        ]
    )


def _csv_heading(column: Column, lang: str) -> str:
    heading = column.heading(lang)
    if column.kind is Kind.MONEY and "บาท" not in heading and "baht" not in heading:
        baht = translate("บาท", lang)
        return f"{heading} ({baht})"
    return heading


def csv_name(group: Group, period: Period) -> str:
    return f"otop-report-{group.value}-{period.start.isoformat()}-{period.end.isoformat()}.csv"


def json_row(row: Row) -> Row:
    """A row for the API: raw values (money in ``_satang``), labels in both languages."""
    return {k: v for k, v in row.items() if k not in ("label", "short", "detail")}


def whole_baht(satang: int) -> str:
    """A chart's axis and bar label: whole baht with separators (rounded half up)."""
    return f"{(satang + 50) // 100:,}"
