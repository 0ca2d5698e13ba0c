"""The ranking's compiled loops against the numpy they replace."""

from __future__ import annotations

import numpy as np

from academichub.rank.kernels import add_z_scored


def test_z_scores_are_added_to_the_target_rows_and_a_flat_row_adds_nothing() -> None:
    rng = np.random.default_rng(5)
    source = rng.standard_normal((4, 300)).astype(np.float32)
    source[2] = 7.0  # flat: no spread, no signal
    total = rng.standard_normal((6, 300)).astype(np.float32)
    before = total.copy()
    targets = np.array([5, 0, 3, 1], dtype=np.int64)
    mean, std = add_z_scored(source, total, targets, 0.3, 1e-9)
    np.testing.assert_allclose(mean, source.astype(np.float64).mean(axis=1), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(std, source.astype(np.float64).std(axis=1), rtol=1e-5, atol=1e-6)
    for i, target in enumerate(targets.tolist()):
        added = 0.3 * source[i] / std[i] if std[i] > 1e-9 else 0.0  # the z-score less its constant
        np.testing.assert_allclose(total[target] - before[target], added, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(total[[2, 4]], before[[2, 4]])  # rows no source row targets
