"""Creating the accounts of 500 entrepreneurs is one transaction: all of them with their codes
and audit entries, or, when anything fails on the way, none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kernel.access import SYSTEM, Role
from kernel.audit import AuditEntry
from kernel.clock import FixedClock
from kernel.db.engine import Database
from kernel.errors import ConflictError
from tests import factories
from web.accounts import administration, codes
from web.accounts.users import NewPassword, User, UserEvent, create_user

ADMIN = SYSTEM


def _entrepreneurs(db: Database, count: int) -> None:
    with db.write() as conn:
        district = factories.district(conn)
        for i in range(count):
            factories.entrepreneur(conn, district, code=f"B{i:04d}", name_th=f"กลุ่ม {i}")


def _counts(db: Database) -> tuple[int, int]:
    with db.read() as conn:
        users = conn.execute(select(func.count()).select_from(User)).scalar_one()
        audited = conn.execute(
            select(func.count()).where(AuditEntry.action == UserEvent.USER_CREATED.value)
        ).scalar_one()
    return users, audited


def test_500_accounts_are_created_in_one_go(db: Database, clock: FixedClock) -> None:
    _entrepreneurs(db, 500)
    with db.read() as conn:
        chosen = administration.choose_entrepreneurs(conn, all_without_account=True)
    assert len(chosen) == 500
    issued = codes.issue_many(len(chosen), clock.now(), codes.NEW_ACCOUNT_DAYS)
    with db.write() as conn:
        slips = administration.create_entrepreneur_accounts(
            conn, ADMIN, chosen, issued, clock.now()
        )
    assert len(slips) == 500 and len({s.code for s in slips}) == 500
    assert _counts(db) == (500, 500)
    with db.read() as conn:
        stored = conn.execute(
            select(User.username, User.sign_in_code_hash, User.sign_in_code_expires_at).where(
                User.username == "ent-b0042"
            )
        ).one()
    slip = next(s for s in slips if s.username == "ent-b0042")
    assert codes.code_matches(stored.sign_in_code_hash, slip.code)
    assert not codes.code_matches(stored.sign_in_code_hash, slips[0].code)
    assert stored.sign_in_code_expires_at == clock.now() + timedelta(days=30)
    with db.read() as conn:  # all have accounts now: none is chosen again
        assert administration.choose_entrepreneurs(conn, all_without_account=True) == []


def test_a_failure_after_400_of_500_leaves_no_account(
    db: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _entrepreneurs(db, 500)
    with db.read() as conn:
        chosen = administration.choose_entrepreneurs(conn, all_without_account=True)
    issued = codes.issue_many(len(chosen), clock.now(), codes.NEW_ACCOUNT_DAYS)

    def failing(conn: object, entries: list[object]) -> None:
        raise RuntimeError("the disk is full")  # after every user row is inserted

    monkeypatch.setattr(administration.audit, "record_many", failing)
    with pytest.raises(RuntimeError), db.write() as conn:
        administration.create_entrepreneur_accounts(conn, ADMIN, chosen, issued, clock.now())
    assert _counts(db) == (0, 0)


def test_an_account_made_meanwhile_refuses_the_whole_batch(db: Database, clock: FixedClock) -> None:
    """Between the choice and the write, one entrepreneur got an account: nothing is made."""
    _entrepreneurs(db, 500)
    with db.read() as conn:
        chosen = administration.choose_entrepreneurs(conn, all_without_account=True)
    with db.write() as conn:
        create_user(
            conn,
            ADMIN,
            username="ent-b0400",
            password=NewPassword(codes.NO_PASSWORD),
            role=Role.ENTREPRENEUR,
            now=clock.now(),
            entrepreneur_id=chosen[400].entrepreneur_id,
        )
    issued = codes.issue_many(len(chosen), clock.now(), codes.NEW_ACCOUNT_DAYS)
    with pytest.raises(ConflictError) as refused, db.write() as conn:
        administration.create_entrepreneur_accounts(conn, ADMIN, chosen, issued, clock.now())
    assert refused.value.code == "user.bulk_taken" and "ent-b0400" in str(refused.value.params)
    assert _counts(db) == (1, 1)
