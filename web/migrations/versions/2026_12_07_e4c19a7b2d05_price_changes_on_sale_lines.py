"""a sale line remembers a price changed at the till: the catalogue's price, why, who approved

A manager may approve a cashier's changing one line's price (with a reason). The line keeps its
charged price in unit_price_satang, as before; the new nullable columns hold the catalogue's
price, the reason and the approver. NULL on every line sold at the catalogue's price (all the
lines stored so far).

Revision ID: e4c19a7b2d05
Revises: e5a9c3d1f7b2
Create Date: 2026-12-07 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e4c19a7b2d05"
down_revision: str | None = "e5a9c3d1f7b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sale_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("list_price_satang", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("price_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("price_approved_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_sale_lines_price_approved_by_id_users"),
            "users",
            ["price_approved_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("sale_lines", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_sale_lines_price_approved_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("price_approved_by_id")
        batch_op.drop_column("price_reason")
        batch_op.drop_column("list_price_satang")
