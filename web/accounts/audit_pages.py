"""The audit log for managers: ``GET /api/v1/audit`` and the page ``/admin/audit``.

Filters: who (``user``, the username as recorded), the Bangkok days ``from``..``to``
(Buddhist-era ``dd/mm/2569`` or ISO, kernel.dates), the ``kind`` of action (audit_kinds) or
one exact ``action``. Newest first, a page at a time: ``before=ID`` reads older entries,
``after=ID`` newer ones (a cursor, so that a page costs the same however long the log).
The page shows Thai as Thai, times in Bangkok with the Buddhist year, details as lines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template
from sqlalchemy import Select, select
from sqlalchemy.engine import Connection

from kernel.audit import AuditEntry
from kernel.dates import parse_optional_date
from kernel.db.engine import Database
from kernel.errors import DomainError, InvalidInputError
from kernel.money import format_baht
from kernel.text import check_text
from payments.ledger.balances import day_start
from web.accounts.audit_kinds import (
    KINDS,
    AuditKind,
    actions_of,
    kind_name,
    kind_of,
    kind_of_action,
)
from web.accounts.auth import managers_only
from web.accounts.schemas import AuditOut
from web.accounts.users import User
from web.errors import status_of
from web.pages import form_id, page, said

PAGE_SIZE = 50
MAX_LIMIT = 500
_TEXT = {"one_of": [{"type": "string", "maxLength": 64}, {"type": "null"}]}  # MAX_TEXT
# Numbers, dates and kinds are read as text and checked by their own rules (a 422 naming the
# field), so their schema promises nothing more.
_ANY = {"one_of": [{"type": "string"}, {"type": "null"}]}


_KINDS = ", ".join(k.value for k in AuditKind)
UserQ = Annotated[
    str | None, QueryParameter(name="user", description="username (exact)", schema_extra=_TEXT)
]
FromQ = Annotated[
    str | None,
    QueryParameter(
        name="from", description="first Bangkok day: dd/mm/2569 or ISO", schema_extra=_ANY
    ),
]
ToQ = Annotated[
    str | None,
    QueryParameter(name="to", description="last Bangkok day: dd/mm/2569 or ISO", schema_extra=_ANY),
]
KindQ = Annotated[
    str | None, QueryParameter(name="kind", description=f"one of {_KINDS}", schema_extra=_ANY)
]
ActionQ = Annotated[
    str | None, QueryParameter(name="action", description="one exact action", schema_extra=_TEXT)
]
BeforeQ = Annotated[
    str | None, QueryParameter(name="before", description="older than this id", schema_extra=_ANY)
]
AfterQ = Annotated[
    str | None, QueryParameter(name="after", description="newer than this id", schema_extra=_ANY)
]
LimitQ = Annotated[
    str | None, QueryParameter(name="limit", description=f"1..{MAX_LIMIT}", schema_extra=_ANY)
]


class AuditEntryOut(AuditOut):
    kind: str  # audit_kinds.AuditKind


@dataclass(frozen=True, slots=True)
class AuditFilter:
    user: str | None = None
    start: date | None = None
    end: date | None = None  # included
    kind: AuditKind | None = None
    action: str | None = None


@dataclass(frozen=True, slots=True)
class AuditLine:
    id: int
    at: datetime
    actor: str
    action: str
    kind: AuditKind
    entity: str
    entity_id: str | None
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditPage:
    lines: list[AuditLine]
    newer: int | None  # ?after= for the newer page, None on the newest
    older: int | None  # ?before= for the older page, None on the oldest


MAX_TEXT = 64  # the longest username or action name the log holds


def _short(value: str | None, field: str) -> str:
    text = check_text(value or "", field)
    if len(text) > MAX_TEXT:
        raise InvalidInputError(
            "audit.filter_too_long",
            "{key} ยาวเกิน {most} ตัวอักษร",
            field=field,
            key=field,
            most=MAX_TEXT,
        )
    return text


def parse_filter(
    user: str | None, start: str | None, end: str | None, kind: str | None, action: str | None
) -> AuditFilter:
    """The filters as typed; a bad one is a 422 naming its field."""
    first = parse_optional_date(start, "from")
    last = parse_optional_date(end, "to")
    if first and last and first > last:
        raise InvalidInputError(
            "audit.period_reversed",
            "วันเริ่มต้น ({start}) อยู่หลังวันสิ้นสุด ({end})",
            field="from",
            start=first.isoformat(),
            end=last.isoformat(),
        )
    chosen = None
    if kind and kind.strip():
        try:
            chosen = AuditKind(kind.strip())
        except ValueError:
            raise InvalidInputError(
                "audit.kind_unknown",
                "ประเภทรายการต้องเป็นหนึ่งใน {known} (ได้รับ {got!r})",
                field="kind",
                known=", ".join(k.value for k in AuditKind),
                got=kind[:30],
            ) from None
    # A character no one can type (a NUL, a bidi control) is refused before any query sees it.
    user, action = _short(user, "user"), _short(action, "action")
    return AuditFilter(
        user=user.strip().lower() or None,
        start=first,
        end=last,
        kind=chosen,
        action=(action or "").strip() or None,
    )


def _where(query: Select[Any], chosen: AuditFilter) -> Select[Any]:
    if chosen.user:
        query = query.where(AuditEntry.actor_name == chosen.user)
    if chosen.start:
        query = query.where(AuditEntry.at >= day_start(chosen.start))
    if chosen.end:
        query = query.where(AuditEntry.at < day_start(chosen.end + timedelta(days=1)))
    if chosen.kind is AuditKind.OTHER:
        query = query.where(AuditEntry.action.not_in(list(kind_of_action())))
    elif chosen.kind is not None:
        query = query.where(AuditEntry.action.in_(actions_of(chosen.kind)))
    if chosen.action:
        query = query.where(AuditEntry.action == chosen.action)
    return query


def read_audit(
    conn: Connection,
    chosen: AuditFilter,
    limit: int,
    before: int | None = None,
    after: int | None = None,
) -> AuditPage:
    """A page of entries, newest first, and the cursors of the pages either side."""
    query = _where(select(AuditEntry), chosen)
    if after is not None:  # the newer page: read upwards, then show newest first
        rows = list(
            conn.execute(
                query.where(AuditEntry.id > after).order_by(AuditEntry.id).limit(limit + 1)
            ).all()
        )
        more_newer = len(rows) > limit
        rows = rows[:limit][::-1]
        newer = rows[0].id if rows and more_newer else None
        older = rows[-1].id if rows else None
    else:
        if before is not None:
            query = query.where(AuditEntry.id < before)
        rows = list(conn.execute(query.order_by(AuditEntry.id.desc()).limit(limit + 1)).all())
        more_older = len(rows) > limit
        rows = rows[:limit]
        older = rows[-1].id if rows and more_older else None
        newer = rows[0].id if rows and before is not None else None
    lines = [
        AuditLine(
            id=r.id,
            at=r.at,
            actor=r.actor_name,
            action=r.action,
            kind=kind_of(r.action),
            entity=r.entity,
            entity_id=r.entity_id,
            detail=r.detail or {},
        )
        for r in rows
    ]
    return AuditPage(lines, newer, older)


def detail_lines(detail: dict[str, Any]) -> list[tuple[str, str]]:
    """An entry's detail as (name, value) lines a person reads: Thai as Thai, money in baht."""
    shown = []
    for name, value in detail.items():
        if name.endswith("_satang") and isinstance(value, int) and not isinstance(value, bool):
            text = "฿" + format_baht(value)
        elif isinstance(value, str):
            text = value
        else:
            text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
        shown.append((name, text))
    return shown


def _limit(value: str | None, default: int) -> int:
    if value is None or not value.strip():
        return default
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_LIMIT:
        raise InvalidInputError(
            "audit.limit_invalid",
            "limit ต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง {most}",
            field="limit",
            most=MAX_LIMIT,
        )
    return int(text)


def _usernames(conn: Connection) -> list[str]:
    return list(conn.execute(select(User.username).order_by(User.username)).scalars())


class AuditController(Controller):
    """Who did what, for managers and admins."""

    guards = [managers_only]

    @get("/api/v1/audit", sync_to_thread=True)
    def audit_index(
        self,
        db: NamedDependency[Database],
        user: UserQ = None,
        start: FromQ = None,
        end: ToQ = None,
        kind: KindQ = None,
        action: ActionQ = None,
        before: BeforeQ = None,
        after: AfterQ = None,
        limit: LimitQ = None,
    ) -> list[AuditEntryOut]:
        """The newest entries first; ``before`` the last id shown reads the next page."""
        chosen = parse_filter(user, start, end, kind, action)
        count = _limit(limit, 100)
        older, newer = form_id(before, "before"), form_id(after, "after")
        with db.read() as conn:
            found = read_audit(conn, chosen, count, older, newer)
        return [
            AuditEntryOut(
                id=line.id,
                at=line.at.isoformat(),
                actor=line.actor,
                action=line.action,
                kind=line.kind.value,
                entity=line.entity,
                entity_id=line.entity_id,
                detail=line.detail,
            )
            for line in found.lines
        ]

    @get("/admin/audit", sync_to_thread=True, include_in_schema=False)
    def audit_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        user: UserQ = None,
        start: FromQ = None,
        end: ToQ = None,
        kind: KindQ = None,
        action: ActionQ = None,
        before: BeforeQ = None,
        after: AfterQ = None,
    ) -> Template:
        form = {
            "user": user or "",
            "from": start or "",
            "to": end or "",
            "kind": kind or "",
            "action": action or "",
        }
        error: DomainError | None = None
        found = AuditPage([], None, None)
        with db.read() as conn:
            usernames = _usernames(conn)
            try:
                chosen = parse_filter(user, start, end, kind, action)
                older, newer = form_id(before, "before"), form_id(after, "after")
                found = read_audit(conn, chosen, PAGE_SIZE, older, newer)
            except InvalidInputError as refused:
                error = refused
        # The filters, kept from page to page (the cursor is added by the links).
        kept = urlencode({k: v for k, v in form.items() if v})
        response = page(
            request,
            "audit.html",
            found=found,
            form=form,
            kept=kept,
            kinds=[(info.kind.value, info.thai) for info in KINDS],
            kind_name=kind_name,
            detail_lines=detail_lines,
            usernames=usernames,
            error=said(request, error) if error else None,
            field=error.field if error else None,
        )
        if error is not None:
            response.status_code = status_of(error)
        return response
