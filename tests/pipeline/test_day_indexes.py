"""A day is indexed once for the rankings that follow (a radar preview as its description is typed), and again as
soon as its papers change: real SQLite, the hashing embedder."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from academichub.models import AnnounceType, Author, Radar, RawItem
from academichub.pipeline import store_items
from academichub.pipeline.day_indexes import DAY_INDEXES, DayIndexes
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
