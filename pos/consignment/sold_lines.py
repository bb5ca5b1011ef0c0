"""The entrepreneur's lines of each sale in a statement, labelled: the commission rate, the
consignment terms the goods were sold under (when not the built-in standard terms), an agreed
markdown (borne by the entrepreneur) and a centre promotion (borne by the centre).

Labels only: the money of a statement comes from the ledger (pos.consignment.portal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from inventory.models import ConsignmentTermsVersion
from pos.checkout.pricing import DiscountBearer
from pos.models import Sale, SaleLine

CHUNK = 500
CENTRE = DiscountBearer.CENTRE.value


@dataclass(frozen=True, slots=True)
class SoldLine:
    name_th: str
    name_en: str
    quantity: int
    commission_bp: int
    terms_id: int | None  # None: the built-in standard terms
    terms_valid_from: datetime | None
    terms_of_centre: bool  # the centre's default version, not the entrepreneur's own
    markdown_bp: int  # the agreed markdown in the unit price (borne by the entrepreneur)
    centre_discount_satang: int  # discounts the centre bore: its promotion, not the maker's
    own_discount_satang: int  # discounts the entrepreneur bore (a line discount)


def sold_lines(
    conn: Connection, entrepreneur_id: int, receipts: list[str]
) -> dict[str, list[SoldLine]]:
    """The entrepreneur's lines of each sale, by receipt number, in line order."""
    found: dict[str, list[SoldLine]] = {}
    terms = ConsignmentTermsVersion
    for start in range(0, len(receipts), CHUNK):
        rows = conn.execute(
            select(
                Sale.receipt_number,
                SaleLine.name_th,
                SaleLine.name_en,
                SaleLine.quantity,
                SaleLine.commission_bp,
                SaleLine.terms_id,
                terms.valid_from,
                terms.entrepreneur_id,
                SaleLine.markdown_bp,
                SaleLine.discount_satang,
                SaleLine.line_discount_bearer,
                SaleLine.cart_discount_satang,
                SaleLine.cart_discount_bearer,
            )
            .join(Sale, Sale.id == SaleLine.sale_id)
            .outerjoin(terms, terms.id == SaleLine.terms_id)
            .where(
                SaleLine.entrepreneur_id == entrepreneur_id,
                Sale.receipt_number.in_(receipts[start : start + CHUNK]),
            )
            .order_by(Sale.id, SaleLine.line_no)
        )
        for row in rows:
            centre = (row.discount_satang if row.line_discount_bearer == CENTRE else 0) + (
                row.cart_discount_satang if row.cart_discount_bearer == CENTRE else 0
            )
            total_discount = row.discount_satang + row.cart_discount_satang
            found.setdefault(row.receipt_number, []).append(
                SoldLine(
                    name_th=row.name_th,
                    name_en=row.name_en,
                    quantity=row.quantity,
                    commission_bp=row.commission_bp,
                    terms_id=row.terms_id,
                    terms_valid_from=row.valid_from,
                    terms_of_centre=row.terms_id is not None and row.entrepreneur_id is None,
                    markdown_bp=row.markdown_bp or 0,
                    centre_discount_satang=centre,
                    own_discount_satang=total_discount - centre,
                )
            )
    return found
