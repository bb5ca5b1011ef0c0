"""The managers' terms form: what was typed (per cent, baht, days, rows of tiers, markdowns and
category rates) into terms the rules check, and a version back into the form's fields."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from inventory.terms.rules import CommissionKind, ConsignmentTerms, check_terms
from kernel.errors import DomainError, InvalidInputError
from kernel.text import ascii_digits
from web.pages import form_baht

ROWS = 5  # empty rows the form offers for tiers and for markdowns
_PERCENT = re.compile(r"([0-9]{1,3})(?:\.([0-9]{1,2}))?")


class TermsForm(BaseModel):
    commission_kind: str = ""
    commission_percent: str = ""
    # Rows arrive as repeated fields (a single one as a string).
    category_id: str | list[str] = []
    category_percent: str | list[str] = []
    tier_from_baht: str | list[str] = []
    tier_percent: str | list[str] = []
    markdown_days: str | list[str] = []
    markdown_percent: str | list[str] = []
    period_days: str = ""
    end_action: str = ""
    extend_days: str = ""
    note: str = ""


def _many(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def percent_bp(text: str, field: str) -> int:
    """``'20'`` or ``'12.5'`` per cent -> basis points, exactly."""
    found = _PERCENT.fullmatch(text.strip().rstrip("%").strip())
    if found is None:
        raise InvalidInputError(
            "terms.percent_invalid",
            "“{text}” ไม่ใช่ตัวเลขเปอร์เซ็นต์ (ใส่เช่น 20 หรือ 12.5)",
            field=field,
            text=text[:20],
        )
    return int(found[1]) * 100 + int((found[2] or "").ljust(2, "0"))


def days(text: str, field: str) -> int:
    value = text.strip()
    if not ascii_digits(value) or len(value) > 5:
        raise InvalidInputError(
            "terms.days_invalid",
            "“{text}” ไม่ใช่จำนวนวัน (ใส่ตัวเลข เช่น 90)",
            field=field,
            text=text[:20],
        )
    return int(value)


def _rows(first: list[str], second: list[str], where: str) -> list[tuple[int, str, str]]:
    """The filled rows (index, first, second); a half-filled row is refused."""
    out = []
    for index, (a, b) in enumerate(zip(first, second, strict=False)):
        if not a.strip() and not b.strip():
            continue
        if not a.strip() or not b.strip():
            raise InvalidInputError(
                "terms.row_incomplete",
                "กรอกให้ครบทั้งสองช่องในแถวที่ {row} หรือเว้นว่างทั้งแถว",
                field=f"{where}[{index}]",
                row=index + 1,
            )
        out.append((index, a, b))
    return out


def terms_of(form: TermsForm) -> ConsignmentTerms:
    """The terms the form describes, or the refusal naming the part that is wrong."""
    kind = form.commission_kind
    rate = form.commission_percent.strip()
    needs_rate = kind in (CommissionKind.FLAT, CommissionKind.CATEGORY, CommissionKind.TIERED)
    categories = {}
    for cid, text in zip(_many(form.category_id), _many(form.category_percent), strict=False):
        if text.strip() and ascii_digits(cid.strip()):
            categories[int(cid)] = percent_bp(text, f"category_bp.{cid}")
    tiers = [
        (form_baht(a, f"tiers[{i}]"), percent_bp(b, f"tiers[{i}].commission_bp"))
        for i, a, b in _rows(_many(form.tier_from_baht), _many(form.tier_percent), "tiers")
    ]
    markdowns = [
        (days(a, f"markdowns[{i}]"), percent_bp(b, f"markdowns[{i}]"))
        for i, a, b in _rows(_many(form.markdown_days), _many(form.markdown_percent), "markdowns")
    ]
    return check_terms(
        commission_kind=kind,
        commission_bp=percent_bp(rate, "commission_bp") if needs_rate or rate else 0,
        period_days=days(form.period_days, "period_days"),
        end_action=form.end_action,
        category_bp=categories,
        tiers=tiers,
        markdowns=markdowns,
        extend_days=days(form.extend_days, "extend_days") if form.end_action == "extend" else 0,
    )


def _percent_text(bp: int) -> str:
    whole, rest = divmod(bp, 100)
    return f"{whole}.{rest:02d}".rstrip("0").rstrip(".") if rest else str(whole)


def _baht_text(satang: int) -> str:
    whole, rest = divmod(satang, 100)
    return f"{whole}.{rest:02d}" if rest else str(whole)


def _padded(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return rows + [("", "")] * max(ROWS - len(rows), 1)


def form_of(terms: ConsignmentTerms) -> dict[str, Any]:
    """A version as the form's fields, to start the next version from."""
    return {
        "commission_kind": terms.commission_kind.value,
        "commission_percent": _percent_text(terms.commission_bp)
        if terms.commission_kind != CommissionKind.STANDARD
        else "",
        "categories": {str(c): _percent_text(bp) for c, bp in terms.category_bp.items()},
        "tiers": _padded(
            [(_baht_text(t.from_price_satang), _percent_text(t.commission_bp)) for t in terms.tiers]
        ),
        "markdowns": _padded(
            [(str(s.after_days), _percent_text(s.percent_bp)) for s in terms.markdowns]
        ),
        "period_days": str(terms.period_days),
        "end_action": terms.end_action.value,
        "extend_days": str(terms.extend_days or ""),
        "note": "",
    }


def form_again(form: TermsForm) -> dict[str, Any]:
    """What was typed, to show again beside a refusal."""
    cats = zip(_many(form.category_id), _many(form.category_percent), strict=False)
    return {
        "commission_kind": form.commission_kind,
        "commission_percent": form.commission_percent,
        "categories": {c: p for c, p in cats if p.strip()},
        "tiers": _padded(
            list(zip(_many(form.tier_from_baht), _many(form.tier_percent), strict=False))
        ),
        "markdowns": _padded(
            list(zip(_many(form.markdown_days), _many(form.markdown_percent), strict=False))
        ),
        "period_days": form.period_days,
        "end_action": form.end_action,
        "extend_days": form.extend_days,
        "note": form.note,
    }


def error_place(error: DomainError) -> str:
    """Which part of the form a refusal belongs beside."""
    field = error.field or "form"
    for group in ("tiers", "markdowns", "category_bp"):
        if field.startswith(group):
            return group
    return {"commission_bp": "commission_percent"}.get(field, field)
