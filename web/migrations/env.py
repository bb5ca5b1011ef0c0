from __future__ import annotations

from alembic import context

from inventory.catalogue.search_index import include_name
from kernel.db.engine import make_engine
from web.models import metadata

config = context.config


def run() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _migrate(connectable, url)
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        _migrate(connection, url)
    engine.dispose()


def _migrate(connection, url: str) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=url.startswith("sqlite"),
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
