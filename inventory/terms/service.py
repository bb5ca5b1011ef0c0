"""Consignment terms in the database: the version in force for an entrepreneur, the version
goods came in under, and new versions (a change applies to goods received afterwards)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.engine import Connection

from inventory.models import Category, Entrepreneur, StockLot
from inventory.models import ConsignmentTermsVersion as Terms
from inventory.terms.events import TermsEvent
from inventory.terms.rules import (
    STANDARD_TERMS,
    CommissionKind,
    ConsignmentTerms,
    EndAction,
    MarkdownStep,
    Tier,
)
from kernel.access import MANAGERS, Actor
from kernel.audit import record
from kernel.errors import InvalidInputError, NotFoundError
from kernel.text import check_text

MAX_NOTE = 200
HISTORY_SHOWN = 100


@dataclass(frozen=True, slots=True)
class TermsVersion:
    id: int | None  # None: the built-in standard terms (no version set yet)
    entrepreneur_id: int | None  # None: the centre's default
    terms: ConsignmentTerms
    valid_from: datetime | None
    note: str
    created_by: int | None = None  # the user who set it


BUILT_IN = TermsVersion(None, None, STANDARD_TERMS, None, "")


def terms_from_row(row: Mapping[str, Any]) -> ConsignmentTerms:
    return ConsignmentTerms(
        commission_kind=CommissionKind(row["commission_kind"]),
        commission_bp=int(row["commission_bp"]),
        period_days=int(row["period_days"]),
        end_action=EndAction(row["end_action"]),
        category_bp={int(c): int(bp) for c, bp in (row["category_bp"] or {}).items()},
        tiers=tuple(Tier(int(p), int(bp)) for p, bp in row["tiers"] or ()),
        markdowns=tuple(MarkdownStep(int(d), int(bp)) for d, bp in row["markdowns"] or ()),
        extend_days=int(row["extend_days"]),
    )


def terms_to_row(terms: ConsignmentTerms) -> dict[str, Any]:
    return {
        "commission_kind": terms.commission_kind.value,
        "commission_bp": terms.commission_bp,
        "category_bp": {str(c): bp for c, bp in sorted(terms.category_bp.items())},
        "tiers": [[t.from_price_satang, t.commission_bp] for t in terms.tiers],
        "markdowns": [[s.after_days, s.percent_bp] for s in terms.markdowns],
        "period_days": terms.period_days,
        "end_action": terms.end_action.value,
        "extend_days": terms.extend_days,
    }


def _version(row: Any) -> TermsVersion:
    values = row._mapping
    return TermsVersion(
        values["id"],
        values["entrepreneur_id"],
        terms_from_row(values),
        values["valid_from"],
        values["note"],
        values["created_by"],
    )


def versions_by_id(conn: Connection, ids: Iterable[int]) -> dict[int, TermsVersion]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {
        row.id: _version(row) for row in conn.execute(select(Terms).where(Terms.id.in_(wanted)))
    }


def current_versions(
    conn: Connection, entrepreneur_ids: Iterable[int], at: datetime
) -> dict[int, TermsVersion]:
    """The version in force at ``at`` for each entrepreneur: their own newest, else the
    centre's default."""
    wanted = sorted(set(entrepreneur_ids))
    newest = (
        select(Terms.entrepreneur_id, func.max(Terms.id).label("id"))
        .where(
            or_(Terms.entrepreneur_id.in_(wanted), Terms.entrepreneur_id.is_(None)),
            Terms.valid_from <= at,
        )
        .group_by(Terms.entrepreneur_id)
        .subquery()
    )
    rows = conn.execute(select(Terms).join(newest, newest.c.id == Terms.id)).all()
    found = {row.entrepreneur_id: _version(row) for row in rows}
    default = found.get(None, BUILT_IN)
    return {eid: found.get(eid, default) for eid in wanted}


def add_version(
    conn: Connection,
    actor: Actor,
    now: datetime,
    *,
    entrepreneur_id: int | None,
    terms: ConsignmentTerms,
    note: str = "",
) -> int:
    """A new version of an entrepreneur's terms (or the centre's default), in force from now:
    goods received from now on come in under it; goods here keep theirs."""
    actor.require(MANAGERS, "change consignment terms")
    _check_new_version(conn, entrepreneur_id, terms, note)
    terms_id = int(
        conn.execute(
            insert(Terms)
            .values(
                entrepreneur_id=entrepreneur_id,
                valid_from=now,
                note=note.strip(),
                created_by=actor.user_id,
                **terms_to_row(terms),
            )
            .returning(Terms.id)
        ).scalar_one()
    )
    record(
        conn,
        actor,
        TermsEvent.TERMS_CHANGED,
        "consignment_terms",
        terms_id,
        now,
        entrepreneur_id=entrepreneur_id,
        **terms_to_row(terms),
    )
    return terms_id


def _check_new_version(
    conn: Connection, entrepreneur_id: int | None, terms: ConsignmentTerms, note: str
) -> None:
    """The entrepreneur and the categories the terms name exist; the note fits."""
    if len(note) > MAX_NOTE:
        raise InvalidInputError(
            "terms.note_too_long",
            "หมายเหตุยาวได้ไม่เกิน {limit} ตัวอักษร",
            field="note",
            limit=MAX_NOTE,
        )
    check_text(note, "note")
    if entrepreneur_id is not None and (
        conn.execute(select(Entrepreneur.id).where(Entrepreneur.id == entrepreneur_id)).first()
        is None
    ):
        raise NotFoundError(
            "terms.entrepreneur_not_found",
            "ไม่พบผู้ประกอบการหมายเลข {entrepreneur_id}",
            field="entrepreneur_id",
            entrepreneur_id=entrepreneur_id,
        )
    named = sorted(terms.category_bp)
    known = set(conn.execute(select(Category.id).where(Category.id.in_(named))).scalars())
    unknown = [c for c in named if c not in known]
    if unknown:
        raise InvalidInputError(
            "terms.category_unknown",
            "ไม่มีหมวดสินค้าหมายเลข {category_id}",
            field=f"category_bp.{unknown[0]}",
            category_id=unknown[0],
        )


def version_history(conn: Connection, entrepreneur_id: int | None) -> list[TermsVersion]:
    """The versions set for an entrepreneur (None: the centre's default), newest first."""
    whose = (
        Terms.entrepreneur_id.is_(None)
        if entrepreneur_id is None
        else Terms.entrepreneur_id == entrepreneur_id
    )
    rows = conn.execute(select(Terms).where(whose).order_by(Terms.id.desc()).limit(HISTORY_SHOWN))
    return [_version(row) for row in rows]


class GoodsTerms:
    """The terms goods for sale came in under: per location and product, the lots with goods
    left, oldest first (they leave first), as they were when looked up. The terms of a sale's
    goods are its oldest lot's (:meth:`of`), else the entrepreneur's in force now (nothing on
    the books there: a sale rung offline, a short sale). A batch of sales looks them up once,
    so each accepted sale says what it took (:meth:`took`): the next one sells what is left.
    (A sale refused later, as short, has still taken them here.)"""

    def __init__(
        self,
        lots: Mapping[tuple[int, int], list[tuple[int | None, int]]],  # -> [(terms id, units)]
        versions: Mapping[int, TermsVersion],  # terms id -> version
        current: Mapping[int, TermsVersion],  # entrepreneur id -> version in force
    ) -> None:
        self._lots = {key: list(left) for key, left in lots.items()}
        self.versions = versions
        self.current = current

    def of(self, location_id: int, product_id: int, entrepreneur_id: int) -> TermsVersion:
        left = self._lots.get((location_id, product_id))
        if not left:
            return self.current[entrepreneur_id]
        terms_id = left[0][0]
        return BUILT_IN if terms_id is None else self.versions[terms_id]

    def took(self, location_id: int, units: Mapping[int, int]) -> None:
        """A sale at ``location_id`` took these (product id -> units): from the oldest lots."""
        for product_id, wanted in units.items():
            left = self._lots.get((location_id, product_id), [])
            while left and wanted > 0:
                terms_id, held = left[0]
                if held > wanted:
                    left[0] = (terms_id, held - wanted)
                    break
                wanted -= held
                left.pop(0)


def goods_terms(
    conn: Connection, product_ids: Iterable[int], entrepreneur_ids: Iterable[int], at: datetime
) -> GoodsTerms:
    """:class:`GoodsTerms` for these products (at every location) and their entrepreneurs."""
    ids = sorted(set(product_ids))
    lots: dict[tuple[int, int], list[tuple[int | None, int]]] = {}
    if ids:
        rows = conn.execute(
            select(StockLot.location_id, StockLot.product_id, StockLot.terms_id, StockLot.remaining)
            .where(StockLot.product_id.in_(ids), StockLot.remaining > 0)
            .order_by(StockLot.received_at, StockLot.id)
        )
        for loc, pid, terms_id, remaining in rows:
            lots.setdefault((loc, pid), []).append((terms_id, remaining))
    return GoodsTerms(
        lots,
        versions_by_id(conn, (t for left in lots.values() for t, _ in left if t is not None)),
        current_versions(conn, entrepreneur_ids, at),
    )
