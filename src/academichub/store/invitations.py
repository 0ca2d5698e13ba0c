"""Invitations in SQL: one-time sign-up links an admin hands out while open registration is off.

Only the token's hash is stored (the web layer makes and hashes tokens). An
invitation is open until it expires or is used; using it and creating the
account happen in one transaction, so a link can never make two accounts.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from academichub.errors import InputError
from academichub.store.accounts import User, create_user


@dataclass(frozen=True, slots=True)
class Invitation:
    id: int
    created_by: int
    note: str
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None
    used_by_name: str | None

    def is_open(self, now: dt.datetime) -> bool:
        return self.used_at is None and self.expires_at > now


_COLUMNS = "i.id, i.created_by, i.note, i.created_at, i.expires_at, i.used_at, u.name"


def _invitation(row: tuple[object, ...]) -> Invitation:
    iid, by, note, created, expires, used, used_name = row
    return Invitation(
        int(str(iid)),
        int(str(by)),
        str(note),
        dt.datetime.fromisoformat(str(created)),
        dt.datetime.fromisoformat(str(expires)),
        dt.datetime.fromisoformat(str(used)) if used else None,
        str(used_name) if used_name is not None else None,
    )


def create_invitation(
    conn: sqlite3.Connection, token_hash: str, created_by: int, note: str, now: dt.datetime, expires: dt.datetime
) -> Invitation:
    cur = conn.execute(
        "INSERT INTO invitations (token_hash, created_by, note, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        (token_hash, created_by, note, now.isoformat(), expires.isoformat()),
    )
    return Invitation(int(cur.lastrowid or 0), created_by, note, now, expires, None, None)


def open_invitation(conn: sqlite3.Connection, token_hash: str, now: dt.datetime) -> Invitation | None:
    """The invitation with this token hash if it is unused and unexpired, else None."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM invitations i LEFT JOIN users u ON u.id = i.used_by "
        "WHERE i.token_hash = ? AND i.used_at IS NULL AND i.expires_at > ?",
        (token_hash, now.isoformat()),
    ).fetchone()
    return _invitation(row) if row else None


def list_invitations(conn: sqlite3.Connection, created_by: int, *, limit: int = 50) -> list[Invitation]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM invitations i LEFT JOIN users u ON u.id = i.used_by "
        "WHERE i.created_by = ? ORDER BY i.id DESC LIMIT ?",
        (created_by, limit),
    ).fetchall()
    return [_invitation(r) for r in rows]


def redeem_invitation(
    conn: sqlite3.Connection, token_hash: str, now: dt.datetime, name: str, password_hash: str, language: str
) -> User:
    """Spend the invitation and create the account (call inside one transaction).

    Raises: InputError when the link is unknown, used or expired, or the name is taken.
    """
    spent = conn.execute(
        "UPDATE invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
        (now.isoformat(), token_hash, now.isoformat()),
    )
    if spent.rowcount != 1:
        raise InputError("this invitation link is unknown, used or expired")
    user = create_user(conn, name, password_hash, language, is_admin=False)
    conn.execute("UPDATE invitations SET used_by = ? WHERE token_hash = ?", (user.id, token_hash))
    return user


def delete_invitation(conn: sqlite3.Connection, created_by: int, invitation_id: int) -> bool:
    """Withdraw an unused invitation of this admin; False when there is none."""
    cur = conn.execute(
        "DELETE FROM invitations WHERE id = ? AND created_by = ? AND used_at IS NULL", (invitation_id, created_by)
    )
    return cur.rowcount == 1
