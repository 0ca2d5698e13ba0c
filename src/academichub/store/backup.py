"""Online backup, restore and compaction of the SQLite database, and the "backup is stale or too small" check.

Backups use SQLite's online backup API in one step, inside a read transaction on the live
database: the copy is the snapshot the counts were read from, while writers go on. A copy is
written under a temporary name, checked (`integrity_check`, paper and announcement counts),
then renamed. Restore refuses a file that fails the check and keeps the live database aside first.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from academichub.errors import StoreError

BACKUP_PREFIX = "academichub-"
BACKUP_SUFFIX = ".db"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True, slots=True)
class Counts:
    papers: int
    announcements: int


@dataclass(frozen=True, slots=True)
class Check:
    """What `integrity_check` said ("ok" or its first problem) and the counts, when the file could be read."""

    integrity: str
    counts: Counts | None

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and self.counts is not None


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: Path
    source_counts: Counts
    check: Check
    bytes: int

    @property
    def ok(self) -> bool:
        return self.check.ok and self.check.counts == self.source_counts


@dataclass(frozen=True, slots=True)
class RestoreReport:
    restored_from: Path
    kept_aside: Path | None
    counts: Counts
    check: Check


def read_counts(conn: sqlite3.Connection) -> Counts:
    papers = int(conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0])
    announcements = int(conn.execute("SELECT COUNT(*) FROM announcements").fetchone()[0])
    return Counts(papers, announcements)


def check_file(path: Path) -> Check:
    """Open `path` read-only and run `integrity_check` and the counts; never raises for a bad file."""
    if not path.is_file():
        return Check(f"no such file: {path}", None)
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            verdict = "ok" if [r[0] for r in rows] == ["ok"] else "; ".join(str(r[0]) for r in rows[:3])
            return Check(verdict, read_counts(conn) if verdict == "ok" else None)
    except sqlite3.Error as exc:
        return Check(f"unreadable: {exc}", None)


def default_backup_path(backups_dir: Path, now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now(dt.UTC)).strftime(STAMP_FORMAT)
    return backups_dir / f"{BACKUP_PREFIX}{stamp}{BACKUP_SUFFIX}"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_snapshot(live: Path, partial: Path) -> Counts:
    """Copy the live database into `partial` as one consistent snapshot; returns that snapshot's counts."""
    with closing(sqlite3.connect(live, isolation_level=None)) as source:
        source.execute("PRAGMA busy_timeout = 10000")
        source.execute("BEGIN")  # one read snapshot: the counts and the copied pages are the same state
        counts = read_counts(source)
        with closing(sqlite3.connect(partial, isolation_level=None)) as target:
            source.backup(target, pages=-1)  # one step: a multi-step copy restarts whenever a writer commits
            target.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
        source.execute("COMMIT")
    return counts


def backup_database(live: Path, target: Path) -> BackupReport:
    """Back up `live` into `target` (temp name, check, rename). Raises: StoreError (nothing left at `target`)."""
    if not live.is_file():
        raise StoreError(f"no database at {live}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        counts = _copy_snapshot(live, partial)
        _fsync(partial)
        check = check_file(partial)
        if not check.ok or check.counts != counts:
            raise StoreError(f"the backup copy failed its check ({check.integrity}; {check.counts} vs {counts})")
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise StoreError(f"backup of {live} failed: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(target, counts, check, target.stat().st_size)


@dataclass(frozen=True, slots=True)
class CompactReport:
    bytes_before: int  # the database file and its write-ahead log
    bytes_after: int
    counts: Counts
    check: Check
    waiting: bool  # readers held the old pages: the file shrinks at a later checkpoint, once they are done


def _on_disk(live: Path) -> int:
    wal = live.with_name(live.name + "-wal")
    return live.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def compact_database(live: Path, *, busy_timeout_s: float = 10.0) -> CompactReport:
    """Give the pages of deleted rows (pruned vectors, folded papers) back to the disk: SQLite VACUUM, which rewrites
    the database as one transaction (it needs about the database's size free while it runs; on failure nothing is
    changed), then a checkpoint that truncates the write-ahead log. A writer holding the database longer than
    `busy_timeout_s` makes it give up. Raises: StoreError (the database unchanged)."""
    if not live.is_file():
        raise StoreError(f"no database at {live}")
    before = _on_disk(live)
    try:
        with closing(sqlite3.connect(live, isolation_level=None)) as conn:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            counts = read_counts(conn)
            conn.execute("VACUUM")
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.Error as exc:
        need = f" (it needs about {before / 2**20:.0f} MiB free)" if "full" in str(exc).lower() else ""
        raise StoreError(f"compacting {live} failed: {exc}{need}; nothing was changed") from exc
    check = check_file(live)
    if not check.ok or check.counts != counts:
        raise StoreError(f"after compacting, {live} fails its check ({check.integrity}; {check.counts} vs {counts})")
    return CompactReport(before, _on_disk(live), counts, check, bool(busy))


def _keep_aside(live: Path, now: dt.datetime) -> Path | None:
    """Copy the live database next to itself before a restore; a live file SQLite cannot read is moved instead."""
    if not live.is_file():
        return None
    aside = live.with_name(f"{live.name}.before-restore-{now.strftime(STAMP_FORMAT)}")
    try:
        with closing(sqlite3.connect(live)) as source, closing(sqlite3.connect(aside)) as copy:
            source.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.DatabaseError:  # corrupt: keep its bytes as they are (with its WAL) and start afresh
        aside.unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm"):
            side = Path(f"{live}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{aside}{suffix}"))
    return aside


def restore_database(backup: Path, live: Path, *, now: dt.datetime | None = None) -> RestoreReport:
    """Replace the live database's content with `backup`, keeping the old one aside.

    The copy goes through SQLite (backup API into the live file), so its WAL and locks stay
    consistent. Raises: StoreError when the backup fails its check (the live database is untouched).
    """
    check = check_file(backup)
    if not check.ok or check.counts is None:
        raise StoreError(f"refusing to restore {backup}: it failed its check ({check.integrity})")
    with closing(sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)) as source:
        if source.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'").fetchone() is None:
            raise StoreError(f"refusing to restore {backup}: it is not an AcademicHub database")
        aside = _keep_aside(live, now or dt.datetime.now(dt.UTC))
        try:
            with closing(sqlite3.connect(live, isolation_level=None)) as target:
                target.execute("PRAGMA busy_timeout = 10000")
                source.backup(target, pages=-1)
        except sqlite3.Error as exc:
            raise StoreError(f"restore into {live} failed: {exc}; the previous database is at {aside}") from exc
    after = check_file(live)
    if after.counts != check.counts:
        raise StoreError(f"the restored database does not match {backup} ({after.integrity}); previous at {aside}")
    return RestoreReport(backup, aside, check.counts, after)


def newest_backup(backups_dir: Path) -> Path | None:
    if not backups_dir.is_dir():
        return None
    found = [p for p in backups_dir.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}") if p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime, default=None)


def backup_alert(
    live: Path,
    backups_dir: Path,
    *,
    max_age_h: float,
    min_paper_ratio: float,
    now: Callable[[], float] | None = None,
) -> str | None:
    """One line when the newest backup is missing, stale, unreadable or much smaller than the live database."""
    newest = newest_backup(backups_dir)
    if newest is None:
        return f"no backup yet in {backups_dir}: run `academichub backup`"
    age_h = ((now() if now else dt.datetime.now(dt.UTC).timestamp()) - newest.stat().st_mtime) / 3600
    if age_h > max_age_h:
        return f"the newest backup ({newest.name}) is {age_h:.0f} h old (limit {max_age_h:g} h)"
    copied = file_counts(newest)  # counts only: a full integrity_check of a large file is too slow for a status line
    if copied is None:
        return f"the newest backup ({newest.name}) cannot be read"
    current = file_counts(live)
    if current is not None and copied.papers < min_paper_ratio * current.papers:
        return (
            f"the newest backup ({newest.name}) holds {copied.papers} papers, "
            f"under {min_paper_ratio:.0%} of the live database's {current.papers}"
        )
    return None


def file_counts(path: Path) -> Counts | None:
    """The counts of the database at `path` (read-only), or None when it cannot be read."""
    if not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            return read_counts(conn)
    except sqlite3.Error:
        return None
