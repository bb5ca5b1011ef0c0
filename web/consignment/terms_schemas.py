"""The bodies of the consignment-terms API: a version as written and as read back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from inventory.terms.rules import MAX_STEPS, ConsignmentTerms, check_terms
from inventory.terms.service import MAX_NOTE, TermsVersion
from web.schemas import WholeNumber

Rate = Annotated[WholeNumber, Field(ge=0, le=10_000, description="basis points: 2000 = 20 %")]


class CategoryRate(BaseModel):
    category_id: Annotated[WholeNumber, Field(ge=1)]
    commission_bp: Rate


class TierIn(BaseModel):
    from_price_satang: Annotated[WholeNumber, Field(ge=0)]
    commission_bp: Rate


class MarkdownIn(BaseModel):
    after_days: Annotated[WholeNumber, Field(ge=1, description="days after the goods came in")]
    percent_bp: Annotated[WholeNumber, Field(ge=1, le=10_000, description="off the list price")]


class TermsIn(BaseModel):
    """A new version, in force from now for goods received from now on."""

    commission_kind: Literal["standard", "flat", "category", "tiered"]
    commission_bp: Rate = 0
    category_rates: Annotated[list[CategoryRate], Field(max_length=500)] = []
    tiers: Annotated[list[TierIn], Field(max_length=MAX_STEPS + 1)] = []
    markdowns: Annotated[list[MarkdownIn], Field(max_length=MAX_STEPS + 1)] = []
    period_days: Annotated[WholeNumber, Field(ge=1, le=100_000)]
    end_action: Literal["return", "extend"]
    extend_days: Annotated[WholeNumber, Field(ge=0, le=100_000)] = 0
    note: Annotated[str, Field(max_length=MAX_NOTE)] = ""

    def terms(self) -> ConsignmentTerms:
        """The terms, checked by the rules (a 422 naming the part that is wrong)."""
        return check_terms(
            commission_kind=self.commission_kind,
            commission_bp=self.commission_bp,
            period_days=self.period_days,
            end_action=self.end_action,
            category_bp={r.category_id: r.commission_bp for r in self.category_rates},
            tiers=[(t.from_price_satang, t.commission_bp) for t in self.tiers],
            markdowns=[(m.after_days, m.percent_bp) for m in self.markdowns],
            extend_days=self.extend_days,
        )


class TermsOut(BaseModel):
    """A version (``id`` null: the built-in standard terms, the rate card for 90 days)."""

    id: int | None
    entrepreneur_id: int | None  # null: the centre's default
    valid_from: datetime | None
    set_by: str | None  # the username of the manager who set it
    note: str
    commission_kind: str
    commission_bp: int
    category_rates: list[CategoryRate]
    tiers: list[TierIn]
    markdowns: list[MarkdownIn]
    period_days: int
    end_action: str
    extend_days: int

    @classmethod
    def of(cls, version: TermsVersion, names: dict[int, str]) -> TermsOut:
        t = version.terms
        return cls(
            id=version.id,
            entrepreneur_id=version.entrepreneur_id,
            valid_from=version.valid_from,
            set_by=names.get(version.created_by) if version.created_by else None,
            note=version.note,
            commission_kind=t.commission_kind.value,
            commission_bp=t.commission_bp,
            category_rates=[
                CategoryRate(category_id=c, commission_bp=bp)
                for c, bp in sorted(t.category_bp.items())
            ],
            tiers=[
                TierIn(from_price_satang=x.from_price_satang, commission_bp=x.commission_bp)
                for x in t.tiers
            ],
            markdowns=[
                MarkdownIn(after_days=m.after_days, percent_bp=m.percent_bp) for m in t.markdowns
            ],
            period_days=t.period_days,
            end_action=t.end_action.value,
            extend_days=t.extend_days,
        )


class TermsBookOut(BaseModel):
    """Whose terms (null: the centre's default), the version in force now and those set."""

    entrepreneur_id: int | None
    in_force: TermsOut
    versions: list[TermsOut]  # newest first
