"""The substring-search condition, using the database's trigram index where it has one.

On SQLite the index (FTS5, trigram) holds the two names beside the whole search text, so it
can also say which tier of inventory.catalogue.search.rank a product falls in, and hands its
hits over in catalogue order (rowid): the first page of a word that matches 25,000 products
is read from the index's first entries, not ranked from all of them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    TextClause,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.engine import Connection

from inventory.models import Product

# A trigram index answers queries of three characters or more; shorter ones scan (they match
# so many products that the scan stops at the first page anyway).
TRIGRAM = 3
SEARCH_INDEX_OBJECTS = frozenset(
    {
        "product_search",
        "product_search_config",
        "product_search_data",
        "product_search_docsize",
        "product_search_idx",
        "ix_products_search_trgm",
        "ix_products_sku_nocase",
    }
)


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """For Alembic: the search indexes are raw SQL in their migrations, not in the models."""
    return name not in SEARCH_INDEX_OBJECTS


def _indexed(conn: Connection, needle: str) -> bool:
    return conn.dialect.name == "sqlite" and len(needle) >= TRIGRAM


def _phrase(needle: str) -> str:
    return '"' + needle.replace('"', '""') + '"'


def _match(expression: str) -> TextClause:
    return text("product_search MATCH :expression").bindparams(expression=expression)


def matches(conn: Connection, needle: str) -> ColumnElement[bool]:
    """Products whose search text contains ``needle`` (already normalised)."""
    if _indexed(conn, needle):
        hits: Select[Any] = (
            select(literal_column("rowid"))
            .select_from(text("product_search"))
            .where(_match("search_text : " + _phrase(needle)))
        )
        return Product.id.in_(hits)
    # PostgreSQL's LIKE uses the pg_trgm GIN index for three characters or more.
    return Product.search_text.contains(needle, autoescape=True)


_NAMES = "{name_th name_en} : "


def exact_code(conn: Connection, code: str) -> ColumnElement[bool]:
    """The product whose barcode is ``code`` or whose SKU is, in any case (SKUs are ASCII)."""
    if conn.dialect.name == "sqlite":  # ix_products_sku_nocase
        return (Product.barcode == code) | (Product.sku.collate("NOCASE") == code)
    return (Product.barcode == code) | (func.lower(Product.sku) == code.lower())


def tier_hits(conn: Connection, needle: str) -> list[Select[Any]] | None:
    """Products by search.rank's tiers after the exact code: a name starts with ``needle``,
    a name holds it, only the rest holds it; each a select of product ids in catalogue order
    (to be limited and filtered further). None where the database has no such index."""
    if not _indexed(conn, needle):
        return None
    phrase = _phrase(needle)
    start, named = f"{_NAMES}^{phrase}", f"{_NAMES}{phrase}"
    # What a name holds, the search text holds too (it is made of the names, normalised).
    tiers = (start, f"{named} NOT ({start})", f"search_text : {phrase} NOT ({named})")
    index = table("product_search", column("rowid"))
    return [
        select(Product.id)
        .join_from(index, Product, Product.id == index.c.rowid)
        .where(_match(expression))
        .order_by(index.c.rowid)
        for expression in tiers
    ]
