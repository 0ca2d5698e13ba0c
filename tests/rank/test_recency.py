"""The recency term: a paper that first appeared long before its announcement (an arXiv replacement of an old paper,
a later bioRxiv version, a journal's publication of an old preprint) ranks below new work of equal relevance."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from academichub.models import Announcement, AnnounceType, Paper, Radar, Version
from academichub.rank.radar import RadarInputs, RadarWeights, rank_radar
from academichub.rank.recency import appeared_before, appeared_month, arxiv_month_end, first_appeared, staleness

DAY = dt.date(2026, 6, 29)


@pytest.mark.parametrize(
    ("arxiv_id", "month_end"),
    [
        ("2301.01234", dt.date(2023, 1, 31)),
        ("2301.01234v3", dt.date(2023, 1, 31)),
        ("0704.0001", dt.date(2007, 4, 30)),
        ("2402.12345", dt.date(2024, 2, 29)),
        ("hep-th/9901001v2", dt.date(1999, 1, 31)),
        ("math.AG/0601001", dt.date(2006, 1, 31)),
        ("solv-int/9901001", dt.date(1999, 1, 31)),
        ("2613.00001", None),
        ("10.1038/s41586-024-1", None),
    ],
)
def test_an_arxiv_identifier_names_the_month_it_was_issued(arxiv_id, month_end):
    assert arxiv_month_end(arxiv_id) == month_end


def paper(key: str, *, published=None, versions=(), announced=DAY, kind=AnnounceType.NEW, pid=1) -> Paper:
    return Paper(
        keys=(key,), title="Graph networks for protein folding", abstract="We fold proteins with graph networks.",
        published=published, versions=versions, announcements=(Announcement(announced, "src", "", kind),), id=pid,
    )  # fmt: skip


def test_first_appeared_is_the_earliest_date_known():
    assert first_appeared(paper("arxiv:2301.01234")) == dt.date(2023, 1, 31)
    v1 = Version(1, dt.date(2022, 12, 20))
    assert first_appeared(paper("arxiv:2301.01234", versions=(v1, Version(2, DAY)))) == dt.date(2022, 12, 20)
    assert first_appeared(paper("doi:10.1101/x", published=dt.date(2025, 1, 2))) == dt.date(2025, 1, 2)
    assert first_appeared(paper("doi:10.1038/x")) is None


def test_appeared_before_names_only_papers_older_than_a_few_days():
    assert appeared_before(paper("arxiv:2301.01234"), DAY) == dt.date(2023, 1, 31)
    assert appeared_before(paper("arxiv:2606.28127"), DAY) is None  # this month's: new
    assert appeared_before(paper("doi:a", published=DAY - dt.timedelta(days=3)), DAY) is None
    assert appeared_before(paper("doi:a", published=DAY - dt.timedelta(days=4)), DAY) == DAY - dt.timedelta(days=4)
    assert appeared_before(paper("doi:unknown"), DAY) is None
    assert appeared_month(paper("arxiv:2301.01234"), DAY) == "2023-01" and appeared_month(paper("doi:x"), DAY) == ""


def test_staleness_is_zero_for_new_work_and_rises_to_one_at_a_year():
    papers = [
        paper("arxiv:2606.28127"),  # issued this month: new, though the month began 28 days ago
        paper("doi:a", published=DAY - dt.timedelta(days=3)),
        paper("doi:b", published=DAY - dt.timedelta(days=30)),
        paper("doi:c", published=DAY - dt.timedelta(days=180)),
        paper("doi:d", published=DAY - dt.timedelta(days=365)),
        paper("arxiv:1901.00001", kind=AnnounceType.REPLACE),
        paper("doi:unknown"),
    ]
    got = staleness(papers, DAY).tolist()
    assert got[0] == got[1] == 0.0 and got[-1] == 0.0
    assert 0.0 < got[2] < got[3] < got[4] == got[5] == 1.0
    assert staleness(papers).tolist() == got  # default: each paper's announcement day
    assert staleness(
        [paper("doi:b", published=DAY - dt.timedelta(days=30))], DAY + dt.timedelta(days=400)
    ).tolist() == [1.0]


def test_an_old_paper_announced_again_ranks_below_the_same_work_new():
    """Two papers with the same text and vectors: the replacement of a 2019 paper comes second, by exactly the
    recency weight (it is a year or more old); without the term they tie."""
    new = paper("arxiv:2606.00001", pid=1)
    old = paper("arxiv:1901.00001", kind=AnnounceType.REPLACE, pid=2)
    others = [
        Paper(keys=(f"arxiv:2606.1{i:04d}",), title=f"Unrelated {i}", abstract=f"Topic number {i} about cells.",
              announcements=(Announcement(DAY, "src"),), id=3 + i)
        for i in range(8)
    ]  # fmt: skip
    papers = [old, new, *others]
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((len(papers), 8)).astype(np.float32)
    vectors[0] = vectors[1]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    radar = Radar(name="r", description="graph networks protein folding", include_replacements=True)
    inputs = RadarInputs(radar, papers, vectors, description_vector=vectors[1])
    ranked = rank_radar(inputs)
    assert [p.paper.id for p in ranked[:2]] == [1, 2]
    scores = {p.paper.id: p.score for p in ranked}
    assert scores[1] - scores[2] == pytest.approx(RadarWeights().recency, abs=1e-5)
    flat = {p.paper.id: p.score for p in rank_radar(inputs, RadarWeights(recency=0.0))}
    assert flat[1] == pytest.approx(flat[2], abs=1e-6)
