"""markdowns applied on their date, recorded

Each change of a product's agreed markdown on the tills (inventory.stock.markdowns): the lot
and terms that made it due, from and to, the prices before and after, the day, who. Nothing
to carry over: no markdown was applied before this table.

Revision ID: c4e8b1d27a63
Revises: c4f1b7e90a26
Create Date: 2026-12-07 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4e8b1d27a63"
down_revision: str | None = "c4f1b7e90a26"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "markdowns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("terms_id", sa.Integer(), nullable=True),
        sa.Column("from_bp", sa.Integer(), nullable=False),
        sa.Column("to_bp", sa.Integer(), nullable=False),
        sa.Column("list_price_satang", sa.Integer(), nullable=False),
        sa.Column("price_before_satang", sa.Integer(), nullable=False),
        sa.Column("price_after_satang", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.CheckConstraint("from_bp <> to_bp", name=op.f("ck_markdowns_changes_something")),
        sa.CheckConstraint("to_bp BETWEEN 0 AND 10000", name=op.f("ck_markdowns_to_bp_range")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_markdowns_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["stock_lots.id"], name=op.f("fk_markdowns_lot_id_stock_lots")
        ),
        sa.ForeignKeyConstraint(
            ["terms_id"],
            ["consignment_terms.id"],
            name=op.f("fk_markdowns_terms_id_consignment_terms"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_markdowns_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_markdowns")),
    )
    op.create_index("ix_markdowns_product_applied", "markdowns", ["product_id", "applied_at"])
    op.create_index("ix_markdowns_effective_on", "markdowns", ["effective_on"])


def downgrade() -> None:
    op.drop_index("ix_markdowns_effective_on", table_name="markdowns")
    op.drop_index("ix_markdowns_product_applied", table_name="markdowns")
    op.drop_table("markdowns")
