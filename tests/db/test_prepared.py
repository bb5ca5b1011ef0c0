"""kernel.prepared: a statement run on SQLite's driver reads and writes what SQLAlchemy's own
execution does (expanding IN of any size, bind and result types, the statement's own
constants), in the caller's transaction, and fails as SQLAlchemy fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

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


def test_lists_of_any_length_share_a_few_texts_and_read_what_sqlalchemy_reads(
    db: Database,
) -> None:
    statement = select(Sequence.name).where(Sequence.name.in_(bindparam("names", expanding=True)))
    prepared = Prepared(statement.order_by(Sequence.name))
    with db.write() as conn:
        conn.execute(insert(Sequence), [{"name": f"s{i:03d}", "last_value": i} for i in range(300)])
    lengths = (*range(1, 41), 100, 257, 300)
    with db.read() as conn:
        for length in lengths:
            names = [f"s{i:03d}" for i in range(0, 2 * length, 2)]  # half of them exist
            assert prepared.rows(conn, {"names": names}) == [
                tuple(row)
                for row in conn.execute(statement.order_by(Sequence.name), {"names": names})
            ], length
    if db.dialect == "sqlite":  # one text per power of two at or above a length: 1, 2 ... 512
        assert len(prepared._forms) == len({1 << (n - 1).bit_length() for n in lengths}) == 9


def test_a_parameter_with_a_default_takes_the_value_given_on_any_call(db: Database) -> None:
    above = Prepared(
        select(Sequence.name)
        .where(Sequence.last_value > bindparam("lo", value=0))
        .order_by(Sequence.name)
    )
    with db.write() as conn:
        conn.execute(
            insert(Sequence), [{"name": "a", "last_value": 1}, {"name": "b", "last_value": 5}]
        )
    with db.read() as conn:
        assert above.rows(conn, {}) == [("a",), ("b",)]
        assert above.rows(conn, {"lo": 3}) == [("b",)]


def test_misuse_is_refused_with_a_clear_error(db: Database) -> None:
    literal_list = Prepared(select(Sequence.name).where(Sequence.name.in_(["a", "b"])))
    expanding_update = Prepared(
        update(Sequence)
        .where(Sequence.name.in_(bindparam("names", expanding=True)))
        .values(last_value=0)
    )
    with db.write() as conn:
        if db.dialect == "sqlite":
            with pytest.raises(ValueError, match="literal IN list"):
                literal_list.rows(conn, {})
            with pytest.raises(ValueError, match="expanding"):
                expanding_update.run_many(conn, [{"names": ["a"]}, {"names": ["b", "c"]}])
        with pytest.raises(SQLAlchemyError, match="A value is required for bind parameter 'n'"):
            BUMP.rows(conn, {"seq_name": "a"})


def test_a_write_without_a_transaction_begins_one_that_rolls_back(db: Database) -> None:
    with db.write() as conn:
        conn.execute(insert(Sequence), [{"name": "a", "last_value": 1}])
    with db.engine.connect() as conn:  # no begin(): the first statement begins one
        BUMP.run_many(conn, [{"seq_name": "a", "n": 5}])
        assert BUMP.rows(conn, {"seq_name": "a", "n": 1}) == []  # an UPDATE returns no rows
        conn.rollback()
    with db.read() as conn:
        assert conn.execute(select(Sequence.last_value)).scalar_one() == 1
