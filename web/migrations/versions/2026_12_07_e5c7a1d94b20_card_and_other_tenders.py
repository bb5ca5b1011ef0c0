"""a sale may be paid by card on the bank's terminal, or by another named tender

A payment's method may now be ``card`` (with the terminal's approval code and the card's last
four digits: never more of its number) or ``other`` (a named app or voucher, with its
reference); a refund may go back by card or by that other tender (its name kept on the
refund). Check constraints say so, so that a card without its last four digits or an other
tender without its name cannot be stored.

Revision ID: e5c7a1d94b20
Revises: e5c2a8b41f07
Create Date: 2026-12-07 07:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5c7a1d94b20"
down_revision: str | None = "e5c2a8b41f07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("card_last4", sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column("approval_code", sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column("tender_name", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("tender_ref", sa.String(length=60), nullable=True))
        batch_op.drop_constraint(op.f("ck_payments_method_known"), type_="check")
        batch_op.create_check_constraint(
            "method_known", "method IN ('cash', 'promptpay', 'card', 'other')"
        )
        batch_op.create_check_constraint(
            "card_recorded",
            "method <> 'card' OR (card_last4 IS NOT NULL AND length(card_last4) = 4"
            " AND approval_code IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            "other_recorded",
            "method <> 'other' OR (tender_name IS NOT NULL AND tender_ref IS NOT NULL)",
        )
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tender_name", sa.String(length=40), nullable=True))
        batch_op.drop_constraint(op.f("ck_refunds_method_known"), type_="check")
        batch_op.create_check_constraint(
            "method_known", "method IN ('cash', 'transfer', 'card', 'other')"
        )


def downgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_refunds_method_known"), type_="check")
        batch_op.create_check_constraint("method_known", "method IN ('cash', 'transfer')")
        batch_op.drop_column("tender_name")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_payments_other_recorded"), type_="check")
        batch_op.drop_constraint(op.f("ck_payments_card_recorded"), type_="check")
        batch_op.drop_constraint(op.f("ck_payments_method_known"), type_="check")
        batch_op.create_check_constraint("method_known", "method IN ('cash', 'promptpay')")
        batch_op.drop_column("tender_ref")
        batch_op.drop_column("tender_name")
        batch_op.drop_column("approval_code")
        batch_op.drop_column("card_last4")
