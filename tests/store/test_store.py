import datetime as dt
import sqlite3

import pytest

from academichub.errors import SearchSyntaxError, StoreError
from academichub.models import AnnounceType, Author, FetchRun, RawItem, RunStatus
from academichub.pipeline import store_items
from academichub.store import open_store
from academichub.store.migrations import MIGRATIONS, migrate


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'hub.db'}")
    yield s
    s.close()


def item(arxiv_id="2605.00001", version=1, title="Quantum error correction with $\\mathcal{O}(n)$ overhead", **kw):
    base = {
        "source": "arxiv-rss",
        "title": title,
        "abstract": "We study surface codes.",
        "authors": (Author("Ada Lovelace"), Author("Alan Turing")),
        "arxiv_id": arxiv_id,
        "version": version,
        "categories": ("quant-ph", "cs.IT"),
        "listing": "quant-ph",
        "announced": dt.date(2026, 5, 4),
        "announce_type": AnnounceType.NEW,
    }
    base.update(kw)
    return RawItem(**base)


def test_database_is_a_wal_file_with_foreign_keys(store, tmp_path):
    conn = sqlite3.connect(tmp_path / "hub.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.integrity_ok()


def test_reingesting_the_same_data_adds_and_changes_nothing(store):
    first = store_items(store, [item(), item("2605.00002")])
    assert (first.new, first.updated) == (2, 0)
    before = store._conn.execute("SELECT id, changed_at, fingerprint FROM papers ORDER BY id").fetchall()
    again = store_items(store, [item(), item("2605.00002")])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert store._conn.execute("SELECT id, changed_at, fingerprint FROM papers ORDER BY id").fetchall() == before


def test_new_version_updates_the_one_row_and_the_search_index(store):
    store_items(store, [item()])
    store_items(
        store,
        [
            item(
                version=2,
                title="Topological codes at scale",
                announce_type=AnnounceType.REPLACE,
                announced=dt.date(2026, 5, 6),
            )
        ],
    )
    assert store.count_papers() == 1
    paper = store.paper_by_key("arxiv:2605.00001")
    assert paper is not None and paper.version == 2 and [v.number for v in paper.versions] == [1, 2]
    assert [h.paper.id for h in store.search("topological")] == [paper.id]
    assert store.search("quantum error") == []  # old title left the index


def test_authors_keep_their_order_and_search_finds_them(store):
    store_items(store, [item()])
    paper = store.paper_by_key("arxiv:2605.00001")
    assert [a.name for a in paper.authors] == ["Ada Lovelace", "Alan Turing"]
    assert store.search("Turing")[0].paper.id == paper.id


@pytest.mark.parametrize("query", ['"', "NEAR(", "*", "AND", "a OR", "title:"])
def test_user_search_text_never_raises_syntax_errors(store, query):
    store_items(store, [item()])
    try:
        store.search(query)
    except SearchSyntaxError as exc:
        assert "no words" in str(exc)


def test_raw_fts_syntax_errors_are_clear(store):
    with pytest.raises(SearchSyntaxError):
        store.search('"unbalanced', raw=True)


def test_papers_of_a_day_and_by_category(store):
    store_items(store, [item(), item("2605.00002", announced=dt.date(2026, 5, 5), categories=("cs.LG",))])
    assert [p.identifier("arxiv") for p in store.list_papers(day=dt.date(2026, 5, 4))] == ["2605.00001"]
    assert [p.identifier("arxiv") for p in store.list_papers(category="cs.LG")] == ["2605.00002"]
    assert store.announcement_days() == [(dt.date(2026, 5, 5), 1), (dt.date(2026, 5, 4), 1)]


def test_a_bridge_record_folds_two_papers_and_old_ids_still_resolve(store):
    store_items(store, [RawItem(source="biorxiv", title="Atlas", doi="10.1101/2020.01.01.1")])
    store_items(store, [RawItem(source="journal", title="Another atlas", doi="10.1038/s41586-1", venue="Nature")])
    journal_id = store.paper_by_key("doi:10.1038/s41586-1").id
    store_items(
        store,
        [RawItem(source="biorxiv", title="Atlas", doi="10.1101/2020.01.01.1", published_doi="10.1038/s41586-1")],
    )
    assert store.count_papers() == 1
    merged = store.paper_by_id(journal_id)
    assert merged is not None and set(merged.keys) == {"doi:10.1101/2020.01.01.1", "doi:10.1038/s41586-1"}
    assert merged.venue == "Nature"
    assert store.integrity_ok()


def test_fetch_runs_record_failures_with_their_reason(store):
    store.ensure_source("arxiv-rss:cs.LG", "arxiv-rss", "cs.LG", "arXiv (cs.LG)")
    run = store.start_run(FetchRun("arxiv-rss:cs.LG", dt.datetime.now(dt.UTC)), dt.date(2026, 5, 4))
    run.status, run.error, run.http_status = RunStatus.FAILED, "HTTP 503 after 3 retries", 503
    run.finished_at = dt.datetime.now(dt.UTC)
    store.finish_run(run)
    [(state, last)] = store.latest_runs()
    assert state.consecutive_failures == 1
    assert last.status == RunStatus.FAILED and last.http_status == 503 and "503" in last.error


def test_failed_migration_rolls_back_and_keeps_the_old_schema(tmp_path):
    path = tmp_path / "m.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn)

    def m999_broken():
        return "CREATE TABLE x(a); bogus;"

    with pytest.raises(StoreError, match="rolled back"):
        migrate(conn, [*MIGRATIONS, m999_broken])
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "x" not in names and "papers" in names
    assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
    conn.close()


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.db"
    open_store(f"sqlite:///{path}").close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO schema_migrations (version, name) VALUES (99, 'm099_future')")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(f"sqlite:///{path}")


def test_readers_are_not_blocked_by_a_writer(store, tmp_path):
    store_items(store, [item()])
    reader = open_store(f"sqlite:///{tmp_path / 'hub.db'}")
    with store.transaction():
        store_items(store, [item("2605.00009")])
        assert reader.count_papers() == 1  # WAL: the reader sees the last commit, no "database is locked"
    assert reader.count_papers() == 2
    reader.close()


def test_a_withdrawn_paper_stays_deleted_when_it_reappears(store):
    store_items(store, [item()])
    assert store.mark_deleted(["arxiv:2605.00001"]) == 1
    store_items(store, [item(version=2, title="Back again")])
    assert store.count_papers() == 0
    assert store.list_papers() == [] and store.list_papers(day=dt.date(2026, 5, 4)) == []
    assert store.search("surface codes") == []


def test_a_saved_digest_keeps_what_it_said_until_its_picks_are_replaced(store):
    from academichub.models import Note, Radar, Reason

    store_items(store, [item()])
    paper = store.list_papers(limit=1)[0]
    radar = store.save_radar(Radar(name="r", description="surface codes"))
    day = dt.date(2026, 5, 4)
    said = (164, [Note("seeds_unread", "ranked without 3 of your seed papers", count="3")])
    store.save_digest(radar.id, day, [(paper.id, 1, 2.5, (Reason("keyword", "matches “codes”"),))], said)
    candidates, notes = store.digest_said(radar.id, day)
    assert candidates == 164 and notes == ("ranked without 3 of your seed papers",)
    assert notes[0].key == "seeds_unread" and notes[0].values == {"count": "3"}
    store.save_digest(radar.id, day, [])  # 👍 cleared the day's picks: they are ranked again, and say anew
    assert store.digest_said(radar.id, day) is None and store.digest_items(radar.id, day) == []
