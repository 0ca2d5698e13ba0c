"""CSFCube's official metrics (iesl/CSFCube eval_scripts/rank_metrics.py) and its 2-fold aggregation.

NDCG%20 uses linear gains and "method 0" DCG weights (ranks 1 and 2 weigh 1, rank r ≥ 2 weighs 1/log2 r), cut at
int(0.2 · pool size). Every other metric is binary with grade ≥ 2. R-precision is the official "precision at the
last relevant rank"; the textbook P@R is reported as rprec_textbook.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

RELEVANT_GRADE = 2
NDCG_POOL_FRACTION = 0.20
METRICS = ("ndcg20", "map", "rprec", "rprec_textbook", "recall20", "p20", "mrr")


def dcg_at_k(gains: Sequence[float], k: int) -> float:
    r = np.asarray(gains, dtype=np.float64)[:k]
    if r.size == 0:
        return 0.0
    return float(r[0] + np.sum(r[1:] / np.log2(np.arange(2, r.size + 1))))


def ndcg_at_k(gains: Sequence[float], k: int) -> float:
    best = dcg_at_k(sorted(gains, reverse=True), k)
    return dcg_at_k(gains, k) / best if best else 0.0


def average_precision(rel: np.ndarray) -> float:
    hits = np.flatnonzero(rel)
    if hits.size == 0:
        return 0.0
    return float(np.mean([rel[: i + 1].mean() for i in hits]))


def pair_metrics(ranked_grades: Sequence[int]) -> dict[str, float]:
    """All metrics for one (query, facet) ranking given the grades in ranked order (the whole pool)."""
    grades = np.asarray(ranked_grades)
    rel = (grades >= RELEVANT_GRADE).astype(np.float64)
    hits = np.flatnonzero(rel)
    n_rel = int(rel.sum())
    return {
        "ndcg20": ndcg_at_k(grades.tolist(), int(NDCG_POOL_FRACTION * len(grades))),
        "map": average_precision(rel),
        "rprec": float(rel[: hits[-1] + 1].mean()) if hits.size else 0.0,
        "rprec_textbook": float(rel[:n_rel].mean()) if n_rel else 0.0,
        "recall20": float(rel[:20].sum() / n_rel) if n_rel else 0.0,
        "p20": float(rel[:20].mean()),
        "mrr": float(1.0 / (hits[0] + 1)) if hits.size else 0.0,
    }


Pair = tuple[str, str]


def fold_mean(per_pair: Mapping[Pair, Mapping[str, float]], pairs: Sequence[Pair], metric: str) -> float:
    return float(np.mean([per_pair[p][metric] for p in pairs])) * 100.0


def test_figure(
    per_fold: Mapping[str, Mapping[Pair, Mapping[str, float]]], split: Mapping[str, Sequence[Pair]], metric: str
) -> float:
    """Official test figure: mean of the fold1_test mean and the fold2_test mean (×100).

    per_fold maps "fold1"/"fold2" to the per-pair metrics of the ranker tuned on that fold's dev part.
    """
    f1 = fold_mean(per_fold["fold1"], split["fold1_test"], metric)
    f2 = fold_mean(per_fold["fold2"], split["fold2_test"], metric)
    return (f1 + f2) / 2.0
