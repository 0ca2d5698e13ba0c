"""rank_radars_columnar: the columnar Ranking reads exactly as rank_radars' lists, reasons included."""

from dataclasses import replace

import numpy as np
import pytest

from academichub.models import Radar
from academichub.rank.aspects import ASPECT_DEPTH, SentenceRows
from academichub.rank.day import index_day
from academichub.rank.embedders import HashingEmbedder
from academichub.rank.radar import (
    CANDIDATE_MARGIN,
    RadarQuery,
    RadarWeights,
    aspect_candidates,
    paper_text,
    rank_radars,
    rank_radars_columnar,
)
from academichub.rank.sentences import paper_sentences
from demo_day import demo_day


@pytest.fixture(scope="module")
def day():
    return demo_day(200)


def queries(day):
    emb = HashingEmbedder()
    first, second = day.papers[0], day.papers[5]
    radars = [
        Radar(name="kw", description="large language models", keywords=("language model", "reasoning")),
        Radar(name="author", description=second.title, authors=(second.authors[0].name,), watch=("cs.CL",)),
        Radar(name="seeded", description="", seeds=(first.keys[0],)),
    ]
    return [
        RadarQuery(radars[0], emb.encode(["large language models language model reasoning"], "query")[0]),
        RadarQuery(radars[1], emb.encode([second.title], "query")[0], liked_vectors=day.vectors[[7, 9]]),
        RadarQuery(radars[2], seed_vectors=day.vectors[[0]], seed_titles=[first.title], seed_texts=[paper_text(first)]),
    ]


def test_columnar_rankings_read_as_the_materialised_lists(day):
    qs = queries(day)
    columnar = rank_radars_columnar(day, qs, top_k=15)
    lists = rank_radars(day, qs, top_k=15)
    assert [list(r) for r in columnar] == lists
    kinds = {reason.kind for ranked in lists for s in ranked for reason in s.reasons}
    assert {"keyword", "author", "category", "seed", "description"} <= kinds
    ranking = columnar[0]
    assert len(ranking) == 15 and ranking[-1] == lists[0][-1] and ranking[2:4] == lists[0][2:4]
    assert ranking.paper_ids() == [s.paper.id for s in lists[0]]
    assert ranking.scored(4, rank=1).rank == 1 and ranking.scored(4).paper == lists[0][4].paper
    with pytest.raises(IndexError):
        ranking[15]


def test_every_keyword_match_is_named_in_the_reasons(day):
    ranked = rank_radars(day, queries(day)[:1], top_k=30)[0]
    for s in ranked:
        text = f"{s.paper.title} {s.paper.abstract}".lower()
        named = " ".join(r.text for r in s.reasons if r.kind == "keyword")
        assert ("“reasoning”" in named) == ("reasoning" in text.split() or "reasoning" in text.replace("-", " "))


def test_an_empty_day_gives_empty_rankings(day):
    empty = index_day([], np.zeros((0, 0), dtype=np.float32))
    assert [list(r) for r in rank_radars_columnar(empty, queries(day))] == [[], [], []]


def test_ranking_on_two_threads_gives_the_same_lists_as_one():
    """Enough radar × paper cells for the block-parallel path (several blocks on two threads); seeded radars
    run the aspect re-rank inside the blocks too."""
    base = demo_day(200)
    papers = [replace(p, id=k * 1000 + (p.id or 0)) for k in range(20) for p in base.papers]  # 4,000 real texts
    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((len(papers), 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sentences = SentenceRows.of([vectors[[i]] for i in range(len(papers))], 16)
    day = index_day(papers, vectors, sentences)
    qs = []
    for r in range(1100):
        topic = papers[int(rng.integers(len(papers)))]
        seeded = r % 7 == 0
        qs.append(RadarQuery(
            Radar(name=f"r{r}", description=topic.title, keywords=tuple(topic.title.split()[:1])),
            vectors[int(rng.integers(len(papers)))],
            seed_vectors=vectors[[r % len(papers)]] if seeded else np.zeros((0, 0), dtype=np.float32),
            seed_titles=[papers[r % len(papers)].title] if seeded else (),
            seed_sentences=[vectors[[r % len(papers)]]] if seeded else (),
        ))  # fmt: skip
    one = rank_radars_columnar(day, qs, top_k=20, threads=1)
    two = rank_radars_columnar(day, qs, top_k=20, threads=2)
    assert len(two) == 1100
    for a, b in zip(one, two, strict=True):
        assert a.paper_ids() == b.paper_ids()
        np.testing.assert_allclose(a.scores, b.scores, rtol=1e-6)  # blocks differ: float32 sums round differently
        assert [s.reasons for s in a] == [s.reasons for s in b]
    plain = rank_radars_columnar(day, qs[::7], RadarWeights(aspects=0.0), top_k=20, threads=2)
    assert any(a.paper_ids() != b.paper_ids() for a, b in zip(two[::7], plain, strict=True))  # aspects ran


def test_sentences_of_the_aspect_candidates_alone_rank_as_every_papers_sentences():
    base = demo_day(200)
    papers = [replace(p, id=k * 1000 + (p.id or 0)) for k in range(3) for p in base.papers]  # 600 real texts
    emb = HashingEmbedder()
    vectors = np.vstack([base.vectors] * 3)
    blocks = [emb.encode(paper_sentences(p.title, p.abstract)) for p in papers]
    seed = papers[7]
    qs = [
        RadarQuery(Radar(name="seeded", description="diffusion models"), emb.encode(["diffusion models"], "query")[0],
                   seed_vectors=vectors[[7]], seed_titles=[seed.title], seed_sentences=[blocks[7]]),
        RadarQuery(Radar(name="plain", description="language models"), emb.encode(["language models"], "query")[0]),
    ]  # fmt: skip
    everything = index_day(papers, vectors, SentenceRows.of(blocks, vectors.shape[1]))
    wanted = aspect_candidates(index_day(papers, vectors), qs)
    assert len(wanted) == ASPECT_DEPTH + CANDIDATE_MARGIN == 120  # of 600: only these get sentences encoded
    only = SentenceRows.of([blocks[i] if i in set(wanted.tolist()) else None for i in range(len(papers))], emb.dim)
    a = rank_radars(everything, qs, top_k=40)
    b = rank_radars(index_day(papers, vectors, only), qs, top_k=40)
    assert a == b and any(r.kind == "aspect" for s in a[0] for r in s.reasons)
