"""Sources, their fetch runs and resumable-job checkpoints.

A failed fetch is stored with its error and HTTP status, so the user sees
"failed" and never "no new papers".
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from academichub.models import FetchRun, RunStatus


@dataclass(frozen=True, slots=True)
class SourceState:
    name: str
    kind: str
    target: str
    label: str
    enabled: bool
    etag: str | None
    last_modified: str | None
    last_unconditional_at: str | None
    consecutive_failures: int


def ensure_source(conn: sqlite3.Connection, name: str, kind: str, target: str, label: str) -> None:
    conn.execute(
        "INSERT INTO sources (name, kind, target, label) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, target = excluded.target, label = excluded.label",
        (name, kind, target, label),
    )


def source_state(conn: sqlite3.Connection, name: str) -> SourceState | None:
    row = conn.execute(
        "SELECT name, kind, target, label, enabled, etag, last_modified, last_unconditional_at, "
        "consecutive_failures FROM sources WHERE name = ?",
        (name,),
    ).fetchone()
    if row is None:
        return None
    return SourceState(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6], row[7], int(row[8]))


def save_validators(
    conn: sqlite3.Connection, name: str, etag: str | None, last_modified: str | None, *, unconditional_at: str | None
) -> None:
    conn.execute(
        "UPDATE sources SET etag = ?, last_modified = ?, "
        "last_unconditional_at = COALESCE(?, last_unconditional_at) WHERE name = ?",
        (etag, last_modified, unconditional_at, name),
    )


def start_run(conn: sqlite3.Connection, run: FetchRun, for_day: dt.date | None) -> int:
    cur = conn.execute(
        "INSERT INTO fetch_runs (source, for_day, started_at, status) VALUES (?, ?, ?, ?)",
        (run.source, for_day.isoformat() if for_day else None, run.started_at.isoformat(), str(run.status)),
    )
    return int(cur.lastrowid or 0)


def finish_run(conn: sqlite3.Connection, run: FetchRun) -> None:
    conn.execute(
        "UPDATE fetch_runs SET finished_at = ?, status = ?, http_status = ?, error = ?, note = ?, "
        "items_seen = ?, items_new = ?, items_updated = ? WHERE id = ?",
        (
            run.finished_at.isoformat() if run.finished_at else None,
            str(run.status),
            run.http_status,
            run.error,
            run.note,
            run.items_seen,
            run.items_new,
            run.items_updated,
            run.id,
        ),
    )
    failed = run.status == RunStatus.FAILED
    conn.execute(
        "UPDATE sources SET consecutive_failures = CASE WHEN ? THEN consecutive_failures + 1 ELSE 0 END WHERE name = ?",
        (failed, run.source),
    )


def latest_runs(conn: sqlite3.Connection) -> list[tuple[SourceState, FetchRun | None]]:
    """Every source with its most recent fetch run (None if never fetched)."""
    out: list[tuple[SourceState, FetchRun | None]] = []
    for (name,) in conn.execute("SELECT name FROM sources ORDER BY name").fetchall():
        state = source_state(conn, name)
        assert state is not None  # just listed
        runs = runs_for(conn, name, limit=1)
        out.append((state, runs[0] if runs else None))
    return out


def runs_for(conn: sqlite3.Connection, source: str, *, limit: int = 20) -> list[FetchRun]:
    rows = conn.execute(
        "SELECT id, source, started_at, finished_at, status, http_status, error, note, items_seen, items_new, "
        "items_updated FROM fetch_runs WHERE source = ? ORDER BY started_at DESC, id DESC LIMIT ?",
        (source, limit),
    ).fetchall()
    return [
        FetchRun(
            id=r[0],
            source=r[1],
            started_at=dt.datetime.fromisoformat(r[2]),
            finished_at=dt.datetime.fromisoformat(r[3]) if r[3] else None,
            status=RunStatus(r[4]),
            http_status=r[5],
            error=r[6],
            note=r[7],
            items_seen=r[8],
            items_new=r[9],
            items_updated=r[10],
        )
        for r in rows
    ]


def checkpoint(conn: sqlite3.Connection, job: str, key: str) -> str | None:
    row = conn.execute("SELECT value FROM checkpoints WHERE job = ? AND key = ?", (job, key)).fetchone()
    return str(row[0]) if row else None


def set_checkpoint(conn: sqlite3.Connection, job: str, key: str, value: str, now: str) -> None:
    conn.execute(
        "INSERT INTO checkpoints (job, key, value, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(job, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (job, key, value, now),
    )


def clear_checkpoints(conn: sqlite3.Connection, job: str) -> None:
    conn.execute("DELETE FROM checkpoints WHERE job = ?", (job,))


def runs_for_day(conn: sqlite3.Connection, day: dt.date) -> list[FetchRun]:
    """The last run of each source that fetched for `day` (or ran on that date when undated)."""
    rows = conn.execute(
        "SELECT MAX(id) FROM fetch_runs WHERE for_day = ? OR (for_day IS NULL AND substr(started_at, 1, 10) = ?) "
        "GROUP BY source",
        (day.isoformat(), day.isoformat()),
    ).fetchall()
    runs: list[FetchRun] = []
    for (run_id,) in rows:
        source = conn.execute("SELECT source FROM fetch_runs WHERE id = ?", (run_id,)).fetchone()[0]
        runs += [r for r in runs_for(conn, source, limit=50) if r.id == run_id]
    return runs


def clear_checkpoint(conn: sqlite3.Connection, job: str, key: str) -> None:
    conn.execute("DELETE FROM checkpoints WHERE job = ? AND key = ?", (job, key))
