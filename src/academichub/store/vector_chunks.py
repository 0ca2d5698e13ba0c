"""Stored paper vectors read back a chunk at a time, so a caller can reduce them without holding every row twice."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

VECTOR_CHUNK_ROWS = 8192


def vector_chunks(
    conn: sqlite3.Connection, model: str, *, rows: int = VECTOR_CHUNK_ROWS
) -> Iterator[tuple[NDArray[np.int64], NDArray[np.float32]]]:
    """Every live paper's vector of `model` as (ids, one row each) chunks, ordered by id.

    Rows whose length differs from the first one (another model's width) are skipped."""
    cursor = conn.execute(
        "SELECT v.paper_id, v.vector FROM paper_vectors v JOIN papers p ON p.id = v.paper_id "
        "WHERE v.model = ? AND p.deleted = 0 ORDER BY v.paper_id",
        (model,),
    )
    width = 0
    try:
        while batch := cursor.fetchmany(rows):
            width = width or len(batch[0][1])
            kept = [(int(pid), blob) for pid, blob in batch if len(blob) == width]
            ids = np.fromiter((pid for pid, _ in kept), dtype=np.int64, count=len(kept))
            matrix = np.frombuffer(b"".join(blob for _, blob in kept), dtype="<f4").reshape(len(kept), width // 4)
            yield ids, matrix.astype(np.float32, copy=False)
    finally:
        cursor.close()
