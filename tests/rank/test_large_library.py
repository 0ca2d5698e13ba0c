"""A radar with an imported library of thousands of seed papers (or a long 👎 history) ranks with the exact
nearest-seed signal and without memory growing with the library: the sets are compared a chunk at a time."""

import tracemalloc

import numpy as np

from academichub.models import Paper, Radar
from academichub.rank.radar import RadarQuery, RadarWeights, index_day, rank_radars

N_PAPERS = 10_000  # one chunk then holds 1,000 set vectors (NEAREST_CHUNK_CELLS / papers)
DIM = 32  # small vectors keep the products quick; the chunking depends on rows × papers only


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    x = rng.normal(size=(n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _day(rng: np.random.Generator) -> tuple[list[Paper], np.ndarray]:
    papers = [Paper(keys=(f"x:{i}",), title=f"Paper {i}", abstract="", id=i + 1) for i in range(N_PAPERS)]
    return papers, _unit(rng, N_PAPERS)


def _z(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / x.std()


def test_nearest_seed_and_dislike_scores_are_exact_across_chunks() -> None:
    """Sets spanning several chunks, two radars sharing chunks, and one radar with both seeds and 👎: every
    paper's score is w_seeds · z(nearest seed) − w_disliked · z(nearest 👎) computed directly over the day."""
    rng = np.random.default_rng(11)
    papers, vectors = _day(rng)
    a_seeds, a_dislikes, b_seeds = _unit(rng, 2_500), _unit(rng, 700), _unit(rng, 1_500)
    queries = [
        RadarQuery(Radar(name="a"), seed_vectors=a_seeds, disliked_vectors=a_dislikes),
        RadarQuery(Radar(name="b"), seed_vectors=b_seeds),
    ]
    ranked = rank_radars(index_day(papers, vectors), queries)
    w = RadarWeights()
    sims = vectors.astype(np.float64)
    expected = {
        "a": w.seeds * _z((sims @ a_seeds.T).max(axis=1)) - w.disliked * _z((sims @ a_dislikes.T).max(axis=1)),
        "b": w.seeds * _z((sims @ b_seeds.T).max(axis=1)),
    }
    for query, scored in zip(queries, ranked, strict=True):
        assert len(scored) == N_PAPERS
        got = np.array([s.score for s in sorted(scored, key=lambda s: s.paper.id or 0)])
        np.testing.assert_allclose(got, expected[query.radar.name], atol=1e-4)


def test_a_huge_library_needs_no_more_memory_than_a_few_seeds() -> None:
    """12,000 seeds on a 10,000-paper day: all their similarities at once would be 480 MB of float32. The paper
    identical to the library's last seed still comes first, named after that seed."""
    rng = np.random.default_rng(12)
    papers, vectors = _day(rng)
    library = _unit(rng, 12_000)
    vectors[4_321] = library[-1]
    titles = [f"Library paper {i}" for i in range(len(library))]
    query = RadarQuery(Radar(name="library"), seed_vectors=library, seed_titles=titles, seed_texts=["-"])
    day = index_day(papers, vectors)
    tracemalloc.start()
    try:
        ranked = rank_radars(day, [query], top_k=20)[0]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 120 * 2**20, f"ranking one radar took {peak / 2**20:.0f} MiB"
    assert ranked[0].paper.title == "Paper 4321"
    assert [r.text for r in ranked[0].reasons if r.kind == "seed"] == ["like your seed paper “Library paper 11999”"]
