"""Which stored vectors of a model are stale and deleting them, a batch per transaction; and their storage size.

A vector is stale when its paper has no announcement on or after a cutoff day (or none at all) and it is not
one the caller keeps. Only the given model's rows of paper_vectors are ever deleted: papers, other models'
vectors, picks and text vectors stay.
"""

from __future__ import annotations

import sqlite3

from academichub.store.db import Connection

PRUNE_BATCH_ROWS = 2000  # rows read and deleted per transaction: the write lock is never held for long


def stale_vector_ids(conn: sqlite3.Connection, model: str, since: str, after: int, limit: int) -> list[int]:
    """Up to `limit` paper ids above `after`, in order, whose `model` vector belongs to a paper not announced
    on or after the ISO day `since`."""
    rows = conn.execute(
        "SELECT v.paper_id FROM paper_vectors v WHERE v.model = ? AND v.paper_id > ? "
        "AND NOT EXISTS (SELECT 1 FROM announcements a WHERE a.paper_id = v.paper_id AND a.day >= ?) "
        "ORDER BY v.paper_id LIMIT ?",
        (model, after, since, limit),
    )
    return [int(r[0]) for r in rows]


def prune_vectors(db: Connection, model: str, since: str, keep: set[int], *, batch: int = PRUNE_BATCH_ROWS) -> int:
    """Delete `model` vectors of papers not announced on or after `since`, except the papers in `keep`; returns
    how many rows went. Each batch commits on its own, so a killed prune loses nothing and a rerun finishes it."""
    deleted, after = 0, 0
    while ids := stale_vector_ids(db.conn, model, since, after, batch):
        after = ids[-1]
        gone = [(pid, model) for pid in ids if pid not in keep]
        with db.transaction() as conn:
            conn.executemany("DELETE FROM paper_vectors WHERE paper_id = ? AND model = ?", gone)
        deleted += len(gone)
    return deleted


def vector_storage(conn: sqlite3.Connection, model: str) -> tuple[int, int]:
    """(rows, blob bytes) of `model`'s stored vectors."""
    count, size = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(length(vector)), 0) FROM paper_vectors WHERE model = ?", (model,)
    ).fetchone()
    return int(count), int(size)
