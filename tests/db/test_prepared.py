"""kernel.prepared: a statement run on SQLite's driver reads and writes what SQLAlchemy's own
execution does (expanding IN of any size, bind and result types, the statement's own
constants), in the caller's transaction, and fails as SQLAlchemy fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from kernel.audit import AuditEntry
from kernel.db import Database, Sequence, UTCDateTime
from kernel.prepared import Prepared

AT = datetime(2026, 11, 21, 3, 0, 0, 123456, tzinfo=UTC)

_ENTRIES = (
    select(AuditEntry.action, AuditEntry.at, AuditEntry.detail)
    .where(
        AuditEntry.at >= bindparam("since", type_=UTCDateTime()),
        AuditEntry.action.in_(bindparam("actions", expanding=True)),
        AuditEntry.entity == "thing",  # a constant the statement carries
    )
    .order_by(AuditEntry.id)
)
ENTRIES = Prepared(_ENTRIES)
BUMP = Prepared(
    update(Sequence)
    .where(Sequence.name == bindparam("seq_name"))
    .values(last_value=Sequence.last_value + bindparam("n"))
)
RENAME = Prepared(
    update(Sequence).where(Sequence.name == bindparam("old")).values(name=bindparam("new"))
)


def _audit_rows() -> list[dict[str, object]]:
    return [
        {"at": AT + timedelta(minutes=i), "actor_id": None, "actor_name": "t",
         "action": f"act-{i % 3}", "entity": "thing" if i != 4 else "other", "entity_id": None,
         "detail": {"i": i, "thai": "ผ้าไหม"}}
        for i in range(8)
    ]  # fmt: skip


@pytest.mark.parametrize(
    "actions", [[], ["act-1"], ["act-0", "act-2"], ["act-0", "act-1", "act-2"]]
)
def test_rows_are_what_sqlalchemy_reads_for_any_number_of_values(
    db: Database, actions: list[str]
) -> None:
    with db.write() as conn:
        conn.execute(insert(AuditEntry), _audit_rows())
    params = {"since": AT + timedelta(minutes=1), "actions": actions}
    with db.read() as conn:
        prepared = ENTRIES.rows(conn, params)
        expected = [tuple(row) for row in conn.execute(_ENTRIES, params)]
    assert prepared == expected
    assert len(prepared) == sum(1 for i in range(1, 8) if i != 4 and f"act-{i % 3}" in actions)
    if prepared:  # typed as SQLAlchemy types them: aware datetimes, decoded JSON
        _, at, detail = prepared[0]
        assert at.tzinfo is not None and detail["thai"] == "ผ้าไหม"


def test_run_many_writes_in_the_callers_transaction_and_rolls_back_with_it(db: Database) -> None:
    with db.write() as conn:
        conn.execute(
            insert(Sequence), [{"name": "a", "last_value": 1}, {"name": "b", "last_value": 10}]
        )
    with db.write() as conn:
        BUMP.run_many(conn, [{"seq_name": "a", "n": 2}, {"seq_name": "b", "n": 5}])
        seen = dict(conn.execute(select(Sequence.name, Sequence.last_value)).all())
    assert seen == {"a": 3, "b": 15}
    with pytest.raises(RuntimeError), db.write() as conn:
        BUMP.run_many(conn, [{"seq_name": "a", "n": 100}])
        raise RuntimeError("the rest of the transaction failed")
    with db.read() as conn:
        assert dict(conn.execute(select(Sequence.name, Sequence.last_value)).all()) == seen


def test_a_broken_constraint_raises_sqlalchemys_integrity_error(db: Database) -> None:
    with db.write() as conn:
        conn.execute(
            insert(Sequence), [{"name": "a", "last_value": 1}, {"name": "b", "last_value": 1}]
        )
    with pytest.raises(IntegrityError), db.write() as conn:
        RENAME.run_many(conn, [{"old": "a", "new": "b"}])
    with db.read() as conn:
        assert sorted(conn.execute(select(Sequence.name)).scalars()) == ["a", "b"]
