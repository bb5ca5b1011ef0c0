"""The substring-search condition, using the database's trigram index where it has one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, literal_column, select, text
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
    }
)


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """For Alembic: the search index is raw SQL in its migration, not part of the models."""
    return name not in SEARCH_INDEX_OBJECTS


def matches(conn: Connection, needle: str) -> ColumnElement[bool]:
    """Products whose search text contains ``needle`` (already normalised)."""
    if conn.dialect.name == "sqlite" and len(needle) >= TRIGRAM:
        phrase = '"' + needle.replace('"', '""') + '"'
        hits: Select[Any] = (
            select(literal_column("rowid"))
            .select_from(text("product_search"))
            .where(text("product_search MATCH :phrase").bindparams(phrase=phrase))
        )
        return Product.id.in_(hits)
    # PostgreSQL's LIKE uses the pg_trgm GIN index for three characters or more.
    return Product.search_text.contains(needle, autoescape=True)
