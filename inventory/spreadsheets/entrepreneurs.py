"""CSV import of entrepreneurs. A row whose code exists updates that entrepreneur.

Columns: code,name_th,name_en,district_code,tambon,phone,promptpay_id,
commission_percent (or commission_bp),star_rating,active; and, optional, the account payouts
go to: bank_code (``004`` or ``KBANK``), bank_account_number (dashes allowed),
bank_account_name, all three or none (a row with none leaves the account on file as it is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from inventory.bank_account_models import EntrepreneurBankAccount
from inventory.catalogue.bank_rules import BankAccount, check_bank_account
from inventory.catalogue.entrepreneurs import EDITABLE, entrepreneur_cleaners
from inventory.catalogue.events import CatalogueEvent
from inventory.catalogue.rules import parse_bool, parse_percent_to_bp
from inventory.models import District, Entrepreneur
from inventory.spreadsheets.parsing import (
    CsvRow,
    ImportJob,
    ImportPreview,
    ImportResult,
    RowChecker,
    audit_row,
    parse_int,
    read_rows,
    refuse_if_bad,
)
from kernel import audit
from kernel.access import MANAGERS, Actor
from kernel.audit import AuditEntry
from kernel.errors import DomainError

REQUIRED = ("code", "name_th", "name_en", "district_code", "star_rating")
COMMISSION = ("commission_percent", "commission_bp")
BANK_COLUMNS = {
    "bank_code": "bank_code",
    "account_number": "bank_account_number",
    "account_name": "bank_account_name",
}
BATCH = 1000


@dataclass(frozen=True, slots=True)
class _Plan:
    preview: ImportPreview
    inserts: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    old: dict[int, dict[str, Any]]
    accounts: dict[str, BankAccount]  # by entrepreneur code


def _district_lookup(conn: Connection) -> dict[str, int]:
    """District by official code, English or Thai name (case-insensitive)."""
    lookup: dict[str, int] = {}
    for row in conn.execute(select(District.id, District.code, District.name_th, District.name_en)):
        for key in (row.code, row.name_th, row.name_en):
            lookup[key.strip().lower()] = row.id
    return lookup


def _existing(conn: Connection) -> dict[str, dict[str, Any]]:
    columns = [getattr(Entrepreneur, name) for name in EDITABLE]
    rows = conn.execute(select(Entrepreneur.id, *columns))
    return {row.code: dict(row._mapping) for row in rows}


def _commission(row: CsvRow, checker: RowChecker) -> int | None:
    if row.get("commission_bp"):
        return checker.check(
            "commission_bp",
            lambda t: entrepreneur_cleaners()["commission_bp"](parse_int(t, "commission_bp")),
        )
    return checker.check("commission_percent", parse_percent_to_bp)


def _row_values(row: CsvRow, checker: RowChecker, districts: dict[str, int]) -> dict[str, Any]:
    clean = entrepreneur_cleaners()
    values: dict[str, Any] = {
        name: checker.check(name, clean[name])
        for name in ("code", "name_th", "name_en", "tambon", "phone", "promptpay_id")
    }
    district = districts.get(row.get("district_code").lower())
    if district is None:
        checker.fail("district_code", f"unknown district {row.get('district_code')!r}")
    values["district_id"] = district
    values["commission_bp"] = _commission(row, checker)
    values["star_rating"] = checker.check(
        "star_rating", lambda t: clean["star_rating"](parse_int(t, "star_rating"))
    )
    values["active"] = checker.check("active", lambda t: parse_bool(t, "active"))
    return values


def _plan(conn: Connection, raw: bytes) -> _Plan:
    rows, errors = read_rows(raw, REQUIRED, any_of=[COMMISSION])
    districts = _district_lookup(conn)
    existing = _existing(conn)
    seen: dict[str, int] = {}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    accounts: dict[str, BankAccount] = {}
    for row in rows:
        checker = RowChecker(row, errors)
        values = _row_values(row, checker, districts)
        account = _bank_account(row, checker)
        code = values["code"]
        if code is not None and code in seen:
            checker.fail("code", f"code {code} is also on line {seen[code]}")
        elif code is not None:
            seen[code] = row.line
        if checker.failed:
            continue
        if account is not None:
            accounts[code] = account
        if code in existing:
            updates.append({**values, "entrepreneur_id": existing[code]["id"]})
        else:
            inserts.append(values)
    preview = ImportPreview("entrepreneurs", len(rows), len(inserts), len(updates), sorted(errors))
    old = {v["id"]: v for v in existing.values()}
    return _Plan(preview, inserts, updates, old, accounts)


def _bank_account(row: CsvRow, checker: RowChecker) -> BankAccount | None:
    """The row's bank account, None when its three cells are empty (or absent)."""
    cells = [row.get(column) for column in BANK_COLUMNS.values()]
    if not any(cells):
        return None
    try:
        return check_bank_account(*cells)
    except DomainError as error:
        checker.fail(BANK_COLUMNS.get(error.field or "", "bank_code"), error.message)
        return None


def preview_entrepreneurs(conn: Connection, raw: bytes) -> ImportPreview:
    """What importing ``raw`` would do; every bad row with its line, field and reason."""
    return _plan(conn, raw).preview


def plan_entrepreneur_import(
    conn: Connection, actor: Actor, now: datetime, raw: bytes
) -> ImportJob:
    """Check every row (``InvalidInputError`` listing every bad one: nothing is written) and
    plan the write: one chunk (the province has a few thousand entrepreneurs). Reads only."""
    actor.require(MANAGERS, "import entrepreneurs")
    plan = _plan(conn, raw)
    refuse_if_bad(plan.preview)
    result = ImportResult(
        "entrepreneurs", plan.preview.rows_total, len(plan.inserts), len(plan.updates)
    )
    return ImportJob(result, (lambda c: _write(c, actor, now, plan),))


def import_entrepreneurs(conn: Connection, actor: Actor, now: datetime, raw: bytes) -> ImportResult:
    """Create or update every row in the caller's transaction, or nothing if any row is bad."""
    return plan_entrepreneur_import(conn, actor, now, raw).run_in(conn)


def _write(conn: Connection, actor: Actor, now: datetime, plan: _Plan) -> None:
    for start in range(0, len(plan.inserts), BATCH):
        batch = plan.inserts[start : start + BATCH]
        conn.execute(
            insert(Entrepreneur), [{**v, "created_at": now, "updated_at": now} for v in batch]
        )
    settable = [name for name in EDITABLE if name != "code"]
    statement = (
        update(Entrepreneur)
        .where(Entrepreneur.id == bindparam("entrepreneur_id"))
        .values({**{name: bindparam(f"new_{name}") for name in settable}, "updated_at": now})
    )
    # SQLAlchemy reserves a column's own name for its bind parameter, hence the new_ prefix.
    params = [
        {"entrepreneur_id": v["entrepreneur_id"], **{f"new_{k}": v[k] for k in settable}}
        for v in plan.updates
    ]
    for start in range(0, len(params), BATCH):
        conn.execute(statement, params[start : start + BATCH])
    _write_accounts(conn, actor, now, plan.accounts)
    _audit_rows(conn, actor, now, plan)
    audit.record(
        conn,
        actor,
        CatalogueEvent.ENTREPRENEURS_IMPORTED,
        "entrepreneur",
        None,
        now,
        created=len(plan.inserts),
        updated=len(plan.updates),
    )


def _audit_rows(conn: Connection, actor: Actor, now: datetime, plan: _Plan) -> None:
    ids = {code: i for code, i in conn.execute(select(Entrepreneur.code, Entrepreneur.id))}
    entries = [
        audit_row(
            actor,
            now,
            "entrepreneur_created",
            "entrepreneur",
            ids.get(v["code"]),
            {"source": "csv", **v},
        )
        for v in plan.inserts
    ]
    for v in plan.updates:
        old = plan.old[v["entrepreneur_id"]]
        diff = {k: [old[k], v[k]] for k in EDITABLE if old[k] != v[k]}
        if diff:
            entries.append(
                audit_row(
                    actor,
                    now,
                    "entrepreneur_updated",
                    "entrepreneur",
                    v["entrepreneur_id"],
                    {"source": "csv", "changes": diff},
                )
            )
    for start in range(0, len(entries), BATCH):
        conn.execute(insert(AuditEntry), entries[start : start + BATCH])


def _write_accounts(
    conn: Connection, actor: Actor, now: datetime, accounts: dict[str, BankAccount]
) -> None:
    """Set the bank accounts the file gives (new or changed ones only), each audited."""
    if not accounts:
        return
    ids = {code: i for code, i in conn.execute(select(Entrepreneur.code, Entrepreneur.id))}
    table = EntrepreneurBankAccount
    on_file = {
        e: BankAccount(bank, number, name)
        for e, bank, number, name in conn.execute(
            select(table.entrepreneur_id, table.bank_code, table.account_number, table.account_name)
        )
    }
    changed = {ids[code]: a for code, a in accounts.items() if on_file.get(ids[code]) != a}
    if not changed:
        return
    changed_ids = list(changed)
    for start in range(0, len(changed_ids), BATCH):
        conn.execute(
            delete(table).where(table.entrepreneur_id.in_(changed_ids[start : start + BATCH]))
        )
    rows = [
        {
            "entrepreneur_id": e,
            "bank_code": a.bank_code,
            "account_number": a.account_number,
            "account_name": a.account_name,
            "updated_at": now,
            "updated_by": actor.user_id,
        }
        for e, a in changed.items()
    ]
    entries = [
        audit_row(
            actor,
            now,
            CatalogueEvent.BANK_ACCOUNT_SET.value,
            "entrepreneur",
            e,
            {
                "source": "csv",
                "before": None if e not in on_file else _said(on_file[e]),
                "after": _said(a),
            },
        )
        for e, a in changed.items()
    ]
    for start in range(0, len(rows), BATCH):
        conn.execute(insert(table), rows[start : start + BATCH])
        conn.execute(insert(AuditEntry), entries[start : start + BATCH])


def _said(account: BankAccount) -> dict[str, str]:
    return {
        "bank_code": account.bank_code,
        "account_number": account.account_number,
        "account_name": account.account_name,
    }
