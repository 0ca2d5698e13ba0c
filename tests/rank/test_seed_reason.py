"""A seed paper is named as the reason only where a paper stands out as near it, not for every pick."""

import numpy as np

from academichub.models import Paper, Radar
from academichub.rank.radar import RadarQuery, index_day, rank_radars


def test_the_seed_is_named_only_for_papers_that_stand_out_near_it() -> None:
    rng = np.random.default_rng(3)
    seed = rng.normal(size=64)
    seed /= np.linalg.norm(seed)
    noise = rng.normal(size=(40, 64))
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    vectors = seed + 0.55 * noise  # every paper above 0.80 cosine to the seed, as e5 vectors are
    vectors[0] = seed + 0.05 * noise[0]  # one clearly nearer
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert (vectors @ seed).min() > 0.80
    papers = [Paper(keys=(f"x:{i}",), title=f"Paper {i}", abstract="Text.", id=i + 1) for i in range(40)]
    query = RadarQuery(Radar(name="r"), seed_vectors=seed[None, :].astype(np.float32), seed_titles=["The seed"])
    ranked = rank_radars(index_day(papers, vectors.astype(np.float32)), [query], top_k=10)[0]
    named = [s.paper.title for s in ranked if any(r.kind == "seed" for r in s.reasons)]
    assert ranked[0].paper.title == "Paper 0"
    assert named[0] == "Paper 0"
    assert len(named) <= 4  # not all ten picks
