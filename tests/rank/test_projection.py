"""The 2-D projection of the radar map and the related-papers ranking: pure functions over vectors."""

from __future__ import annotations

import numpy as np
import pytest

from academichub.rank.projection import project_2d
from academichub.rank.related import nearest_papers


def test_projection_separates_two_clusters_along_the_first_axis() -> None:
    rng = np.random.default_rng(3)
    a = rng.normal(0, 0.05, (20, 16)) + np.eye(16)[0]
    b = rng.normal(0, 0.05, (20, 16)) + np.eye(16)[1]
    coords = project_2d(np.vstack([a, b]))
    assert coords.shape == (40, 2) and coords.min() >= 0 and coords.max() <= 1
    left, right = coords[:20, 0], coords[20:, 0]
    assert left.max() < right.min() or right.max() < left.min()
    assert np.array_equal(coords, project_2d(np.vstack([a, b])))  # deterministic


def test_projection_of_degenerate_inputs_lands_in_the_middle() -> None:
    assert project_2d(np.zeros((0, 8))).shape == (0, 2)
    assert project_2d(np.ones((1, 8))).tolist() == [[0.5, 0.5]]
    assert project_2d(np.ones((5, 8))).tolist() == [[0.5, 0.5]] * 5
    with pytest.raises(ValueError, match="2-D"):
        project_2d(np.ones(8))


def test_nearest_papers_best_first_without_the_paper_itself() -> None:
    matrix = np.eye(4, dtype=np.float32)
    matrix[1] = np.array([0.9, 0.1, 0, 0], dtype=np.float32)
    found = nearest_papers(matrix[0], [10, 11, 12, 13], matrix, k=2, exclude=frozenset({10}))
    assert [pid for pid, _ in found] == [11, 12]
    assert found[0][1] == pytest.approx(0.9)
    assert nearest_papers(matrix[0], [], np.zeros((0, 4), dtype=np.float32)) == []
