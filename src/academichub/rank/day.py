"""One day's papers prepared once for any number of radars: BM25 (with its postings), vectors and their
statistics, folded texts for phrase checks, an author index and a per-day cache of phrase hits. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import cho_factor, cho_solve

from academichub.models import Paper
from academichub.rank.bm25 import BM25Index
from academichub.rank.matching import author_key, fold
from academichub.rank.text import tokenize_split

Vectors = NDArray[np.float32]


@dataclass(frozen=True)
class VectorStats:
    """Mean and covariance of the day's vectors: a linear signal's mean and spread over the day in closed form."""

    mean: NDArray[np.float64]  # [d]
    cov: NDArray[np.float64]  # [d, d], population covariance

    @staticmethod
    def of(vectors: Vectors) -> VectorStats:
        n, d = vectors.shape
        if n == 0 or d == 0:
            return VectorStats(np.zeros(d), np.zeros((d, d)))
        mean = vectors.mean(axis=0, dtype=np.float64)
        gram = (vectors.T @ vectors).astype(np.float64) / n
        return VectorStats(mean, gram - np.outer(mean, mean))

    def mean_std(self, coefs: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Mean and std over the day of each row's signal `vectors @ coef` ([k, d] → [k], [k])."""
        var = ((coefs @ self.cov) * coefs).sum(axis=1)
        return coefs @ self.mean, np.sqrt(np.maximum(var, 0.0))


@dataclass(frozen=True)
class DayIndex:
    """A day's papers prepared once for any number of radars."""

    papers: Sequence[Paper]
    vectors: Vectors  # [n, d], unit rows (d = 0 when there are no vectors)
    bm25: BM25Index  # its term postings double as the inverted index for phrase checks
    folded: list[str]  # accent-folded, lower-case, single-spaced "title abstract", for phrase checks
    folded_lengths: NDArray[np.intp]
    by_author: dict[str, NDArray[np.intp]]  # author key ("lecun y") → papers with that author
    by_stop_word: dict[str, NDArray[np.intp]]  # stop word → papers containing it (BM25 leaves them out)
    stats: VectorStats
    phrase_hits: dict[str, NDArray[np.intp]] = field(default_factory=dict, compare=False, repr=False)
    _ridge_factors: dict[float, tuple[Any, bool]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def joined_folded(self) -> tuple[str, list[int]]:
        """All folded texts joined by newlines, and where each starts (for phrases no index narrows down)."""
        starts = (np.cumsum(self.folded_lengths + 1) - (self.folded_lengths + 1)).tolist()
        return "\n".join(self.folded), starts

    def solve_ridge(self, ridge: float, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """(½Σ + λI)⁻¹ x for the vectors' covariance Σ and λ = ridge × mean per-dimension variance; the
        Cholesky factor is computed once per day and λ."""
        factor = self._ridge_factors.get(ridge)
        if factor is None:
            cov = self.stats.cov
            d = len(cov)
            lam = ridge * max(float(np.trace(cov)) / max(d, 1), 1e-12)
            factor = self._ridge_factors[ridge] = cho_factor(cov / 2.0 + lam * np.eye(d))
        return np.asarray(cho_solve(factor, x), dtype=np.float64)


def index_day(papers: Sequence[Paper], vectors: Vectors) -> DayIndex:
    """Index a day once: BM25 over title ×2 + abstract, folded texts, authors, vector statistics."""
    vectors = vectors if len(vectors) else np.zeros((len(papers), 0), dtype=np.float32)
    by_author: dict[str, list[int]] = {}
    keys: dict[str, str] = {}
    for i, paper in enumerate(papers):
        for author in paper.authors:
            key = keys.get(author.name)
            if key is None:
                key = keys[author.name] = author_key(author.name)
            by_author.setdefault(key, []).append(i)
    split = [tokenize_split(f"{p.title} {p.title} {p.abstract}") for p in papers]
    by_stop_word: dict[str, list[int]] = {}
    for i, (_, stops) in enumerate(split):
        for word in stops:
            by_stop_word.setdefault(word, []).append(i)
    folded = [" ".join(fold(f"{p.title} {p.abstract}").split()) for p in papers]
    return DayIndex(
        papers=papers,
        vectors=vectors,
        bm25=BM25Index([tokens for tokens, _ in split]),
        folded=folded,
        folded_lengths=np.fromiter(map(len, folded), dtype=np.intp, count=len(folded)),
        by_author={a: np.unique(np.asarray(ix, dtype=np.intp)) for a, ix in by_author.items()},
        by_stop_word={w: np.asarray(ix, dtype=np.intp) for w, ix in by_stop_word.items()},
        stats=VectorStats.of(vectors),
    )
