"""one-time sign-in codes of users

A new account (one at a time or entrepreneurs in bulk) or a reset password gets a one-time
sign-in code instead of a password: only its argon2 hash is stored, with when it expires. The
user signs in with it once and sets their own password (web.accounts.welcome).

Revision ID: e5c2a8b41f07
Revises: e5b19c3a7d42
Create Date: 2026-12-07 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kernel.db.engine

revision: str = "e5c2a8b41f07"
down_revision: str | None = "e5b19c3a7d42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sign_in_code_hash", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column(
                "sign_in_code_expires_at",
                kernel.db.engine.UTCDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("sign_in_code_expires_at")
        batch_op.drop_column("sign_in_code_hash")
