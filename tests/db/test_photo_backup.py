"""A product photo survives a backup and a restore byte for byte: ``otop-pos backup`` and
``restore`` on SQLite, ``pg_dump`` / ``pg_restore`` on PostgreSQL (the photos are rows).
Two managers uploading at once leave one photo, both audited."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select

from inventory.catalogue.photo_store import photo_file, remove_photo, set_photo
from inventory.catalogue.photos import process_photo
from inventory.models import ProductPhoto
from kernel.access import SYSTEM
from kernel.audit import AuditEntry
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests import factories as f
from tests.photo_samples import image_bytes, jpeg_with_gps_turned
from web.cli import main
from web.settings import get_settings


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("OTOP_DEMO", "true")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _with_photo(db: Database, clock: FixedClock) -> tuple[int, bytes, bytes]:
    with db.write() as conn:
        product = f.product(conn, f.entrepreneur(conn, f.district(conn)), f.category(conn))
        set_photo(conn, SYSTEM, clock.now(), product, process_photo(jpeg_with_gps_turned()))
        thumb, display = (photo_file(conn, product, v) for v in ("thumb", "display"))
    assert thumb is not None and display is not None
    return product, thumb.content, display.content


def _stored(db: Database, product: int) -> tuple[bytes, bytes] | None:
    with db.read() as conn:
        thumb, display = (photo_file(conn, product, v) for v in ("thumb", "display"))
    if thumb is None or display is None:
        return None
    return thumb.content, display.content


def test_otop_pos_backup_and_restore_keep_a_photo_byte_identical(
    sqlite_db: Database,
    clock: FixedClock,
    cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    product, thumb, display = _with_photo(sqlite_db, clock)
    monkeypatch.setenv("OTOP_DATABASE_URL", sqlite_db.url)
    get_settings.cache_clear()
    copy = tmp_path / "copy.db"
    made = cli.invoke(main, ["backup", str(copy)])
    assert made.exit_code == 0, made.output
    assert "1 product photos" in made.output
    # After the backup the photo is replaced, then removed: the restore brings the first back.
    with sqlite_db.write() as conn:
        set_photo(conn, SYSTEM, clock.now(), product, process_photo(image_bytes("PNG")))
        remove_photo(conn, SYSTEM, clock.now(), product)
    assert _stored(sqlite_db, product) is None
    sqlite_db.dispose()
    back = cli.invoke(main, ["restore", str(copy), "--yes"])
    assert back.exit_code == 0, back.output
    restored = Database(sqlite_db.url)
    try:
        assert _stored(restored, product) == (thumb, display)
    finally:
        restored.dispose()


@pytest.mark.postgres
def test_pg_dump_and_pg_restore_keep_a_photo_byte_identical(
    postgres_url: str, clock: FixedClock, tmp_path: Path
) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore are not installed")
    from tests.conftest import _truncate_postgres

    db = Database(postgres_url)
    try:
        _truncate_postgres(db)
        product, thumb, display = _with_photo(db, clock)
        libpq = postgres_url.replace("postgresql+psycopg://", "postgresql://", 1)
        dump = tmp_path / "photos.dump"
        subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--data-only",
                "--table=product_photos",
                f"--file={dump}",
                libpq,
            ],
            check=True,
        )
        with db.write() as conn:
            conn.execute(delete(ProductPhoto))
        assert _stored(db, product) is None
        subprocess.run(["pg_restore", "--data-only", f"--dbname={libpq}", str(dump)], check=True)
        assert _stored(db, product) == (thumb, display)
        with db.read() as conn:
            stored_hash = conn.execute(select(ProductPhoto.content_hash)).scalar_one()
        assert len(stored_hash) == 64
    finally:
        db.dispose()


def test_two_uploads_at_once_leave_one_photo_and_two_audited_changes(
    db: Database, clock: FixedClock
) -> None:
    with db.write() as conn:
        product = f.product(conn, f.entrepreneur(conn, f.district(conn)), f.category(conn))
    photos = [process_photo(image_bytes("PNG", colour=c)) for c in ((0, 0, 0), (250, 250, 0))]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def upload(index: int) -> None:
        try:
            start.wait()
            # Two connections of their own (two workers), not the one writer of a process.
            with db.engine.begin() as conn:
                set_photo(conn, SYSTEM, clock.now(), product, photos[index])
        except BaseException as error:  # reported below, on the test's thread
            failures.append(error)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    with db.read() as conn:
        kept = conn.execute(select(ProductPhoto.content_hash)).scalars().all()
        audited = (
            conn.execute(select(AuditEntry.detail).where(AuditEntry.action == "product_photo_set"))
            .scalars()
            .all()
        )
    assert len(kept) == 1 and kept[0] in {p.content_hash for p in photos}
    # The later upload replaced the earlier one, and says which: no upload was lost unsaid.
    assert sorted(a["replaced"] is None for a in audited) == [False, True]
    assert {a["content_hash"] for a in audited} == {p.content_hash for p in photos}
