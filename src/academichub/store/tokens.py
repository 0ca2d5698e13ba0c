"""Secret tokens and user preferences in SQL: API tokens for scripts, Atom-feed tokens per radar, small prefs.

Only SHA-256 hashes of tokens are stored (the web layer makes and hashes them);
a token is shown once, when it is created, and revoked by deleting its row.
Every lookup that lists or deletes takes the owner's user id.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from academichub.errors import InputError

TOKEN_KINDS = ("api", "feed")


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A token's public facts (never the token itself)."""

    id: int
    user_id: int
    kind: str  # "api" | "feed"
    radar_id: int | None
    label: str
    created_at: str
    last_used_at: str | None


_COLUMNS = "id, user_id, kind, radar_id, label, created_at, last_used_at"


def _token(row: tuple[object, ...]) -> ApiToken:
    tid, uid, kind, radar_id, label, created, used = row
    return ApiToken(
        int(str(tid)), int(str(uid)), str(kind), int(str(radar_id)) if radar_id is not None else None,
        str(label), str(created), str(used) if used is not None else None,
    )  # fmt: skip


def create_token(
    conn: sqlite3.Connection, user_id: int, token_hash: str, kind: str, label: str, now: str, radar_id: int | None
) -> ApiToken:
    """Store a new token's hash. Raises: InputError for an unknown kind or a radar the user does not own."""
    if kind not in TOKEN_KINDS:
        raise InputError(f"unknown token kind {kind!r}")
    if radar_id is not None:
        owned = conn.execute("SELECT 1 FROM radars WHERE id = ? AND user_id = ?", (radar_id, user_id)).fetchone()
        if owned is None:
            raise InputError("no such radar")
    cur = conn.execute(
        "INSERT INTO api_tokens (user_id, token_hash, kind, radar_id, label, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, token_hash, kind, radar_id, label[:100], now),
    )
    return ApiToken(int(cur.lastrowid or 0), user_id, kind, radar_id, label[:100], now, None)


def token_by_hash(conn: sqlite3.Connection, token_hash: str, kind: str) -> ApiToken | None:
    """The token of an enabled user with this hash and kind, or None (unknown, revoked, disabled user)."""
    row = conn.execute(
        f"SELECT t.{_COLUMNS.replace(', ', ', t.')} FROM api_tokens t JOIN users u ON u.id = t.user_id "
        "WHERE t.token_hash = ? AND t.kind = ? AND u.disabled = 0",
        (token_hash, kind),
    ).fetchone()
    return _token(row) if row else None


def mark_token_used(conn: sqlite3.Connection, token_id: int, now: dt.datetime) -> None:
    """Record the use (at most once a minute per token, so reads stay cheap)."""
    cutoff = (now - dt.timedelta(minutes=1)).isoformat(timespec="seconds")
    conn.execute(
        "UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
        (now.isoformat(timespec="seconds"), token_id, cutoff),
    )


def list_tokens(conn: sqlite3.Connection, user_id: int, kind: str, radar_id: int | None = None) -> list[ApiToken]:
    query = f"SELECT {_COLUMNS} FROM api_tokens WHERE user_id = ? AND kind = ?"
    params: tuple[object, ...] = (user_id, kind)
    if radar_id is not None:
        query += " AND radar_id = ?"
        params += (radar_id,)
    return [_token(row) for row in conn.execute(query + " ORDER BY id", params)]


def delete_tokens(
    conn: sqlite3.Connection, user_id: int, *, token_id: int | None = None, radar_id: int | None = None
) -> int:
    """Revoke one token by id, or every feed token of a radar; only the user's own. Returns how many."""
    if token_id is not None:
        cur = conn.execute("DELETE FROM api_tokens WHERE id = ? AND user_id = ?", (token_id, user_id))
    else:
        cur = conn.execute(
            "DELETE FROM api_tokens WHERE radar_id = ? AND user_id = ? AND kind = 'feed'", (radar_id, user_id)
        )
    return int(cur.rowcount)


def user_prefs(conn: sqlite3.Connection, user_id: int) -> dict[str, str]:
    return {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM user_prefs WHERE user_id = ?", (user_id,))}


def set_user_pref(conn: sqlite3.Connection, user_id: int, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO user_prefs (user_id, key, value) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value",
        (user_id, key, value),
    )
