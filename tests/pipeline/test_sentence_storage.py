"""Sentence vectors on disk: float16 blocks read back as float32, old float32 blocks still read, and run-daily
prunes the blocks of papers no longer announced (seeds' and recent ones stay; whole-paper vectors always stay)."""

import datetime as dt
import re
import sqlite3

import numpy as np
import pytest
from click.testing import CliRunner

from academichub.cli import cli
from academichub.models import AnnounceType, Author, Radar, RawItem
from academichub.pipeline import store_items
from academichub.pipeline.daily import run_daily
from academichub.pipeline.paper_vectors import embed_papers
from academichub.pipeline.sentence_vectors import SUFFIX, embed_paper_sentences, prune_paper_sentences
from academichub.rank.embedders import HashingEmbedder
from academichub.rank.sentences import paper_sentences
from academichub.store import open_store
from academichub.store.db import connect_sqlite
from academichub.store.vector_retention import prune_vectors
from fake_embedders import Counting

DAY = dt.date(2026, 6, 29)
# float16 rounds each number by at most 2**-11 of itself, so a cosine of unit rows moves by at most ~2 * 2**-11
# (the sparse hashing vectors come close: 7.9e-4); bench/sentence_vectors_float16.py measured ≤ 1.1e-4 on real e5.
MAX_COS_ERROR = 1e-3
MODEL = HashingEmbedder().name + SUFFIX
ABSTRACT = (
    "Contact maps of protein residues feed a graph network that predicts folded structure. "
    "We benchmark on thousands of chains drawn from the Protein Data Bank. "
    "The model generalises to membrane proteins never seen in training."
)


def item(n, day, abstract=ABSTRACT, announce_type=AnnounceType.NEW):
    return RawItem(
        source="arxiv-rss", title=f"Paper {n} on protein folding", abstract=f"{abstract} Variant {n}.",
        authors=(Author(f"Author {n}"),), arxiv_id=f"2606.{n:05d}", version=1, categories=("q-bio.BM",),
        listing="q-bio.BM", announced=day, announce_type=announce_type,
    )  # fmt: skip


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    yield s
    s.close()


def ids_by_number(store):
    found = store.ids_for_keys([f"arxiv:2606.{n:05d}" for n in range(1, 10)])
    return {int(k[-5:]): v for k, v in found.items()}


def test_blocks_are_stored_as_float16_and_read_back_as_float32_within_the_cosine_bound(store):
    store_items(store, [item(1, DAY), item(2, DAY)])
    papers = store.list_papers(day=DAY)
    embedder = HashingEmbedder()
    embed_paper_sentences(store, embedder, papers)
    stored = store.vectors_for([p.id for p in papers], MODEL)
    sentences = paper_sentences(papers[0].title, papers[0].abstract)
    count, size = store.vector_storage(MODEL)
    assert count == 2 and size == 2 * len(sentences) * embedder.dim * 2  # two bytes a number
    exact = np.vstack([embedder.encode(paper_sentences(p.title, p.abstract)) for p in papers]).astype(np.float64)
    read = np.vstack([stored[p.id][0].reshape(-1, embedder.dim) for p in papers])
    assert read.dtype == np.float32
    error = np.abs(read.astype(np.float64) @ read.T.astype(np.float64) - exact @ exact.T)
    assert 0 < error.max() < MAX_COS_ERROR  # rounded, and only just


def test_the_whole_paper_vectors_stay_float32(store):
    store_items(store, [item(1, DAY)])
    papers = store.list_papers(day=DAY)
    fresh = embed_papers(store, HashingEmbedder(), papers)
    stored = store.vectors_for([papers[0].id], HashingEmbedder().name)[papers[0].id][0]
    assert np.array_equal(stored, fresh[papers[0].id])
    assert store.vector_storage(HashingEmbedder().name) == (1, HashingEmbedder().dim * 4)


def test_an_old_float32_block_reads_as_it_was_and_is_not_encoded_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    embedder = HashingEmbedder()
    with open_store(url) as s:
        store_items(s, [item(1, DAY)])
        paper = s.list_papers(day=DAY)[0]
        embed_paper_sentences(s, embedder, [paper])  # the block and its text hash, as today's release writes them
    block = embedder.encode(paper_sentences(paper.title, paper.abstract))
    conn = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    conn.executescript("ALTER TABLE paper_vectors DROP COLUMN dtype; DELETE FROM schema_migrations WHERE version = 12")
    conn.execute("UPDATE paper_vectors SET vector = ? WHERE model = ?", (block.astype("<f4").tobytes(), MODEL))
    conn.close()  # now as a release before float16 blocks left it: float32 bytes, no dtype column
    with open_store(url) as s:  # migrates to the current schema
        stored = s.vectors_for([paper.id], MODEL)[paper.id][0]
        assert np.array_equal(stored.reshape(block.shape), block)  # bit for bit
        counting = Counting()
        blocks = embed_paper_sentences(s, counting, [paper])
        assert counting.texts == 0 and np.array_equal(blocks[paper.id], block)


def seeded_store(store):
    """Papers 1-3 last announced 30 days ago, 4 re-announced (replaced) 3 days ago, 5 announced today; paper 2 is a
    seed; every paper has a whole vector and a sentence block."""
    old, recent = DAY - dt.timedelta(days=30), DAY - dt.timedelta(days=3)
    store_items(store, [item(1, old), item(2, old), item(3, old), item(4, old)])
    store_items(store, [item(4, recent, announce_type=AnnounceType.REPLACE), item(5, DAY)])
    papers = list(store.papers_by_ids(list(ids_by_number(store).values())).values())
    embed_papers(store, HashingEmbedder(), papers)
    embed_paper_sentences(store, HashingEmbedder(), papers)
    store.save_text_vectors(MODEL, [("library-entry", np.ones(8, dtype=np.float32))])
    return store.save_radar(Radar(name="folding", seeds=("arxiv:2606.00002",), size=3))


def test_pruning_drops_old_blocks_but_keeps_seeds_recent_ones_and_whole_vectors(store):
    radar = seeded_store(store)
    ids = ids_by_number(store)
    pruned = prune_paper_sentences(store, HashingEmbedder(), [radar], DAY, keep_days=14)
    assert pruned == 2
    assert set(store.vectors_for(list(ids.values()), MODEL)) == {ids[2], ids[4], ids[5]}
    assert set(store.vectors_for(list(ids.values()), HashingEmbedder().name)) == set(ids.values())
    assert store.count_papers() == 5 and set(store.text_vectors(["library-entry"], MODEL)) == {"library-entry"}
    assert prune_paper_sentences(store, HashingEmbedder(), [radar], DAY, keep_days=14) == 0  # a rerun: nothing more
    assert set(store.vectors_for(list(ids.values()), MODEL)) == {ids[2], ids[4], ids[5]}


def test_a_block_exactly_keep_days_old_stays_and_one_day_older_goes(store):
    store_items(store, [item(1, DAY - dt.timedelta(days=14)), item(2, DAY - dt.timedelta(days=15))])
    ids = ids_by_number(store)
    embed_paper_sentences(store, HashingEmbedder(), list(store.papers_by_ids(list(ids.values())).values()))
    assert prune_paper_sentences(store, HashingEmbedder(), [], DAY, keep_days=14) == 1
    assert set(store.vectors_for(list(ids.values()), MODEL)) == {ids[1]}


def test_keep_days_zero_keeps_every_block(store):
    radar = seeded_store(store)
    assert prune_paper_sentences(store, HashingEmbedder(), [radar], DAY, keep_days=0) == 0
    assert len(store.vectors_for(list(ids_by_number(store).values()), MODEL)) == 5


def test_pruning_in_small_batches_deletes_the_same_rows(store):
    seeded_store(store)
    ids = ids_by_number(store)
    db = connect_sqlite(f"sqlite:///{store.path}")
    try:
        gone = prune_vectors(db, MODEL, (DAY - dt.timedelta(days=14)).isoformat(), {ids[2]}, batch=1)
    finally:
        db.close()
    assert gone == 2 and set(store.vectors_for(list(ids.values()), MODEL)) == {ids[2], ids[4], ids[5]}


def test_run_daily_prunes_after_ranking_and_says_how_many(tmp_path, settings, http_client):
    s = open_store(settings.resolved_database_url)
    try:
        seeded_store(s)
        report = run_daily(s, settings, DAY, client=http_client, embedder=HashingEmbedder(), specs=[])
        rank = next(r for r in report.stages if r.stage == "rank")
        assert rank.status == "ok" and rank.counts["pruned_sentence_blocks"] == 2
        assert len(s.vectors_for(list(ids_by_number(s).values()), MODEL)) == 3
    finally:
        s.close()


def test_run_daily_with_keep_days_zero_prunes_nothing(tmp_path, settings, http_client):
    s = open_store(settings.resolved_database_url)
    try:
        seeded_store(s)
        keep = settings.model_copy(update={"sentence_vectors_keep_days": 0})
        report = run_daily(s, keep, DAY, client=http_client, embedder=HashingEmbedder(), specs=[])
        assert next(r for r in report.stages if r.stage == "rank").counts["pruned_sentence_blocks"] == 0
        assert len(s.vectors_for(list(ids_by_number(s).values()), MODEL)) == 5
    finally:
        s.close()


def test_sources_shows_how_many_sentence_blocks_are_kept(settings):
    with open_store(settings.resolved_database_url) as s:
        seeded_store(s)
    env = {"ACADEMICHUB_HOME": str(settings.home), "ACADEMICHUB_EMBEDDER": "hashing"}
    result = CliRunner().invoke(cli, ["sources"], env=env)
    assert re.search(
        r"Sentence vectors: 5 papers, \d+ KiB \(kept 14 days after a paper's last announcement", result.output
    )
    forever = CliRunner().invoke(cli, ["sources"], env={**env, "ACADEMICHUB_SENTENCE_VECTORS_KEEP_DAYS": "0"})
    assert "(kept forever)" in forever.output
