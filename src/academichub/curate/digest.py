"""select_digest: today's top N for a radar, diverse (MMR) and without anything already seen.

Pure: ranked papers and their vectors in, the numbered selection out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from academichub.models import ScoredPaper

MMR_LAMBDA = 0.75  # 1.0 = pure relevance; lower trades relevance for variety
POOL_FACTOR = 3  # MMR chooses among the best size × POOL_FACTOR papers (at least MIN_POOL)
MIN_POOL = 30


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
    pool = [s for s in ranked if s.paper.id not in exclude_ids and (threshold is None or s.score >= threshold)]
    if not pool or size <= 0:
        return []
    pool = pool[: max(size * POOL_FACTOR, MIN_POOL)]  # relevance is scaled within the contenders only
    scores = np.array([s.score for s in pool], dtype=np.float64)
    spread = float(scores.max() - scores.min())
    relevance = (scores - scores.min()) / spread if spread > 0 else np.ones_like(scores)
    chosen: list[int] = []
    max_sim = np.zeros(len(pool))
    available = np.ones(len(pool), dtype=bool)
    for _ in range(min(size, len(pool))):
        mmr = mmr_lambda * relevance - (1 - mmr_lambda) * max_sim
        mmr[~available] = -np.inf
        pick = int(np.argmax(mmr))
        chosen.append(pick)
        available[pick] = False
        picked_vec = vectors.get(pool[pick].paper.id or -1)
        if picked_vec is not None:
            for i, s in enumerate(pool):
                vec = vectors.get(s.paper.id or -1)
                if available[i] and vec is not None:
                    max_sim[i] = max(max_sim[i], float(vec @ picked_vec))
    return [replace(pool[i], rank=n) for n, i in enumerate(chosen, start=1)]
