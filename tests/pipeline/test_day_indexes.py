"""A day is indexed once for the rankings that follow (a radar preview as its description is typed), and again as
soon as its papers change: real SQLite, the hashing embedder."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from academichub.models import AnnounceType, Author, Radar, RawItem
from academichub.pipeline import store_items
from academichub.pipeline.day_indexes import DAY_INDEXES, DayIndexes, DayPapers
from academichub.pipeline.digest import preview_digest
from academichub.rank.embedders import HashingEmbedder
from academichub.store import open_store

MON = dt.date(2026, 6, 29)
TOPICS = ["protein folding with graph networks", "galaxy cluster lensing", "robot grasping policies"]


def item(n: int, topic: str, day: dt.date = MON) -> RawItem:
    return RawItem(
        source="arxiv-rss", title=f"On {topic} ({n})", abstract=f"We study {topic}.", authors=(Author(f"Author {n}"),),
        arxiv_id=f"2606.{n:05d}", categories=("cs.LG",), listing="cs.LG", announced=day, announce_type=AnnounceType.NEW,
    )  # fmt: skip


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'd.db'}")
    store_items(s, [item(n, TOPICS[n % 3]) for n in range(12)])
    DAY_INDEXES.clear()
    yield s
    s.close()


def titles(store, description: str) -> list[str]:
    radar = Radar(name="draft", description=description, size=3)
    return [s.paper.title for s in preview_digest(store, HashingEmbedder(), radar, MON).items]


def test_a_description_retyped_is_ranked_on_the_kept_index_and_a_new_paper_is_seen(store):
    builds = DAY_INDEXES.builds
    assert all("protein" in t for t in titles(store, "protein folding"))
    assert all("galaxy" in t for t in titles(store, "galaxy lensing"))  # the same day: not indexed again
    assert DAY_INDEXES.builds == builds + 1
    store_items(store, [item(40, "exoplanet atmospheres")])  # a late arrival on the same day
    assert titles(store, "exoplanet atmospheres")[0] == "On exoplanet atmospheres (40)"
    assert DAY_INDEXES.builds == builds + 2


def test_a_changed_paper_or_other_vectors_make_another_day():
    from academichub.models import Paper

    papers = [Paper(keys=(f"arxiv:2606.{i:05d}",), title=f"On {t}", abstract=f"We study {t}.", id=i + 1)
              for i, t in enumerate(TOPICS)]  # fmt: skip
    vectors = np.eye(3, 8, dtype=np.float32)
    indexes = DayIndexes()
    first = indexes.index(papers, vectors, MON)
    assert indexes.index(list(papers), vectors.copy(), MON) is first  # equal papers and vectors, new objects
    corrected = [dataclasses.replace(papers[0], abstract="We study exoplanet atmospheres."), *papers[1:]]
    again = indexes.index(corrected, vectors, MON)
    assert again is not first and list(again.bm25.docs_with("exoplanet")) == [0]
    other = vectors.copy()
    other[0, 0] = 0.5
    third = indexes.index(corrected, other, MON)
    assert third is not again and indexes.index(corrected, other, MON + dt.timedelta(days=1)) is not third
    assert indexes.builds == 4


def test_the_days_papers_are_read_once_and_again_when_one_changes(store):
    papers = DayPapers()
    first = papers.read(store, MON, 100)
    again = papers.read(store, MON, 100)
    assert again == first and all(a is b for a, b in zip(again, first, strict=True))  # held, not read back
    corrected = dataclasses.replace(item(3, TOPICS[0]), abstract="We study exoplanet atmospheres.", version=2,
                                    listing="cs.AI", announce_type=AnnounceType.REPLACE_CROSS)  # fmt: skip
    store_items(store, [corrected, item(41, "dark matter halos")])
    after = {p.identifier("arxiv"): p for p in papers.read(store, MON, 100)}
    assert after["2606.00003"].abstract == "We study exoplanet atmospheres." and after["2606.00003"].version == 2
    assert after["2606.00041"].title == "On dark matter halos (41)" and len(after) == len(first) + 1
    untouched = [p for p in first if p.identifier("arxiv") != "2606.00003"]
    assert all(after[p.identifier("arxiv")] is p for p in untouched)
