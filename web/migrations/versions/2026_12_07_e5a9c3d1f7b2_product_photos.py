"""product photos: one re-encoded photo per product, its bytes in the database

A product's photo (display size and thumbnail, WebP) is kept in ``product_photos`` rather
than in files beside the database, so that ``otop-pos backup`` (SQLite's online backup) and
``pg_dump`` carry it with the rest of the catalogue and a restore brings it back whole.
``content_hash`` versions the photo's URL (served immutable).

Revision ID: e5a9c3d1f7b2
Revises: f3b8d2a6c4e1
Create Date: 2026-12-07 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kernel.db.engine import UTCDateTime

revision: str = "e5a9c3d1f7b2"
down_revision: str | None = "f3b8d2a6c4e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "product_photos",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("display", sa.LargeBinary(), nullable=False),
        sa.Column("display_width", sa.Integer(), nullable=False),
        sa.Column("display_height", sa.Integer(), nullable=False),
        sa.Column("thumb", sa.LargeBinary(), nullable=False),
        sa.Column("thumb_width", sa.Integer(), nullable=False),
        sa.Column("thumb_height", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_photos_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_product_photos_uploaded_by_users")
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_product_photos")),
    )


def downgrade() -> None:
    op.drop_table("product_photos")
