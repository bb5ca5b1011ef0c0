"""running totals of entrepreneurs' accounts, by posting role

A balance summed every posting of the entrepreneur's accounts at each read, so its cost grew
with the history. The totals are filled here from the postings stored so far; from now on the
transaction that posts adds to them (payments.ledger.postings), and ``otop-pos check`` proves
they equal the postings' sums.

Revision ID: f3b8d2a6c4e1
Revises: e5a1c9d3b7f2
Create Date: 2026-12-07 07:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f3b8d2a6c4e1"
down_revision: str | None = "e5a1c9d3b7f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_account_totals",
        sa.Column(
            "account_id", sa.Integer(), sa.ForeignKey("ledger_accounts.id"), nullable=False
        ),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("total_satang", sa.BigInteger(), nullable=False),
        sa.Column("postings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "role", name="pk_ledger_account_totals"),
    )
    op.execute(
        "INSERT INTO ledger_account_totals (account_id, role, total_satang, postings) "
        "SELECT account_id, role, SUM(amount_satang), COUNT(*) FROM postings "
        "WHERE entrepreneur_id IS NOT NULL GROUP BY account_id, role"
    )


def downgrade() -> None:
    op.drop_table("ledger_account_totals")
