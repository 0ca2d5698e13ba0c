"""The related-papers coarse index: PCA projection, candidate pass and int8 re-scoring find the exact neighbours."""

from __future__ import annotations

import numpy as np

from academichub.rank.related import (
    best_positions,
    coarse_candidates,
    fit_projection,
    nearest_papers,
    quantize_rows,
    sample_rows,
)


def topic_vectors(rows: int, width: int, topics: int, seed: int = 1) -> np.ndarray:
    """Unit vectors around `topics` centres, like embeddings of papers on a few hundred subjects."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(topics, width))
    matrix = centres[rng.integers(topics, size=rows)] + 0.6 * rng.normal(size=(rows, width))
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def test_projection_and_int8_rescoring_find_the_exact_nearest_papers() -> None:
    matrix = topic_vectors(6000, 96, topics=200)
    ids = list(range(100, 6100))
    projection = fit_projection(sample_rows([matrix[:2500], matrix[2500:]], 2000), dims=24)
    projected = projection.apply(matrix)
    codes, scales = quantize_rows(matrix)
    recalls = []
    for row in range(0, 6000, 150):
        exact = {pid for pid, _ in nearest_papers(matrix[row], ids, matrix, k=8, exclude=frozenset({ids[row]}))}
        near = coarse_candidates(matrix[row], projection, projected, count=300)
        best = best_positions(matrix[row], codes, scales, near, count=17)
        found = nearest_papers(matrix[row], [ids[i] for i in best], matrix[best], k=8, exclude=frozenset({ids[row]}))
        recalls.append(len(exact & {pid for pid, _ in found}) / 8)
    assert np.mean(recalls) >= 0.95


def test_int8_codes_keep_dot_products_within_one_percent() -> None:
    matrix = topic_vectors(500, 384, topics=20)
    codes, scales = quantize_rows(matrix)
    approx = (codes.astype(np.float32) * scales[:, None]) @ matrix[0]
    assert np.max(np.abs(approx - matrix @ matrix[0])) < 0.01


def test_narrow_vectors_are_not_projected_and_small_sets_are_searched_whole() -> None:
    matrix = topic_vectors(50, 16, topics=5)
    projection = fit_projection(matrix, dims=32)
    assert projection.basis.shape == (16, 16)
    assert sorted(coarse_candidates(matrix[0], projection, projection.apply(matrix), count=400)) == list(range(50))
    assert len(sample_rows([matrix[:20], matrix[20:]], 30)) == 30
