"""Live fetching end to end against a real loopback server: health is recorded, failures never delete."""

import datetime as dt
import re

import pytest
from click.testing import CliRunner

from academichub.cli import cli
from academichub.models import RunStatus
from academichub.pipeline import fetch_source, fetch_sources
from academichub.sources.base import SourceSpec
from academichub.store import open_store


@pytest.fixture
def rss(repo_fixtures):
    return (repo_fixtures / "arxiv" / "rss_cs.LG_2026-04-27_trimmed3.xml").read_bytes()


@pytest.fixture
def nature(repo_fixtures):
    return (repo_fixtures / "nature-rss" / "nature_rss_2023-12-01T0012Z.rdf").read_bytes()


@pytest.fixture
def store(settings):
    s = open_store(settings.resolved_database_url)
    yield s
    s.close()


def empty_feed(rss: bytes) -> bytes:
    """The same real channel with every item removed: what arXiv serves on a weekend."""
    return re.sub(rb"<item>.*?</item>", b"", rss, flags=re.DOTALL)


def test_fetch_stores_papers_then_honours_etag(store, http_client, loopback, rss):
    loopback.add_etag("/rss/cs.LG", rss, '"v1"')
    spec = SourceSpec("arxiv-rss:cs.LG", "arxiv-rss", loopback.url("/rss/cs.LG"), "arXiv (cs.LG)")
    first = fetch_source(store, http_client, spec, None)
    assert first.status == RunStatus.OK and first.items_new == 3
    second = fetch_source(store, http_client, spec, None)
    assert second.status == RunStatus.NOT_MODIFIED
    assert loopback.requests[-1].headers.get("if-none-match") == '"v1"'
    assert store.count_papers() == 3


def test_a_broken_feed_is_a_failure_and_deletes_nothing(store, http_client, loopback, rss):
    spec = SourceSpec("arxiv-rss:cs.LG", "arxiv-rss", loopback.url("/rss/cs.LG"), "arXiv (cs.LG)")
    loopback.add("/rss/cs.LG", rss, headers={"content-type": "application/rss+xml"})
    fetch_source(store, http_client, spec, None)
    loopback.add(
        "/rss/cs.LG",
        b"<!DOCTYPE html><html><body>Just a moment...</body></html>",
        headers={"content-type": "text/html"},
    )
    run = fetch_source(store, http_client, spec, None)
    assert run.status == RunStatus.FAILED and "not" in run.error.lower()
    assert store.count_papers() == 3
    [(state, last)] = store.latest_runs()
    assert last.status == RunStatus.FAILED and state.consecutive_failures == 1


def test_weekend_feed_is_no_announcement_not_an_error(store, http_client, loopback, rss):
    loopback.add("/rss/cs.LG", empty_feed(rss))
    spec = SourceSpec("arxiv-rss:cs.LG", "arxiv-rss", loopback.url("/rss/cs.LG"), "arXiv (cs.LG)")
    run = fetch_source(store, http_client, spec, None)
    assert run.status == RunStatus.NO_ANNOUNCEMENT
    assert "no announcement" in run.note and run.error == ""


def test_one_failing_source_does_not_stop_the_others(store, http_client, loopback, nature):
    loopback.add("/nature.rss", nature)
    loopback.add("/down.rss", b"", status=503)
    specs = [
        SourceSpec("journal:down", "journal", loopback.url("/down.rss"), "Down"),
        SourceSpec("journal:nature", "journal", loopback.url("/nature.rss"), "Nature"),
    ]
    runs = fetch_sources(store, http_client, specs, dt.date(2023, 12, 1))
    assert [r.status for r in runs] == [RunStatus.FAILED, RunStatus.OK]
    assert runs[0].http_status == 503
    assert store.count_papers() == 75
    nature_papers = store.list_papers(limit=100)
    assert sum(bool(p.authors) for p in nature_papers) >= 60  # dc:creator is shown, not left empty


def test_sources_command_shows_the_failure_and_why(settings, store, http_client, loopback):
    loopback.add("/gone.rss", b"not found", status=404)
    fetch_source(store, http_client, SourceSpec("journal:gone", "journal", loopback.url("/gone.rss"), "Gone"), None)
    result = CliRunner().invoke(cli, ["sources", "--format", "json"], env={"ACADEMICHUB_HOME": str(settings.home)})
    assert result.exit_code == 0, result.output
    assert '"status": "failed"' in result.output and '"http_status": 404' in result.output


def test_a_feed_longer_than_the_item_cap_stores_the_cap_and_says_so(store, http_client, loopback, rss):
    loopback.add("/rss/cs.LG", rss, headers={"content-type": "application/rss+xml"})
    spec = SourceSpec("arxiv-rss:cs.LG", "arxiv-rss", loopback.url("/rss/cs.LG"), "arXiv (cs.LG)")
    run = fetch_source(store, http_client, spec, None, max_items=2)
    assert run.status == RunStatus.OK and run.items_seen == 2
    assert store.count_papers() == 2
    assert "feed gave 3 items: only the first 2 were stored" in run.note
    assert "only the first" in store.runs_for("arxiv-rss:cs.LG")[0].note


def test_a_journal_feed_is_polled_at_most_once_per_interval(store, http_client, loopback, nature):
    """RELIABILITY (journal RSS): poll at most hourly; a failed fetch may be retried at once."""
    loopback.add("/nature.rss", nature)
    hourly = SourceSpec("journal:nature", "journal", loopback.url("/nature.rss"), "Nature", min_interval_s=3600)
    first = fetch_source(store, http_client, hourly, None)
    again = fetch_source(store, http_client, hourly, None)
    assert first.status == RunStatus.OK and first.items_new > 0
    assert again.status == RunStatus.NOT_MODIFIED and again.note.startswith("not fetched: polled 0 min ago")
    assert len(loopback.requests) == 1
    assert [r.status for r in store.runs_for("journal:nature")] == [RunStatus.OK]  # the skip is not recorded

    loopback.add("/other.rss", b"<html>maintenance</html>")
    broken = SourceSpec("journal:other", "journal", loopback.url("/other.rss"), "Other", min_interval_s=3600)
    assert fetch_source(store, http_client, broken, None).status == RunStatus.FAILED
    fetch_source(store, http_client, broken, None)
    assert len([r for r in loopback.requests if r.path == "/other.rss"]) == 2


def test_configured_journal_feeds_get_the_hourly_interval(tmp_path):
    from academichub.config import Settings
    from academichub.sources.base import configured_specs

    specs = configured_specs(Settings(home=tmp_path, feeds=["https://journals.example/rss"]))
    journals = [s for s in specs if s.kind == "journal"]
    assert journals and all(s.min_interval_s == 3600 for s in journals)
    assert all(s.min_interval_s == 0 for s in specs if s.kind != "journal")
