"""A 2-D picture of paper vectors: PCA through numpy's SVD, scaled into the unit square. Pure, no I/O.

Used for the radar map (the day's papers, the radar's picks and seeds); the
layout says which papers lie near each other, not what the axes mean.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

MIN_SPREAD = 1e-9  # below this a component is treated as flat (all points in the middle)


def project_2d(vectors: NDArray[np.floating]) -> NDArray[np.float64]:
    """Rows → (n, 2) coordinates in [0, 1] along the first two principal components.

    Deterministic: each component's sign is fixed so its largest loading is positive.
    Fewer than two rows, or a flat direction, lands in the middle (0.5).
    """
    rows = np.asarray(vectors, dtype=np.float64)
    if rows.ndim != 2:
        raise ValueError(f"expected a 2-D matrix of row vectors, got shape {rows.shape}")
    n = rows.shape[0]
    coords = np.full((n, 2), 0.5)
    if n < 2:
        return coords
    centred = rows - rows.mean(axis=0)
    _u, singular, components = np.linalg.svd(centred, full_matrices=False)
    for axis in range(min(2, len(singular))):
        if singular[axis] <= MIN_SPREAD:
            continue
        direction = components[axis]
        direction = direction if direction[np.argmax(np.abs(direction))] >= 0 else -direction
        coords[:, axis] = _unit_interval(centred @ direction)
    return coords


def _unit_interval(values: NDArray[np.float64]) -> NDArray[np.float64]:
    low, high = float(values.min()), float(values.max())
    if high - low <= MIN_SPREAD:
        return np.full(values.shape, 0.5)
    return (values - low) / (high - low)
