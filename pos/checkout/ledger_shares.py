"""A sale line's share for the ledger, from the line as stored. Pure.

The entrepreneur's side of a line: the goods' price (unit price x quantity), the part of the
discounts they bear (by the bearers recorded on the line), their net and the centre's
commission.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from payments.ledger.rules import SaleLineShare
from pos.checkout.pricing import DiscountBearer, PricedLine

ENTREPRENEUR = DiscountBearer.ENTREPRENEUR.value


def line_share(line: Mapping[str, Any] | Any) -> SaleLineShare:
    """``line`` has the sale_lines columns (a mapping, or an object with those attributes)."""

    def get(name: str) -> Any:
        return line[name] if isinstance(line, Mapping) else getattr(line, name)

    borne = (get("discount_satang") if get("line_discount_bearer") == ENTREPRENEUR else 0) + (
        get("cart_discount_satang") if get("cart_discount_bearer") == ENTREPRENEUR else 0
    )
    # A price changed below the catalogue's: the entrepreneur sold at the catalogue's price.
    listed = get("list_price_satang") if _has(line, "list_price_satang") else None
    unit_price = max(get("unit_price_satang"), listed or 0)
    return SaleLineShare(
        entrepreneur_id=get("entrepreneur_id"),
        net_satang=get("net_satang"),
        commission_satang=get("commission_satang"),
        gross_satang=unit_price * get("quantity"),
        entrepreneur_discount_satang=borne,
    )


def _has(line: Mapping[str, Any] | Any, name: str) -> bool:
    return name in line if isinstance(line, Mapping) else hasattr(line, name)


def priced_share(entrepreneur_id: int, line: PricedLine) -> SaleLineShare:
    """The same share from a line just priced (before it is stored)."""
    own = line.discount_satang if line.line_discount_bearer == DiscountBearer.ENTREPRENEUR else 0
    cart = (
        line.cart_discount_satang if line.cart_discount_bearer == DiscountBearer.ENTREPRENEUR else 0
    )
    return SaleLineShare(
        entrepreneur_id,
        line.net_satang,
        line.commission_satang,
        line.gross_satang + line.price_difference_satang,
        own + cart,
    )
