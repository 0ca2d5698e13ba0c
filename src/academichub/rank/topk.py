"""Each row's best k columns of a score block, best first, skipping −inf (filtered) entries. Pure.

Exact, but cheaper than a full argpartition of every row: a threshold is read off a strided sample of the
row, only the entries above it are partitioned, and a row whose threshold proves too high falls back to the
full row.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

SAMPLE_MARGIN = 2.0  # the sample threshold aims at about this many times k candidates
MIN_SAMPLED = 16  # sample entries above the threshold, so the candidate count is rarely short of k


def top_columns(block: NDArray[np.float32], k: int | None) -> list[NDArray[np.intp]]:
    """For each row, the columns of its k best finite entries (all finite ones when k is None), best first."""
    rows, n = block.shape
    if k is None or k <= 0 or rows == 0 or n <= 4 * k * SAMPLE_MARGIN:
        return [_exact(row, k) for row in block]
    stride = max(1, int(k * SAMPLE_MARGIN) // MIN_SAMPLED)
    sample = block[:, ::stride]
    rank = min(sample.shape[1], MIN_SAMPLED if stride > 1 else int(k * SAMPLE_MARGIN))
    threshold = np.partition(sample, sample.shape[1] - rank, axis=1)[:, sample.shape[1] - rank]
    found_rows, found_cols = np.nonzero(block >= threshold[:, None])
    bounds = np.searchsorted(found_rows, np.arange(rows + 1))
    out = []
    for r in range(rows):
        cols = found_cols[bounds[r] : bounds[r + 1]]
        if len(cols) < k or not np.isfinite(threshold[r]):
            out.append(_exact(block[r], k))
            continue
        out.append(_best(block[r], cols, k))
    return out


def _exact(row: NDArray[np.float32], k: int | None) -> NDArray[np.intp]:
    cols = np.flatnonzero(np.isfinite(row))
    return _best(row, cols, k)


def _best(row: NDArray[np.float32], cols: NDArray[np.intp], k: int | None) -> NDArray[np.intp]:
    values = row[cols]
    if k is not None and len(cols) > k:
        part = np.sort(np.argpartition(-values, k - 1)[:k])  # ties keep column order
        cols, values = cols[part], values[part]
    order: NDArray[np.intp] = cols[np.argsort(-values, kind="stable")]
    return order
