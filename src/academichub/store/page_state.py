"""Cheap reads behind the web pages: what a day list's cache key is made of, neighbouring days, radar names.

A state string changes whenever anything the list shows changes (picks, the
picked papers' stored content, feedback, the radar); callers hash it. Read-only.
"""

from __future__ import annotations

import datetime as dt
import sqlite3


def digest_state(conn: sqlite3.Connection, radar_id: int, day: dt.date) -> str:
    """The radar's picks for `day` with each paper's fingerprint, its feedback and its last edit, as one string."""
    picks = conn.execute(
        "SELECT group_concat(d.paper_id || ':' || d.rank || ':' || d.score || ':' || d.reasons || ':' "
        "|| coalesce(p.fingerprint, '-') || ':' || coalesce(p.deleted, '-'), '|') "
        "FROM (SELECT * FROM digest_items WHERE radar_id = ? AND day = ? ORDER BY rank, paper_id) d "
        "LEFT JOIN papers p ON p.id = d.paper_id",
        (radar_id, day.isoformat()),
    ).fetchone()[0]
    feedback = conn.execute(
        "SELECT group_concat(paper_id || kind, ',') FROM "
        "(SELECT paper_id, kind FROM feedback WHERE radar_id = ? ORDER BY paper_id, kind)",
        (radar_id,),
    ).fetchone()[0]
    edited = conn.execute("SELECT updated_at || length(config) FROM radars WHERE id = ?", (radar_id,)).fetchone()
    return f"{picks or ''}#{feedback or ''}#{edited[0] if edited else ''}"


def day_state(conn: sqlite3.Connection, day: dt.date) -> str:
    """Every paper announced on `day` with its fingerprint, as one string: changes with any ingest touching the day."""
    row = conn.execute(
        "SELECT count(*), group_concat(id || ':' || fingerprint || ':' || deleted, '|') FROM "
        "(SELECT DISTINCT p.id, p.fingerprint, p.deleted FROM announcements a JOIN papers p ON p.id = a.paper_id "
        "WHERE a.day = ? ORDER BY p.id)",
        (day.isoformat(),),
    ).fetchone()
    return f"{row[0]}#{row[1] or ''}"


def days_around(conn: sqlite3.Connection, day: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The nearest earlier and later days with announcements: two index seeks."""
    before = conn.execute("SELECT MAX(day) FROM announcements WHERE day < ?", (day.isoformat(),)).fetchone()[0]
    after = conn.execute("SELECT MIN(day) FROM announcements WHERE day > ?", (day.isoformat(),)).fetchone()[0]
    return (
        dt.date.fromisoformat(str(before)) if before else None,
        dt.date.fromisoformat(str(after)) if after else None,
    )


def radar_names(conn: sqlite3.Connection, user_id: int) -> list[tuple[int, str]]:
    """(id, name) of the user's radars by name, without decoding their settings."""
    rows = conn.execute("SELECT id, name FROM radars WHERE user_id = ? ORDER BY name", (user_id,)).fetchall()
    return [(int(r[0]), str(r[1])) for r in rows]
