"""returns without a receipt

A manager may approve a return without a receipt, product by product: its refund has no sale
(refunds.sale_id nullable), and each of its lines names the product and the unit price given
back instead of a sale line (refund_lines.product_id, unit_price_satang). A line names one or
the other, never both (ck_refund_lines_sale_line_or_product). Rows already stored are refunds
against a receipt and keep their sale lines.

Revision ID: e5b19c3a7d42
Revises: 5e8c1a7f3b29
Create Date: 2026-12-07 07:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5b19c3a7d42"
down_revision: str | None = "5e8c1a7f3b29"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.alter_column("sale_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("refund_lines", schema=None) as batch_op:
        batch_op.alter_column("sale_line_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("product_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("unit_price_satang", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_refund_lines_product_id_products"), "products", ["product_id"], ["id"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_refund_lines_sale_line_or_product"),
            "(sale_line_id IS NULL) = (product_id IS NOT NULL)",
        )


def downgrade() -> None:
    # Returns without a receipt are books (credit notes, ledger entries): never dropped.
    held = op.get_bind().execute(sa.text("SELECT count(*) FROM refunds WHERE sale_id IS NULL"))
    if held.scalar_one():
        raise RuntimeError("returns without a receipt are stored: this revision cannot go back")
    with op.batch_alter_table("refund_lines", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_refund_lines_sale_line_or_product"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_refund_lines_product_id_products"), type_="foreignkey"
        )
        batch_op.drop_column("unit_price_satang")
        batch_op.drop_column("product_id")
        batch_op.alter_column("sale_line_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.alter_column("sale_id", existing_type=sa.Integer(), nullable=False)
