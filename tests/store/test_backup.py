"""Online backup and restore (RELIABILITY H4) and durability (H2), with real processes and real SQLite files."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from academichub.cli import cli
from academichub.config import Settings
from academichub.models import RawItem
from academichub.pipeline import store_items
from academichub.store import open_store

WRITER = textwrap.dedent(
    """
    import datetime, sys, time
    from academichub.models import RawItem
    from academichub.pipeline import store_items
    from academichub.store import open_store

    store = open_store(sys.argv[1])
    start = int(sys.argv[2])
    n = start
    while True:
        store_items(store, [RawItem(source="arxiv-rss", title=f"Paper {k} on surface codes",
                                    abstract="We study surface codes. " * 20, arxiv_id=f"2605.{k:05d}",
                                    listing="quant-ph", announced=datetime.date(2026, 4, 28))
                            for k in range(n, n + 5)])
        n += 5
        print(n - start, flush=True)  # rows committed so far
        if len(sys.argv) > 3:  # "hold": stop writing, keep the connection open until killed
            time.sleep(3600)
        time.sleep(0.01)
    """
)


def paper(n: int) -> RawItem:
    return RawItem(
        source="arxiv-rss",
        title=f"Paper {n}",
        abstract="Surface codes. " * 20,
        arxiv_id=f"2604.{n:05d}",
        listing="quant-ph",
        announced=dt.date(2026, 4, 27),
    )


def counts(path: Path) -> tuple[int, int, str]:
    with closing(sqlite3.connect(path)) as conn:
        papers = conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0]
        announcements = conn.execute("SELECT COUNT(*) FROM announcements").fetchone()[0]
        return papers, announcements, conn.execute("PRAGMA integrity_check").fetchone()[0]


def run(home: Path, *args: str):
    return CliRunner().invoke(cli, list(args), env={"ACADEMICHUB_HOME": str(home)})


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    with open_store(Settings(home=home).resolved_database_url) as store:
        store_items(store, [paper(n) for n in range(40)])
    return home


def start_writer(url: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WRITER, url, "0", *extra], stdout=subprocess.PIPE, text=True)


def test_backup_during_writes_then_restore_gives_the_backed_up_state(home: Path) -> None:
    live = home / "academichub.db"
    writer = start_writer(f"sqlite:///{live}")
    try:
        assert writer.stdout is not None
        while int(writer.stdout.readline()) < 50:  # the other process is writing for real
            pass
        result = run(home, "backup", "--format", "json")
        still_writing = int(writer.stdout.readline())
    finally:
        writer.kill()
        writer.wait()
        writer.stdout.close()
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    backup = Path(report["path"])
    assert report["ok"] and report["integrity"] == "ok" and report["copy"] == report["source"]
    assert backup.parent == home / "backups" and backup.name.startswith("academichub-")
    assert not list(backup.parent.glob(".*partial"))  # the temporary name is gone
    assert still_writing > 0 and counts(live)[0] > report["copy"]["papers"] > 40  # writes went on past the copy
    before_restore = counts(live)

    restored = run(home, "restore", str(backup), "--format", "json")
    assert restored.exit_code == 0, restored.output
    answer = json.loads(restored.output)
    assert counts(live) == (report["copy"]["papers"], report["copy"]["announcements"], "ok")
    assert counts(Path(answer["kept_aside"])) == before_restore  # nothing lost: the replaced database is kept
    with open_store(f"sqlite:///{live}") as store:  # the app opens the restored database as usual
        assert store.count_papers() == report["copy"]["papers"] and store.integrity_ok()


def test_backup_to_a_named_file_prints_what_it_checked(home: Path, tmp_path: Path) -> None:
    result = run(home, "backup", "--to", str(tmp_path / "copy.db"))
    assert result.exit_code == 0, result.output
    assert "integrity_check ok, 40 papers and 40 announcements" in result.output
    assert counts(tmp_path / "copy.db") == (40, 40, "ok")


def corrupt(path: Path) -> None:
    """Overwrite the pages after the schema with junk, as a bad disk or a half-copied file would."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page * 2 : page * 6] = b"\xa5" * (page * 4)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["junk pages", "truncated", "not sqlite"])
def test_restore_refuses_a_damaged_backup_and_keeps_everything(home: Path, tmp_path: Path, damage: str) -> None:
    bad = tmp_path / "bad.db"
    assert run(home, "backup", "--to", str(bad)).exit_code == 0
    if damage == "junk pages":
        corrupt(bad)
    elif damage == "truncated":
        bad.write_bytes(bad.read_bytes()[:5000])
    else:
        bad.write_bytes(b"papers,announcements\n1,2\n" * 400)
    live = home / "academichub.db"
    before = counts(live)
    result = run(home, "restore", str(bad))
    assert result.exit_code != 0 and "refusing to restore" in result.output
    assert counts(live) == before == (40, 40, "ok")
    assert not list(home.glob("academichub.db.before-restore-*"))  # nothing was touched


def age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_sources_warns_about_a_missing_stale_or_shrunken_backup(home: Path) -> None:
    assert "Warning: no backup yet" in run(home, "sources").output
    backup = Path(json.loads(run(home, "backup", "--format", "json").output)["path"])
    assert "backup" not in run(home, "sources").output  # fresh and complete: no warning

    age(backup, 27)  # default limit 26 h
    stale = run(home, "sources")
    assert f"Warning: the newest backup ({backup.name}) is 27 h old (limit 26 h)" in stale.output
    fresh_enough = CliRunner().invoke(
        cli, ["sources"], env={"ACADEMICHUB_HOME": str(home), "ACADEMICHUB_BACKUP_MAX_AGE_H": "48"}
    )
    assert "backup" not in fresh_enough.output  # the limit is a setting

    age(backup, 1)
    with open_store(f"sqlite:///{home / 'academichub.db'}") as store:
        store_items(store, [paper(n) for n in range(40, 100)])  # the database grew to 100 papers since
    shrunk = run(home, "sources", "--format", "json")
    assert json.loads(shrunk.stdout) == []  # the JSON stays a list; the warning goes to stderr
    assert "holds 40 papers, under 50% of the live database's 100" in shrunk.stderr


def test_synchronous_is_normal_unless_set_to_full(tmp_path: Path) -> None:
    default = Settings(home=tmp_path)
    full = Settings(home=tmp_path, sqlite_synchronous="full")
    with open_store(default.resolved_database_url) as store:
        assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL: the ingest benchmark's
    with open_store(full.resolved_database_url) as store:
        assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_rows_committed_with_synchronous_full_survive_a_kill_9(tmp_path: Path) -> None:
    url = Settings(home=tmp_path, sqlite_synchronous="full").resolved_database_url
    assert url.endswith("?synchronous=full")
    writer = start_writer(url, "hold")
    assert writer.stdout is not None
    committed = int(writer.stdout.readline())  # the child has committed, and now holds its connection open
    os.kill(writer.pid, signal.SIGKILL)  # no close, no checkpoint, no atexit
    writer.wait()
    writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL
    assert (tmp_path / "academichub.db-wal").stat().st_size > 0  # the rows are only in the WAL
    with open_store(url) as store:
        assert store.count_papers() == committed == 5 and store.integrity_ok()


def test_compact_gives_pruned_vectors_space_back_and_keeps_every_paper(home: Path) -> None:
    """Vectors of papers not announced lately are pruned (as run-daily prunes sentence vectors); the file keeps their
    pages until `compact`, which shrinks it and keeps every paper and announcement."""
    from academichub.pipeline.paper_vectors import embed_papers
    from academichub.rank.embedders import HashingEmbedder

    live = home / "academichub.db"
    with open_store(Settings(home=home).resolved_database_url) as store:
        store_items(store, [paper(n) for n in range(40, 1500)])
        embedder = HashingEmbedder()
        embed_papers(store, embedder, store.list_papers(limit=2000))
        assert store.prune_vectors(embedder.name, since=dt.date(2026, 5, 1)) == 1500
    grown = sum(f.stat().st_size for f in (live, live.with_name("academichub.db-wal")) if f.exists())
    before = counts(live)
    result = run(home, "compact", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["bytes_before"] >= grown * 0.9 and report["bytes_after"] < report["bytes_before"] / 2
    assert live.stat().st_size == report["bytes_after"] and counts(live) == before and before[2] == "ok"
    assert (report["papers"], report["announcements"]) == before[:2] and not report["waiting_for_readers"]
    said = run(home, "compact")
    assert said.exit_code == 0 and said.output.startswith("Compacted: ") and "1500 papers" in said.output


def test_compact_while_a_reader_holds_the_old_pages_says_the_file_shrinks_later(home: Path) -> None:
    live = home / "academichub.db"
    with closing(sqlite3.connect(live, isolation_level=None)) as reader:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM papers").fetchone()  # a read snapshot, as a serving page holds one
        result = run(home, "compact")
        reader.execute("COMMIT")
    assert result.exit_code == 0, result.output
    assert "the file shrinks once they are done" in result.output
    assert counts(live) == (40, 40, "ok")


def test_compact_without_a_database_is_a_clear_error(tmp_path: Path) -> None:
    result = run(tmp_path / "nowhere", "compact")
    assert result.exit_code != 0 and "no database at" in (result.output + str(result.exception))


def test_compact_refused_by_a_writer_or_a_file_that_is_no_database_changes_nothing(home: Path) -> None:
    from academichub.errors import StoreError
    from academichub.store.backup import compact_database

    live = home / "academichub.db"
    with closing(sqlite3.connect(live, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")  # a daily run in the middle of a write
        writer.execute("DELETE FROM announcements WHERE paper_id = (SELECT MIN(id) FROM papers)")
        with pytest.raises(StoreError, match="locked; nothing was changed"):
            compact_database(live, busy_timeout_s=0.2)
        writer.execute("ROLLBACK")
    assert counts(live) == (40, 40, "ok")
    text = home / "notes.txt"
    text.write_text("not a database\n" * 100)
    with pytest.raises(StoreError, match="nothing was changed"):
        compact_database(text)
    assert text.read_text() == "not a database\n" * 100
