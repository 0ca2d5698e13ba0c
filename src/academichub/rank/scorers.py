"""Combining ranking signals: z-score each signal within the candidate set, then a weighted sum.

Pure functions over score arrays and embedding rows. Signals: BM25 (lexical), dense cosine (optionally with
pseudo-relevance feedback in embedding space and query-sentence max-sim), and an optional classifier score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Vectors = NDArray[np.float32]


@dataclass(frozen=True)
class ScoreWeights:
    """Weights of the z-scored signals. Zero weight drops a signal; weights need not sum to one."""

    bm25: float = 0.3
    dense: float = 0.7
    classifier: float = 0.0


@dataclass(frozen=True)
class FeedbackParams:
    """Rocchio pseudo-relevance feedback in embedding space: q' = q + beta · mean(top_k first-pass docs)."""

    top_k: int = 0
    beta: float = 0.0


def zscore(scores: FloatArray) -> FloatArray:
    """(x − mean) / std over the candidate set; a constant signal maps to zeros."""
    x = np.asarray(scores, dtype=np.float64)
    if x.size == 0:
        return x
    std = float(x.std())
    return (x - x.mean()) / std if std > 1e-12 else np.zeros_like(x)


def combine_scores(
    weights: ScoreWeights,
    *,
    bm25: FloatArray | None = None,
    dense: FloatArray | None = None,
    classifier: FloatArray | None = None,
) -> FloatArray:
    """Weighted sum of the z-scored signals that are given (all over the same candidates, same order)."""
    parts = [(weights.bm25, bm25), (weights.dense, dense), (weights.classifier, classifier)]
    present = [(w, s) for w, s in parts if s is not None and w != 0.0]
    if not present:
        sizes = [len(s) for _, s in parts if s is not None]
        return np.zeros(sizes[0] if sizes else 0)
    return np.asarray(sum(w * zscore(s) for w, s in present), dtype=np.float64)


def rank_indices(scores: FloatArray) -> NDArray[np.intp]:
    """Candidate indices best first; ties keep input order (stable)."""
    return np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")


def cosine_scores(query: Vectors, docs: Vectors) -> FloatArray:
    """Dot products of unit rows: one query vector [d] against docs [n, d]."""
    return np.asarray(docs @ query, dtype=np.float64)


def expand_query(query: Vectors, docs: Vectors, first_pass: FloatArray, params: FeedbackParams) -> Vectors:
    """Rocchio step: add beta × the centroid of the top_k docs by `first_pass`, re-normalised."""
    if params.top_k <= 0 or params.beta == 0.0 or len(docs) == 0:
        return query
    top = rank_indices(first_pass)[: params.top_k]
    moved = query.astype(np.float64) + params.beta * docs[top].astype(np.float64).mean(axis=0)
    norm = float(np.linalg.norm(moved))
    return (moved / norm if norm > 0 else moved).astype(np.float32)


def maxsim_scores(query_parts: Vectors, docs: Vectors, *, mode: str = "mean") -> FloatArray:
    """Multi-vector query: cosine of each query part (e.g. sentence) with each doc, then 'mean' or 'max' per doc."""
    sims = np.asarray(docs @ query_parts.T, dtype=np.float64)  # [n_docs, n_parts]
    if sims.shape[1] == 0:
        return np.zeros(len(docs))
    return sims.max(axis=1) if mode == "max" else sims.mean(axis=1)
