"""kernel.db.bulk: many rows in one statement store what SQLAlchemy's own INSERT stores; writes
held back by sent_together arrive (in order) or fail as SQLAlchemy errors, nothing half-written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from kernel import audit
from kernel.access import SYSTEM
from kernel.db.bulk import insert_rows, sent_together
from kernel.db.engine import Database

AT = datetime(2026, 11, 21, 3, 0, 0, 123456, tzinfo=UTC)


# Text that PostgreSQL's array syntax (which insert_rows writes on PostgreSQL) gives meaning to.
AWKWARD = ['say "hi"', "back\\slash", "a,b", "{braces}", "NULL", "", " spaced ", "ผ้าไหม"]


def _rows(n: int, actor_id: int | None = None) -> list[dict[str, object]]:
    return [
        {
            "at": AT + timedelta(seconds=i),
            "actor_id": actor_id,
            "actor_name": f"bulk-{i}",
            "action": "bulk_test",
            "entity": AWKWARD[i % len(AWKWARD)],
            "entity_id": None if i == 1 else str(i),
            "detail": {"n": i, "thai": "ผ้าไหม", "nested": [1, None, "x"], "quote": 'a "b" \\c'},
        }
        for i in range(n)
    ]


def _stored(conn: Connection) -> list[tuple[object, ...]]:
    columns = (
        audit.AuditEntry.at,
        audit.AuditEntry.actor_id,
        audit.AuditEntry.actor_name,
        audit.AuditEntry.action,
        audit.AuditEntry.entity,
        audit.AuditEntry.entity_id,
        audit.AuditEntry.detail,
    )
    query = select(*columns).where(audit.AuditEntry.action == "bulk_test")
    return [tuple(row) for row in conn.execute(query.order_by(audit.AuditEntry.id))]


def test_insert_rows_stores_what_sqlalchemy_stores_and_returns_the_asked_columns(
    db: Database,
) -> None:
    rows = _rows(len(AWKWARD))
    with db.write() as conn:
        returned = insert_rows(conn, audit.AuditEntry, rows, ("actor_name", "id", "at"))
    with db.write() as conn:  # the same rows again, through SQLAlchemy's own INSERT
        conn.execute(insert(audit.AuditEntry), _rows(len(AWKWARD)))
    with db.read() as conn:
        stored = _stored(conn)
    assert stored[: len(AWKWARD)] == stored[len(AWKWARD) :]
    assert [row[4] for row in stored[: len(AWKWARD)]] == AWKWARD
    assert [row[0] for row in stored[:3]] == [
        AT,
        AT + timedelta(seconds=1),
        AT + timedelta(seconds=2),
    ]
    assert stored[1][5] is None and stored[0][6] == {
        "n": 0,
        "thai": "ผ้าไหม",
        "nested": [1, None, "x"],
        "quote": 'a "b" \\c',
    }
    assert sorted((name, at) for name, _, at in returned) == sorted(
        (f"bulk-{i}", AT + timedelta(seconds=i)) for i in range(len(AWKWARD))
    )
    assert all(isinstance(entry_id, int) for _, entry_id, _ in returned)


def test_writes_sent_together_arrive_in_order_when_the_block_ends(db: Database) -> None:
    with db.write() as conn:
        with sent_together(conn):
            insert_rows(conn, audit.AuditEntry, _rows(2))
            audit.record_many(conn, _rows(3)[2:])
        assert [row[2] for row in _stored(conn)] == ["bulk-0", "bulk-1", "bulk-2"]


def test_a_failing_write_sent_together_raises_as_sqlalchemy_does_and_nothing_is_written(
    db: Database,
) -> None:
    with pytest.raises(IntegrityError), db.write() as conn, sent_together(conn):
        audit.record(conn, SYSTEM, "bulk_test", "thing", 1, AT)
        insert_rows(conn, audit.AuditEntry, _rows(2, actor_id=987_654_321))  # no such user
    with db.read() as conn:
        count = conn.execute(
            select(func.count()).where(audit.AuditEntry.action == "bulk_test")
        ).scalar_one()
    assert count == 0


def test_many_rows_come_back_each_once_across_the_statements_they_take(db: Database) -> None:
    rows = _rows(450)  # SQLite: RETURNING goes 200 rows a statement
    with db.write() as conn:
        returned = insert_rows(conn, audit.AuditEntry, rows, ("actor_name", "id"))
        stored = dict(conn.execute(select(audit.AuditEntry.actor_name, audit.AuditEntry.id)).all())
    assert sorted(returned) == sorted(stored.items())
    assert len({entry_id for _, entry_id in returned}) == 450
