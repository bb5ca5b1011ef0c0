"""what each portal user has seen of their notices (notices are derived, never stored)

Revision ID: c4f1b7e90a26
Revises: b4c8e2f6a913
Create Date: 2026-12-07 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kernel.db.engine

revision: str = "c4f1b7e90a26"
down_revision: str | None = "b4c8e2f6a913"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_notices_seen",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seen_up_to", kernel.db.engine.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_portal_notices_seen_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_portal_notices_seen")),
    )


def downgrade() -> None:
    op.drop_table("portal_notices_seen")
