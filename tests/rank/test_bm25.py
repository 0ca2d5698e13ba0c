import math
from collections import Counter

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


def block_scores(index: BM25Index, queries, *, salient=(), keep: int = 0) -> np.ndarray:
    """BM25 scores as the ranking's block pass computes them: add_z_block adds weight × s / std to a zero row (its
    constant left out), so s is that row × std wherever the row is not flat (a flat row gets nothing)."""
    total = np.zeros((len(queries), index.n_docs), dtype=np.float32)
    _, std = index.add_z_block(queries, total, 1.0, 1e-12, np.zeros(0, dtype=np.float32), salient=salient, keep=keep)
    return total.astype(np.float64) * np.where(std > 1e-12, std, 0.0)[:, None]


def test_block_scores_match_score_many_with_frequent_terms_dense_and_rare_ones_sparse() -> None:
    rng = np.random.default_rng(4)
    words = [f"w{i}" for i in range(300)]
    weights = 1.0 / np.arange(1, 301)  # Zipf: a few words are in most documents
    docs = [list(rng.choice(words, size=int(rng.integers(3, 40)), p=weights / weights.sum())) for _ in range(400)]
    queries = [list(rng.choice(words + ["unknown"], size=int(rng.integers(0, 30)))) for _ in range(120)]
    index = BM25Index(docs)
    np.testing.assert_allclose(block_scores(index, queries), index.score_many(queries), rtol=1e-5, atol=1e-5)
    assert len(index._dense) > 0  # the frequent words were added as dense weight rows
    rare = [["w299"], ["w298", "unknown"], []]
    np.testing.assert_allclose(block_scores(index, rare), index.score_many(rare), rtol=1e-5, atol=1e-5)


def test_add_z_block_adds_each_querys_z_scored_scores_and_the_shift_to_its_row() -> None:
    rng = np.random.default_rng(9)
    words = [f"w{i}" for i in range(300)]
    weights = 1.0 / np.arange(1, 301)
    docs = [list(rng.choice(words, size=int(rng.integers(3, 40)), p=weights / weights.sum())) for _ in range(400)]
    queries = [list(rng.choice(words + ["unknown"], size=int(rng.integers(0, 30)))) for _ in range(60)]
    queries[7] = ["unknown"]  # scores nothing: a flat row adds only the shift
    index = BM25Index(docs)
    total = rng.standard_normal((60, 400)).astype(np.float32)
    before = total.copy()
    shift = -0.5 * rng.random(400).astype(np.float32)
    mean, std = index.add_z_block(queries, total, 0.3, 1e-9, shift)
    scores = index.score_many(queries)
    np.testing.assert_allclose(mean, scores.mean(axis=1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(std, scores.std(axis=1), rtol=1e-4, atol=1e-6)
    assert std[7] == 0.0
    flat = np.where(std > 1e-9, std, 1.0)[:, None]
    added = np.where(std[:, None] > 1e-9, 0.3 * scores / flat, 0.0) + shift  # the z-score less its constant
    np.testing.assert_allclose(total - before, added, rtol=1e-4, atol=1e-5)
    assert len(index._dense) > 0  # frequent words took the dense-row path here too


def test_add_z_block_takes_each_querys_mean_and_std_over_the_documents_its_mask_keeps() -> None:
    rng = np.random.default_rng(12)
    words = [f"w{i}" for i in range(200)]
    weights = 1.0 / np.arange(1, 201)
    docs = [list(rng.choice(words, size=int(rng.integers(3, 30)), p=weights / weights.sum())) for _ in range(300)]
    queries = [list(rng.choice(words, size=int(rng.integers(1, 20)))) for _ in range(20)]
    masks = rng.random((20, 300)) < 0.4  # e.g. the papers of the categories a radar watches
    index = BM25Index(docs)
    total = np.zeros((20, 300), dtype=np.float32)
    mean, std = index.add_z_block(queries, total, 0.3, 1e-9, np.zeros(0, dtype=np.float32), masks=masks)
    scores = index.score_many(queries)
    for i in range(20):
        kept = scores[i, masks[i]]
        assert mean[i] == pytest.approx(kept.mean(), abs=1e-5) and std[i] == pytest.approx(kept.std(), rel=1e-4)
        np.testing.assert_allclose(total[i], 0.3 * scores[i] / std[i], rtol=1e-4, atol=1e-5)
    assert not np.allclose(std, scores.std(axis=1), rtol=1e-3)  # the whole day's spread would differ


def brute_salient(index: BM25Index, tokens: list[str], keep: int) -> list[str]:
    """The definition: the `keep` known terms of highest count × idf, ties to the first seen, with their counts."""
    counts = Counter(t for t in tokens if t in index.vocab)  # insertion order = first seen
    ranked = sorted(counts, key=lambda t: -counts[t] * index.idf[index.vocab[t]])[:keep]
    return [t for t in ranked for _ in range(counts[t])]


def test_salient_texts_join_their_queries_by_the_terms_weighing_most() -> None:
    # idf: neural = protein (df 1) > graph (df 2); count × idf decides, ties keep the first-seen order
    index = BM25Index(DOCS)
    text = ["graph", "graph", "graph", "neural", "protein", "nowhere", "protein"]
    out = block_scores(index, [["graph"], [], ["neural"], []], salient=[text, text, [], ["neural", "protein"]], keep=2)
    expected = [
        ["graph", "protein", "protein", "graph", "graph", "graph"],  # a term in both counts twice over
        ["protein", "protein", "graph", "graph", "graph"],
        ["neural"],
        ["neural", "protein"],
    ]
    np.testing.assert_allclose(out, index.score_many(expected), rtol=1e-6)
    for tied, first in ((["neural", "protein"], "neural"), (["protein", "neural"], "protein")):  # equal weights
        one = block_scores(index, [[]], salient=[tied], keep=1)
        np.testing.assert_allclose(one[0], index.score([first]), rtol=1e-6)  # the one seen first
    assert brute_salient(index, text, 2) == ["protein", "protein", "graph", "graph", "graph"]


def test_salient_selection_matches_the_definition_on_random_texts() -> None:
    rng = np.random.default_rng(11)
    words = [f"w{i}" for i in range(200)]
    weights = 1.0 / np.arange(1, 201)
    docs = [list(rng.choice(words, size=int(rng.integers(3, 30)), p=weights / weights.sum())) for _ in range(300)]
    index = BM25Index(docs)
    own = [list(rng.choice(words, size=int(rng.integers(0, 5)))) for _ in range(40)]
    texts = [list(rng.choice(words + ["unknown"], size=int(rng.integers(0, 120)))) for _ in range(40)]
    out = block_scores(index, own, salient=texts, keep=7)
    expected = index.score_many([o + brute_salient(index, t, 7) for o, t in zip(own, texts, strict=True)])
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
