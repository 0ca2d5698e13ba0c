import math

import numpy as np
import pytest

from academichub.rank.bm25 import BM25Index, BM25Params

# Three documents; avg length 5/3. k1 = 1.2, b = 0.75.
DOCS = [["graph", "neural"], ["graph", "graph", "protein"], []]


def hand_bm25(tf: int, doc_len: int, df: int, n_docs: int = 3, avg_len: float = 5 / 3) -> float:
    idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
    return idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * doc_len / avg_len))


def test_scores_match_the_okapi_formula_computed_by_hand() -> None:
    index = BM25Index(DOCS)
    scores = index.score(["graph", "protein"])
    expected = [
        hand_bm25(tf=1, doc_len=2, df=2),
        hand_bm25(tf=2, doc_len=3, df=2) + hand_bm25(tf=1, doc_len=3, df=1),
        0.0,
    ]
    assert scores == pytest.approx(expected)
    assert scores[0] == pytest.approx(0.434457, abs=1e-6)


def test_unknown_terms_score_zero_and_repeated_query_terms_count_twice() -> None:
    index = BM25Index(DOCS)
    assert index.score(["nowhere"]).tolist() == [0.0, 0.0, 0.0]
    assert index.score(["neural", "neural"]) == pytest.approx(2 * index.score(["neural"]))


def test_score_many_equals_one_query_at_a_time() -> None:
    index = BM25Index(DOCS, BM25Params(k1=1.5, b=0.5))
    queries = [["graph"], ["protein", "neural"], []]
    many = index.score_many(queries)
    assert many.shape == (3, 3)
    for row, query in zip(many, queries, strict=True):
        assert row == pytest.approx(index.score(query))


def test_rarer_terms_weigh_more_and_empty_corpus_is_harmless() -> None:
    index = BM25Index(DOCS)
    assert index.idf[index.vocab["protein"]] > index.idf[index.vocab["graph"]]
    assert BM25Index([]).score(["graph"]).shape == (0,)
    assert np.all(index.score(["graph"]) >= 0)


def test_score_block_matches_score_many_with_frequent_terms_dense_and_rare_ones_sparse() -> None:
    rng = np.random.default_rng(4)
    words = [f"w{i}" for i in range(300)]
    weights = 1.0 / np.arange(1, 301)  # Zipf: a few words are in most documents
    docs = [list(rng.choice(words, size=int(rng.integers(3, 40)), p=weights / weights.sum())) for _ in range(400)]
    queries = [list(rng.choice(words + ["unknown"], size=int(rng.integers(0, 30)))) for _ in range(120)]
    index = BM25Index(docs)
    out = np.full((120, 400), np.nan, dtype=np.float32)
    index.score_block(queries, out)
    np.testing.assert_allclose(out, index.score_many(queries), rtol=1e-5, atol=1e-5)
    assert len(index._dense) > 0  # the frequent words went through the matrix product
    rare = [["w299"], ["w298", "unknown"], []]
    index.score_block(rare, out[:3])
    np.testing.assert_allclose(out[:3], index.score_many(rare), rtol=1e-5, atol=1e-5)


def test_salient_keeps_the_terms_weighing_most_with_their_counts_and_drops_unknown_ones() -> None:
    # idf: neural = protein (df 1) > graph (df 2); count × idf decides, ties keep the first-seen order
    index = BM25Index(DOCS)
    tokens = ["graph", "graph", "graph", "neural", "protein", "nowhere", "protein"]
    idf = {t: index.idf[index.vocab[t]] for t in ("graph", "neural", "protein")}
    assert 2 * idf["protein"] > 3 * idf["graph"] > idf["neural"]
    assert index.salient(tokens, 2) == ["protein", "protein", "graph", "graph", "graph"]
    assert index.salient(tokens, 10) == ["protein", "protein", "graph", "graph", "graph", "neural"]
    assert index.salient(["nowhere"], 5) == [] and index.salient(tokens, 0) == []
    tied = BM25Index([["a"], ["b"], ["c", "d"]])
    assert tied.salient(["b", "a"], 1) == ["b"] and tied.salient(["a", "b"], 1) == ["a"]
