"""Radars, their feedback, the papers' embedding vectors and each day's picks, in SQL.

A radar's settings are one JSON document; vectors are little-endian blobs, one per
paper and model, written once: float32, or float16 when the writer asks (sentence
blocks; the row's dtype says which) and always read back as float32.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any

from academichub.errors import InputError
from academichub.models import FeedbackKind, Note, Radar, Reason

if TYPE_CHECKING:  # numpy is imported by the vector functions: an ingest never pays for it
    import numpy as np
    from numpy.typing import NDArray

_CONFIG_FIELDS = [f.name for f in fields(Radar) if f.name not in {"id", "user_id", "name"}]


def _config_json(radar: Radar) -> str:
    data = asdict(radar)
    return json.dumps({k: data[k] for k in _CONFIG_FIELDS}, ensure_ascii=False)


def _radar_from_row(row: tuple[object, ...]) -> Radar:
    rid, user_id, name, config = row
    data: dict[str, Any] = json.loads(str(config))
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in _CONFIG_FIELDS}
    return Radar(name=str(name), id=int(str(rid)), user_id=int(str(user_id)), **values)


def save_radar(conn: sqlite3.Connection, radar: Radar, now: str) -> Radar:
    """Insert (id None) or update a radar. Raises: InputError when the name is taken."""
    try:
        if radar.id is None:
            cur = conn.execute(
                "INSERT INTO radars (user_id, name, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                (radar.user_id, radar.name, _config_json(radar), now, now),
            )
            return Radar(**{**asdict(radar), "id": int(cur.lastrowid or 0)})
        conn.execute(
            "UPDATE radars SET name = ?, config = ?, updated_at = ? WHERE id = ? AND user_id = ?",
            (radar.name, _config_json(radar), now, radar.id, radar.user_id),
        )
    except sqlite3.IntegrityError as exc:
        raise InputError(f"a radar named {radar.name!r} already exists") from exc
    return radar


def radar_by_name(conn: sqlite3.Connection, user_id: int, name: str) -> Radar | None:
    row = conn.execute(
        "SELECT id, user_id, name, config FROM radars WHERE user_id = ? AND name = ?", (user_id, name)
    ).fetchone()
    return _radar_from_row(row) if row else None


def radar_by_id(conn: sqlite3.Connection, user_id: int, radar_id: int) -> Radar | None:
    row = conn.execute(
        "SELECT id, user_id, name, config FROM radars WHERE user_id = ? AND id = ?", (user_id, radar_id)
    ).fetchone()
    return _radar_from_row(row) if row else None


def list_radars(conn: sqlite3.Connection, user_id: int) -> list[Radar]:
    rows = conn.execute(
        "SELECT id, user_id, name, config FROM radars WHERE user_id = ? ORDER BY name", (user_id,)
    ).fetchall()
    return [_radar_from_row(r) for r in rows]


def list_all_radars(conn: sqlite3.Connection) -> list[Radar]:
    """Every user's radars (for the daily run)."""
    rows = conn.execute("SELECT id, user_id, name, config FROM radars ORDER BY user_id, name").fetchall()
    return [_radar_from_row(r) for r in rows]


def delete_radar(conn: sqlite3.Connection, user_id: int, radar_id: int) -> None:
    conn.execute("DELETE FROM radars WHERE id = ? AND user_id = ?", (radar_id, user_id))


def set_feedback(conn: sqlite3.Connection, radar_id: int, paper_id: int, kind: FeedbackKind, now: str) -> None:
    """Record feedback; 👍 and 👎 replace each other."""
    if kind in (FeedbackKind.UP, FeedbackKind.DOWN):
        conn.execute(
            "DELETE FROM feedback WHERE radar_id = ? AND paper_id = ? AND kind IN ('up', 'down')", (radar_id, paper_id)
        )
    conn.execute(
        "INSERT OR REPLACE INTO feedback (radar_id, paper_id, kind, at) VALUES (?, ?, ?, ?)",
        (radar_id, paper_id, str(kind), now),
    )


def clear_feedback(conn: sqlite3.Connection, radar_id: int, paper_id: int, kind: FeedbackKind) -> None:
    conn.execute("DELETE FROM feedback WHERE radar_id = ? AND paper_id = ? AND kind = ?", (radar_id, paper_id, kind))


def feedback_for(conn: sqlite3.Connection, radar_id: int) -> dict[FeedbackKind, list[int]]:
    out: dict[FeedbackKind, list[int]] = {k: [] for k in FeedbackKind}
    for paper_id, kind in conn.execute(
        "SELECT paper_id, kind FROM feedback WHERE radar_id = ? ORDER BY at", (radar_id,)
    ):
        out[FeedbackKind(kind)].append(int(paper_id))
    return out


def vectors_for(conn: sqlite3.Connection, ids: Sequence[int], model: str) -> dict[int, tuple[NDArray[np.float32], str]]:
    """Stored vectors as float32 (and the hash of the text they were computed from) for these papers."""
    out: dict[int, tuple[NDArray[np.float32], str]] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 500):
        part = unique[start : start + 500]
        marks = ",".join("?" * len(part))
        for pid, blob, text_hash, dtype in conn.execute(
            f"SELECT paper_id, vector, text_hash, dtype FROM paper_vectors WHERE model = ? AND paper_id IN ({marks})",
            (model, *part),
        ):
            out[int(pid)] = (_decoded(blob, str(dtype)), str(text_hash))
    return out


def save_vectors(
    conn: sqlite3.Connection, model: str, rows: Sequence[tuple[int, NDArray[np.float32], str]], *, half: bool = False
) -> None:
    """Store (paper id, vector, text hash) rows; `half` keeps them as float16 (half the bytes; |Δcos| ≤ ~1e-3)."""
    import numpy as np

    dtype = "f2" if half else "f4"
    conn.executemany(
        "INSERT OR REPLACE INTO paper_vectors (paper_id, model, vector, text_hash, dtype) VALUES (?, ?, ?, ?, ?)",
        [(pid, model, np.asarray(vec, dtype=f"<{dtype}").tobytes(), h, dtype) for pid, vec, h in rows],
    )


def _decoded(blob: bytes, dtype: str) -> NDArray[np.float32]:
    import numpy as np

    if dtype == "f2":
        return np.frombuffer(blob, dtype="<f2").astype(np.float32)
    return np.frombuffer(blob, dtype="<f4")


def shown_before(conn: sqlite3.Connection, radar_id: int, day: dt.date) -> set[int]:
    rows = conn.execute(
        "SELECT DISTINCT paper_id FROM digest_items WHERE radar_id = ? AND day < ?", (radar_id, day.isoformat())
    )
    return {int(r[0]) for r in rows}


def save_digest(
    conn: sqlite3.Connection,
    radar_id: int,
    day: dt.date,
    items: Sequence[tuple[int, int, float, tuple[Reason, ...]]],
    said: tuple[int, Sequence[Note]] | None = None,
) -> None:
    """Replace the stored picks of one radar and day: (paper_id, rank, score, reasons), and what the digest said
    beside them (`said`: how many papers it chose from, its notes); None clears that too."""
    key = (radar_id, day.isoformat())
    conn.execute("DELETE FROM digest_items WHERE radar_id = ? AND day = ?", key)
    conn.execute("DELETE FROM digest_notes WHERE radar_id = ? AND day = ?", key)
    conn.executemany(
        "INSERT INTO digest_items (radar_id, day, paper_id, rank, score, reasons) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (radar_id, day.isoformat(), pid, rank, score, json.dumps([asdict(r) for r in reasons], ensure_ascii=False))
            for pid, rank, score, reasons in items
        ],
    )
    if said is not None:
        notes = [{"key": n.key, "text": str(n), "values": n.values} for n in said[1]]
        conn.execute(
            "INSERT INTO digest_notes (radar_id, day, candidates, notes) VALUES (?, ?, ?, ?)",
            (*key, said[0], json.dumps(notes, ensure_ascii=False)),
        )


def digest_items(
    conn: sqlite3.Connection, radar_id: int, day: dt.date
) -> list[tuple[int, int, float, tuple[Reason, ...]]]:
    rows = conn.execute(
        "SELECT paper_id, rank, score, reasons FROM digest_items WHERE radar_id = ? AND day = ? ORDER BY rank",
        (radar_id, day.isoformat()),
    ).fetchall()
    return [
        (int(pid), int(rank), float(score), tuple(_reason(r) for r in json.loads(reasons)))
        for pid, rank, score, reasons in rows
    ]


def digest_said(conn: sqlite3.Connection, radar_id: int, day: dt.date) -> tuple[int, tuple[Note, ...]] | None:
    """What the saved digest said beside its picks (see save_digest); None for picks saved without it."""
    row = conn.execute(
        "SELECT candidates, notes FROM digest_notes WHERE radar_id = ? AND day = ?", (radar_id, day.isoformat())
    ).fetchone()
    if row is None:
        return None
    notes = [Note(n["key"], n["text"], **{str(k): str(v) for k, v in n["values"].items()}) for n in json.loads(row[1])]
    return int(row[0]), tuple(notes)


def text_vectors(conn: sqlite3.Connection, hashes: Sequence[str], model: str) -> dict[str, NDArray[np.float32]]:
    import numpy as np

    out: dict[str, NDArray[np.float32]] = {}
    unique = list(dict.fromkeys(hashes))
    for start in range(0, len(unique), 500):
        part = unique[start : start + 500]
        marks = ",".join("?" * len(part))
        for text_hash, blob in conn.execute(
            f"SELECT text_hash, vector FROM text_vectors WHERE model = ? AND text_hash IN ({marks})", (model, *part)
        ):
            out[str(text_hash)] = np.frombuffer(blob, dtype="<f4")
    return out


def save_text_vectors(conn: sqlite3.Connection, model: str, rows: Sequence[tuple[str, NDArray[np.float32]]]) -> None:
    import numpy as np

    conn.executemany(
        "INSERT OR REPLACE INTO text_vectors (text_hash, model, vector) VALUES (?, ?, ?)",
        [(h, model, np.asarray(v, dtype="<f4").tobytes()) for h, v in rows],
    )


def _reason(stored: dict[str, Any]) -> Reason:
    """A stored reason; picks saved before reasons kept their values have none (they show as their English text)."""
    values = tuple((str(k), str(v)) for k, v in stored.get("values", ()))
    return Reason(stored["kind"], stored["text"], float(stored.get("weight", 0.0)), values)
