"""payments.sale_id names an existing sale (a foreign key)

A payment could name a sale that did not exist (the API took any whole number), and nothing
held the name to a row. Before the key is added, each payment naming a missing sale keeps
that name in a ``payment_sale_unlinked`` event and its sale_id is cleared: the payment
stands on its own, as one taken without a sale, and its history says what it claimed.
SQLite adds the key by rebuilding the table (batch mode).

Revision ID: c4f1a9e2d7b3
Revises: b7e2d4f6a8c1
Create Date: 2026-12-06 22:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "c4f1a9e2d7b3"
down_revision: str | None = "b7e2d4f6a8c1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

payments = sa.table("payments", sa.column("id", sa.Integer), sa.column("sale_id", sa.Integer))
sales = sa.table("sales", sa.column("id", sa.Integer))
events = sa.table(
    "payment_events",
    sa.column("payment_id", sa.Integer),
    sa.column("event", sa.String),
    sa.column("at", sa.DateTime),
    sa.column("actor_id", sa.Integer),
    sa.column("source", sa.String),
    sa.column("detail", sa.JSON),
)


def upgrade() -> None:
    conn = op.get_bind()
    missing = ~sa.exists().where(sales.c.id == payments.c.sale_id)
    dangling = conn.execute(
        sa.select(payments.c.id, payments.c.sale_id).where(payments.c.sale_id.is_not(None), missing)
    ).all()
    if dangling:
        now = datetime.now(UTC)
        if conn.dialect.name == "sqlite":  # stored as UTC text, as the models' type does
            now = now.replace(tzinfo=None)
        op.bulk_insert(events, [
            {"payment_id": payment_id, "event": "payment_sale_unlinked", "at": now,
             "actor_id": None, "source": "system", "detail": {"sale_id": sale_id}}
            for payment_id, sale_id in dangling
        ])
        conn.execute(
            sa.update(payments)
            .where(payments.c.id.in_([payment_id for payment_id, _ in dangling]))
            .values(sale_id=None)
        )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_payments_sale_id_sales"), "sales", ["sale_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_payments_sale_id_sales"), type_="foreignkey")
