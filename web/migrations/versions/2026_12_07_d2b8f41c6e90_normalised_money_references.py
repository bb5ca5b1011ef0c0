"""slips and payout bank references are unique however they are spelled

A slip's identity (sending bank, transaction reference) and a payout's bank reference were
unique only as spelled: ``004:abc 123`` and ``4:ABC123`` were two slips. Each table gains a
column with the normalised form under a UNIQUE constraint (so a race between two workers
cannot use one twice either), filled here for the rows already stored. A duplicate the old
rule let through (an older row already holds the key) keeps its spelling and a NULL key: it
happened, and the later use stays visible on its own row; only new uses are refused.

The normalisation is copied here as it stands today (promptpay.slip_key and
payments.ledger.payout_models.bank_reference_key), so that this revision never changes.

Revision ID: d2b8f41c6e90
Revises: da46f59ca1c3
Create Date: 2026-12-07 05:40:00
"""

import re
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d2b8f41c6e90"
down_revision: str | None = "da46f59ca1c3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SPACING = re.compile(r"[\s\-_.]+")
_BANKS = {
    "BBL": "002", "KBANK": "004", "KBNK": "004", "KTB": "006", "TTB": "011", "TMB": "011",
    "SCB": "014", "CIMB": "022", "CIMBT": "022", "UOB": "024", "UOBT": "024", "BAY": "025",
    "KRUNGSRI": "025", "GSB": "030", "GHB": "033", "BAAC": "034", "TISCO": "067",
    "KKP": "069", "LHB": "073", "LHBANK": "073",
}


def _slip_key(slip_ref: str) -> str:
    bank, _, reference = slip_ref.partition(":")
    text = _SPACING.sub("", bank).upper()
    if text == "TRUEMONEY":
        bank = "truemoney"
    else:
        bank = f"{int(text):03d}" if text.isdecimal() else _BANKS.get(text, text)
    return f"{bank}:{_SPACING.sub('', reference).upper()}"


def _bank_reference_key(reference: str) -> str:
    return _SPACING.sub("", reference).upper()


def _fill(table: str, source: str, target: str, normalise: Callable[[str], str]) -> None:
    conn = op.get_bind()
    t = sa.table(table, sa.column("id", sa.Integer), sa.column(source), sa.column(target))
    rows = conn.execute(
        sa.select(t.c.id, t.c[source]).where(t.c[source].is_not(None)).order_by(t.c.id)
    ).all()
    seen: set[str] = set()
    for row_id, value in rows:
        key = normalise(value)
        if key in seen:
            continue  # an older row holds it: this one keeps a NULL key (see above)
        seen.add(key)
        conn.execute(sa.update(t).where(t.c.id == row_id).values({target: key}))


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slip_key", sa.String(length=80), nullable=True))
    with op.batch_alter_table("payouts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bank_reference_key", sa.String(length=64), nullable=True))
    _fill("payments", "slip_ref", "slip_key", _slip_key)
    _fill("payouts", "bank_reference", "bank_reference_key", _bank_reference_key)
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_payments_slip_key"), ["slip_key"])
    with op.batch_alter_table("payouts", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_payouts_bank_reference_key"), ["bank_reference_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("payouts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_payouts_bank_reference_key"), type_="unique")
        batch_op.drop_column("bank_reference_key")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_payments_slip_key"), type_="unique")
        batch_op.drop_column("slip_key")
