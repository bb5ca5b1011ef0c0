"""consignment terms as versions, and stock kept by the intake it came in with

Until a manager sets the centre's default (a version with entrepreneur null) or an
entrepreneur's own, goods are under the built-in standard terms (inventory.terms.rules:
the rate card, 90 days, then returned, no markdowns): a null terms_id on a lot or an intake
line. That is what was true until now, so nothing needs carrying over but the lots.

Stock on hand is split into lots by intake, newest first: the oldest goods were sold first, so
what is left is what came last. Stock that no intake explains (an adjustment, a count) becomes
one lot received today.

Revision ID: a7d3e9c15b48
Revises: e5c7a1d94b20
Create Date: 2026-12-07 10:40:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "a7d3e9c15b48"
down_revision: str | None = "e5c7a1d94b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BANGKOK = ZoneInfo("Asia/Bangkok")


def upgrade() -> None:
    op.create_table(
        "consignment_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entrepreneur_id", sa.Integer(), nullable=True),
        sa.Column("commission_kind", sa.String(length=16), nullable=False),
        sa.Column("commission_bp", sa.Integer(), nullable=False),
        sa.Column("category_bp", sa.JSON(), nullable=False),
        sa.Column("tiers", sa.JSON(), nullable=False),
        sa.Column("markdowns", sa.JSON(), nullable=False),
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("end_action", sa.String(length=16), nullable=False),
        sa.Column("extend_days", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "commission_bp BETWEEN 0 AND 10000",
            name=op.f("ck_consignment_terms_commission_range"),
        ),
        sa.CheckConstraint("period_days > 0", name=op.f("ck_consignment_terms_period_positive")),
        sa.ForeignKeyConstraint(
            ["entrepreneur_id"],
            ["entrepreneurs.id"],
            name=op.f("fk_consignment_terms_entrepreneur_id_entrepreneurs"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_consignment_terms_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consignment_terms")),
    )
    op.create_index(
        "ix_consignment_terms_entrepreneur_valid",
        "consignment_terms",
        ["entrepreneur_id", "valid_from"],
    )
    lots = op.create_table(
        "stock_lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.Column("terms_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.Column("extensions", sa.Integer(), nullable=False),
        sa.CheckConstraint("remaining >= 0", name=op.f("ck_stock_lots_remaining_not_negative")),
        sa.CheckConstraint(
            "remaining <= quantity", name=op.f("ck_stock_lots_remaining_within_quantity")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_stock_lots_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_stock_lots_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intakes.id"], name=op.f("fk_stock_lots_intake_id_intakes")
        ),
        sa.ForeignKeyConstraint(
            ["terms_id"],
            ["consignment_terms.id"],
            name=op.f("fk_stock_lots_terms_id_consignment_terms"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_lots")),
    )
    op.create_index(
        "ix_stock_lots_product_location",
        "stock_lots",
        ["product_id", "location_id", "received_on"],
    )
    op.create_index("ix_stock_lots_received_on", "stock_lots", ["received_on"])
    with op.batch_alter_table("intake_lines") as batch_op:
        batch_op.add_column(sa.Column("terms_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_intake_lines_terms_id_consignment_terms"),
            "consignment_terms",
            ["terms_id"],
            ["id"],
        )
    with op.batch_alter_table("sale_lines") as batch_op:
        batch_op.add_column(sa.Column("terms_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("markdown_bp", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_foreign_key(
            op.f("fk_sale_lines_terms_id_consignment_terms"),
            "consignment_terms",
            ["terms_id"],
            ["id"],
        )
    with op.batch_alter_table("products") as batch_op:
        batch_op.add_column(
            sa.Column("markdown_bp", sa.Integer(), nullable=False, server_default="0")
        )
    _carry_over(lots)


def _carry_over(lots: sa.Table) -> None:
    """The lots of today's stock, under the built-in standard terms."""
    conn = op.get_bind()
    now = datetime.now(UTC)
    received: dict[tuple[int, int], list[tuple[int, datetime, int]]] = {}
    for intake_id, location_id, product_id, at, quantity in conn.execute(
        sa.text(
            "SELECT i.id, i.location_id, l.product_id, i.received_at, l.quantity"
            " FROM intake_lines l JOIN intakes i ON i.id = l.intake_id"
            " ORDER BY i.received_at DESC, i.id DESC"
        )
    ):
        received.setdefault((location_id, product_id), []).append((intake_id, _aware(at), quantity))
    made = []
    for product_id, location_id, on_hand in conn.execute(
        sa.text("SELECT product_id, location_id, on_hand FROM stock_levels WHERE on_hand > 0")
    ):
        left = on_hand
        for intake_id, at, quantity in received.get((location_id, product_id), []):
            if left <= 0:
                break
            units = min(left, quantity)
            made.append(
                _lot(
                    product_id,
                    location_id,
                    intake_id,
                    None,
                    at,
                    quantity,
                    units,
                )
            )
            left -= units
        if left > 0:
            made.append(_lot(product_id, location_id, None, None, now, left, left))
    if conn.dialect.name == "sqlite":  # stored as naive UTC there (kernel.db.engine.UTCDateTime)
        for row in [*made]:
            row["received_at"] = row["received_at"].replace(tzinfo=None)  # type: ignore[attr-defined]
    if made:
        op.bulk_insert(lots, made)


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite hands text back to raw SQL
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _lot(
    product_id: int,
    location_id: int,
    intake_id: int | None,
    terms_id: int | None,
    at: datetime,
    quantity: int,
    remaining: int,
) -> dict[str, object]:
    return {
        "product_id": product_id,
        "location_id": location_id,
        "intake_id": intake_id,
        "terms_id": terms_id,
        "received_at": at,
        "received_on": at.astimezone(BANGKOK).date(),
        "quantity": quantity,
        "remaining": remaining,
        "extensions": 0,
    }


def downgrade() -> None:
    with op.batch_alter_table("products") as batch_op:
        batch_op.drop_column("markdown_bp")
    with op.batch_alter_table("sale_lines") as batch_op:
        batch_op.drop_constraint(
            op.f("fk_sale_lines_terms_id_consignment_terms"), type_="foreignkey"
        )
        batch_op.drop_column("markdown_bp")
        batch_op.drop_column("terms_id")
    with op.batch_alter_table("intake_lines") as batch_op:
        batch_op.drop_constraint(
            op.f("fk_intake_lines_terms_id_consignment_terms"), type_="foreignkey"
        )
        batch_op.drop_column("terms_id")
    op.drop_index("ix_stock_lots_received_on", table_name="stock_lots")
    op.drop_index("ix_stock_lots_product_location", table_name="stock_lots")
    op.drop_table("stock_lots")
    op.drop_index("ix_consignment_terms_entrepreneur_valid", table_name="consignment_terms")
    op.drop_table("consignment_terms")
