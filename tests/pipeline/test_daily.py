"""run_daily end to end on loopback sources: stages recorded, reruns resume, overlapping runs refused."""

import datetime as dt
import re

import pytest

from academichub.errors import AcademicHubError
from academichub.models import Radar
from academichub.pipeline.daily import RunLockedError, daily_lock, run_daily, stage_records
from academichub.pipeline.sentence_vectors import SUFFIX
from academichub.rank.embedders import HashingEmbedder
from academichub.rank.listings import DayListings
from academichub.sources.base import SourceSpec
from academichub.store import open_store

DAY = dt.date(2026, 4, 27)


@pytest.fixture
def store(settings):
    s = open_store(settings.resolved_database_url)
    s.save_radar(Radar(name="llm", description="language models", size=3))
    s.save_radar(Radar(name="agents", description="autonomous agents planning", size=3))
    yield s
    s.close()


@pytest.fixture
def specs(loopback, repo_fixtures):
    for cat in ("cs.LG", "cs.CL"):
        loopback.add(f"/rss/{cat}", (repo_fixtures / "arxiv" / f"rss_{cat}_2026-04-27_trimmed3.xml").read_bytes())
    loopback.add("/down.rss", b"", status=503)
    return [
        SourceSpec("arxiv-rss:cs.LG", "arxiv-rss", loopback.url("/rss/cs.LG")),
        SourceSpec("arxiv-rss:cs.CL", "arxiv-rss", loopback.url("/rss/cs.CL")),
        SourceSpec("journal:down", "journal", loopback.url("/down.rss")),
    ]


def run(store, settings, http_client, specs, **kw):
    return run_daily(store, settings, DAY, client=http_client, embedder=HashingEmbedder(), specs=specs, **kw)


def test_a_day_runs_every_stage_and_a_failed_source_does_not_stop_it(store, settings, http_client, specs):
    delivered = []
    report = run(store, settings, http_client, specs, deliver=lambda s, d, day: delivered.append(d) or {"sent": 2})
    status = {r.stage: r.status for r in report.stages}
    assert status == {"collect": "ok", "enrich": "ok", "embed": "ok", "rank": "ok", "brief": "skipped",
                      "deliver": "ok", "library": "ok"}  # fmt: skip
    collect = report.stages[0]
    assert collect.counts == {"sources": 3, "failed": 1, "new": 6}
    assert [len(d.items) for d in delivered[0]] == [3, 3]
    assert {r.stage: r.status for r in stage_records(store, DAY)}["deliver"] == "ok"


def test_rerun_resumes_after_the_failed_stage_and_repeats_nothing(store, settings, http_client, specs, loopback):
    calls = []

    def flaky(s, digests, day):
        calls.append(day)
        if len(calls) == 1:
            raise AcademicHubError("SMTP server refused the connection")
        return {"sent": len(digests)}

    first = run(store, settings, http_client, specs, deliver=flaky)
    assert first.stages[-2].status == "failed" and "SMTP" in first.stages[-2].error  # the library is read anyway
    requests_before = len(loopback.requests)
    second = run(store, settings, http_client, specs, deliver=flaky)
    assert [r.status for r in second.stages] == ["ok", "ok", "ok", "ok", "skipped", "ok", "ok"]
    assert len(loopback.requests) == requests_before  # collect was done: no source fetched again
    assert len(calls) == 2 and second.stages[-2].counts == {"sent": 2}


def test_two_runs_cannot_overlap(store, settings, http_client, specs):
    with daily_lock(settings.home), pytest.raises(RunLockedError, match="another"):
        run(store, settings, http_client, specs)


def test_a_day_without_announcement_sends_nothing(store, settings, http_client, loopback, repo_fixtures):
    weekend = re.sub(
        rb"<item>.*?</item>",
        b"",
        (repo_fixtures / "arxiv" / "rss_cs.LG_2026-04-27_trimmed3.xml").read_bytes(),
        flags=re.S,
    )
    loopback.add("/rss/empty", weekend)
    sent = []
    report = run_daily(
        store, settings, dt.date(2026, 4, 26), client=http_client, embedder=HashingEmbedder(),
        specs=[SourceSpec("arxiv-rss:cs.LG", "arxiv-rss", loopback.url("/rss/empty"))],
        deliver=lambda s, d, day: sent.append(d) or {},
    )  # fmt: skip
    assert report.no_announcement and sent == []
    deliver = next(r for r in report.stages if r.stage == "deliver")
    assert deliver.status == "skipped" and "no announcement" in deliver.note
    assert report.stages[-1].stage == "library" and report.stages[-1].status == "ok"  # a quiet day reads libraries


def test_briefings_are_written_once_and_cited_by_daily_number(store, settings, http_client, specs):
    from academichub.pipeline.briefs import brief_digests, briefing_text

    def brief(s, digests):
        return brief_digests(settings, s, HashingEmbedder(), digests)

    report = run(store, settings, http_client, specs, brief=brief)
    stage = next(r for r in report.stages if r.stage == "brief")
    assert stage.status == "ok" and stage.counts["written"] == 2 and stage.counts["failed"] == 0
    text = briefing_text(store, DAY, list(_digests(store)))
    assert text and "## llm" in text and "[1]" in text
    store.clear_checkpoint("daily:2026-04-27", "brief")
    again = run(store, settings, http_client, specs, brief=brief)
    assert next(r for r in again.stages if r.stage == "brief").counts["cached"] == 2


def _digests(store):
    from academichub.models import Digest
    from academichub.pipeline.digest import stored_digest

    return [Digest(r, DAY, tuple(stored_digest(store, r, DAY))) for r in store.list_all_radars()]


def test_the_announcement_day_follows_us_eastern_midnight_across_dst():
    from academichub.pipeline.daily_job import announcement_day

    utc = dt.UTC
    assert announcement_day(dt.datetime(2026, 6, 30, 3, 59, tzinfo=utc)) == dt.date(2026, 6, 29)  # 23:59 EDT
    assert announcement_day(dt.datetime(2026, 6, 30, 4, 1, tzinfo=utc)) == dt.date(2026, 6, 30)  # 00:01 EDT
    assert announcement_day(dt.datetime(2026, 12, 1, 4, 59, tzinfo=utc)) == dt.date(2026, 11, 30)  # 23:59 EST
    assert announcement_day(dt.datetime(2026, 12, 1, 5, 1, tzinfo=utc)) == dt.date(2026, 12, 1)


def test_a_run_that_crosses_midnight_keeps_its_day(store, settings, http_client, specs):
    # the day is fixed when the run starts; a rerun after midnight for that day resumes it instead of mixing days
    first = run(store, settings, http_client, specs)
    again = run(store, settings, http_client, specs)
    assert first.day == again.day == DAY
    assert [r.started_at for r in again.stages[:4]] == [r.started_at for r in first.stages[:4]]


def test_users_without_radars_and_radars_whose_sources_are_down(settings, http_client, loopback):
    loopback.add("/down.rss", b"", status=503)
    empty = open_store(settings.resolved_database_url)
    down = [SourceSpec("arxiv-rss:cs.LG", "arxiv-rss", loopback.url("/down.rss"))]
    report = run_daily(empty, settings, DAY, client=http_client, embedder=HashingEmbedder(), specs=down,
                       deliver=lambda s, d, day: {"sent": len(d)})  # fmt: skip
    collect = report.stages[0]
    assert collect.status == "ok" and collect.counts["failed"] == 1
    deliver = next(r for r in report.stages if r.stage == "deliver")
    assert report.no_announcement and deliver.status == "skipped"
    assert "sources failed (arxiv-rss:cs.LG)" in deliver.note  # a failure, never "no new papers"
    [(state, last)] = empty.latest_runs()
    assert last.status == "failed" and last.http_status == 503
    empty.close()


def test_radars_without_seeds_cost_no_sentence_vectors(store, settings, http_client, specs):
    run(store, settings, http_client, specs)
    ids = [p.id for p in store.list_papers(day=DAY)]
    assert ids and store.vectors_for(ids, HashingEmbedder().name + SUFFIX) == {}


def test_only_the_papers_a_seeded_radar_could_rerank_get_sentence_vectors(store, settings, http_client, specs):
    library = "Large language models are aligned with human feedback. Reward models rank the candidate answers."
    radar = store.save_radar(Radar(name="seeded", seed_texts=(library,), watch=("cs.CL",), size=3))
    report = run(store, settings, http_client, specs)
    assert {r.stage: r.status for r in report.stages}["rank"] == "ok"
    papers = store.list_papers(day=DAY)
    may_show = DayListings(papers, DAY).allowed(radar, ())  # fewer than ASPECT_DEPTH: all are its candidates
    shown = {p.id for p, shows in zip(papers, may_show, strict=True) if shows}
    stored = store.vectors_for([p.id or 0 for p in papers], HashingEmbedder().name + SUFFIX)
    assert set(stored) == shown and 0 < len(shown) < len(papers)  # the cs.LG-only papers were never encoded


def test_a_large_library_is_read_after_the_day_is_delivered(store, settings, http_client, specs):
    """Ranking reads daily_seed_budget of a radar's unread library seeds (the digest says how many it left out); the
    rest are read by the last stage, after delivery, so one import does not hold up everyone's Curated Daily."""
    from academichub.pipeline.paper_vectors import text_vectors
    from fake_embedders import Counting

    texts = [f"Library paper {k} on protein folding with graph networks. It predicts map {k}." for k in range(5)]
    store.save_radar(Radar(name="lib", description="protein folding", seed_texts=tuple(texts), size=3))
    embedder = Counting()
    at_delivery: list[list[str]] = []

    def deliver(s, digests, day):
        at_delivery.append(list(embedder.seen))
        lib = next(d for d in digests if d.radar.name == "lib")
        assert [n.values for n in lib.notes if getattr(n, "key", "") == "seeds_unread"] == [{"count": "3"}]
        return {"sent": len(digests)}

    budgeted = settings.model_copy(update={"daily_seed_budget": 2})
    report = run_daily(store, budgeted, DAY, client=http_client, embedder=embedder, specs=specs, deliver=deliver)
    assert {r.stage: r.status for r in report.stages}["deliver"] == "ok"
    assert sum(t in at_delivery[0] for t in texts) == 2  # read before ranking: the budget
    assert all(t in embedder.seen for t in texts)  # the rest: by the library stage
    assert report.stages[-1].stage == "library" and report.stages[-1].counts["unread"] == 0
    assert all(v is not None for v in text_vectors(store, embedder, texts, "passage", encode=False))


def test_a_resumed_run_delivers_what_the_saved_digests_said(store, settings, http_client, specs):
    """Delivery fails, the rerun delivers the saved picks: with the same candidate counts and the radar's own notes
    (here: library seeds left unread), not bare lists."""
    texts = [f"Library paper {k} on protein folding with graph networks. It predicts map {k}." for k in range(5)]
    store.save_radar(Radar(name="lib", description="protein folding", seed_texts=tuple(texts), size=3))
    delivered = []

    def flaky(s, digests, day):
        delivered.append({d.radar.name: (d.candidates, [n.key for n in d.notes]) for d in digests})
        if len(delivered) == 1:
            raise AcademicHubError("SMTP server refused the connection")
        return {"sent": len(digests)}

    budgeted = settings.model_copy(update={"daily_seed_budget": 2})
    first = run_daily(store, budgeted, DAY, client=http_client, embedder=HashingEmbedder(), specs=specs, deliver=flaky)
    assert first.stages[-2].status == "failed"
    run_daily(store, budgeted, DAY, client=http_client, embedder=HashingEmbedder(), specs=specs, deliver=flaky)
    assert len(delivered) == 2 and delivered[1] == delivered[0]
    assert "seeds_unread" in delivered[0]["lib"][1] and delivered[0]["lib"][0] > len(texts)
