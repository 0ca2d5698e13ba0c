"""Offline ingest of recorded files: resumable, idempotent, and exactly like a clean run after a kill."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from academichub.pipeline import ingest_files
from academichub.store import open_store

CORPUS_DAYS = [f"2026-05-{d:02d}.jsonl" for d in range(4, 16)]


@pytest.fixture
def corpus_dir(shared_fixtures, tmp_path):
    """Twelve real days of the arXiv cs daily dump, linked into a folder of their own."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in CORPUS_DAYS:
        (folder / name).symlink_to(shared_fixtures / "arxiv-corpus" / "daily-cs_dw-dengwei" / name)
    return folder


def snapshot(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT k.key, p.fingerprint FROM papers p JOIN paper_keys k ON k.paper_id = p.id ORDER BY k.key"
    ).fetchall()
    conn.close()
    return rows


def test_ingesting_twice_adds_nothing(corpus_dir, tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    first = ingest_files(store, [corpus_dir])
    assert all(not r.error for r in first)
    count = store.count_papers()
    assert count > 1000
    again = ingest_files(store, [corpus_dir])
    assert all(r.skipped for r in again)
    store.clear_checkpoints("ingest-files")
    forced = ingest_files(store, [corpus_dir])
    assert sum(r.counts.new + r.counts.updated for r in forced) == 0
    assert store.count_papers() == count
    store.close()


def test_weekend_copies_and_cross_lists_are_one_paper_each(corpus_dir, tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    reports = ingest_files(store, [corpus_dir])
    seen = sum(r.counts.seen for r in reports)
    assert store.count_papers() < seen  # duplicates merged
    saturday = [p for p in store.list_papers(limit=10_000) if any(a.day.weekday() >= 5 for a in p.announcements)]
    assert saturday == []  # arXiv announces Monday to Friday only
    store.close()


def test_killed_ingest_resumes_and_ends_like_a_clean_run(corpus_dir, tmp_path):
    clean_home, killed_home = tmp_path / "clean", tmp_path / "killed"
    env = {**os.environ, "ACADEMICHUB_HOME": str(clean_home)}
    cmd = [sys.executable, "-m", "academichub", "ingest", str(corpus_dir)]
    subprocess.run(cmd, env=env, check=True, capture_output=True)

    env["ACADEMICHUB_HOME"] = str(killed_home)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = killed_home / "academichub.db"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            done = conn.execute("SELECT COUNT(*) FROM checkpoints").fetchone()[0]
            conn.close()
        except sqlite3.Error:
            done = 0
        if done >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    partial = conn.execute("SELECT COUNT(*) FROM checkpoints").fetchone()[0]
    conn.close()
    assert 3 <= partial < len(CORPUS_DAYS), "the kill should land mid-ingest"

    subprocess.run(cmd, env=env, check=True, capture_output=True)
    assert snapshot(db) == snapshot(clean_home / "academichub.db")
