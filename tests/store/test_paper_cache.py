"""A bulk writer's cache of saved papers gives exactly what the tables give, and never a stale paper."""

import datetime as dt
import sqlite3
from dataclasses import replace

import pytest

from academichub.models import Announcement, AnnounceType, Author, Link, Paper, Version
from academichub.pipeline import store_items
from academichub.sources.files import parse_file
from academichub.store import SavedPapers, open_store


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'hub.db'}")
    yield s
    s.close()


def paper(n: int, **kw) -> Paper:
    base = Paper(
        keys=(f"arxiv:2605.{n:05d}",),
        title=f"Paper {n}",
        abstract="An abstract.",
        authors=(Author("Ada Lovelace", ("Analytical Engine Lab", "Somewhere")), Author("Alan Turing")),
        categories=("cs.LG", "stat.ML"),
        primary_category="cs.LG",
        source="arxiv-rss",
        source_label="arXiv (cs.LG)",
        version=2,
        versions=(Version(2, dt.date(2026, 5, 2)), Version(1, dt.date(2026, 5, 1))),
        links=(Link("pdf", f"https://arxiv.org/pdf/2605.{n:05d}"), Link("abs", f"https://arxiv.org/abs/2605.{n:05d}")),
        announcements=(Announcement(dt.date(2026, 5, 4), "arxiv-rss", "cs.LG", AnnounceType.NEW),),
    )
    return replace(base, **kw)


# Values the tables cannot tell apart from others: '' read back as None, one empty affiliation as none.
LOSSY = [
    paper(10, venue=""),
    paper(11, authors=(Author("Grace Hopper", (), ""),)),
    paper(12, authors=(Author("Grace Hopper", ("",)),)),
    paper(13, authors=(Author("Grace Hopper", ("Navy\nYale",)),)),
    paper(14, item_type=""),
]


def test_cached_papers_equal_what_the_tables_give(store):
    papers = [paper(1), paper(2, comment="10 pages", journal_ref="J. Test 1 (2026)"), *LOSSY]
    saved = SavedPapers()
    with store.transaction():
        written, _ = store.save_papers(papers, saved=saved)
    ids = [p.id for p in written]
    from_tables = store.papers_by_ids(ids)
    assert store.papers_by_ids(ids, saved=saved) == from_tables
    assert from_tables[ids[2]].venue is None  # the lossy ones really are changed by the round trip


def test_a_paper_changed_by_another_writer_is_read_again(store, tmp_path):
    saved = SavedPapers()
    with store.transaction():
        (written,), _ = store.save_papers([paper(1)], saved=saved)
    other = open_store(f"sqlite:///{tmp_path / 'hub.db'}")
    with other.transaction():
        other.save_papers([replace(written, title="Paper 1, revised")])
    other.close()
    assert store.papers_by_ids([written.id], saved=saved)[written.id].title == "Paper 1, revised"
    again, outcome = store.save_papers([written], saved=saved)
    assert (outcome.updated, outcome.unchanged) == (1, 0)  # the stale copy is not taken as stored


def test_a_deleted_paper_is_not_served_from_the_cache(store, tmp_path):
    saved = SavedPapers()
    with store.transaction():
        (written,), _ = store.save_papers([paper(1)], saved=saved)
    conn = sqlite3.connect(tmp_path / "hub.db")
    conn.execute("DELETE FROM papers WHERE id = ?", (written.id,))
    conn.commit()
    conn.close()
    assert store.papers_by_ids([written.id], saved=saved) == {}


def test_ingesting_with_the_cache_stores_what_ingesting_without_it_does(shared_fixtures, tmp_path):
    corpus = shared_fixtures / "arxiv-corpus" / "daily-cs_dw-dengwei"
    files = [corpus / f"2026-05-{d:02d}.jsonl" for d in range(4, 12)]
    results = []
    for name, saved in (("plain", None), ("cached", SavedPapers())):
        store = open_store(f"sqlite:///{tmp_path / name}.db")
        counts = [store_items(store, parsed.items, saved=saved) for f in files for parsed in parse_file(f)]
        assert sum(c.unchanged for c in counts) > 0  # later files meet papers again
        rows = store._conn.execute(
            "SELECT p.id, p.fingerprint, p.title, p.authors_text, p.first_announced, "
            "(SELECT group_concat(key) FROM paper_keys k WHERE k.paper_id = p.id), "
            "(SELECT group_concat(day || source) FROM announcements a WHERE a.paper_id = p.id) "
            "FROM papers p ORDER BY p.id"
        ).fetchall()
        papers = store.papers_by_ids([r[0] for r in rows])
        results.append(([(c.new, c.updated, c.unchanged) for c in counts], rows, papers))
        store.close()
    assert results[0] == results[1]


def test_a_full_cache_lets_the_longest_unused_paper_go(store):
    saved = SavedPapers(max_papers=2)
    with store.transaction():
        written, _ = store.save_papers([paper(1), paper(2), paper(3)], saved=saved)
    ids = [p.id for p in written]
    assert len(saved) == 2
    assert store.papers_by_ids(ids, saved=saved) == store.papers_by_ids(ids)
