"""build_digest over a real SQLite store: nothing shown twice, replacements on request, failed sources named."""

import datetime as dt

import pytest

from academichub.models import AnnounceType, Author, FetchRun, Radar, RawItem, RunStatus
from academichub.pipeline import store_items
from academichub.pipeline.digest import build_digest, stored_digest
from academichub.pipeline.paper_vectors import embed_papers
from academichub.rank.embedders import HashingEmbedder
from academichub.store import open_store
from digest_builders import record_day_outcomes
from fake_embedders import Counting

MON, TUE = dt.date(2026, 6, 29), dt.date(2026, 6, 30)
TOPICS = ["protein folding with graph networks", "galaxy cluster lensing", "robot grasping policies",
          "quantum error correction codes", "language model alignment", "protein design by diffusion"]  # fmt: skip


def item(n, day, kind=AnnounceType.NEW, version=1):
    return RawItem(
        source="arxiv-rss", title=f"On {TOPICS[n % len(TOPICS)]} ({n})", abstract=f"We study {TOPICS[n % 6]}.",
        authors=(Author(f"Author {n}"),), arxiv_id=f"2606.{n:05d}", version=version, categories=("cs.LG",),
        listing="cs.LG", announced=day, announce_type=kind,
    )  # fmt: skip


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'd.db'}")
    store_items(s, [item(n, MON) for n in range(12)])
    yield s
    s.close()


def test_papers_shown_yesterday_are_not_shown_again(store):
    radar = store.save_radar(Radar(name="p", description="protein", size=3, include_replacements=True))
    monday = build_digest(store, HashingEmbedder(), radar, MON)
    shown = {s.paper.id for s in monday.items}
    store_items(store, [item(0, TUE, AnnounceType.REPLACE, version=2), item(20, TUE)])
    tuesday = build_digest(store, HashingEmbedder(), radar, TUE)
    assert shown.isdisjoint({s.paper.id for s in tuesday.items})
    assert [s.paper.id for s in stored_digest(store, radar, MON)] == [s.paper.id for s in monday.items]


def test_replacements_are_ranked_only_when_asked(store):
    store_items(store, [item(0, TUE, AnnounceType.REPLACE, version=2), item(21, TUE)])
    plain = store.save_radar(Radar(name="plain", description="protein"))
    wants = store.save_radar(Radar(name="wants", description="protein", include_replacements=True))
    assert {s.paper.identifier("arxiv") for s in build_digest(store, HashingEmbedder(), plain, TUE).items} == {
        "2606.00021"
    }
    assert "2606.00000" in {
        s.paper.identifier("arxiv") for s in build_digest(store, HashingEmbedder(), wants, TUE).items
    }


def test_a_failed_source_and_an_empty_day_are_said(store):
    store.ensure_source("arxiv-rss:cs.LG", "arxiv-rss", "cs.LG")
    run = store.start_run(FetchRun("arxiv-rss:cs.LG", dt.datetime.now(dt.UTC)), TUE)
    run.status, run.error, run.finished_at = RunStatus.FAILED, "HTTP 503", dt.datetime.now(dt.UTC)
    store.finish_run(run)
    radar = store.save_radar(Radar(name="x", description="protein"))
    digest = build_digest(store, HashingEmbedder(), radar, TUE)
    assert digest.items == () and any("failed: HTTP 503" in n for n in digest.notes)
    sunday = build_digest(store, HashingEmbedder(), radar, dt.date(2026, 6, 28))
    assert sunday.items == () and sunday.notes == ("no papers were announced on this day",)


def test_each_paper_is_embedded_once(store):
    papers = store.list_papers(day=MON)
    counting = Counting()
    embed_papers(store, counting, papers)
    embed_papers(store, counting, papers)
    assert counting.calls == [len(papers)]


def test_every_note_on_the_days_sources_is_left_out_of_what_a_digest_saves(store):
    """A saved digest keeps only the radar's own notes; the day's (day_notes) are read afresh, or they would be shown
    twice. Every kind day_notes says today (a failed, a holiday and a quiet source) is left out."""
    from academichub.pipeline.digest import UNMATCHED_SENTENCES, day_notes, own_notes, seeds_unread

    day = dt.date(2026, 6, 27)
    record_day_outcomes(store, day)
    on_the_day = day_notes(store, day)
    assert len(on_the_day) == 3 and own_notes(on_the_day) == ()
    mine = (UNMATCHED_SENTENCES, seeds_unread(3))
    assert own_notes((*on_the_day, *mine)) == mine
