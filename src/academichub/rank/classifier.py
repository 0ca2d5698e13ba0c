"""The 👍 classifier: a closed-form linear classifier over embeddings, batched across radars. Pure.

Balanced ridge regression of positives (seeds + 👍) against the day's papers (+ 👎) has, up to scale, the
direction β = (½Σ_day + ½Σ_pos + λI)⁻¹ (μ_pos − μ_neg): the day's covariance is shared by every radar
(factorised once per day), the few positives enter through Woodbury, so each radar costs a k×k solve
instead of an SVM fit. Only the direction matters: the signal is z-scored afterwards, among the papers the radar
may show.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from academichub.rank.day import DayIndex

CLASSIFIER_RIDGE = 10.0  # λ as a multiple of the day's mean per-dimension variance: close to the old LinearSVC(C=0.1)


def classifier_directions(
    day: DayIndex, examples: Sequence[tuple[NDArray[np.float32], NDArray[np.float32]]]
) -> NDArray[np.float64]:
    """β [len(examples), d]: for each (positives, extra negatives), `day.vectors @ β` ranks papers like the
    positives first. Extra negatives (👎) join the day's papers; they may be empty ([0, d]). One batched solve."""
    d = day.vectors.shape[1]
    n = len(day.papers)
    deltas, spreads = [], []
    for positives, negatives in examples:
        pos = positives.astype(np.float64)
        neg_mean = (n * day.stats.mean + negatives.astype(np.float64).sum(axis=0)) / (n + len(negatives))
        deltas.append(pos.mean(axis=0) - neg_mean)
        # ½Σ_pos = spreadᵀ spread; a single positive has no spread
        spreads.append((pos - pos.mean(axis=0)) / np.sqrt(2.0 * len(pos)) if len(pos) > 1 else np.zeros((0, d)))
    solved = day.solve_ridge(CLASSIFIER_RIDGE, np.column_stack([*deltas, *(s.T for s in spreads)]))  # [d, all columns]
    betas = solved[:, : len(examples)].T.copy()
    start = len(examples)
    for r, spread in enumerate(spreads):
        k = len(spread)
        if k:  # Woodbury: (A + SᵀS)⁻¹δ = A⁻¹δ − A⁻¹Sᵀ (I + S A⁻¹ Sᵀ)⁻¹ S A⁻¹δ
            a_spread = solved[:, start : start + k]
            inner = np.eye(k) + spread @ a_spread
            betas[r] -= a_spread @ np.linalg.solve(inner, spread @ betas[r])
        start += k
    return betas
