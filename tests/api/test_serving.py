"""The app as ``otop-pos serve`` runs it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from kernel.clock import FixedClock
from kernel.db.engine import Database
from web.app import create_served_app
from web.settings import Settings


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the other tests' objects stay collectable


def test_once_started_what_start_up_made_is_out_of_the_collectors_full_collections(
    db: Database, clock: FixedClock, unfrozen: None
) -> None:
    app = create_served_app(Settings(demo=True, database_url=db.url), db, clock)
    assert gc.get_freeze_count() == 0
    with TestClient(app) as client:
        assert gc.get_freeze_count() > 10_000  # the modules, the app, the tables
        assert client.get("/health").status_code == 200
