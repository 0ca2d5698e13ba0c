"""Related papers: the nearest stored vectors to one paper's (cosine on L2-normalised rows), exactly or through
a PCA-projected coarse pass whose candidates are re-scored exactly. Pure, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


def nearest_papers(
    query: NDArray[np.float32],
    ids: Sequence[int],
    matrix: NDArray[np.float32],
    *,
    k: int = 8,
    exclude: frozenset[int] = frozenset(),
) -> list[tuple[int, float]]:
    """The `k` ids whose rows score highest against `query` (dot product), best first, `exclude` left out."""
    if len(ids) != matrix.shape[0]:
        raise ValueError(f"{len(ids)} ids for {matrix.shape[0]} rows")
    if k <= 0 or not len(ids):
        return []
    scores = matrix @ np.asarray(query, dtype=matrix.dtype)
    wanted = min(len(ids), k + len(exclude))
    top = np.argpartition(-scores, wanted - 1)[:wanted] if wanted < len(ids) else np.arange(len(ids))
    ranked = sorted(top.tolist(), key=lambda i: (-float(scores[i]), ids[i]))
    return [(ids[i], float(scores[i])) for i in ranked if ids[i] not in exclude][:k]


PROJECTED_DIMS = 128  # coarse width: a quarter of the hashing vectors', a third of e5-small's
CANDIDATES = 800  # coarse neighbours re-scored on int8 codes of the full vectors (cheap: a gather)
FIT_SAMPLE_ROWS = 8192


@dataclass(frozen=True, slots=True)
class Projection:
    """Centred PCA basis: rows (n, d) → (n, k); the dot products of projected rows rank like the full ones."""

    mean: NDArray[np.float32]
    basis: NDArray[np.float32]  # (d, k), orthonormal columns

    @property
    def width(self) -> int:
        return int(self.mean.shape[0])

    def apply(self, rows: NDArray[np.float32]) -> NDArray[np.float32]:
        return np.asarray((rows - self.mean) @ self.basis, dtype=np.float32)


def fit_projection(sample: NDArray[np.float32], *, dims: int = PROJECTED_DIMS) -> Projection:
    """The `dims` principal directions of `sample`'s rows (all of them when rows are no wider)."""
    width = sample.shape[1]
    mean = sample.mean(axis=0).astype(np.float32)
    if width <= dims or sample.shape[0] < 2:
        return Projection(mean, np.eye(width, dtype=np.float32))
    centred = sample - mean
    values, vectors = np.linalg.eigh(centred.T @ centred)
    order = np.argsort(values)[::-1][:dims]
    return Projection(mean, np.ascontiguousarray(vectors[:, order], dtype=np.float32))


def sample_rows(chunks: Sequence[NDArray[np.float32]], count: int, *, seed: int = 0) -> NDArray[np.float32]:
    """Up to `count` rows drawn evenly at random from every chunk."""
    total = sum(len(c) for c in chunks)
    if not total:
        return np.zeros((0, chunks[0].shape[1] if chunks else 0), dtype=np.float32)
    picks = np.sort(np.random.default_rng(seed).choice(total, min(count, total), replace=False))
    ends = np.cumsum([len(c) for c in chunks])
    starts = ends - [len(c) for c in chunks]
    return np.vstack([c[picks[(picks >= a) & (picks < b)] - a] for c, a, b in zip(chunks, starts, ends, strict=True)])


def coarse_candidates(
    query: NDArray[np.float32], projection: Projection, projected: NDArray[np.float32], *, count: int = CANDIDATES
) -> NDArray[np.intp]:
    """Positions of the `count` rows nearest to `query` in the projected space (every row when there are fewer)."""
    if len(projected) <= count:
        return np.arange(len(projected))
    scores = projected @ projection.apply(np.asarray(query, dtype=np.float32)[None, :])[0]
    return np.argpartition(-scores, count - 1)[:count]


def quantize_rows(rows: NDArray[np.float32]) -> tuple[NDArray[np.int8], NDArray[np.float32]]:
    """Rows as int8 codes and one scale per row (a quarter of the memory; dot products within ~1%)."""
    scales = np.maximum(np.abs(rows).max(axis=1), np.float32(1e-12)) / np.float32(127)
    codes = np.rint(rows / scales[:, None]).astype(np.int8)
    return codes, scales.astype(np.float32)


def best_positions(
    query: NDArray[np.float32],
    codes: NDArray[np.int8],
    scales: NDArray[np.float32],
    positions: NDArray[np.intp],
    *,
    count: int,
) -> NDArray[np.intp]:
    """Of `positions`, the `count` whose quantized rows score highest against `query`, best first."""
    scores = (codes[positions].astype(np.float32) @ np.asarray(query, dtype=np.float32)) * scales[positions]
    order = np.argsort(-scores, kind="stable")[:count]
    return positions[order]
