"""The aspect signal: sentence-to-sentence matching of seed papers with candidate papers."""

from __future__ import annotations

import numpy as np

from academichub.rank.aspects import SentenceRows, sentence_match
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
