"""CSFCube research blends, bench only (the product ranks with academichub.rank.radar).

Combining ranking signals: z-score each signal within the candidate set, then a weighted sum; plus feedback.

Pure functions over score arrays and embedding rows. Signals are named after the `ScoreWeights` fields: BM25,
dense cosine (passage- and query-prefixed), query-sentence similarity, a classifier, and (second stage)
pseudo-relevance feedback — similarity to the centroid of the first pass's top documents (Rocchio).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Vectors = NDArray[np.float32]


@dataclass(frozen=True)
class ScoreWeights:
    """Weights of the z-scored signals. Zero weight drops a signal; weights need not sum to one."""

    bm25: float = 0.3
    dense: float = 0.7  # cosine of passage-encoded query text (seed abstract, description) with candidates
    dense_query: float = 0.0  # cosine of the query-encoded text ("query: " prefix) with candidates
    sentences: float = 0.0  # mean cosine of the query's sentences with candidates
    classifier: float = 0.0  # e.g. a tf-idf SVM decision value
    feedback_dense: float = 0.0  # second stage: similarity to the embedding centroid of the first-pass top-k
    feedback_lexical: float = 0.0  # second stage: tf-idf similarity to the first-pass top-k

    def first_stage(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("feedback_")}


FEEDBACK_TOP_K = 5


def zscore(scores: FloatArray) -> FloatArray:
    """(x − mean) / std over the candidate set; a constant signal maps to zeros."""
    x = np.asarray(scores, dtype=np.float64)
    if x.size == 0:
        return x
    std = float(x.std())
    return (x - x.mean()) / std if std > 1e-12 else np.zeros_like(x)


def combine_scores(weights: Mapping[str, float], signals: Mapping[str, FloatArray], n: int) -> FloatArray:
    """Σ weight · zscore(signal) over signals with non-zero weight; a weighted signal that is absent is skipped."""
    total = np.zeros(n, dtype=np.float64)
    for name, weight in weights.items():
        signal = signals.get(name)
        if weight and signal is not None:
            if len(signal) != n:
                raise ValueError(f"signal {name!r} has {len(signal)} scores for {n} candidates")
            total += weight * zscore(signal)
    return total


def rank_indices(scores: FloatArray) -> NDArray[np.intp]:
    """Candidate indices best first; ties keep input order (stable)."""
    return np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")


def cosine_scores(query: Vectors, docs: Vectors) -> FloatArray:
    """Dot products of unit rows: one query vector [d] against docs [n, d]."""
    return np.asarray(docs @ query, dtype=np.float64)


def maxsim_scores(query_parts: Vectors, docs: Vectors, *, mode: str = "mean") -> FloatArray:
    """Multi-vector query: cosine of each query part (e.g. sentence) with each doc, then 'mean' or 'max' per doc."""
    sims = np.asarray(docs @ query_parts.T, dtype=np.float64)  # [n_docs, n_parts]
    if sims.shape[1] == 0:
        return np.zeros(len(docs))
    pooled = sims.max(axis=1) if mode == "max" else sims.mean(axis=1)
    return np.asarray(pooled, dtype=np.float64)


def centroid_scores(docs: Vectors, positives: Sequence[int] | NDArray[np.intp]) -> FloatArray:
    """Cosine-like similarity of every doc to the mean of the `positives` rows (Rocchio; also for explicit feedback)."""
    if len(positives) == 0:
        return np.zeros(len(docs))
    centroid = docs[np.asarray(positives)].astype(np.float64).mean(axis=0)
    return np.asarray(docs @ centroid, dtype=np.float64)


def score_candidates(
    weights: ScoreWeights,
    signals: Mapping[str, FloatArray],
    *,
    n: int,
    docs: Vectors | None = None,
    lexical_similarity: FloatArray | None = None,
    top_k: int = FEEDBACK_TOP_K,
) -> FloatArray:
    """Two-stage score: weighted z-scored signals, then add feedback from the top_k of that first pass.

    `docs` are the candidates' unit embedding rows; `lexical_similarity` an [n, n] candidate-candidate tf-idf
    cosine matrix. Either feedback term is skipped when its input or weight is missing.
    """
    first = combine_scores(weights.first_stage(), signals, n)
    if top_k <= 0 or n == 0:
        return first
    top = rank_indices(first)[:top_k]
    final = first.copy()
    if docs is not None and weights.feedback_dense:
        final += weights.feedback_dense * zscore(centroid_scores(docs, top))
    if lexical_similarity is not None and weights.feedback_lexical:
        final += weights.feedback_lexical * zscore(lexical_similarity[:, top].mean(axis=1))
    return final
