"""product search index: FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL

Substring search over the whole catalogue must answer in milliseconds; a LIKE '%...%'
reads every row. Both indexes find substrings of three characters or more, which suits
Thai, written without spaces between words.

Revision ID: a1c3e5f7b9d2
Revises: 63bcba78d5df
Create Date: 2026-11-21 19:55:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a1c3e5f7b9d2"
down_revision: str | None = "63bcba78d5df"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE product_search USING fts5("
    "search_text, content='products', content_rowid='id', tokenize='trigram')",
    "INSERT INTO product_search(rowid, search_text) SELECT id, search_text FROM products",
    "CREATE TRIGGER product_search_insert AFTER INSERT ON products BEGIN "
    "INSERT INTO product_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER product_search_delete AFTER DELETE ON products BEGIN "
    "INSERT INTO product_search(product_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER product_search_update AFTER UPDATE OF search_text ON products BEGIN "
    "INSERT INTO product_search(product_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO product_search(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS product_search_update",
    "DROP TRIGGER IF EXISTS product_search_delete",
    "DROP TRIGGER IF EXISTS product_search_insert",
    "DROP TABLE IF EXISTS product_search",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_products_search_trgm ON products USING gin (search_text gin_trgm_ops)",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS ix_products_search_trgm"]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _run(SQLITE_UP if dialect == "sqlite" else POSTGRES_UP if dialect == "postgresql" else [])


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _run(SQLITE_DOWN if dialect == "sqlite" else POSTGRES_DOWN if dialect == "postgresql" else [])
