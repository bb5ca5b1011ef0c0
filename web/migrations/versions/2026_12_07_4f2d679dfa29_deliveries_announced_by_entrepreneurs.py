"""deliveries an entrepreneur announces, and the products they propose with them

An entrepreneur announces from the portal what they will bring (``deliveries`` and their
``delivery_lines``: announced, then received quantities); a product they propose is a real,
inactive ``products`` row whose review (proposed, approved or rejected: by whom, when, why)
is a ``product_reviews`` row. Receiving a delivery links it to the goods-received note made
for what came (``intake_id``, unique: one delivery is received once).

Revision ID: 4f2d679dfa29
Revises: a7d3e9c15b48
Create Date: 2026-12-07 10:19:43
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kernel.db.engine

revision: str = "4f2d679dfa29"
down_revision: str | None = "a7d3e9c15b48"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("entrepreneur_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("expected_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("announced_by", sa.Integer(), nullable=True),
        sa.Column("announced_at", kernel.db.engine.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cancelled_by", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", kernel.db.engine.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_by", sa.Integer(), nullable=True),
        sa.Column("received_at", kernel.db.engine.UTCDateTime(timezone=True), nullable=True),
        sa.Column("receive_note", sa.String(length=500), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status <> 'received' OR (intake_id IS NOT NULL AND received_at IS NOT NULL)",
            name=op.f("ck_deliveries_received_has_intake"),
        ),
        sa.CheckConstraint(
            "status IN ('announced', 'received', 'cancelled')",
            name=op.f("ck_deliveries_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["announced_by"], ["users.id"], name=op.f("fk_deliveries_announced_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by"], ["users.id"], name=op.f("fk_deliveries_cancelled_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["entrepreneur_id"],
            ["entrepreneurs.id"],
            name=op.f("fk_deliveries_entrepreneur_id_entrepreneurs"),
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intakes.id"], name=op.f("fk_deliveries_intake_id_intakes")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_deliveries_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["received_by"], ["users.id"], name=op.f("fk_deliveries_received_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("intake_id", name=op.f("uq_deliveries_intake_id")),
        sa.UniqueConstraint("number", name=op.f("uq_deliveries_number")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deliveries_entrepreneur_id", ["entrepreneur_id", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_deliveries_received_at"), ["received_at"], unique=False
        )
        batch_op.create_index(
            "ix_deliveries_status_expected", ["status", "expected_on"], unique=False
        )

    op.create_table(
        "delivery_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("announced", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "announced > 0 OR received > 0", name=op.f("ck_delivery_lines_line_not_empty")
        ),
        sa.CheckConstraint("announced >= 0", name=op.f("ck_delivery_lines_announced_not_negative")),
        sa.CheckConstraint(
            "received IS NULL OR received >= 0",
            name=op.f("ck_delivery_lines_received_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_delivery_lines_delivery_id_deliveries"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_delivery_lines_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_lines")),
        sa.UniqueConstraint(
            "delivery_id", "product_id", name=op.f("uq_delivery_lines_delivery_id")
        ),
    )
    with op.batch_alter_table("delivery_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_lines_delivery_id"), ["delivery_id"], unique=False
        )

    op.create_table(
        "product_reviews",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("entrepreneur_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_price_satang", sa.Integer(), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("proposed_at", kernel.db.engine.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", kernel.db.engine.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "status <> 'rejected' OR length(reason) > 0",
            name=op.f("ck_product_reviews_rejection_has_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('proposed', 'approved', 'rejected')",
            name=op.f("ck_product_reviews_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_product_reviews_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_product_reviews_delivery_id_deliveries"),
        ),
        sa.ForeignKeyConstraint(
            ["entrepreneur_id"],
            ["entrepreneurs.id"],
            name=op.f("fk_product_reviews_entrepreneur_id_entrepreneurs"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_product_reviews_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["users.id"], name=op.f("fk_product_reviews_proposed_by_users")
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_product_reviews")),
    )
    with op.batch_alter_table("product_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_product_reviews_delivery_id"), ["delivery_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_product_reviews_entrepreneur_id"), ["entrepreneur_id"], unique=False
        )
        batch_op.create_index("ix_product_reviews_status", ["status", "product_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("product_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_product_reviews_status")
        batch_op.drop_index(batch_op.f("ix_product_reviews_entrepreneur_id"))
        batch_op.drop_index(batch_op.f("ix_product_reviews_delivery_id"))

    op.drop_table("product_reviews")
    with op.batch_alter_table("delivery_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_lines_delivery_id"))

    op.drop_table("delivery_lines")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_status_expected")
        batch_op.drop_index(batch_op.f("ix_deliveries_received_at"))
        batch_op.drop_index("ix_deliveries_entrepreneur_id")

    op.drop_table("deliveries")
