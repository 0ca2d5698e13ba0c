"""Okapi BM25 over an in-memory corpus, vectorised with scipy.sparse (k1 1.2, b 0.75 by default).

Pure: built from token lists (see rank.text.tokenize). Weights are stored term-major, so a term's postings (the
documents containing it) are one slice, `score_many` is one sparse product, and `add_z_block` scores and z-scores
many queries one float32 row at a time in compiled loops (rank.kernels: a frequent term's weights added as one
contiguous row, the rest posting by posting). IDF is the non-negative Lucene form log(1 + (N − n + 0.5) / (n + 0.5)).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from academichub.rank.kernels import NO_MASKS, add_bm25_z, offsets

BM25_K1 = 1.2
BM25_B = 0.75
Entries = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]]  # query, term, count per pair
DENSE_RATIO = 4  # a posting scattered costs about this many contiguous multiply-adds: a term in more than 1 / this
# of the documents is added as its dense weight row


@dataclass(frozen=True)
class BM25Params:
    k1: float = BM25_K1
    b: float = BM25_B


class BM25Index:
    """Documents fixed at construction; `score` ranks any number of token-list queries against all of them."""

    def __init__(self, docs: Sequence[Sequence[str]], params: BM25Params = BM25Params()) -> None:
        flat = list(chain.from_iterable(docs))
        vocab = {tok: j for j, tok in enumerate(dict.fromkeys(flat))}  # first-seen order
        lengths = np.fromiter(map(len, docs), dtype=np.intp, count=len(docs))
        term_ids = np.fromiter(map(vocab.__getitem__, flat), dtype=np.intp, count=len(flat))
        doc_ids = np.repeat(np.arange(len(docs), dtype=np.intp), lengths)
        self._build(vocab, term_ids, doc_ids, np.ones(len(flat)), len(docs), params)

    @classmethod
    def from_entries(
        cls,
        vocab: dict[str, int],
        term_ids: NDArray[np.intp],
        doc_ids: NDArray[np.intp],
        counts: NDArray[np.float64],
        n_docs: int,
        params: BM25Params = BM25Params(),
    ) -> BM25Index:
        """The index of documents given as (term, document, count) entries, a pair possibly repeated."""
        index = cls.__new__(cls)
        index._build(vocab, term_ids, doc_ids, counts, n_docs, params)
        return index

    def _build(
        self,
        vocab: dict[str, int],
        term_ids: NDArray[np.intp],
        doc_ids: NDArray[np.intp],
        counts: NDArray[np.float64],
        n_docs: int,
        params: BM25Params,
    ) -> None:
        self.params = params
        self.vocab: dict[str, int] = vocab
        self.n_docs = n_docs
        tf = sp.csr_matrix((counts, (term_ids, doc_ids)), shape=(len(vocab), n_docs))  # term-major
        tf.sum_duplicates()  # duplicates are summed into counts
        doc_len = np.bincount(doc_ids, weights=counts, minlength=n_docs).astype(np.float64)
        self.avg_doc_len = float(doc_len.mean()) if self.n_docs and doc_len.sum() > 0 else 1.0
        df = np.diff(tf.indptr).astype(np.float64)
        self.idf: NDArray[np.float64] = np.log1p((self.n_docs - df + 0.5) / (df + 0.5))
        k1, b = params.k1, params.b
        norm = k1 * (1.0 - b + b * doc_len / self.avg_doc_len)
        term_of_entry = np.repeat(np.arange(len(self.vocab)), np.diff(tf.indptr))
        tf.data = self.idf[term_of_entry] * tf.data * (k1 + 1.0) / (tf.data + norm[tf.indices])
        self._by_term = tf  # [terms, docs] BM25 weight of each term in each document
        self._term_start = tf.indptr.astype(np.int64)  # the postings as the compiled scatter reads them
        self._docs = tf.indices.astype(np.int32)
        self._weights = tf.data.astype(np.float32)
        self._dense: dict[int, NDArray[np.float32]] = {}  # frequent term → its weights over every document

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

    def add_z_block(
        self,
        queries: Sequence[Sequence[str]],
        total: NDArray[np.float32],
        weight: float,
        min_std: float,
        shift: NDArray[np.float32],
        *,
        salient: Sequence[Sequence[str]] = (),
        keep: int = 0,
        masks: NDArray[np.bool_] = NO_MASKS,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Adds to row i of `total` weight × the z-score of query i's BM25 scores over the documents masks[i] keeps
        (all of them when `masks` has no rows), less its constant −weight × mean / std (nothing where std ≤ min_std),
        and `shift` (one value per document, or empty); returns each query's raw mean and std. `salient[i]`, when
        given, is a long text (token list) of which only the `keep` known terms weighing most (count × idf; ties:
        first seen) join query i with their counts, as MoreLikeThis queries a text. One row of scores is held at a
        time, never the block's."""
        row = np.empty(self.n_docs, dtype=np.float32)
        return add_bm25_z(*self._plan(queries, salient, keep), total, weight, min_std, shift, row, masks)

    def _plan(self, queries: Sequence[Sequence[str]], salient: Sequence[Sequence[str]], keep: int) -> tuple[
        tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.float32]],
        tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]],
        tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32], NDArray[np.float32]],
    ]:  # fmt: skip
        """The kernels' arguments (rank.kernels.bm25_row): the postings, and each query's (term, count) entries
        split into those added posting by posting and those added as dense weight rows (terms in more than
        1 / DENSE_RATIO of the documents)."""
        rows, terms, counts = self._block_counts(queries)
        if salient:
            more = self._block_counts(salient, keep=keep)
            rows, terms, counts = self._merged((rows, terms, counts), more)
        dense = np.diff(self._term_start)[terms] * DENSE_RATIO > self.n_docs
        columns, column_of = np.unique(terms[dense], return_inverse=True)
        per_query = len(queries)
        sparse = (offsets(np.bincount(rows[~dense], minlength=per_query)), terms[~dense], counts[~dense])
        dense_part = (offsets(np.bincount(rows[dense], minlength=per_query)), column_of.astype(np.int64),
                      counts[dense], self._dense_rows(columns.tolist()))  # fmt: skip
        return (self._term_start, self._docs, self._weights), sparse, dense_part

    def _block_counts(self, queries: Sequence[Sequence[str]], keep: int | None = None) -> Entries:
        """Every (query, known term) pair of the block and the term's count in the query, by query then term; with
        `keep`, only each query's `keep` terms of highest count × idf (ties: the term seen first in the query)."""
        flat = list(chain.from_iterable(queries))
        ids = np.fromiter(map(self.vocab.get, flat, repeat(-1, len(flat))), dtype=np.int64, count=len(flat))
        owner = np.repeat(np.arange(len(queries), dtype=np.int64), [len(q) for q in queries])
        known = ids >= 0
        pairs, first, counts = np.unique(owner[known] * len(self.vocab) + ids[known], return_index=True,
                                         return_counts=True)  # fmt: skip
        rows, terms = np.divmod(pairs, len(self.vocab))
        if keep is not None:
            order = np.lexsort((first, -counts * self.idf[terms], rows))  # per query: weight, then first seen
            grouped = rows[order]
            rank = np.arange(len(order)) - np.searchsorted(grouped, grouped)
            chosen = np.sort(order[rank < keep])
            rows, terms, counts = rows[chosen], terms[chosen], counts[chosen]
        return rows, terms, counts.astype(np.float32)

    def _merged(self, a: Entries, b: Entries) -> Entries:
        """Two blocks of (query, term, count) entries as one, a pair's counts summed, by query then term."""
        pairs = np.concatenate([a[0] * len(self.vocab) + a[1], b[0] * len(self.vocab) + b[1]])
        unique, which = np.unique(pairs, return_inverse=True)
        counts = np.bincount(which, weights=np.concatenate([a[2], b[2]])).astype(np.float32)
        rows, terms = np.divmod(unique, len(self.vocab))
        return rows, terms, counts

    def _dense_rows(self, terms: list[int]) -> NDArray[np.float32]:
        """The terms' weights over every document, [terms, n_docs], kept for the index's lifetime."""
        missing = [j for j in terms if j not in self._dense]
        if missing:
            rows = self._by_term[missing].toarray().astype(np.float32)
            self._dense.update(zip(missing, rows, strict=True))
        if not terms:
            return np.zeros((0, self.n_docs), dtype=np.float32)
        return np.array([self._dense[j] for j in terms], dtype=np.float32)
