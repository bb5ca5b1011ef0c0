"""offline till: receipt-number leases, sales rung at the till, sale exceptions

A till numbers its sales itself from blocks of its receipt sequence leased to its device
(receipt_leases), so that it sells and prints through an outage. A sale rung at the till is
a fact on arrival: its till-side time, device and arrival are kept on the sale, and what
differs from the books (price, stock, a closed shift) becomes a sale exception for a manager.
Stock may therefore go below zero (a count is due): the CHECK on stock_levels goes, and
``otop-pos check`` reports negative stock as a warning with its exception.

Revision ID: a7d3e5f10c22
Revises: c4f1a9e2d7b3
Create Date: 2026-12-07 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kernel.db.engine import UTCDateTime

revision: str = "a7d3e5f10c22"
down_revision: str | None = "c4f1a9e2d7b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "receipt_leases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("till_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("leased_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("leased_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_issued_seq", sa.Integer(), nullable=True),
        sa.Column("closed_shift_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("last_seq >= first_seq", name=op.f("ck_receipt_leases_block_not_empty")),
        sa.ForeignKeyConstraint(
            ["closed_shift_id"], ["shifts.id"], name=op.f("fk_receipt_leases_closed_shift_id_shifts")
        ),
        sa.ForeignKeyConstraint(
            ["leased_by"], ["users.id"], name=op.f("fk_receipt_leases_leased_by_users")
        ),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"], name=op.f("fk_receipt_leases_till_id_tills")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_leases")),
        sa.UniqueConstraint("till_id", "first_seq", name="uq_receipt_leases_till_first_seq"),
    )
    op.create_index(op.f("ix_receipt_leases_till_id"), "receipt_leases", ["till_id"])
    op.create_table(
        "sale_exceptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sale_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["users.id"], name=op.f("fk_sale_exceptions_resolved_by_users")
        ),
        sa.ForeignKeyConstraint(["sale_id"], ["sales.id"], name=op.f("fk_sale_exceptions_sale_id_sales")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sale_exceptions")),
    )
    op.create_index(op.f("ix_sale_exceptions_created_at"), "sale_exceptions", ["created_at"])
    op.create_index(op.f("ix_sale_exceptions_sale_id"), "sale_exceptions", ["sale_id"])
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rung_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("clock_skew_ms", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("device_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("received_at", UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("stock_levels", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_stock_levels_on_hand_not_negative"), type_="check")


def downgrade() -> None:
    with op.batch_alter_table("stock_levels", schema=None) as batch_op:
        batch_op.create_check_constraint("on_hand_not_negative", "on_hand >= 0")
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.drop_column("received_at")
        batch_op.drop_column("device_id")
        batch_op.drop_column("clock_skew_ms")
        batch_op.drop_column("rung_at")
    op.drop_index(op.f("ix_sale_exceptions_sale_id"), table_name="sale_exceptions")
    op.drop_index(op.f("ix_sale_exceptions_created_at"), table_name="sale_exceptions")
    op.drop_table("sale_exceptions")
    op.drop_index(op.f("ix_receipt_leases_till_id"), table_name="receipt_leases")
    op.drop_table("receipt_leases")
