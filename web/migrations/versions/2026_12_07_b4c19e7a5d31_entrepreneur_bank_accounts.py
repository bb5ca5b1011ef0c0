"""entrepreneurs' bank accounts, for the bank file of a payout run

One row per entrepreneur at most: the bank (the Bank of Thailand's three-digit code), the
account number (digits only, checked for the bank's length) and the holder's name.

Revision ID: b4c19e7a5d31
Revises: e4c19a7b2d05
Create Date: 2026-12-07 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kernel.db.engine

revision: str = "b4c19e7a5d31"
down_revision: str | None = "e4c19a7b2d05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entrepreneur_bank_accounts",
        sa.Column("entrepreneur_id", sa.Integer(), nullable=False),
        sa.Column("bank_code", sa.String(length=3), nullable=False),
        sa.Column("account_number", sa.String(length=20), nullable=False),
        sa.Column("account_name", sa.String(length=200), nullable=False),
        sa.Column("updated_at", kernel.db.engine.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entrepreneur_id"],
            ["entrepreneurs.id"],
            name=op.f("fk_entrepreneur_bank_accounts_entrepreneur_id_entrepreneurs"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_entrepreneur_bank_accounts_updated_by_users"),
        ),
        sa.PrimaryKeyConstraint("entrepreneur_id", name=op.f("pk_entrepreneur_bank_accounts")),
    )


def downgrade() -> None:
    op.drop_table("entrepreneur_bank_accounts")
