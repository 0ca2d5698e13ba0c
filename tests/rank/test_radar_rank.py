"""rank_radar and select_digest on real abstracts, with the deterministic hashing embedder."""

import gzip
import json
import re
from importlib.resources import files

import numpy as np
import pytest

from academichub.curate.digest import select_digest
from academichub.models import Author, Paper, Radar
from academichub.rank.embedders import HashingEmbedder
from academichub.rank.radar import LEXICAL_SEED_TERMS, RadarInputs, paper_text, rank_radar
from academichub.rank.radar_checks import radar_problems

DAY_FILE = "2026-06-29.jsonl.gz"  # one real day of arXiv cs, shipped with the demo


@pytest.fixture(scope="module")
def day_papers():
    data = gzip.decompress((files("academichub.demo") / DAY_FILE).read_bytes()).decode()
    rows = [json.loads(line) for line in data.splitlines() if line]
    papers = []
    for i, r in enumerate(rows[:80]):
        papers.append(
            Paper(keys=(f"arxiv:{r['id']}",), title=r["title"], abstract=r["summary"],
                  authors=tuple(Author(a) for a in r["authors"]), categories=tuple(r["categories"]), id=i + 1)
        )  # fmt: skip
    return papers


@pytest.fixture(scope="module")
def vectors(day_papers):
    return HashingEmbedder().encode([paper_text(p) for p in day_papers])


def inputs(radar, papers, vectors, **kw):
    emb = HashingEmbedder()
    desc = " ".join([radar.description, *radar.keywords])
    return RadarInputs(
        radar, papers, vectors, description_vector=emb.encode([desc], "query")[0] if desc else None, **kw
    )


def test_description_alone_gives_a_sensible_list(day_papers, vectors):
    target = next(p for p in day_papers if len(p.title.split()) > 4)
    radar = Radar(name="cold", description=target.title)
    ranked = rank_radar(inputs(radar, day_papers, vectors))
    assert ranked[0].paper.id == target.id
    assert [s.rank for s in ranked] == list(range(1, len(ranked) + 1))


def test_exclusions_always_win(day_papers, vectors):
    target = day_papers[3]
    word = max(target.title.split(), key=len).strip(",.:;()").lower()
    radar = Radar(name="x", description=target.title, excludes=(word,))
    ranked = rank_radar(inputs(radar, day_papers, vectors))
    pattern = re.compile(rf"\b{re.escape(word)}(s|es)?\b")
    assert all(not pattern.search((s.paper.title + " " + s.paper.abstract).lower()) for s in ranked)
    assert target.id not in {s.paper.id for s in ranked}


def test_followed_author_and_keyword_are_reasons(day_papers, vectors):
    paper = day_papers[10]
    surname = paper.authors[0].name.split()[-1]
    given = paper.authors[0].name.split()[0]
    radar = Radar(name="a", description="anything at all", authors=(f"{surname}, {given[0]}.",), keywords=("model",))
    ranked = rank_radar(inputs(radar, day_papers, vectors))
    top = next(s for s in ranked if s.paper.id == paper.id)
    assert any(r.kind == "author" for r in top.reasons)
    assert top.rank <= 3
    with_model = [s for s in ranked if re.search(r"\bmodels?\b", (s.paper.title + " " + s.paper.abstract).lower())]
    assert with_model and all(any(r.kind == "keyword" for r in s.reasons) for s in with_model)


def test_thumbs_up_teaches_the_radar(day_papers, vectors):
    radar = Radar(name="f", description="learning")
    before = rank_radar(inputs(radar, day_papers, vectors))
    liked = before[-1].paper  # the radar's least favourite so far
    idx = next(i for i, p in enumerate(day_papers) if p.id == liked.id)
    after = rank_radar(inputs(radar, day_papers, vectors, liked_vectors=vectors[[idx]]))
    rank_of = {s.paper.id: s.rank for s in after}
    assert rank_of[liked.id] < len(day_papers) // 4
    assert any(r.kind == "classifier" for r in next(s for s in after if s.paper.id == liked.id).reasons)


def test_thumbs_down_pushes_similar_papers_down(day_papers, vectors):
    radar = Radar(name="d", description="learning methods and models")
    disliked = 5
    neighbours = [day_papers[i].id for i in np.argsort(-(vectors @ vectors[disliked]))[1:11]]
    before = {s.paper.id: s.rank for s in rank_radar(inputs(radar, day_papers, vectors))}
    after = {
        s.paper.id: s.rank for s in rank_radar(inputs(radar, day_papers, vectors, disliked_vectors=vectors[[disliked]]))
    }
    assert np.mean([after[i] for i in neighbours]) > np.mean([before[i] for i in neighbours]) + 5


def test_mmr_keeps_one_hot_topic_from_filling_the_list(day_papers, vectors):
    from academichub.models import ScoredPaper

    # ten candidates with evenly spaced scores; the top three are the same hot topic (one shared vector)
    papers = day_papers[:10]
    ranked = [ScoredPaper(p, 10.0 - i, (), i + 1) for i, p in enumerate(papers)]
    vecs = {p.id: vectors[i] for i, p in enumerate(papers)}
    for p in papers[1:3]:
        vecs[p.id] = vecs[papers[0].id]
    picked = select_digest(ranked, vecs, size=3)
    assert [s.rank for s in picked] == [1, 2, 3]
    assert picked[0].paper.id == papers[0].id
    assert {papers[1].id, papers[2].id} - {s.paper.id for s in picked}, "the hot topic must not fill the list"
    plain = select_digest(ranked, vecs, size=3, mmr_lambda=1.0)
    assert [s.paper.id for s in plain] == [p.id for p in papers[:3]]


def test_digest_never_repeats_excluded_ids_and_honours_threshold(day_papers, vectors):
    radar = Radar(name="t", description=day_papers[0].title)
    ranked = rank_radar(inputs(radar, day_papers, vectors))
    vecs = {p.id: vectors[i] for i, p in enumerate(day_papers)}
    picked = select_digest(ranked, vecs, size=10, exclude_ids={ranked[0].paper.id})
    assert ranked[0].paper.id not in {s.paper.id for s in picked}
    cut = ranked[3].score
    assert all(s.score >= cut for s in select_digest(ranked, vecs, size=50, threshold=cut))


@pytest.mark.parametrize(
    ("radar", "message"),
    [
        (Radar(name="empty"), "needs something to look for"),
        (Radar(name="only-excludes", excludes=("survey",)), "exclusions alone"),
        (Radar(name="long", description="x" * 100_000), "100,000 characters"),
        (Radar(name="big", description="ok", size=0), "daily size"),
    ],
)
def test_unusable_radars_are_explained(radar, message):
    assert any(message in p for p in radar_problems(radar))


def test_hashing_embedder_is_deterministic_and_unit_length():
    a = HashingEmbedder().encode(["graph neural networks for proteins", ""])
    b = HashingEmbedder().encode(["graph neural networks for proteins", ""])
    assert np.array_equal(a, b)
    assert abs(float(np.linalg.norm(a[0])) - 1.0) < 1e-5 and float(np.linalg.norm(a[1])) == 0.0


def test_a_seed_papers_abstract_counts_for_the_lexical_signal(day_papers):
    """A seed whose title says little is still matched by its abstract's words."""
    target = day_papers[10]
    no_vectors = np.zeros((len(day_papers), 0), dtype=np.float32)
    radar = Radar(name="seeded", seeds=("doi:10.1/seed",))
    title = "Notes from a workshop"
    by_title = rank_radar(RadarInputs(radar, day_papers, no_vectors, seed_titles=[title]))
    by_text = rank_radar(
        RadarInputs(radar, day_papers, no_vectors, seed_titles=[title], seed_texts=[f"{title}. {target.abstract}"])
    )
    assert by_text[0].paper.id == target.id
    assert by_title[0].paper.id != target.id


def test_a_long_seed_text_queries_bm25_by_its_salient_words_only():
    """A seed text of many words queries BM25 by the LEXICAL_SEED_TERMS weighing most (count × idf), as
    MoreLikeThis does: a paper sharing only a common word with it gets no lexical credit, where before every
    word counted."""
    rare = [f"zq{i}rare" for i in range(LEXICAL_SEED_TERMS + 15)]  # each in one day paper: high idf
    papers = [Paper(keys=(f"t:{i}",), title=f"Paper {w}", abstract=f"{w} method", id=i + 1) for i, w in enumerate(rare)]
    papers += [
        Paper(keys=("t:generic",), title="Generic", abstract="method", id=41),
        Paper(keys=("t:other",), title="Other", abstract="unrelated", id=42),
    ]
    no_vectors = np.zeros((len(papers), 0), dtype=np.float32)
    radar = Radar(name="seeded", seeds=("doi:10.1/seed",))
    ranked = rank_radar(RadarInputs(radar, papers, no_vectors, seed_texts=[" ".join([*rare, "method"])]))
    score = {p.paper.keys[0]: p.score for p in ranked}
    assert score["t:generic"] == pytest.approx(score["t:other"])  # "method" (in all but one paper) left out
    kept = sum(score[f"t:{i}"] > score["t:other"] for i in range(len(rare)))
    assert kept == LEXICAL_SEED_TERMS  # the rare words kept match, the 15 left out do not
