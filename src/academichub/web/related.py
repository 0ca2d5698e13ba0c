"""Related papers for the paper page: a per-process index of every stored vector, searched in three steps.

1. every vector projected onto its PROJECTED_DIMS principal directions (fitted once per process and
   model) is scanned for the CANDIDATES nearest; 2. those are re-scored on int8 codes of the full
   vectors; 3. the best EXACT_PER_RESULT × k are re-scored on their stored float32 vectors, which give the
   order and the similarity shown. At 100k hashing vectors that holds ~100 MB per process instead
   of the 205 MB full matrix, and a page view reads 51 MB of it, not 205 MB.
The index is loaded on first use and rebuilt when a paper is added or after RELOAD_AFTER_S
(vectors are computed lazily, after ingest); while one thread rebuilds it, the others keep
answering from the previous one.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from academichub.models import Paper
from academichub.pipeline.paper_vectors import embed_papers
from academichub.rank.embed import Embedder
from academichub.rank.related import (
    FIT_SAMPLE_ROWS,
    Projection,
    best_positions,
    coarse_candidates,
    fit_projection,
    nearest_papers,
    quantize_rows,
    sample_rows,
)
from academichub.store import Store

RELATED_COUNT = 8
EXACT_PER_RESULT = 2  # rows re-scored on their stored vectors, per related paper shown
RELOAD_AFTER_S = 600.0


@dataclass(frozen=True, slots=True)
class CoarseRows:
    key: tuple[str, int]  # (model, newest paper id) when loaded
    loaded_at: float
    projection: Projection
    ids: NDArray[np.int64]
    rows: NDArray[np.float32]  # projected
    codes: NDArray[np.int8]  # full width, quantized
    scales: NDArray[np.float32]


class VectorIndex:
    """Every stored paper vector of one embedder, projected; shared by the server's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: CoarseRows | None = None
        self._projections: dict[tuple[str, int], Projection] = {}  # (model, width): fitted once per process

    def rows(self, store: Store, model: str) -> CoarseRows | None:
        """The current index, rebuilt first when stale; None when no vector is stored."""
        key = (model, store.newest_paper_id())
        current = self._current
        if _is_fresh(current, key):
            return current
        usable = current is not None and current.key[0] == model
        if not self._lock.acquire(blocking=not usable):
            return current  # another thread is rebuilding it: answer from the previous one meanwhile
        try:
            if _is_fresh(self._current, key):
                return self._current  # rebuilt while this thread waited
            self._current = self._load(store, model, key)
            return self._current
        finally:
            self._lock.release()

    def _load(self, store: Store, model: str, key: tuple[str, int]) -> CoarseRows | None:
        chunks = list(store.vector_chunks(model))
        if not chunks or not chunks[0][1].size:
            return None
        width = chunks[0][1].shape[1]
        projection = self._projections.get((model, width))
        if projection is None:
            projection = fit_projection(sample_rows([m for _, m in chunks], FIT_SAMPLE_ROWS))
            self._projections[(model, width)] = projection
        ids = np.concatenate([i for i, _ in chunks])
        rows = np.empty((len(ids), projection.basis.shape[1]), dtype=np.float32)
        codes = np.empty((len(ids), width), dtype=np.int8)
        scales = np.empty(len(ids), dtype=np.float32)
        start = 0
        while chunks:
            _, matrix = chunks.pop(0)  # each full chunk is dropped once reduced
            end = start + len(matrix)
            rows[start:end] = projection.apply(matrix)
            codes[start:end], scales[start:end] = quantize_rows(matrix)
            start = end
        return CoarseRows(key, time.monotonic(), projection, ids, rows, codes, scales)


def _is_fresh(rows: CoarseRows | None, key: tuple[str, int]) -> bool:
    return rows is not None and rows.key == key and time.monotonic() - rows.loaded_at < RELOAD_AFTER_S


def related_papers(
    store: Store, embedder: Embedder, index: VectorIndex, paper: Paper, *, k: int = RELATED_COUNT
) -> list[tuple[Paper, float]]:
    """The `k` stored papers nearest to `paper` in embedding space, with their cosine similarity, best first."""
    if paper.id is None:
        return []
    own = embed_papers(store, embedder, [paper]).get(paper.id)
    coarse = index.rows(store, embedder.name)
    if own is None or coarse is None or coarse.projection.width != own.shape[0]:
        return []
    near = coarse_candidates(own, coarse.projection, coarse.rows)
    best = best_positions(own, coarse.codes, coarse.scales, near, count=EXACT_PER_RESULT * k + 1)
    candidates = [int(pid) for pid in coarse.ids[best]]
    stored = store.vectors_for(candidates, embedder.name)
    ids = [pid for pid in candidates if pid in stored and stored[pid][0].shape == own.shape]
    if not ids:
        return []
    matrix = np.vstack([stored[pid][0] for pid in ids]).astype(np.float32, copy=False)
    found = nearest_papers(own, ids, matrix, k=k, exclude=frozenset({paper.id}))
    papers = store.papers_by_ids([pid for pid, _ in found])
    return [(papers[pid], score) for pid, score in found if pid in papers]
