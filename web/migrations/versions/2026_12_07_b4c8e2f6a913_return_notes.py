"""return notes: goods set aside for their entrepreneur at the end of their period

Revision ID: b4c8e2f6a913
Revises: 4f2d679dfa29
Create Date: 2026-12-07 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b4c8e2f6a913"
down_revision: str | None = "4f2d679dfa29"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "return_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("entrepreneur_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("prepared_by", sa.Integer(), nullable=True),
        sa.Column("prepared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("collected_by_name", sa.String(length=100), nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "status IN ('waiting_pickup', 'collected', 'cancelled')",
            name=op.f("ck_return_notes_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["entrepreneur_id"],
            ["entrepreneurs.id"],
            name=op.f("fk_return_notes_entrepreneur_id_entrepreneurs"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_return_notes_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["prepared_by"], ["users.id"], name=op.f("fk_return_notes_prepared_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["users.id"], name=op.f("fk_return_notes_closed_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_notes")),
        sa.UniqueConstraint("number", name=op.f("uq_return_notes_number")),
    )
    op.create_index(
        "ix_return_notes_entrepreneur_status", "return_notes", ["entrepreneur_id", "status"]
    )
    op.create_index("ix_return_notes_status_location", "return_notes", ["status", "location_id"])
    op.create_table(
        "return_note_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("collected", sa.Integer(), nullable=True),
        sa.CheckConstraint("units > 0", name=op.f("ck_return_note_lines_units_positive")),
        sa.CheckConstraint(
            "collected IS NULL OR collected BETWEEN 0 AND units",
            name=op.f("ck_return_note_lines_collected_range"),
        ),
        sa.ForeignKeyConstraint(
            ["note_id"], ["return_notes.id"], name=op.f("fk_return_note_lines_note_id_return_notes")
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["stock_lots.id"], name=op.f("fk_return_note_lines_lot_id_stock_lots")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_return_note_lines_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_note_lines")),
    )
    op.create_index("ix_return_note_lines_lot", "return_note_lines", ["lot_id"])
    op.create_index(
        op.f("ix_return_note_lines_note_id"), "return_note_lines", ["note_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_return_note_lines_note_id"), table_name="return_note_lines")
    op.drop_index("ix_return_note_lines_lot", table_name="return_note_lines")
    op.drop_table("return_note_lines")
    op.drop_index("ix_return_notes_status_location", table_name="return_notes")
    op.drop_index("ix_return_notes_entrepreneur_status", table_name="return_notes")
    op.drop_table("return_notes")
