"""Bulk saves index FTS in one statement per batch; every other write keeps the index in sync by trigger."""

import datetime as dt
import hashlib
import sqlite3
from dataclasses import replace

import pytest

from academichub.models import Announcement, AnnounceType, Author, Link, Paper, RawItem, Version
from academichub.pipeline import store_items
from academichub.store import open_store
from academichub.store.papers import fingerprint


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'hub.db'}")
    yield s
    s.close()


def item(n: int, title: str) -> RawItem:
    return RawItem(
        source="arxiv-rss",
        title=title,
        abstract=f"Abstract number {n}.",
        authors=(Author(f"Author{n} Surname"),),
        arxiv_id=f"2605.{n:05d}",
        version=1,
        categories=("cs.LG",),
        listing="cs.LG",
        announced=dt.date(2026, 5, 4),
    )


def fts_ok(store) -> bool:
    try:
        store._conn.execute("INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError:
        return False
    return True


def test_a_bulk_save_indexes_every_new_paper_and_defers_nothing_after_it(store):
    words = ["zeolite", "quasar", "kinase", "lattice", "auction"]
    store_items(store, [item(n, f"On the {words[n % 5]} problem {n}") for n in range(1, 301)])
    assert store.count_papers() == 300
    assert len(store.search("quasar", limit=100)) == 60
    assert [h.paper.title for h in store.search("Author17")] == ["On the kinase problem 17"]
    assert store._conn.execute("SELECT COUNT(*) FROM fts_deferred").fetchone()[0] == 0
    assert fts_ok(store)


def test_writes_outside_the_bulk_path_keep_the_index_in_sync(store):
    store_items(store, [item(1, "Graph neural networks for proteins")])
    conn = store._conn
    conn.execute(
        "INSERT INTO papers (id, title, abstract, authors_text, source, source_label, fingerprint, created_at, "
        "changed_at) VALUES (99, 'Handwritten zeolite synthesis', '', 'Ada Lovelace', 'manual', 'x', '', '', '')"
    )
    assert [h.paper.id for h in store.search("zeolite")] == [99]
    conn.execute("UPDATE papers SET title = 'Handwritten quasar survey' WHERE id = 99")
    assert store.search("zeolite") == [] and [h.paper.id for h in store.search("quasar")] == [99]
    conn.execute("UPDATE papers SET comment = 'same text, other column' WHERE id = 99")
    assert [h.paper.id for h in store.search("quasar")] == [99]
    conn.execute("DELETE FROM papers WHERE id = 99")
    assert store.search("quasar") == []
    assert fts_ok(store)


def test_a_new_announcement_with_the_same_text_keeps_one_index_entry(store):
    store_items(store, [item(1, "Graph neural networks for proteins")])
    counts = store_items(store, [replace(item(1, "Graph neural networks for proteins"), announced=dt.date(2026, 5, 5))])
    assert counts.updated == 1
    assert len(store.search("proteins")) == 1
    assert fts_ok(store)


def test_fingerprints_stay_those_earlier_releases_stored():
    """Stored prints hash repr() of the fields; a faster spelling of it must give the very same hash."""
    paper = Paper(
        keys=("arxiv:2605.00001", "doi:10.1/x"),
        title="T 'quoted' \\ and \"double\"",
        abstract="Ünïcode abstract",
        authors=(Author("A", ("Lab 1", "Lab 2"), "0000-0001"), Author("B")),
        categories=("cs.LG",),
        primary_category="cs.LG",
        source="arxiv-rss",
        source_label="arXiv (cs.LG)",
        published=dt.date(2026, 5, 1),
        version=2,
        versions=(Version(2, None), Version(1, dt.date(2026, 5, 1))),
        links=(Link("pdf", "https://arxiv.org/pdf/x"), Link("abs", "https://arxiv.org/abs/x")),
        announcements=(
            Announcement(dt.date(2026, 5, 5), "arxiv-rss", "cs.LG", AnnounceType.REPLACE),
            Announcement(dt.date(2026, 5, 4), "arxiv-rss", "cs.LG"),
        ),
        matches=(("doi:10.1/x", "published DOI"),),
    )
    abstracts = ["it's", 'say "x"', 'it\'s "both"', "back\\slash", "tab\there", "del\x7f", "", "plain ASCII text"]
    others = [Paper(keys=("title:x",), title="x"), Paper(keys=("k",), title="t", authors=(Author("only"),))]
    for p in (paper, *others, *(replace(paper, abstract=a) for a in abstracts)):
        parts = (
            p.keys, p.title, p.abstract, p.authors, p.categories, p.primary_category, p.source, p.source_label,
            p.venue, p.journal_ref, p.license, p.published, p.updated, p.version, p.comment, p.item_type,
            (
                tuple(sorted(p.links, key=lambda link: link.kind)),
                tuple(sorted(dict(p.matches).items())),
                tuple(sorted(set(p.announcements), key=lambda a: (a.day, a.source, a.listing))),
                tuple(sorted(p.versions, key=lambda v: v.number)),
            ),
        )  # fmt: skip
        assert fingerprint(p) == hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
