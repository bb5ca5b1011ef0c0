"""The journal of the bulk history: entries built by payments.ledger.rules (balanced, or they
raise), stored as payments.ledger.postings stores them, with the running totals of the
entrepreneurs' accounts (ledger_account_totals) summed on the way and written at the end."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import delete

from bench.bulk_rows import Rows
from kernel.db.bulk import insert_rows
from payments.ledger.models import AccountTotal, JournalEntryRow, PostingRow
from payments.ledger.rules import JournalEntry, PostingRole

# A role's value, looked up once: an enum's ``.value`` costs a descriptor call a posting.
ROLE_VALUES = {role: role.value for role in PostingRole}


class Ledger:
    def __init__(self, rows: Rows, account_ids: dict[str, int]) -> None:
        self.rows = rows
        self.account_ids = account_ids
        self.totals: dict[tuple[int, str], list[int]] = {}
        self.owed: Counter[int] = Counter()  # what the centre owes each entrepreneur now
        self.postings = 0
        self.entries = 0

    def post(self, entry: JournalEntry, now: datetime, actor_id: int | None) -> int:
        entry_id = self.rows.add(
            JournalEntryRow,
            {
                "at": now,
                "kind": entry.kind.value,
                "document": entry.document,
                "reverses_entry_id": entry.reverses_entry_id,
                "actor_id": actor_id,
            },
        )
        for posting in entry.postings:
            account_id = self.account_ids[posting.account]
            entrepreneur_id = posting.entrepreneur_id
            self.rows.add(
                PostingRow,
                {
                    "entry_id": entry_id,
                    "account_id": account_id,
                    "amount_satang": posting.amount_satang,
                    "entrepreneur_id": entrepreneur_id,
                    "role": ROLE_VALUES[posting.role],
                },
            )
            if entrepreneur_id is not None:
                total = self.totals.setdefault((account_id, ROLE_VALUES[posting.role]), [0, 0])
                total[0] += posting.amount_satang
                total[1] += 1
                self.owed[entrepreneur_id] -= posting.amount_satang
        self.postings += len(entry.postings)
        self.entries += 1
        return entry_id

    def write_totals(self) -> None:
        """The running totals, as post_entries would have left them."""
        conn = self.rows.conn
        conn.execute(delete(AccountTotal))
        rows = [
            {"account_id": account, "role": role, "total_satang": total, "postings": count}
            for (account, role), (total, count) in sorted(self.totals.items())
        ]
        for start in range(0, len(rows), 10_000):
            insert_rows(conn, AccountTotal, rows[start : start + 10_000])
