"""Password resets in SQL: one-time, expiring links that set a new password and end every session.

Only the token's SHA-256 is stored (the web layer makes and hashes tokens). Spending a
link, setting the password and deleting the account's sessions happen in one
transaction, so a link works once even when two requests race.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from academichub.errors import InputError
from academichub.store.accounts import _JOINED_USER_COLUMNS, _USER_COLUMNS, User, _user, set_password_hash


def users_by_email(conn: sqlite3.Connection, email: str) -> list[User]:
    """Enabled accounts with a password whose e-mail address is `email` (case-insensitive)."""
    rows = conn.execute(
        f"SELECT {_USER_COLUMNS} FROM users WHERE lower(email) = lower(?) AND email != '' "
        "AND password_hash IS NOT NULL AND disabled = 0 ORDER BY id",
        (email.strip(),),
    ).fetchall()
    return [_user(r) for r in rows]


def user_by_name(conn: sqlite3.Connection, name: str) -> User | None:
    row = conn.execute(
        f"SELECT {_USER_COLUMNS} FROM users WHERE name = ? AND password_hash IS NOT NULL", (name.strip(),)
    ).fetchone()
    return _user(row) if row else None


def create_reset(
    conn: sqlite3.Connection, user_id: int, token_hash: str, now: dt.datetime, expires: dt.datetime
) -> None:
    """A new link for the user; any earlier unused link of theirs stops working."""
    conn.execute("DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL", (user_id,))
    conn.execute(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (token_hash, user_id, now.isoformat(), expires.isoformat()),
    )


def open_reset(conn: sqlite3.Connection, token_hash: str, now: dt.datetime) -> User | None:
    """The enabled account an unused, unexpired link belongs to, else None."""
    row = conn.execute(
        f"SELECT {_JOINED_USER_COLUMNS} "
        "FROM password_resets r JOIN users u ON u.id = r.user_id "
        "WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ? AND u.disabled = 0",
        (token_hash, now.isoformat()),
    ).fetchone()
    return _user(row) if row else None


def redeem_reset(conn: sqlite3.Connection, token_hash: str, now: dt.datetime, password_hash: str) -> User:
    """Spend the link, set the password, end every session (call inside one transaction).

    Raises: InputError when the link is unknown, used or expired, or the account is disabled.
    """
    found = open_reset(conn, token_hash, now)
    spent = conn.execute(
        "UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
        (now.isoformat(), token_hash, now.isoformat()),
    )
    if found is None or spent.rowcount != 1:
        raise InputError("this password-reset link is unknown, used or expired")
    set_password_hash(conn, found.id, password_hash)  # also deletes every session of the account
    conn.execute("DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL", (found.id,))
    return found
