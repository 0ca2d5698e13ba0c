"""Okapi BM25 over an in-memory corpus, vectorised with scipy.sparse (k1 1.2, b 0.75 by default).

Pure: built from token lists (see rank.text.tokenize). Weights are stored term-major, so a term's postings (the
documents containing it) are one slice, `score_many` is one sparse product and `add_scores` accumulates many
queries straight into a dense block. IDF is the non-negative Lucene form log(1 + (N − n + 0.5) / (n + 0.5)).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

BM25_K1 = 1.2
BM25_B = 0.75


@dataclass(frozen=True)
class BM25Params:
    k1: float = BM25_K1
    b: float = BM25_B


class BM25Index:
    """Documents fixed at construction; `score` ranks any number of token-list queries against all of them."""

    def __init__(self, docs: Sequence[Sequence[str]], params: BM25Params = BM25Params()) -> None:
        self.params = params
        flat = list(chain.from_iterable(docs))
        self.vocab: dict[str, int] = {tok: j for j, tok in enumerate(dict.fromkeys(flat))}  # first-seen order
        self.n_docs = len(docs)
        lengths = np.fromiter(map(len, docs), dtype=np.intp, count=self.n_docs)
        term_ids = np.fromiter(map(self.vocab.__getitem__, flat), dtype=np.intp, count=len(flat))
        doc_ids = np.repeat(np.arange(self.n_docs, dtype=np.intp), lengths)
        tf = sp.csr_matrix(
            (np.ones(len(flat), dtype=np.float64), (term_ids, doc_ids)), shape=(len(self.vocab), self.n_docs)
        )  # term-major; duplicates are summed into counts
        tf.sum_duplicates()
        doc_len = lengths.astype(np.float64)
        self.avg_doc_len = float(doc_len.mean()) if self.n_docs and doc_len.sum() > 0 else 1.0
        df = np.diff(tf.indptr).astype(np.float64)
        self.idf: NDArray[np.float64] = np.log1p((self.n_docs - df + 0.5) / (df + 0.5))
        k1, b = params.k1, params.b
        norm = k1 * (1.0 - b + b * doc_len / self.avg_doc_len)
        term_of_entry = np.repeat(np.arange(len(self.vocab)), np.diff(tf.indptr))
        tf.data = self.idf[term_of_entry] * tf.data * (k1 + 1.0) / (tf.data + norm[tf.indices])
        self._by_term = tf  # [terms, docs] BM25 weight of each term in each document
        self._data32 = tf.data.astype(np.float32)
        self._term_totals = np.asarray(tf.sum(axis=1)).ravel()  # Σ over documents, for row means

    def docs_with(self, token: str) -> NDArray[np.int32]:
        """Documents containing the token, ascending (empty for an unknown token)."""
        j = self.vocab.get(token)
        if j is None:
            return np.zeros(0, dtype=np.int32)
        ptr = self._by_term.indptr
        docs: NDArray[np.int32] = self._by_term.indices[ptr[j] : ptr[j + 1]]
        return docs

    def _query_counts(self, query: Sequence[str]) -> list[tuple[int, int]]:
        vocab = self.vocab
        return [(vocab[tok], n) for tok, n in Counter(query).items() if tok in vocab]

    def score_many(self, queries: Sequence[Sequence[str]]) -> NDArray[np.float64]:
        """Scores [len(queries), n_docs]; a query term repeated n times counts n times; unknown terms score 0."""
        rows, cols, counts = [], [], []
        for i, query in enumerate(queries):
            for j, n in self._query_counts(query):
                rows.append(i)
                cols.append(j)
                counts.append(float(n))
        q = sp.csr_matrix((counts, (rows, cols)), shape=(len(queries), len(self.vocab)))
        result = (q @ self._by_term).toarray() if self.n_docs else np.zeros((len(queries), 0))
        return np.asarray(result, dtype=np.float64)

    def score(self, query: Sequence[str]) -> NDArray[np.float64]:
        """Scores of one token-list query against every document, in document order."""
        row: NDArray[np.float64] = self.score_many([query])[0]
        return row

    def add_scores(self, out: NDArray[np.float32], queries: Sequence[Sequence[str]]) -> NDArray[np.float64]:
        """Adds each query's scores to its row of `out` [len(queries), n_docs]; returns each row's score total.

        One slice-add per (query, term): cheaper than a sparse product whose result is dense anyway.
        """
        ptr, indices, data = self._by_term.indptr, self._by_term.indices, self._data32
        totals = np.zeros(len(queries), dtype=np.float64)
        for i, query in enumerate(queries):
            row = out[i]
            for j, n in self._query_counts(query):
                lo, hi = ptr[j], ptr[j + 1]
                row[indices[lo:hi]] += data[lo:hi] if n == 1 else np.float32(n) * data[lo:hi]
                totals[i] += n * self._term_totals[j]
        return totals
