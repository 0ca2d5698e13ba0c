"""Accounts and web sessions in SQL: users with password hashes, server-side sessions, per-user lookups.

Only hashes are stored (argon2id for passwords, SHA-256 for session tokens);
hashing and token generation happen in the web layer. Every query that reads a
user's data takes the user id.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from academichub.errors import InputError, StoreError

LOCAL_USER_ID = 1  # the pre-account owner of every radar; the first admin takes it over


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    language: str
    is_admin: bool
    has_password: bool
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class WebSession:
    user: User
    csrf_token: str
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Pick:
    """A radar of the user that showed a paper on a day, at a rank."""

    radar_id: int
    radar_name: str
    day: dt.date
    rank: int


_USER_COLUMNS = "id, name, language, is_admin, password_hash IS NOT NULL, disabled"
_JOINED_USER_COLUMNS = "u.id, u.name, u.language, u.is_admin, u.password_hash IS NOT NULL, u.disabled"  # users u


def _user(row: tuple[object, ...]) -> User:
    uid, name, language, is_admin, has_password, disabled = row
    return User(int(str(uid)), str(name), str(language), bool(is_admin), bool(has_password), bool(disabled))


def has_accounts(conn: sqlite3.Connection) -> bool:
    """Whether anyone can sign in yet (False until the first admin is created)."""
    return conn.execute("SELECT 1 FROM users WHERE password_hash IS NOT NULL LIMIT 1").fetchone() is not None


def create_first_admin(conn: sqlite3.Connection, name: str, password_hash: str, language: str) -> User:
    """The first account takes over the local user, so radars made before accounts become its own.

    Raises: InputError when an account already exists.
    """
    if has_accounts(conn):
        raise InputError("an administrator already exists")
    conn.execute("INSERT OR IGNORE INTO users (id, name) VALUES (?, ?)", (LOCAL_USER_ID, f"local-{LOCAL_USER_ID}"))
    try:
        conn.execute(
            "UPDATE users SET name = ?, password_hash = ?, is_admin = 1, language = ? WHERE id = ?",
            (name, password_hash, language, LOCAL_USER_ID),
        )
    except sqlite3.IntegrityError as exc:
        raise InputError(f"the name {name!r} is taken") from exc
    return _written(conn, LOCAL_USER_ID)


def create_user(conn: sqlite3.Connection, name: str, password_hash: str, language: str, *, is_admin: bool) -> User:
    """Raises: InputError when the name is taken."""
    try:
        cur = conn.execute(
            "INSERT INTO users (name, password_hash, language, is_admin) VALUES (?, ?, ?, ?)",
            (name, password_hash, language, int(is_admin)),
        )
    except sqlite3.IntegrityError as exc:
        raise InputError(f"the name {name!r} is taken") from exc
    return _written(conn, int(cur.lastrowid or 0))


def _written(conn: sqlite3.Connection, user_id: int) -> User:
    found = user_by_id(conn, user_id)
    if found is None:
        raise StoreError(f"user {user_id} vanished while it was being written")
    return found


def user_by_id(conn: sqlite3.Connection, user_id: int) -> User | None:
    row = conn.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE id = ?", (user_id,)).fetchone()
    return _user(row) if row else None


def login_record(conn: sqlite3.Connection, name: str) -> tuple[User, str] | None:
    """The user and password hash for a sign-in attempt (None: unknown name or no password)."""
    row = conn.execute(
        f"SELECT {_USER_COLUMNS}, password_hash FROM users WHERE name = ? AND password_hash IS NOT NULL", (name,)
    ).fetchone()
    return (_user(row[:6]), str(row[6])) if row else None


def set_password_hash(conn: sqlite3.Connection, user_id: int, password_hash: str) -> None:
    """Replace the hash (rehash on login, password change) and end every session of the user."""
    conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
    conn.execute("DELETE FROM web_sessions WHERE user_id = ?", (user_id,))


def set_language(conn: sqlite3.Connection, user_id: int, language: str) -> None:
    conn.execute("UPDATE users SET language = ? WHERE id = ?", (language, user_id))


def set_email(conn: sqlite3.Connection, user_id: int, email: str) -> None:
    conn.execute("UPDATE users SET email = ? WHERE id = ?", (email, user_id))


def user_emails(conn: sqlite3.Connection) -> dict[int, str]:
    """Users who want their Curated Daily by email: id → address."""
    rows = conn.execute("SELECT id, email FROM users WHERE email != '' AND COALESCE(disabled, 0) = 0").fetchall()
    return {int(i): str(e) for i, e in rows}


def create_session(
    conn: sqlite3.Connection, token_hash: str, user_id: int, csrf_token: str, now: dt.datetime, expires: dt.datetime
) -> None:
    conn.execute("DELETE FROM web_sessions WHERE expires_at < ?", (now.isoformat(),))
    conn.execute(
        "INSERT INTO web_sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        (token_hash, user_id, csrf_token, now.isoformat(), expires.isoformat()),
    )


def session_by_token_hash(conn: sqlite3.Connection, token_hash: str, now: dt.datetime) -> WebSession | None:
    """A live session of an enabled user, or None (expired, revoked, unknown)."""
    row = conn.execute(
        f"SELECT {_JOINED_USER_COLUMNS}, "
        "s.csrf_token, s.expires_at FROM web_sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0",
        (token_hash, now.isoformat()),
    ).fetchone()
    if row is None:
        return None
    return WebSession(_user(row[:6]), str(row[6]), dt.datetime.fromisoformat(str(row[7])))


def delete_session(conn: sqlite3.Connection, token_hash: str) -> None:
    conn.execute("DELETE FROM web_sessions WHERE token_hash = ?", (token_hash,))


def picks_for_paper(conn: sqlite3.Connection, user_id: int, paper_id: int) -> list[Pick]:
    """Which of this user's radars showed the paper, newest day first."""
    rows = conn.execute(
        "SELECT r.id, r.name, d.day, d.rank FROM digest_items d JOIN radars r ON r.id = d.radar_id "
        "WHERE d.paper_id = ? AND r.user_id = ? ORDER BY d.day DESC, r.name",
        (paper_id, user_id),
    ).fetchall()
    return [Pick(int(rid), str(name), dt.date.fromisoformat(str(day)), int(rank)) for rid, name, day, rank in rows]
