"""Throttle hits in SQL: one row per counted attempt under a key, kept until it leaves its window.

The rows live in the database so every process serving it counts together. What the keys
are and how many hits a key may hold is the web layer's policy, not this module's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def live_hits(conn: sqlite3.Connection, keys: Sequence[str], now: float) -> dict[str, list[float]]:
    """Each key's unexpired hits as their expiry times, oldest first (keys without hits map to [])."""
    found: dict[str, list[float]] = {key: [] for key in keys}
    if not keys:
        return found
    marks = ",".join("?" * len(keys))
    rows = conn.execute(
        f"SELECT key, expires_at FROM throttle_hits WHERE key IN ({marks}) AND expires_at > ? ORDER BY expires_at",
        (*keys, now),
    )
    for key, expires_at in rows:
        found[str(key)].append(float(expires_at))
    return found


def add_hits(conn: sqlite3.Connection, keys: Sequence[str], now: float, window_s: float) -> list[int]:
    """Count one hit under each key until `now + window_s`; drops every expired hit. Returns the new rows' ids."""
    conn.execute("DELETE FROM throttle_hits WHERE expires_at <= ?", (now,))
    ids = []
    for key in keys:
        cur = conn.execute("INSERT INTO throttle_hits (key, expires_at) VALUES (?, ?)", (key, now + window_s))
        ids.append(int(cur.lastrowid or 0))
    return ids


def delete_hits(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    conn.executemany("DELETE FROM throttle_hits WHERE id = ?", [(i,) for i in ids])


def clear_key(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("DELETE FROM throttle_hits WHERE key = ?", (key,))
