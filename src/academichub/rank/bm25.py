"""Okapi BM25 over an in-memory corpus, vectorised with scipy.sparse (k1 1.2, b 0.75 by default).

Pure: built from token lists (see rank.text.tokenize), scores are a sparse matrix product, so 20k documents × many
queries is one multiplication. IDF is the non-negative Lucene form log(1 + (N − n + 0.5) / (n + 0.5)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
        self.vocab: dict[str, int] = {}
        tf = self._count_matrix(docs, grow=True)
        self.n_docs = tf.shape[0]
        doc_len = np.asarray(tf.sum(axis=1)).ravel()
        self.avg_doc_len = float(doc_len.mean()) if self.n_docs and doc_len.sum() > 0 else 1.0
        df = np.bincount(tf.indices, minlength=len(self.vocab)).astype(np.float64)
        self.idf: NDArray[np.float64] = np.log1p((self.n_docs - df + 0.5) / (df + 0.5))
        self._weights = self._weight_matrix(tf, doc_len)

    def _count_matrix(self, docs: Sequence[Sequence[str]], *, grow: bool) -> sp.csr_matrix:
        rows: list[int] = []
        cols: list[int] = []
        for i, tokens in enumerate(docs):
            for tok in tokens:
                j = self.vocab.get(tok)
                if j is None and grow:
                    j = self.vocab.setdefault(tok, len(self.vocab))
                if j is not None:
                    rows.append(i)
                    cols.append(j)
        data = np.ones(len(rows), dtype=np.float64)
        matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(docs), len(self.vocab)))
        matrix.sum_duplicates()
        return matrix

    def _weight_matrix(self, tf: sp.csr_matrix, doc_len: NDArray[np.float64]) -> sp.csr_matrix:
        k1, b = self.params.k1, self.params.b
        norm = k1 * (1.0 - b + b * doc_len / self.avg_doc_len)
        row_norm = np.repeat(norm, np.diff(tf.indptr))
        weights = tf.copy()
        weights.data = self.idf[tf.indices] * tf.data * (k1 + 1.0) / (tf.data + row_norm)
        return weights.tocsc()

    def score_many(self, queries: Sequence[Sequence[str]]) -> NDArray[np.float64]:
        """Scores [len(queries), n_docs]; a query term repeated n times counts n times; unknown terms score 0."""
        q = self._count_matrix(queries, grow=False)
        if q.shape[1] < len(self.vocab):
            q.resize((q.shape[0], len(self.vocab)))
        result = (q @ self._weights.T).toarray() if self.n_docs else np.zeros((len(queries), 0))
        return np.asarray(result, dtype=np.float64)

    def score(self, query: Sequence[str]) -> NDArray[np.float64]:
        """Scores of one token-list query against every document, in document order."""
        row: NDArray[np.float64] = self.score_many([query])[0]
        return row
