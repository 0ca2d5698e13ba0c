"""Related papers: the nearest stored vectors to one paper's (cosine on L2-normalised rows). Pure, no I/O."""

from __future__ import annotations

from collections.abc import Sequence

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
