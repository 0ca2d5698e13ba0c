"""RELIABILITY.md §H and §D rows on the store that test_store.py leaves out, on real SQLite files."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from academichub.errors import StoreError
from academichub.models import RawItem
from academichub.pipeline import store_items
from academichub.store import open_store
from academichub.store.migrations import MIGRATIONS, migrate


@pytest.fixture
def store(tmp_path):
    opened = open_store(f"sqlite:///{tmp_path / 'hub.db'}")
    yield opened
    opened.close()


def paper(n: int, **changes: object) -> RawItem:
    fields: dict[str, object] = {
        "source": "arxiv-rss",
        "title": f"Paper {n} on surface codes " + "word " * 40,
        "abstract": "We study surface codes. " * 60,
        "arxiv_id": f"2605.{n:05d}",
    }
    fields.update(changes)
    return RawItem(**fields)  # type: ignore[arg-type]


def test_a_full_disk_mid_write_is_an_error_and_leaves_the_batch_out(store) -> None:
    store_items(store, [paper(0)])
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages + 5}")  # SQLite's own ENOSPC: "database or disk is full"
    with pytest.raises(StoreError, match="full: nothing of this write was kept"):
        store_items(store, [paper(n) for n in range(1, 400)])
    assert store.count_papers() == 1 and store.integrity_ok()


def test_a_second_writer_waits_for_the_first_instead_of_failing(store, tmp_path) -> None:
    other = open_store(f"sqlite:///{tmp_path / 'hub.db'}")
    released = threading.Event()

    def hold_the_write_lock() -> None:
        with store.transaction():
            store_items(store, [paper(1)])
            released.wait(5)

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    time.sleep(0.2)
    threading.Timer(0.5, released.set).start()
    store_items(other, [paper(2)])  # blocks on busy_timeout, then succeeds: no "database is locked"
    holder.join()
    assert other.count_papers() == 2
    other.close()


@pytest.mark.parametrize("applied", range(1, len(MIGRATIONS)))
def test_upgrade_from_every_earlier_schema(tmp_path, applied: int) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, MIGRATIONS[:applied])
    conn.close()
    with open_store(f"sqlite:///{path}") as upgraded:
        store_items(upgraded, [paper(1)])
        assert upgraded.count_papers() == 1 and upgraded.integrity_ok()
    check = sqlite3.connect(path)
    assert check.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
    check.close()


def test_biorxiv_versions_are_one_row_per_doi_at_the_latest_version(store) -> None:
    doi = "10.1101/2024.05.01.592001"
    v1 = RawItem(source="biorxiv", title="Atlas of cells", doi=doi, version=1, venue="bioRxiv")
    v2 = RawItem(source="biorxiv", title="Atlas of cells, revised", doi=doi, version=2, venue="bioRxiv")
    store_items(store, [v2])
    store_items(store, [v1])  # an older version arriving late changes nothing visible
    [stored] = store.list_papers()
    assert store.count_papers() == 1 and stored.version == 2 and stored.title == "Atlas of cells, revised"


def test_the_wal_file_is_cut_back_after_a_bulk_write(store, tmp_path) -> None:
    """RELIABILITY H3: a bulk ingest grows the -wal file; a checkpoint brings it back under WAL_KEEP_BYTES."""
    from academichub.store.db import WAL_KEEP_BYTES

    store._conn.execute("PRAGMA wal_autocheckpoint = 0")  # let the WAL grow as under a long-lived reader
    store_items(store, [paper(n) for n in range(2_000)])
    wal = store.path.with_name(store.path.name + "-wal")
    grown = wal.stat().st_size
    store._conn.execute("PRAGMA journal_size_limit = 65536")  # a small limit, so the test needs no 64 MiB write
    store._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    store_items(store, [paper(2_000)])  # the next writer resets the WAL and truncates it to the limit
    assert grown > 65536 >= wal.stat().st_size
    assert store._conn.execute("PRAGMA journal_size_limit").fetchone()[0] == 65536
    other = open_store(f"sqlite:///{store.path}")
    assert other._conn.execute("PRAGMA journal_size_limit").fetchone()[0] == WAL_KEEP_BYTES
    other.close()
