"""Related papers for the paper page: the nearest stored vectors, from a per-process matrix of all of them.

The matrix is loaded once and reloaded when a paper is added or after
RELOAD_AFTER_S (vectors are computed lazily, after ingest); counting the vector
table itself would read every vector. The ranking is rank.related's.
"""

from __future__ import annotations

import threading
import time

import numpy as np
from numpy.typing import NDArray

from academichub.models import Paper
from academichub.pipeline.digest import embed_papers
from academichub.rank.embed import Embedder
from academichub.rank.related import nearest_papers
from academichub.store import Store

RELATED_COUNT = 8
RELOAD_AFTER_S = 600.0


class VectorIndex:
    """Every stored paper vector of one embedder, shared by the server's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, int] | None = None
        self._loaded_at = 0.0
        self._ids: list[int] = []
        self._matrix: NDArray[np.float32] = np.zeros((0, 0), dtype=np.float32)

    def rows(self, store: Store, model: str) -> tuple[list[int], NDArray[np.float32]]:
        newest = store.newest_paper_id()
        with self._lock:
            stale = time.monotonic() - self._loaded_at > RELOAD_AFTER_S
            if self._key != (model, newest) or stale:
                self._ids, self._matrix = store.all_vectors(model)
                self._key, self._loaded_at = (model, newest), time.monotonic()
            return self._ids, self._matrix


def related_papers(
    store: Store, embedder: Embedder, index: VectorIndex, paper: Paper, *, k: int = RELATED_COUNT
) -> list[tuple[Paper, float]]:
    """The `k` stored papers nearest to `paper` in embedding space, with their cosine similarity, best first."""
    if paper.id is None:
        return []
    own = embed_papers(store, embedder, [paper]).get(paper.id)
    ids, matrix = index.rows(store, embedder.name)
    if own is None or not ids or matrix.shape[1] != own.shape[0]:
        return []
    found = nearest_papers(own, ids, matrix, k=k, exclude=frozenset({paper.id}))
    papers = store.papers_by_ids([pid for pid, _ in found])
    return [(papers[pid], score) for pid, score in found if pid in papers]
