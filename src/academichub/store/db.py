"""Opening the database: a SQLite file in WAL mode with foreign keys and a busy timeout.

`connect(url)` returns the `Store`, whose methods are the whole storage
interface; a PostgreSQL backend would implement the same methods.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from academichub.errors import StoreError
from academichub.store.migrations import migrate

BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 64 * 1024  # page cache per connection: bulk ingests touch many index pages
WAL_KEEP_BYTES = 64 * 2**20  # after a checkpoint the -wal file is cut back to this (a bulk ingest grows it)


SYNCHRONOUS_MODES = {"normal": "NORMAL", "full": "FULL"}


def synchronous_from_url(url: str) -> str:
    """'sqlite:///x.db?synchronous=full' → "FULL"; NORMAL when absent. Raises: StoreError for other values."""
    query = dict(part.partition("=")[::2] for part in url.partition("?")[2].split("&") if part)
    mode = query.get("synchronous", "normal").lower()
    if mode not in SYNCHRONOUS_MODES:
        raise StoreError(f"unknown synchronous mode {mode!r} in the database URL: use normal or full")
    return SYNCHRONOUS_MODES[mode]


def sqlite_path_from_url(url: str) -> Path:
    """'sqlite:///abs/path.db' → Path. Raises: StoreError for other schemes (not built yet)."""
    url = url.partition("?")[0]
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///"))
    if url.startswith("sqlite://"):
        return Path(url.removeprefix("sqlite://"))
    raise StoreError(f"unsupported database URL {url.split(':', 1)[0]!r}: only sqlite:/// is available so far")


def open_sqlite(path: Path, synchronous: str = "NORMAL") -> sqlite3.Connection:
    """A connection with the PRAGMAs every connection needs. Raises: StoreError."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            raise StoreError(f"could not switch {path} to WAL mode (got {mode}); is it on a network filesystem?")
        conn.execute(f"PRAGMA synchronous = {synchronous}")  # FULL: committed rows survive a power cut
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        conn.execute(f"PRAGMA journal_size_limit = {WAL_KEEP_BYTES}")
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from exc
    return conn


def _is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL


class Connection:
    """Owns one sqlite3 connection and its transactions."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; ROLLBACK on any error. Nested calls join the outer one."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:  # SQLite may already have rolled back (e.g. on a full disk)
                self.conn.execute("ROLLBACK")
            if _is_disk_full(exc):
                raise StoreError(f"the disk holding {self.path} is full: nothing of this write was kept") from exc
            raise

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One consistent read: BEGIN … COMMIT without the write lock (in WAL mode a reader sees the database as of
        its first read, whatever is written meanwhile). Nested in a transaction, that transaction."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN")
        try:
            yield self.conn
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def connect_sqlite(url: str) -> Connection:
    """Open and migrate the database named by `url`. Raises: StoreError."""
    path = sqlite_path_from_url(url)
    conn = open_sqlite(path, synchronous_from_url(url))
    try:
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return Connection(conn, path)
