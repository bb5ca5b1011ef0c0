"""the audit log is read by user, newest first: an index on (actor_name, id)

The audit page filters by who did it (the username as recorded, which a failed sign-in has
too) and pages by id; without the index a rare user's page walks the whole log.

Revision ID: 5e8c1a7f3b29
Revises: b4c19e7a5d31
Create Date: 2026-12-07 07:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5e8c1a7f3b29"
down_revision: str | None = "b4c19e7a5d31"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_log_actor_name_id", "audit_log", ["actor_name", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_actor_name_id", table_name="audit_log")
