"""The pieces rank_radars is built from: phrase hits cached per day, the closed-form 👍 classifier, exact top-k."""

import re

import numpy as np
import pytest

from academichub.models import Radar
from academichub.rank.classifier import classifier_directions
from academichub.rank.keywords import MAX_COUNTED_KEYWORDS, add_author_bonuses, add_keyword_bonuses, phrase_hits
from academichub.rank.matching import fold
from academichub.rank.radar import RadarQuery, RadarWeights, rank_radars
from academichub.rank.topk import top_columns
from demo_day import demo_day


@pytest.fixture(scope="module")
def day():
    return demo_day(300)


def scan(day, term):
    """The definition: every paper whose folded text holds the phrase as whole words (plural allowed)."""
    words = r"\s+".join(re.escape(w) for w in fold(term).split())
    pattern = re.compile(rf"(?<![^\W_]){words}(?:s|es)?(?![^\W_])")
    return [i for i, p in enumerate(day.papers) if pattern.search(" ".join(fold(f"{p.title} {p.abstract}").split()))]


TERMS = ["model", "language models", "large language model", "self-supervised", "without", "state of the art",
         "reinforcement learning", "nowhere-to-be-found"]  # fmt: skip


@pytest.mark.parametrize("term", TERMS)
def test_phrase_hits_equal_a_scan_of_every_paper_and_are_shared(day, term):
    hits = phrase_hits(day, term)
    assert hits.tolist() == scan(day, term)
    assert phrase_hits(day, term) is hits  # the second radar asking gets the day's cached answer


@pytest.mark.parametrize("term", ["Self-Supervised", "LANGUAGE MODELS"])
def test_phrase_hits_ignore_case_and_are_shared_between_spellings(day, term):
    hits = phrase_hits(day, term)
    assert len(hits) and hits.tolist() == scan(day, term)
    assert phrase_hits(day, term.lower()) is hits


def test_nearest_seed_and_dislike_follow_a_brute_force_max_across_set_sizes(day):
    # Radars with 3, 0, 1 and 2 seeds (and 👎) share one block: each is ordered by its own nearest vector.
    rng = np.random.default_rng(5)
    pick = lambda k: day.vectors[rng.choice(len(day.papers), size=k, replace=False)]  # noqa: E731
    sets = [pick(3), np.zeros((0, 0), dtype=np.float32), pick(1), pick(2)]
    radar = Radar(name="r", description="")
    for weights, field in ((RadarWeights(0, 0, 1.0, 0, 0, 0, 0), "seed_vectors"),
                           (RadarWeights(0, 0, 0, 0, 1.0, 0, 0), "disliked_vectors")):  # fmt: skip
        queries = [RadarQuery(radar, **{field: s}) for s in sets]
        ranked = rank_radars(day, queries, weights, top_k=20)
        for s, got in zip(sets, ranked, strict=True):
            if not len(s):
                continue
            nearest = (s @ day.vectors.T).max(axis=0) * (1 if field == "seed_vectors" else -1)
            got_nearest = nearest[[p.paper.id - 1 for p in got]]  # the demo day repeats papers: compare values
            np.testing.assert_allclose(got_nearest, np.sort(nearest)[::-1][:20], atol=1e-5)


def auc(scores, liked, same_category):
    """Chance that a paper of the liked papers' category outranks one of another category."""
    others = [i for i in range(len(scores)) if i not in set(liked)]
    order = sorted(others, key=lambda i: -scores[i])
    return 1 - np.mean([order.index(i) for i in same_category]) / len(others)


@pytest.mark.parametrize("category", ["cs.CV", "cs.CL", "cs.AI"])
def test_classifier_ranks_papers_like_the_liked_ones_first(day, category):
    # 👍 on four papers of one category: the rest of that category should rise, as well as under the
    # LinearSVC (seeds + 👍 vs the day) it replaces
    from sklearn.svm import LinearSVC

    vectors = day.vectors
    in_cat = [i for i, p in enumerate(day.papers) if p.categories and p.categories[0] == category]
    liked, held_out = in_cat[:4], in_cat[4:]
    beta = classifier_directions(day, [(vectors[liked], np.zeros((0, vectors.shape[1]), np.float32))])[0]
    x, y = np.vstack([vectors[liked], vectors]), np.r_[np.ones(4), np.zeros(len(vectors))]
    svm = LinearSVC(C=0.1, class_weight="balanced", max_iter=5000).fit(x, y)
    ours = auc(vectors @ beta, liked, held_out)
    assert ours > 0.53
    assert ours >= auc(vectors @ svm.coef_[0], liked, held_out) - 0.01


def test_top_columns_matches_a_full_sort_and_skips_filtered():
    rng = np.random.default_rng(3)
    block = rng.standard_normal((40, 5000)).astype(np.float32)
    block[::7, :4990] = -np.inf  # rows with few survivors fall back to the exact path
    block[3, 100] = block[3, 200] = 9.0  # a tie keeps column order
    block[5, ::50] = 7.0  # 100 tied entries for 60 places: the lowest columns win
    got = top_columns(block, 60)
    for row, cols in zip(block, got, strict=True):
        finite = np.flatnonzero(np.isfinite(row))
        expect = finite[np.argsort(-row[finite], kind="stable")][:60]
        assert cols.tolist() == expect.tolist()
    assert [len(c) for c in top_columns(block[:2], None)] == [10, 5000]
    assert got[5].tolist() == list(range(0, 3000, 50))
    assert [len(c) for c in top_columns(block[:2], 0)] == [0, 0]


def test_the_keyword_bonus_counts_at_most_three_keywords_a_paper_and_each_row_its_own():
    rows = np.zeros((3, 6), dtype=np.float32)
    hits = {f"k{i}": np.array([0, 1, 2, 3, 4][: 5 - i], dtype=np.intp) for i in range(5)}  # paper j: 5 − j keywords
    one = {"k0": np.array([0, 5], dtype=np.intp)}
    add_keyword_bonuses(rows, [hits, {"none": np.zeros(0, dtype=np.intp)}, one], 0.5)
    assert MAX_COUNTED_KEYWORDS == 3
    assert rows[0].tolist() == [1.5, 1.5, 1.5, 1.0, 0.5, 0.0]
    assert rows[1].tolist() == [0.0] * 6
    assert rows[2].tolist() == [0.5, 0.0, 0.0, 0.0, 0.0, 0.5]  # the first row's counts do not carry over


def test_a_paper_by_two_followed_authors_earns_the_author_bonus_once():
    rows = np.zeros((2, 4), dtype=np.float32)
    add_author_bonuses(rows, [np.array([1, 1, 3], dtype=np.intp), np.zeros(0, dtype=np.intp)], 1.5)
    assert rows.tolist() == [[0.0, 1.5, 0.0, 1.5], [0.0] * 4]


def z(signal, mask):
    kept = signal[mask]
    return (signal - kept.mean()) / kept.std()


def test_every_signal_is_z_scored_over_the_papers_the_radar_may_show(day):
    # The product gives every radar a mask (seen papers, replacements, unwatched categories hidden): a radar's
    # description, 👍 classifier, nearest seed and 👎 are each z-scored among the papers it may show. Radars with a
    # description only, with everything, with 👍 only, and (the whole day) without a mask share one block.
    vectors, n = day.vectors, len(day.papers)
    rng = np.random.default_rng(21)
    pick = lambda k: vectors[rng.choice(n, size=k, replace=False)]  # noqa: E731
    allowed = np.arange(n) % 3 > 0
    radar = Radar(name="r", description="")
    weights = RadarWeights(bm25=0, keyword_bonus=0, author_bonus=0, aspects=0, recency=0)
    liked, disliked, seeds = pick(3), pick(1), pick(2)
    queries = [
        RadarQuery(radar, pick(1)[0], allowed=allowed),
        RadarQuery(radar, pick(1)[0], seeds, liked_vectors=liked, disliked_vectors=disliked, allowed=allowed),
        RadarQuery(radar, liked_vectors=liked, allowed=allowed),
        RadarQuery(radar, pick(1)[0], liked_vectors=liked),
    ]
    beta = classifier_directions(day, [(np.vstack([seeds, liked]), disliked), (liked, disliked[:0])])
    everything = np.ones(n, dtype=bool)
    expected = [
        0.5 * z(vectors @ queries[0].description_vector, allowed),
        0.5 * z(vectors @ queries[1].description_vector, allowed) + 0.5 * z(vectors @ beta[0], allowed)
        + 0.7 * z((seeds @ vectors.T).max(axis=0), allowed) - 0.4 * z((disliked @ vectors.T).max(axis=0), allowed),
        0.5 * z(vectors @ beta[1], allowed),
        0.5 * z(vectors @ queries[3].description_vector, everything) + 0.5 * z(vectors @ beta[1], everything),
    ]  # fmt: skip
    for query, want, got in zip(queries, expected, rank_radars(day, queries, weights), strict=True):
        shown = np.array([p.paper.id - 1 for p in got])
        assert len(shown) == (n if query.allowed is None else allowed.sum())
        np.testing.assert_allclose([p.score for p in got], want[shown], atol=2e-4)
    assert not np.allclose(expected[0], 0.5 * z(vectors @ queries[0].description_vector, everything), atol=1e-2)


@pytest.mark.parametrize("shown", [0, 1, 2, 3])
def test_a_radar_that_may_show_only_a_few_papers_ranks_them_with_finite_scores(day, shown):
    # a narrow watch list on a quiet day: the signals' spread is taken over these papers alone (none for one)
    allowed = np.zeros(len(day.papers), dtype=bool)
    allowed[:shown] = True
    radar = Radar(name="narrow", description="language models", keywords=("model",))
    query = RadarQuery(radar, day.vectors[5], day.vectors[[7]], ("a seed",), day.vectors[[9]], day.vectors[[11]],
                       allowed=allowed, seed_texts=("language model agents",))  # fmt: skip
    ranked = rank_radars(day, [query], top_k=10)[0]
    assert sorted(p.paper.id - 1 for p in ranked) == list(range(shown))
    assert all(np.isfinite(p.score) for p in ranked)
    if shown == 1:
        assert f"{ranked[0].score:.2f}" == "0.00"  # every signal flat: nothing to say it stands out, no "-0.00"
