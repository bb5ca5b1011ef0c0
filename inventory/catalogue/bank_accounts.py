"""Entrepreneurs' bank accounts, stored: read, set (new or changed) and removed by managers,
each change audited with the account as it was and as it became. The rules are
inventory.catalogue.bank_rules'."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from inventory.bank_account_models import EntrepreneurBankAccount
from inventory.catalogue.bank_rules import BankAccount, check_bank_account, shown_number
from inventory.catalogue.entrepreneurs import get_entrepreneur
from inventory.catalogue.events import CatalogueEvent
from kernel import audit
from kernel.access import MANAGERS, Actor

_COLUMNS = (
    EntrepreneurBankAccount.entrepreneur_id,
    EntrepreneurBankAccount.bank_code,
    EntrepreneurBankAccount.account_number,
    EntrepreneurBankAccount.account_name,
)


@dataclass(frozen=True, slots=True)
class StoredBankAccount:
    entrepreneur_id: int
    account: BankAccount
    updated_at: datetime

    @property
    def shown(self) -> str:
        return shown_number(self.account)


def bank_account_of(
    conn: Connection, actor: Actor, entrepreneur_id: int
) -> StoredBankAccount | None:
    """The entrepreneur's account, or None (managers; 404 for an unknown entrepreneur)."""
    actor.require(MANAGERS, "see bank accounts")
    get_entrepreneur(conn, actor, entrepreneur_id)
    row = conn.execute(
        select(*_COLUMNS, EntrepreneurBankAccount.updated_at).where(
            EntrepreneurBankAccount.entrepreneur_id == entrepreneur_id
        )
    ).first()
    if row is None:
        return None
    return StoredBankAccount(row[0], BankAccount(row[1], row[2], row[3]), row[4])


def bank_accounts_of(conn: Connection, entrepreneur_ids: Iterable[int]) -> dict[int, BankAccount]:
    """The accounts of many entrepreneurs at once (the caller has checked access)."""
    ids = list(entrepreneur_ids)
    found: dict[int, BankAccount] = {}
    for start in range(0, len(ids), 900):  # SQLite's bound-parameter limit
        chunk = ids[start : start + 900]
        for e, bank, number, name in conn.execute(
            select(*_COLUMNS).where(EntrepreneurBankAccount.entrepreneur_id.in_(chunk))
        ):
            found[e] = BankAccount(bank, number, name)
    return found


def set_bank_account(
    conn: Connection,
    actor: Actor,
    now: datetime,
    entrepreneur_id: int,
    *,
    bank: object,
    account_number: object,
    account_name: object,
) -> StoredBankAccount:
    """Check and store the account (replacing the one before); audited."""
    actor.require(MANAGERS, "change bank accounts")
    account = check_bank_account(bank, account_number, account_name)
    before = bank_account_of(conn, actor, entrepreneur_id)
    values = {
        "bank_code": account.bank_code,
        "account_number": account.account_number,
        "account_name": account.account_name,
        "updated_at": now,
        "updated_by": actor.user_id,
    }
    if before is None:
        conn.execute(
            insert(EntrepreneurBankAccount), {"entrepreneur_id": entrepreneur_id, **values}
        )
    elif before.account == account:
        return before
    else:
        conn.execute(
            update(EntrepreneurBankAccount)
            .where(EntrepreneurBankAccount.entrepreneur_id == entrepreneur_id)
            .values(**values)
        )
    audit.record(
        conn,
        actor,
        CatalogueEvent.BANK_ACCOUNT_SET,
        "entrepreneur",
        entrepreneur_id,
        now,
        before=None if before is None else _said(before.account),
        after=_said(account),
    )
    return StoredBankAccount(entrepreneur_id, account, now)


def remove_bank_account(
    conn: Connection, actor: Actor, now: datetime, entrepreneur_id: int
) -> None:
    """Forget the account: the entrepreneur is paid by PromptPay QR again. Audited."""
    actor.require(MANAGERS, "change bank accounts")
    before = bank_account_of(conn, actor, entrepreneur_id)
    if before is None:
        return
    conn.execute(
        delete(EntrepreneurBankAccount).where(
            EntrepreneurBankAccount.entrepreneur_id == entrepreneur_id
        )
    )
    audit.record(
        conn,
        actor,
        CatalogueEvent.BANK_ACCOUNT_REMOVED,
        "entrepreneur",
        entrepreneur_id,
        now,
        before=_said(before.account),
    )


def _said(account: BankAccount) -> dict[str, str]:
    return {
        "bank_code": account.bank_code,
        "account_number": account.account_number,
        "account_name": account.account_name,
    }
