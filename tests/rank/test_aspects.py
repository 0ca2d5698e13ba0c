"""The aspect signal: sentence-to-sentence matching of seed papers with candidate papers."""

from __future__ import annotations

import numpy as np

from academichub.rank.aspects import SentenceRows, add_aspects, sentence_match
from academichub.rank.embedders import HashingEmbedder
from academichub.rank.sentences import split_sentences

SEED = (
    "We predict protein structure with graph neural networks over residue contact maps. "
    "Training uses ten thousand chains from the Protein Data Bank."
)
SHARES_METHOD = (
    "Graph neural networks over residue contact maps predict protein structure accurately. "
    "We also study how galaxies merge in the early universe."
)
UNRELATED = "Dark matter halos shape how galaxies merge in the early universe. Simulations track stellar streams."


def encode(texts: list[str]) -> list[np.ndarray]:
    embedder = HashingEmbedder()
    return [embedder.encode(split_sentences(t)) for t in texts]


def test_a_paper_sharing_one_aspect_outranks_an_unrelated_one() -> None:
    seed, *day = encode([SEED, SHARES_METHOD, UNRELATED])
    rows = SentenceRows.of(day, seed.shape[1])
    match = sentence_match([seed], rows, np.arange(2))
    assert match.score[0] > match.score[1]
    assert match.seed.tolist() == [0, 0]


def test_the_formula_is_the_mean_of_best_counterparts_both_ways() -> None:
    rng = np.random.default_rng(7)
    unit = lambda n: (lambda m: m / np.linalg.norm(m, axis=1, keepdims=True))(rng.normal(size=(n, 8)))  # noqa: E731
    seed, paper = unit(3).astype(np.float32), unit(4).astype(np.float32)
    sims = seed @ paper.T
    expected = 0.5 * (sims.max(axis=1).mean() + sims.max(axis=0).mean())
    match = sentence_match([seed], SentenceRows.of([paper], 8), np.array([0]))
    assert np.isclose(match.score[0], expected, atol=1e-6)


def test_the_best_of_several_seeds_counts_and_is_named() -> None:
    first, second, *day = encode([UNRELATED, SEED, SHARES_METHOD])
    match = sentence_match([first, second], SentenceRows.of(day, first.shape[1]), np.array([0]))
    assert match.seed.tolist() == [1]


def test_papers_or_radars_without_sentences_get_no_score() -> None:
    seed, paper = encode([SEED, SHARES_METHOD])
    rows = SentenceRows.of([None, paper, np.zeros((0, seed.shape[1]), np.float32)], seed.shape[1])
    match = sentence_match([seed], rows, np.array([2, 1, 0]))
    assert np.isnan(match.score[[0, 2]]).all() and match.seed.tolist()[0] == -1
    assert np.isfinite(match.score[1])
    assert np.isnan(sentence_match([], rows, np.array([1])).score).all()


def test_the_best_sentence_and_its_closeness_are_found() -> None:
    method_last = " ".join(reversed(split_sentences(SHARES_METHOD)))
    seed, paper, reordered = encode([SEED, SHARES_METHOD, method_last])
    rows = SentenceRows.of([paper, None, reordered], seed.shape[1])
    match = sentence_match([seed], rows, np.array([0, 1, 2]))
    assert match.sentence.tolist() == [0, -1, 1]  # the sentence on the same method, not the one on galaxies
    assert abs(float(match.cosine[0]) - float((seed @ paper[0]).max())) < 1e-6


def test_a_seed_without_sentences_does_not_shift_which_seed_is_named() -> None:
    empty, seed, paper = encode([UNRELATED, SEED, SHARES_METHOD])
    nothing = np.zeros((0, seed.shape[1]), np.float32)
    match = sentence_match([nothing, empty, seed], SentenceRows.of([paper], seed.shape[1]), np.array([0]))
    assert match.seed.tolist() == [2]  # the third seed, as the caller numbers them


def _unit(rng: np.random.Generator, n: int, d: int = 16) -> np.ndarray:
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_the_block_re_rank_equals_matching_each_radar_on_its_own() -> None:
    """add_aspects re-ranks a block's radars together; each radar must get what matching it alone (sentence_match)
    and a z-score over its finite candidates give: the same hits, and the same scores added to its row only."""
    rng = np.random.default_rng(11)
    day = SentenceRows.of([_unit(rng, int(k)) if k else None for k in rng.integers(0, 6, 300)], 16)
    total = rng.standard_normal((5, 300)).astype(np.float32)
    total[1, ::4] = -np.inf  # filtered papers are not matched
    rows = [0, 1, 3, 4]
    seeds = [
        [_unit(rng, 3), _unit(rng, 5)],
        [np.zeros((0, 16), np.float32), _unit(rng, 4)],  # a seed without sentences: the other one is named
        [_unit(rng, 1)],
        [_unit(rng, 2), _unit(rng, 2), _unit(rng, 6)],
    ]
    leading = [rng.permutation(300)[:40] for _ in rows]
    leading[2] = leading[2][:1]  # one candidate: no spread, nothing added
    before = total.copy()
    hits = add_aspects(total, rows, leading, seeds, day, 0.5)
    np.testing.assert_array_equal(total[2], before[2])  # not a seeded row
    for r, candidates, radar, got in zip(rows, leading, seeds, hits, strict=True):
        papers = np.sort(candidates[np.isfinite(before[r][candidates])])
        want = sentence_match(radar, day, papers)
        assert got.papers.tolist() == papers.tolist()
        np.testing.assert_allclose(got.match.score, want.score, rtol=1e-5)
        assert got.match.seed.tolist() == want.seed.tolist() and got.match.sentence.tolist() == want.sentence.tolist()
        expected = before[r].copy()
        valid = np.isfinite(want.score)
        if valid.sum() > 1:
            z = (want.score[valid] - want.score[valid].mean()) / want.score[valid].std()
            expected[papers[valid]] += (0.5 * z).astype(np.float32)
            np.testing.assert_allclose(got.z[valid], z, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(total[r], expected, rtol=1e-5, atol=1e-5)
    assert set(hits[1].match.seed[np.isfinite(hits[1].match.score)].tolist()) == {1}  # the seed with sentences
