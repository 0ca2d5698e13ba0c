"""Each row's best k columns of a score block, best first, skipping −inf (filtered) entries. Pure.

Exact, but cheaper than a full argpartition of every row: a threshold is read off a strided sample of each row and
only the entries above it enter a k-best buffer by insertion, row by row in one compiled pass (rank.kernels); a row
whose threshold proves too high falls back to all its finite entries. Ties go to the lower column.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from academichub.rank.kernels import best_columns

SAMPLE_MARGIN = 2.0  # the sample threshold aims at about this many times k candidates
MIN_SAMPLED = 16  # sample entries above the threshold, so the candidate count is rarely short of k


def top_columns(block: NDArray[np.float32], k: int | None) -> list[NDArray[np.intp]]:
    """For each row, the columns of its k best finite entries (all finite ones when k is None), best first."""
    rows, n = block.shape
    if k is None or k <= 0 or rows == 0 or n <= 4 * k * SAMPLE_MARGIN:
        return [_exact(row, k) for row in block]
    stride = max(1, int(k * SAMPLE_MARGIN) // MIN_SAMPLED)
    rank = min(len(range(0, n, stride)), MIN_SAMPLED if stride > 1 else int(k * SAMPLE_MARGIN))
    best, found = best_columns(np.ascontiguousarray(block), k, stride, rank)
    return [best[r, :taken].astype(np.intp, copy=False) for r, taken in enumerate(found.tolist())]


def _exact(row: NDArray[np.float32], k: int | None) -> NDArray[np.intp]:
    cols = np.flatnonzero(np.isfinite(row))
    values = row[cols]
    if k is None:
        everything: NDArray[np.intp] = cols[np.argsort(-values, kind="stable")]
        return everything
    if k <= 0:
        return cols[:0]
    if len(cols) > k:
        kth = np.partition(values, len(values) - k)[len(values) - k]  # the k-th best value
        cols, values = cols[values >= kth], values[values >= kth]
    best: NDArray[np.intp] = cols[np.lexsort((cols, -values))[:k]]
    return best
