"""select_digest reads a columnar Ranking as arrays and builds only the picks, the same picks as from a list."""

import pytest

from academichub.curate.digest import select_digest
from academichub.models import Radar
from academichub.rank.embedders import HashingEmbedder
from academichub.rank.radar import RadarQuery, rank_radars_columnar
from demo_day import demo_day


@pytest.fixture(scope="module")
def ranked():
    day = demo_day(150)
    papers, vectors = day.papers, day.vectors
    radar = Radar(name="lm", description="language models", keywords=("language model",))
    query = RadarQuery(radar, HashingEmbedder().encode(["language models language model"], "query")[0])
    ranking = rank_radars_columnar(day, [query], top_k=40)[0]
    return ranking, {p.id: vectors[i] for i, p in enumerate(papers)}


@pytest.mark.parametrize("case", [{}, {"exclude": True}, {"threshold": True}, {"mmr_lambda": 1.0}])
def test_a_columnar_ranking_gives_the_same_picks_as_its_list(ranked, case):
    ranking, vectors = ranked
    as_list = list(ranking)
    kw = {"size": 8, "mmr_lambda": case.get("mmr_lambda", 0.75)}
    if case.get("exclude"):
        kw["exclude_ids"] = {as_list[0].paper.id, as_list[2].paper.id}
    if case.get("threshold"):
        kw["threshold"] = as_list[5].score
    picked = select_digest(ranking, vectors, **kw)
    assert picked == select_digest(as_list, vectors, **kw)
    assert [s.rank for s in picked] == list(range(1, len(picked) + 1))
    assert not {s.paper.id for s in picked} & kw.get("exclude_ids", set())
    by_id = {s.paper.id: s for s in as_list}
    assert all(s.reasons == by_id[s.paper.id].reasons and s.score == by_id[s.paper.id].score for s in picked)
    assert any(r.kind == "keyword" for s in picked for r in s.reasons)


def test_nothing_to_pick_gives_an_empty_digest(ranked):
    ranking, vectors = ranked
    assert select_digest(ranking, vectors, size=0) == []
    assert select_digest(ranking, vectors, size=5, threshold=1e9) == []
