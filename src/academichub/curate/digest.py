"""select_digest: today's top N for a radar, diverse (MMR) and without anything already seen.

Pure: ranked papers and their vectors in, the numbered selection out. A columnar ranking (rank.ranking.Ranking,
matched by shape: curate does not import rank) is read as arrays, and only the picks become ScoredPapers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol, TypeGuard

import numpy as np
from numpy.typing import NDArray

from academichub.models import ScoredPaper

MMR_LAMBDA = 0.75  # 1.0 = pure relevance; lower trades relevance for variety
POOL_FACTOR = 3  # MMR chooses among the best size × POOL_FACTOR papers (at least MIN_POOL)
MIN_POOL = 30


class Columnar(Protocol):
    """A ranking kept as arrays, whose items are built on demand."""

    scores: NDArray[np.float64]

    def paper_ids(self) -> list[int | None]: ...

    def scored(self, j: int, rank: int | None = None) -> ScoredPaper: ...


def _is_columnar(ranked: object) -> TypeGuard[Columnar]:
    return hasattr(ranked, "paper_ids") and hasattr(ranked, "scored")  # cheaper than a runtime Protocol check


def select_digest(
    ranked: Sequence[ScoredPaper],
    vectors: dict[int, NDArray[np.float32]],
    *,
    size: int,
    threshold: float | None = None,
    exclude_ids: set[int] | frozenset[int] = frozenset(),
    mmr_lambda: float = MMR_LAMBDA,
) -> list[ScoredPaper]:
    """Up to `size` papers by maximal marginal relevance, renumbered 1..n.

    Papers in `exclude_ids` (seen, dismissed, shown earlier) and below `threshold`
    are never picked. Papers without a vector compete on relevance alone.
    """
    if _is_columnar(ranked):
        ids, scores = ranked.paper_ids(), ranked.scores.tolist()
    else:
        ids, scores = [s.paper.id for s in ranked], [s.score for s in ranked]
    pool = [j for j, (pid, score) in enumerate(zip(ids, scores, strict=True))
            if pid not in exclude_ids and (threshold is None or score >= threshold)]  # fmt: skip
    if not pool or size <= 0:
        return []
    pool = pool[: max(size * POOL_FACTOR, MIN_POOL)]  # relevance is scaled within the contenders only
    chosen = _mmr(np.array([scores[j] for j in pool], dtype=np.float64), [vectors.get(ids[j] or -1) for j in pool],
                  size, mmr_lambda)  # fmt: skip
    if _is_columnar(ranked):
        return [ranked.scored(pool[i], rank=n) for n, i in enumerate(chosen, start=1)]
    return [replace(ranked[pool[i]], rank=n) for n, i in enumerate(chosen, start=1)]


def _mmr(
    scores: NDArray[np.float64], vecs: list[NDArray[np.float32] | None], size: int, mmr_lambda: float
) -> list[int]:
    """Positions in the pool, in the order MMR picks them (a picked paper's relevance drops to −inf). The pool's
    similarities are one small matrix product; papers without a vector have none to anyone."""
    spread = float(scores.max() - scores.min())
    relevance = (scores - scores.min()) / spread if spread > 0 else np.ones_like(scores)
    base = mmr_lambda * relevance
    has_vector = [v is not None for v in vecs]
    dim = next((len(v) for v in vecs if v is not None), 0)
    sims = None
    if dim:
        matrix = np.array([v if v is not None else np.zeros(dim, np.float32) for v in vecs], dtype=np.float32)
        sims = (1 - mmr_lambda) * (matrix @ matrix.T).astype(np.float64)
    open_with_vector = np.array(has_vector)
    chosen: list[int] = []
    penalty = np.zeros(len(scores))
    for _ in range(min(size, len(scores))):
        pick = int((base - penalty).argmax())
        chosen.append(pick)
        base[pick] = -np.inf
        if sims is not None and open_with_vector[pick]:
            open_with_vector[pick] = False
            np.maximum(penalty, sims[pick], out=penalty, where=open_with_vector)
    return chosen
