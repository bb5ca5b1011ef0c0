"""Posting journal entries and reading balances, in the caller's transaction.

Entries are built and checked (sum zero) by payments.ledger.rules; here they are stored.
Accounts are created on first use. No entry or posting is ever updated or deleted: a
correction is a new entry (:func:`reverse_entry`). Postings on entrepreneurs' accounts are also
added to their running totals (:class:`~payments.ledger.models.AccountTotal`) in the same
transaction, so that a balance costs the same after ten years as after one day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, bindparam, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from kernel.access import Actor
from kernel.db.bulk import insert_rows
from kernel.errors import ConflictError, NotFoundError
from payments.ledger.models import AccountTotal, JournalEntryRow, LedgerAccount, PostingRow
from payments.ledger.rules import (
    EntryKind,
    JournalEntry,
    Posting,
    PostingRole,
    account_entrepreneur,
    account_kind,
    reverse,
)


def account_ids(conn: Connection, codes: list[str]) -> dict[str, int]:
    """The ids of the accounts, creating any that do not exist yet (safe under concurrency)."""
    wanted = sorted(set(codes))
    found = _read_ids(conn, wanted)
    missing = [code for code in wanted if code not in found]
    if missing:
        conn.execute(
            _INSERT_ACCOUNTS[conn.dialect.name == "postgresql"],
            [
                {
                    "code": code,
                    "kind": account_kind(code).value,
                    "entrepreneur_id": account_entrepreneur(code),
                }
                for code in missing
            ],
        )
        found.update(_read_ids(conn, missing))
    return found


_IDS = select(LedgerAccount.code, LedgerAccount.id).where(
    LedgerAccount.code.in_(bindparam("codes", expanding=True))
)
_INSERT_ENTRIES_IN_ORDER = insert(JournalEntryRow).returning(
    JournalEntryRow.id, sort_by_parameter_order=True
)
# Creating accounts on first use (a concurrent creator's row is kept): SQLite, PostgreSQL.
_INSERT_ACCOUNTS = (
    sqlite.insert(LedgerAccount).on_conflict_do_nothing(index_elements=["code"]),
    postgresql.insert(LedgerAccount).on_conflict_do_nothing(index_elements=["code"]),
)


def _read_ids(conn: Connection, codes: list[str]) -> dict[str, int]:
    rows = conn.execute(_IDS, {"codes": codes})
    return {code: account_id for code, account_id in rows}


def post_entry(conn: Connection, actor: Actor, now: datetime, entry: JournalEntry) -> int:
    """Store a (balanced) entry and its postings; returns the entry's id."""
    return post_entries(conn, [(actor, now, entry)])[0]


def post_entries(
    conn: Connection, entries: Sequence[tuple[Actor, datetime, JournalEntry]]
) -> list[int]:
    """Store several (balanced) entries and their postings, a statement per table for all of
    them (the till's batches); returns the entries' ids in order."""
    if not entries:
        return []
    ids = account_ids(conn, [p.account for _, _, entry in entries for p in entry.postings])
    rows = [
        {
            "at": now,
            "kind": entry.kind.value,
            "document": entry.document,
            "reverses_entry_id": entry.reverses_entry_id,
            "actor_id": actor.user_id,
        }
        for actor, now, entry in entries
    ]
    documents = [entry.document for _, _, entry in entries]
    if len(set(documents)) == len(documents):
        # One statement; the rows come back matched by their (distinct) documents.
        by_document = dict(insert_rows(conn, JournalEntryRow, rows, ("document", "id")))
        entry_ids = [int(by_document[document]) for document in documents]
    else:
        entry_ids = [int(i) for i in conn.execute(_INSERT_ENTRIES_IN_ORDER, rows).scalars()]
    postings = [
        {
            "entry_id": entry_id,
            "account_id": ids[p.account],
            "amount_satang": p.amount_satang,
            "entrepreneur_id": p.entrepreneur_id,
            "role": p.role.value,
        }
        for entry_id, (_, _, entry) in zip(entry_ids, entries, strict=True)
        for p in entry.postings
    ]
    insert_rows(conn, PostingRow, postings)
    _add_to_totals(conn, postings)
    return entry_ids


def _add_to_totals(conn: Connection, postings: list[dict[str, Any]]) -> None:
    """Add the postings on entrepreneurs' accounts to their running totals, one upsert for
    all, in key order (two transactions lock the rows they share in the same order)."""
    sums: dict[tuple[int, str], list[int]] = {}
    for p in postings:
        if p["entrepreneur_id"] is not None:
            total = sums.setdefault((p["account_id"], p["role"]), [0, 0])
            total[0] += p["amount_satang"]
            total[1] += 1
    if not sums:
        return
    rows = [
        {"account_id": account, "role": role, "total_satang": total, "postings": count}
        for (account, role), (total, count) in sorted(sums.items())
    ]
    conn.execute(_ADD_TO_TOTALS[conn.dialect.name == "postgresql"], rows)


def _upsert_totals(statement: Any) -> Any:
    return statement.on_conflict_do_update(
        index_elements=["account_id", "role"],
        set_={
            "total_satang": AccountTotal.total_satang + statement.excluded.total_satang,
            "postings": AccountTotal.postings + statement.excluded.postings,
        },
    )


_ADD_TO_TOTALS = (
    _upsert_totals(sqlite.insert(AccountTotal)),
    _upsert_totals(postgresql.insert(AccountTotal)),
)


def load_entry(conn: Connection, entry_id: int) -> JournalEntry:
    row = (
        conn.execute(select(JournalEntryRow).where(JournalEntryRow.id == entry_id))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(
            "ledger.entry_not_found",
            "ไม่พบรายการบัญชี id {entry_id}",
            field="entry_id",
            entry_id=entry_id,
        )
    postings = conn.execute(
        select(LedgerAccount.code, PostingRow.amount_satang, PostingRow.role)
        .join(LedgerAccount, LedgerAccount.id == PostingRow.account_id)
        .where(PostingRow.entry_id == entry_id)
        .order_by(PostingRow.id)
    )
    return JournalEntry(
        EntryKind(row["kind"]),
        row["document"],
        tuple(Posting(code, amount, PostingRole(role)) for code, amount, role in postings),
        reverses_entry_id=row["reverses_entry_id"],
    )


def reverse_entry(
    conn: Connection, actor: Actor, now: datetime, entry_id: int, *, document: str = ""
) -> int:
    """Post the mirror of an entry (once: a second reversal of the same entry is refused)."""
    already = conn.execute(
        select(JournalEntryRow.id).where(JournalEntryRow.reverses_entry_id == entry_id)
    ).first()
    if already is not None:
        raise ConflictError(
            "ledger.entry_reversed",
            "รายการบัญชี id {entry_id} ถูกกลับรายการไปแล้ว",
            field="entry_id",
            entry_id=entry_id,
        )
    original = load_entry(conn, entry_id)
    return post_entry(conn, actor, now, reverse(original, entry_id=entry_id, document=document))


def entries_for_document(conn: Connection, document: str) -> list[int]:
    return list(
        conn.execute(
            select(JournalEntryRow.id)
            .where(JournalEntryRow.document == document)
            .order_by(JournalEntryRow.id)
        ).scalars()
    )


def balance(conn: Connection, account_code: str) -> int:
    """The sum of an account's postings (debit positive; a payable's balance reads negative)."""
    value = conn.execute(
        select(func.coalesce(func.sum(PostingRow.amount_satang), 0))
        .join(LedgerAccount, LedgerAccount.id == PostingRow.account_id)
        .where(LedgerAccount.code == account_code)
    ).scalar_one()
    return int(value)


def on_entrepreneurs_accounts(entrepreneur_id: int | BindParameter[int]) -> ColumnElement[bool]:
    """Postings on an entrepreneur's accounts, found through the postings' account index.

    The same postings as those whose ``entrepreneur_id`` (denormalised from the account) is
    the entrepreneur's (``otop-pos check`` holds the two to agree); that column has no index
    of its own: each sale line wrote two keys at random places into it (measured: ~26 of a
    batch's ~235 page writes; the writer's CPU a sale 6% lower over seven alternating runs)."""
    return PostingRow.account_id.in_(
        select(LedgerAccount.id).where(LedgerAccount.entrepreneur_id == entrepreneur_id)
    )


def entrepreneur_balance(conn: Connection, entrepreneur_id: int) -> int:
    """What the centre owes an entrepreneur (positive), from the running totals."""
    value = conn.execute(
        select(func.coalesce(func.sum(AccountTotal.total_satang), 0)).where(
            on_entrepreneurs_totals(entrepreneur_id)
        )
    ).scalar_one()
    return -int(value)


def on_entrepreneurs_totals(entrepreneur_id: int | BindParameter[int]) -> ColumnElement[bool]:
    """The running totals of an entrepreneur's accounts (:class:`AccountTotal`)."""
    return AccountTotal.account_id.in_(
        select(LedgerAccount.id).where(LedgerAccount.entrepreneur_id == entrepreneur_id)
    )


def unbalanced_entries(conn: Connection) -> list[int]:
    """Entries whose stored postings do not sum to zero (for ``otop-pos check``)."""
    return list(
        conn.execute(
            select(PostingRow.entry_id)
            .group_by(PostingRow.entry_id)
            .having(func.sum(PostingRow.amount_satang) != 0)
        ).scalars()
    )
