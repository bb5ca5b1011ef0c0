"""full tax invoices on request, their credit notes, the buyers remembered for them, and each
till's Revenue Department POS registration number

Revision ID: e5a1c9d3b7f2
Revises: d2b8f41c6e90
Create Date: 2026-12-07 07:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kernel.db.engine import UTCDateTime

revision: str = "e5a1c9d3b7f2"
down_revision: str | None = "d2b8f41c6e90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tills") as tills:
        tills.add_column(sa.Column("pos_registration", sa.String(20), nullable=True))
    op.create_table(
        "tax_buyers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tax_id", sa.String(13), nullable=False),
        sa.Column("branch", sa.String(5), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tax_id", "branch", name="uq_tax_buyers_tax_id_branch"),
    )
    op.create_index("ix_tax_buyers_name", "tax_buyers", ["name"])
    op.create_table(
        "tax_invoices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sale_id", sa.Integer(), sa.ForeignKey("sales.id"), nullable=False),
        sa.Column("till_id", sa.Integer(), sa.ForeignKey("tills.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("replaces_receipt", sa.String(32), nullable=False),
        sa.Column("buyer_id", sa.Integer(), sa.ForeignKey("tax_buyers.id"), nullable=False),
        sa.Column("buyer_name", sa.String(200), nullable=False),
        sa.Column("buyer_address", sa.String(500), nullable=False),
        sa.Column("buyer_tax_id", sa.String(13), nullable=False),
        sa.Column("buyer_branch", sa.String(5), nullable=False),
        sa.Column("seller_name", sa.String(200), nullable=False),
        sa.Column("seller_address", sa.String(500), nullable=False),
        sa.Column("seller_tax_id", sa.String(13), nullable=False),
        sa.Column("seller_branch", sa.String(5), nullable=False),
        sa.Column("total_satang", sa.Integer(), nullable=False),
        sa.Column("vat_satang", sa.Integer(), nullable=False),
        sa.Column("issued_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.UniqueConstraint("sale_id", name="uq_tax_invoices_sale_id"),
        sa.UniqueConstraint("number", name="uq_tax_invoices_number"),
        sa.UniqueConstraint("till_id", "seq", name="uq_tax_invoices_till_seq"),
        sa.CheckConstraint("seq > 0", name="ck_tax_invoices_seq_positive"),
    )
    op.create_index("ix_tax_invoices_buyer_id", "tax_invoices", ["buyer_id"])
    op.create_index("ix_tax_invoices_issued_at", "tax_invoices", ["issued_at"])
    op.create_table(
        "tax_credit_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("refund_id", sa.Integer(), sa.ForeignKey("refunds.id"), nullable=False),
        sa.Column(
            "tax_invoice_id", sa.Integer(), sa.ForeignKey("tax_invoices.id"), nullable=False
        ),
        sa.Column("till_id", sa.Integer(), sa.ForeignKey("tills.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("original_satang", sa.Integer(), nullable=False),
        sa.Column("corrected_satang", sa.Integer(), nullable=False),
        sa.Column("difference_satang", sa.Integer(), nullable=False),
        sa.Column("vat_difference_satang", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("issued_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.UniqueConstraint("refund_id", name="uq_tax_credit_notes_refund_id"),
        sa.UniqueConstraint("number", name="uq_tax_credit_notes_number"),
        sa.UniqueConstraint("till_id", "seq", name="uq_tax_credit_notes_till_seq"),
        sa.CheckConstraint("seq > 0", name="ck_tax_credit_notes_seq_positive"),
        sa.CheckConstraint(
            "difference_satang > 0", name="ck_tax_credit_notes_difference_positive"
        ),
    )
    op.create_index("ix_tax_credit_notes_tax_invoice_id", "tax_credit_notes", ["tax_invoice_id"])
    op.create_index("ix_tax_credit_notes_issued_at", "tax_credit_notes", ["issued_at"])


def downgrade() -> None:
    op.drop_table("tax_credit_notes")
    op.drop_table("tax_invoices")
    op.drop_table("tax_buyers")
    with op.batch_alter_table("tills") as tills:
        tills.drop_column("pos_registration")
