"""The report page's tables: columns (Thai and English headings), cells, CSV and JSON.

One definition per table serves the page, its CSV download and the JSON API, so the three
always agree. Cells hold raw values (satang, counts, basis points); formatting happens last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kernel.money import format_baht
from pos.reports.centre import TOP_LIMIT, CentreReport, Figures, PaymentMix, ReportRow
from pos.reports.periods import Grain, Period, percent_text, share_bp
from web.downloads import csv_text


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    MONEY = "money"  # satang, shown in baht
    SHARE = "share"  # basis points, shown as a percentage


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    th: str
    en: str
    kind: Kind = Kind.TEXT

    def heading(self, lang: str) -> str:
        return self.en if lang == "en" else self.th

    @property
    def numeric(self) -> bool:
        return self.kind is not Kind.TEXT


Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # the CSV's and the API's name: "district"
    title_th: str
    title_en: str
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_th


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


SALES = Column("sales", "จำนวนบิล", "Sales", Kind.COUNT)
UNITS = Column("quantity", "จำนวนชิ้น", "Units", Kind.COUNT)
MONEY = [
    Column("gross_satang", "ยอดขายก่อนส่วนลด", "Gross", Kind.MONEY),
    Column("discount_satang", "ส่วนลด", "Discounts", Kind.MONEY),
    Column("refunds_satang", "คืนเงิน", "Refunds", Kind.MONEY),
    Column("net_sales_satang", "ยอดขายสุทธิ", "Net sales", Kind.MONEY),
    Column("commission_satang", "ค่าคอมมิชชั่น", "Commission", Kind.MONEY),
]
SHARE = Column("share_bp", "สัดส่วน", "Share", Kind.SHARE)
NAME = Column("label", "ชื่อ", "Name")
CODE = Column("key", "รหัส", "Code")
ISO = Column("key", "ISO", "ISO")
TITLES: dict[Group, tuple[str, str]] = {
    Group.DAY: ("ยอดขายรายวัน", "Sales by day"),
    Group.WEEK: ("ยอดขายรายสัปดาห์ (ISO)", "Sales by ISO week"),
    Group.MONTH: ("ยอดขายรายเดือน", "Sales by month"),
    Group.CATEGORY: ("ยอดขายตามหมวดหมู่", "Sales by category"),
    Group.DISTRICT: ("ยอดขายตามอำเภอของผู้ประกอบการ (25 อำเภอ)",
                     "Sales by the entrepreneur's district (all 25)"),
    Group.STARS: ("ยอดขายตามระดับดาว OTOP", "Sales by OTOP star rating"),
    Group.LOCATION: ("ยอดขายตามสถานที่ขาย", "Sales by location"),
    Group.PRODUCT: (f"สินค้าขายดี {TOP_LIMIT} อันดับ", f"Top {TOP_LIMIT} products"),
    Group.ENTREPRENEUR: (f"ผู้ประกอบการยอดขายสูงสุด {TOP_LIMIT} อันดับ",
                         f"Top {TOP_LIMIT} entrepreneurs"),
    Group.PAYMENT_METHOD: ("วิธีชำระเงิน", "Payment methods"),
    Group.PAYMENT_MONTH: ("วิธีชำระเงินรายเดือน", "Payment methods by month"),
}  # fmt: skip
METHOD_NAMES = {"cash": ("เงินสด", "Cash"), "promptpay": ("พร้อมเพย์", "PromptPay")}
GRAINS = {Group.DAY: Grain.DAY, Group.WEEK: Grain.WEEK, Group.MONTH: Grain.MONTH}


def method_name(method: str, lang: str) -> str:
    th, en = METHOD_NAMES.get(method, (method, method))
    return en if lang == "en" else th


def _labels(th: str, en: str, lang: str) -> Row:
    return {"label": en if lang == "en" else th, "label_th": th, "label_en": en}


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
    return {"key": "", **_labels("รวม", "Total", lang), "share_bp": whole, **figures.as_dict()}


def _ranked(rows: list[Row]) -> list[Row]:
    return [{"rank": n, **row} for n, row in enumerate(rows, start=1)]


def _sum(rows: list[ReportRow]) -> Figures:
    total = Figures()
    for row in rows:
        total.add(row.figures)
    return total


def table(report: CentreReport, group: Group, lang: str, limit: int = TOP_LIMIT) -> Table:
    """The table of one grouping of the report's period (``limit``: of the top tables)."""
    th, en = TITLES[group]
    if group in GRAINS:
        rows = report.over_time(GRAINS[group])
        columns = [ISO, Column("label", "ช่วงเวลา", "Period"), SALES, UNITS]
        cells = [_figures_row(r, lang) for r in rows]
        return Table(group.value, th, en, columns + MONEY, cells, _total_row(_sum(rows), lang))
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
        columns = [Column("label", "ระดับดาว", "Stars"), UNITS, *MONEY, SHARE]
    if group in (Group.PRODUCT, Group.ENTREPRENEUR):
        detail = (Column("detail", "ผู้ประกอบการ", "Entrepreneur") if group is Group.PRODUCT
                  else Column("detail", "อำเภอ", "District"))  # fmt: skip
        columns = [Column("rank", "อันดับ", "Rank", Kind.COUNT), CODE, NAME, detail, UNITS, *MONEY]
        return Table(group.value, th, en, columns, _ranked(cells))
    return Table(group.value, th, en, columns, cells, _total_row(total, lang))


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
    th, en = TITLES[Group.PAYMENT_METHOD]
    columns = [
        Column("label", "วิธีชำระ", "Method"),
        Column("payments", "จำนวนครั้ง", "Payments", Kind.COUNT),
        Column("amount_satang", "ยอดเงิน", "Amount", Kind.MONEY),
        Column("share_bp", "สัดส่วนตามยอดเงิน", "Share of amount", Kind.SHARE),
        Column("count_share_bp", "สัดส่วนตามจำนวนครั้ง", "Share of payments", Kind.SHARE),
    ]
    rows = [
        {"key": m.method, **_labels(*METHOD_NAMES.get(m.method, (m.method, m.method)), lang),
         "payments": m.payments,
         "amount_satang": m.amount_satang, "share_bp": m.share_bp,
         "count_share_bp": share_bp(m.payments, mix.payments)}
        for m in mix.methods
    ]  # fmt: skip
    total = {"key": "", **_labels("รวม", "Total", lang), "payments": mix.payments,
             "amount_satang": mix.amount_satang, "share_bp": 10_000 if mix.amount_satang else 0,
             "count_share_bp": 10_000 if mix.payments else 0}  # fmt: skip
    return Table(Group.PAYMENT_METHOD.value, th, en, columns, rows, total)


def _months_table(months: list[PaymentMix], lang: str) -> Table:
    th, en = TITLES[Group.PAYMENT_MONTH]
    columns = [ISO, Column("label", "เดือน", "Month")]
    for method in ("cash", "promptpay"):
        name_th, name_en = METHOD_NAMES[method]
        columns += [
            Column(f"{method}_payments", f"{name_th} (ครั้ง)", f"{name_en} (payments)", Kind.COUNT),
            Column(f"{method}_satang", f"{name_th} (บาท)", f"{name_en} (baht)", Kind.MONEY),
        ]
    columns.append(Column("promptpay_share_bp", "สัดส่วนพร้อมเพย์", "PromptPay share", Kind.SHARE))
    rows = []
    for mix in months:
        row: Row = {"key": mix.key, **_labels(mix.label_th, mix.label_en, lang),
                    "promptpay_share_bp": mix.promptpay_share_bp}  # fmt: skip
        for m in mix.methods:
            row[f"{m.method}_payments"] = m.payments
            row[f"{m.method}_satang"] = m.amount_satang
        rows.append(row)
    return Table(Group.PAYMENT_MONTH.value, th, en, columns, rows)


# --- formatting ------------------------------------------------------------------------


def cell(column: Column, value: Any, *, for_csv: bool = False) -> str:
    """A cell as people read it: baht with two decimals, counts with separators, percents."""
    if value is None or value == "":
        return ""
    if column.kind is Kind.MONEY:
        text = format_baht(int(value))
        return text.replace(",", "") if for_csv else text
    if column.kind is Kind.COUNT:
        return str(value) if for_csv else f"{int(value):,}"
    if column.kind is Kind.SHARE:
        return percent_text(int(value))
    return str(value)


def csv_table(tab: Table, lang: str, period: Period) -> str:
    """The table as CSV text, money in baht."""
    return csv_text([
        [f"{tab.title(lang)} {period.start.isoformat()} – {period.end.isoformat()}"],
        [_csv_heading(c, lang) for c in tab.columns],
        *([cell(c, row.get(c.key), for_csv=True) for c in tab.columns]
          for row in [*tab.rows, *([tab.total] if tab.total else [])]),
    ])  # fmt: skip


def _csv_heading(column: Column, lang: str) -> str:
    heading = column.heading(lang)
    if column.kind is Kind.MONEY and "บาท" not in heading and "baht" not in heading:
        return f"{heading} ({'baht' if lang == 'en' else 'บาท'})"
    return heading


def csv_name(group: Group, period: Period) -> str:
    return f"otop-report-{group.value}-{period.start.isoformat()}-{period.end.isoformat()}.csv"


def json_row(row: Row) -> Row:
    """A row for the API: raw values (money in ``_satang``), labels in both languages."""
    return {k: v for k, v in row.items() if k not in ("label", "short", "detail")}


def whole_baht(satang: int) -> str:
    """A chart's axis and bar label: whole baht with separators (rounded half up)."""
    return f"{(satang + 50) // 100:,}"
