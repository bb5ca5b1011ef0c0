"""The centre's sales reports, for managers: the page, a CSV of every table, and the JSON API.

``/admin/reports?preset=this_month`` (or ``?from=YYYY-MM-DD&to=YYYY-MM-DD``) shows every
table of the period with charts; ``/admin/reports/csv/{group}.csv?from=&to=`` downloads one
table; ``GET /api/v1/reports/sales?from=&to=&group=`` returns one grouping as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template

from kernel.clock import Clock, business_date
from kernel.db.engine import Database
from kernel.errors import InvalidInputError
from kernel.i18n import translate
from pos.reports.centre import TOP_LIMIT, CentreReport
from pos.reports.periods import (
    Grain,
    Period,
    Preset,
    parse_period,
    percent_text,
    preset_period,
    range_text,
)
from web.accounts.auth import managers_only
from web.downloads import csv_download
from web.i18n import language_of
from web.pages import page, said
from web.reports.charts import Series, bar_chart, column_chart, line_chart, share_bar
from web.reports.tables import (
    Group,
    Table,
    cell,
    csv_name,
    csv_table,
    json_row,
    method_name,
    table,
    whole_baht,
)
from web.settings import Settings


# Read as text and checked here (422 naming the field); the schema still says what fits.
def _text_like(schema: dict[str, Any]) -> dict[str, Any]:
    return {"one_of": [schema, {"type": "null"}]}


A_DATE = _text_like({"type": "string", "format": "date"})
FromDate = Annotated[
    str | None,
    QueryParameter(name="from", description="first business date, YYYY-MM-DD", schema_extra=A_DATE),
]
ToDate = Annotated[
    str | None,
    QueryParameter(
        name="to", description="last business date (included), YYYY-MM-DD", schema_extra=A_DATE
    ),
]
MAX_LIMIT = 100
GroupName = Annotated[
    str | None,
    QueryParameter(schema_extra=_text_like({"type": "string", "enum": [g.value for g in Group]})),
]
Limit = Annotated[
    str | None,
    QueryParameter(
        schema_extra=_text_like({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT})
    ),
]
PAGE_TABLES = (
    Group.PAYMENT_METHOD,
    Group.PAYMENT_MONTH,
    Group.DISTRICT,
    Group.CATEGORY,
    Group.STARS,
    Group.LOCATION,
    Group.PRODUCT,
    Group.ENTREPRENEUR,
)


def _lang(request: Request[Any, Any, Any], settings: Settings) -> str:
    return language_of(request.cookies, dict(request.query_params), settings.default_language)


def _group(value: str | None, default: Group | None = None, field: str = "group") -> Group:
    if not value and default is not None:
        return default
    try:
        return Group((value or "").strip())
    except ValueError:
        known = ", ".join(g.value for g in Group)
        raise InvalidInputError(
            "report.group_unknown",
            "{key} ต้องเป็นหนึ่งใน {known} (ได้รับ '{got}')",
            field=field,
            key=field,
            known=known,
            got=(value or "")[:30],
        ) from None


def _limit(value: str | None) -> int:
    if value is None or value.strip() == "":
        return TOP_LIMIT
    text = value.strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise InvalidInputError(
            "report.limit_invalid",
            "limit ต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง {most}",
            field="limit",
            most=MAX_LIMIT,
        )
    return int(text)


@dataclass(frozen=True, slots=True)
class Chosen:
    period: Period
    preset: Preset | None  # None: dates given


def _chosen(clock: Clock, preset: str | None, start: str | None, end: str | None) -> Chosen:
    """The period a page asks for: dates if given, else a preset (this month by default)."""
    if start or end:
        return Chosen(parse_period(start, end), None)
    try:
        chosen = Preset(preset or Preset.THIS_MONTH)
    except ValueError:
        known = ", ".join(p.value for p in Preset)
        raise InvalidInputError(
            "report.preset_unknown", "preset ต้องเป็นหนึ่งใน {known}", field="preset", known=known
        ) from None
    return Chosen(preset_period(chosen, business_date(clock.now())), chosen)


def time_group_of(grain: str | None, period: Period) -> Group:
    """The time table's grouping: as asked, or what reads best for the period's length."""
    if not grain:
        return GRAINS_BY_NATURAL[period.natural_grain()]
    try:
        return GRAINS_BY_NATURAL[Grain(grain)]
    except ValueError:
        raise InvalidInputError(
            "report.grain_unknown", "grain ต้องเป็น day, week หรือ month", field="grain"
        ) from None


# --- the page --------------------------------------------------------------------------


def _refused(
    request: Request[Any, Any, Any], error: InvalidInputError, form: dict[str, str]
) -> Template:
    """The form again, with what was wrong (422), instead of a report."""
    response = page(
        request,
        "reports/index.html",
        error=said(request, error),
        field=error.field,
        form=form,
        presets=list(Preset),
        report=None,
        cell=cell,
    )
    response.status_code = 422
    return response


GRAINS_BY_NATURAL = {Grain.DAY: Group.DAY, Grain.WEEK: Group.WEEK, Grain.MONTH: Group.MONTH}


def report_charts(over_time: Table, tables: dict[Group, Table], lang: str) -> dict[str, Any]:
    """The page's charts, where a person would rather look than read."""

    baht = translate("บาท", lang)
    tip = translate("{period}: {amount} บาท, {sales} บิล", lang)
    rows = over_time.rows
    charts: dict[str, Any] = {
        "over_time": column_chart(
            [r["short"] for r in rows],
            [r["net_sales_satang"] for r in rows],
            title=translate("ยอดขายสุทธิ (บาท)", lang),
            fmt=whole_baht,
            tips=[
                tip.format(
                    period=r["label"],
                    amount=whole_baht(r["net_sales_satang"]),
                    sales=f"{r['sales']:,}",
                )
                for r in rows
            ],
        ),
    }
    methods = tables[Group.PAYMENT_METHOD].rows
    charts["mix"] = share_bar(
        [
            # An other tender's key carries its name (other:เป๋าตัง): its class is s-other.
            (f"{m['label']} {percent_text(m['share_bp'])}", m["amount_satang"], _css(m["key"]))
            for m in methods
        ],
        title=translate("สัดส่วนวิธีชำระเงิน (ตามยอดเงิน)", lang),
        fmt=lambda satang: f"{whole_baht(satang)} {baht}",
    )
    months = tables[Group.PAYMENT_MONTH].rows
    shares = [m["promptpay_share_bp"] if _paid(m) else None for m in months]
    charts["adoption"] = len(months) > 1 and line_chart(
        [m["label"] for m in months],
        [Series(method_name("promptpay", lang) + " %", shares, "s-promptpay")],
        title=translate("สัดส่วนพร้อมเพย์รายเดือน", lang),
        fmt=percent_text,
        high=10_000,
    )
    for group in (Group.DISTRICT, Group.CATEGORY, Group.STARS):
        data = tables[group].rows
        charts[group.value] = bar_chart(
            [r["label"] for r in data],
            [r["net_sales_satang"] for r in data],
            title=tables[group].title(lang),
            fmt=whole_baht,
        )
    return charts


def _css(method: str) -> str:
    """The class of a payment method's part of the share bar (never a name someone typed)."""
    return f"s-{method.partition(':')[0]}"


def _paid(month: dict[str, Any]) -> bool:
    return bool(month.get("cash_payments") or month.get("promptpay_payments"))


# --- CSV and JSON ----------------------------------------------------------------------


class ReportPages(Controller):
    """The centre's sales reports."""

    guards = [managers_only]

    @get("/admin/reports", sync_to_thread=True, include_in_schema=False)
    def reports_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
        start: FromDate = None,
        end: ToDate = None,
        preset: FromQuery[str | None] = None,
        grain: FromQuery[str | None] = None,
    ) -> Template:
        lang = _lang(request, settings)
        form = {"from": start or "", "to": end or "", "preset": preset or "", "grain": grain or ""}
        try:
            chosen = _chosen(clock, preset, start, end)
            time_group = time_group_of(grain, chosen.period)
        except InvalidInputError as error:
            return _refused(request, error, form)
        with db.read() as conn:
            report = CentreReport(conn, chosen.period)
            over_time = table(report, time_group, lang)
            tables = {group: table(report, group, lang) for group in PAGE_TABLES}
            summary = report.summary()
            mix = report.payment_mix()
        period = chosen.period
        return page(
            request,
            "reports/index.html",
            report=True,
            period=period,
            preset=chosen.preset,
            presets=list(Preset),
            form=form,
            grain=time_group.value,
            summary=summary,
            promptpay_share=percent_text(mix.promptpay_share_bp),
            over_time=over_time,
            tables=tables,
            charts=report_charts(over_time, tables, lang),
            error=None,
            field=None,
            period_text=range_text(period.start, period.end, lang),
            cell=cell,
            query=f"from={period.start.isoformat()}&to={period.end.isoformat()}",
        )

    @get("/admin/reports/csv/{name:str}", sync_to_thread=True, include_in_schema=False)
    def report_csv(
        self,
        request: Request[Any, Any, Any],
        name: FromPath[str],
        db: NamedDependency[Database],
        settings: NamedDependency[Settings],
        start: FromDate = None,
        end: ToDate = None,
    ) -> Response[bytes]:
        """One table as CSV (UTF-8 with a BOM for Excel): ``district.csv?from=&to=``."""
        group = _group(name.removesuffix(".csv"))
        period = parse_period(start, end)
        lang = _lang(request, settings)
        with db.read() as conn:
            tab = table(CentreReport(conn, period), group, lang)
        return csv_download(csv_table(tab, lang, period), csv_name(group, period))

    @get("/api/v1/reports/sales", sync_to_thread=True)
    def sales_report_api(
        self,
        db: NamedDependency[Database],
        start: FromDate = None,
        end: ToDate = None,
        group: GroupName = None,
        limit: Limit = None,
    ) -> dict[str, Any]:
        """Completed sales of a period (business dates, both included) grouped by ``group``:
        day, week (ISO), month, category, district (all 25), stars, location, product or
        entrepreneur (the top ``limit``, 20 by default, by net sales), payment_method or
        payment_month. Money in ``_satang``; shares in basis points (``_bp``). Refunds count in
        the period they were made in."""
        chosen = _group(group, Group.DAY)
        period = parse_period(start, end)
        top = _limit(limit)
        with db.read() as conn:
            report = CentreReport(conn, period)
            tab = table(report, chosen, "en", top)
            summary = report.summary()
            mix = report.payment_mix()
        return {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "group": chosen.value,
            "rows": [json_row(row) for row in tab.rows],
            "total": json_row(tab.total) if tab.total else None,
            "summary": summary.as_dict(),
            "promptpay_share_bp": mix.promptpay_share_bp,
        }
