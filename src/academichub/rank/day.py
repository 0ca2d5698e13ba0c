"""One day's papers prepared once for any number of radars: BM25 (with its postings), vectors and their
statistics, folded texts for phrase checks, an author index and a per-day cache of phrase hits. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import cho_factor, cho_solve
from threadpoolctl import ThreadpoolController

from academichub.models import Paper
from academichub.rank.aspects import SentenceRows
from academichub.rank.bm25 import BM25Index
from academichub.rank.matching import author_key, fold
from academichub.rank.recency import staleness
from academichub.rank.text import ENGLISH_STOP_WORDS, tokenize_split
from academichub.rank.tokens import DayTokens, tokenize_day

Vectors = NDArray[np.float32]


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def one_blas_thread() -> AbstractContextManager[object]:
    """BLAS on the calling thread only, for the small [d, d] products and solves: waking a second BLAS thread
    for a few milliseconds of work costs more than it saves, and on a busy machine it can stall for a
    scheduler slice (a 384 × 384 Cholesky took 2 ms on one thread, up to 200 ms on two)."""
    limit: AbstractContextManager[object] = _blas().limit(limits=1, user_api="blas")
    return limit


@dataclass(frozen=True)
class VectorStats:
    """Mean and covariance of the day's vectors (the 👍 classifier's shared negatives)."""

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


@dataclass(frozen=True)
class DayIndex:
    """A day's papers prepared once for any number of radars."""

    papers: Sequence[Paper]
    vectors: Vectors  # [n, d], unit rows (d = 0 when there are no vectors)
    bm25: BM25Index  # its term postings double as the inverted index for phrase checks
    folded: list[str]  # accent-folded, lower-case, single-spaced "title abstract", for phrase checks
    by_author: dict[str, NDArray[np.intp]]  # author key ("lecun y") → papers with that author
    by_stop_word: dict[str, NDArray[np.intp]]  # stop word → papers containing it (BM25 leaves them out)
    stats: VectorStats
    tokens: DayTokens  # word positions of the ASCII papers, for phrases
    sentences: SentenceRows | None = None  # each paper's sentence vectors, for the aspect signal (rank.aspects)
    staleness: NDArray[np.float32] | None = None  # [n] 0 (new) … 1 (a year old) (rank.recency); None: all new
    phrase_hits: dict[str, NDArray[np.intp]] = field(default_factory=dict, compare=False, repr=False)
    _ridge_inverses: dict[float, NDArray[np.float64]] = field(default_factory=dict, compare=False, repr=False)

    def solve_ridge(self, ridge: float, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """(½Σ + λI)⁻¹ x for the vectors' covariance Σ and λ = ridge × mean per-dimension variance. The inverse (of a
        well-conditioned d × d matrix: λ bounds it below) is computed once per day and λ through its Cholesky
        factor; each solve is then one matrix product, which releases the GIL where scipy's solve holds it."""
        inverse = self._ridge_inverses.get(ridge)
        if inverse is None:
            cov = self.stats.cov
            d = len(cov)
            lam = ridge * max(float(np.trace(cov)) / max(d, 1), 1e-12)
            inverse = cho_solve(cho_factor(cov / 2.0 + lam * np.eye(d)), np.eye(d))
            self._ridge_inverses[ridge] = inverse
        return np.asarray(inverse @ x, dtype=np.float64)


def index_day(
    papers: Sequence[Paper], vectors: Vectors, sentences: SentenceRows | None = None, *, day: dt.date | None = None
) -> DayIndex:
    """Index a day once: BM25 over title ×2 + abstract, folded texts, authors, vector statistics, how stale each
    paper is on `day` (default: its latest announcement); `sentences` (one block per paper, in order) when the
    aspect signal should run."""
    vectors = vectors if len(vectors) else np.zeros((len(papers), 0), dtype=np.float32)
    if sentences is not None and len(sentences) != len(papers):
        raise ValueError(f"sentence blocks for {len(sentences)} papers, not {len(papers)}")
    by_author: dict[str, list[int]] = {}
    keys: dict[str, str] = {}
    for i, paper in enumerate(papers):
        for author in paper.authors:
            key = keys.get(author.name)
            if key is None:
                key = keys[author.name] = author_key(author.name)
            found = by_author.setdefault(key, [])
            if not found or found[-1] != i:  # ascending and distinct: no sort needed
                found.append(i)
    titles: list[str | None] = []
    abstracts: list[str] = []
    folded: list[str] = []
    for p in papers:
        if p.title.isascii() and p.abstract.isascii():  # folding is lower-casing
            title, abstract = " ".join(p.title.lower().split()), " ".join(p.abstract.lower().split())
            titles.append(title)
            abstracts.append(abstract)
            folded.append(f"{title} {abstract}" if title and abstract else title or abstract)
        else:
            text = " ".join(fold(f"{p.title} {p.abstract}").split())
            titles.append(None)
            abstracts.append(text)  # positions only: BM25 tokenises the paper itself (_lexical_index)
            folded.append(text)
    tokens = tokenize_day(titles, abstracts)
    bm25, by_stop_word = _lexical_index(papers, tokens)
    return DayIndex(
        papers=papers,
        vectors=vectors,
        bm25=bm25,
        folded=folded,
        tokens=tokens,
        by_author={a: np.asarray(ix, dtype=np.intp) for a, ix in by_author.items()},
        by_stop_word=by_stop_word,
        stats=VectorStats.of(vectors),
        sentences=sentences,
        staleness=stale if (stale := staleness(papers, day)).any() else None,
    )


def _lexical_index(papers: Sequence[Paper], tokens: DayTokens) -> tuple[BM25Index, dict[str, NDArray[np.intp]]]:
    """BM25 over title ×2 + abstract without stop words, and the stop words' own postings: from the day's
    tokens, plus one `tokenize` per paper that the day's tokens left out (non-ASCII text)."""
    words = list(tokens.vocab)
    is_stop = np.fromiter((w in ENGLISH_STOP_WORDS for w in words), dtype=bool, count=len(words))
    vocab = {w: j for j, w in enumerate(w for w, stop in zip(words, is_stop.tolist(), strict=True) if not stop)}
    new_id = np.cumsum(~is_stop) - 1
    keep = ~is_stop[tokens.ids] & ~tokens.is_scanned[tokens.docs]
    term_ids = [new_id[tokens.ids[keep]]]
    doc_ids = [tokens.docs[keep]]
    counts = [np.where(tokens.in_title[keep], 2.0, 1.0)]
    by_stop_word = tokens.stop_word_docs()
    extra: dict[str, list[int]] = {}  # stop word → papers out of the day's tokens containing it
    for i in tokens.scanned.tolist():
        p = papers[i]
        found, stops = tokenize_split(f"{p.title} {p.title} {p.abstract}")
        term_ids.append(np.fromiter((vocab.setdefault(t, len(vocab)) for t in found), dtype=np.intp, count=len(found)))
        doc_ids.append(np.full(len(found), i, dtype=np.intp))
        counts.append(np.ones(len(found)))
        for word in stops:
            extra.setdefault(word, []).append(i)
    for word, docs in extra.items():
        known = by_stop_word.get(word)
        by_stop_word[word] = np.union1d(known, docs) if known is not None else np.asarray(docs, dtype=np.intp)
    bm25 = BM25Index.from_entries(
        vocab, np.concatenate(term_ids), np.concatenate(doc_ids), np.concatenate(counts), len(papers)
    )
    return bm25, by_stop_word
