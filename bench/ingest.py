"""Ingest benchmark: the 25k-record arXiv daily corpus + the OAI-PMH pages into a fresh SQLite file.

Prints papers/s, peak memory and two ratios measured in the same run:
  - to the bare parse of the same files (json.loads per line, lxml per OAI page);
  - to the floor: that bare parse plus a plain INSERT OR IGNORE into one table with an FTS5 index.
Each measurement runs in its own subprocess so peak memory (ru_maxrss) is its own.
CPU seconds (user + system) are printed too: on a shared, loaded machine they vary less than wall time.
`--profile FILE` also writes a cProfile of our ingest (run in-process) for `python -m pstats FILE`.

    python bench/ingest.py [--fixtures ../shared/fixtures] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FIXTURES = REPO.parent / "shared" / "fixtures"


def corpus_files(fixtures: Path) -> tuple[list[Path], list[Path]]:
    jsonl = sorted((fixtures / "arxiv-corpus" / "daily-cs_dw-dengwei").glob("*.jsonl"))
    oai = sorted(p for p in (fixtures / "arxiv-oai-pmh").rglob("*.xml"))
    return jsonl, oai


def bare_parse(jsonl: list[Path], oai: list[Path]) -> list[tuple[str, str, str, str]]:
    """The floor's parse: json.loads per line, lxml per page; returns (id, title, abstract, authors)."""
    from lxml import etree

    rows: list[tuple[str, str, str, str]] = []
    for path in jsonl:
        with path.open("rb") as fh:
            for line in fh:
                if line.strip():
                    r = json.loads(line)
                    rows.append((r["id"], r["title"], r["summary"], ", ".join(r["authors"])))
    for path in oai:
        root = etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
        for rec in root.iter("{*}record"):
            ident = rec.findtext(".//{*}identifier") or ""
            title = rec.findtext(".//{*}title") or ""
            abstract = rec.findtext(".//{*}abstract") or ""
            authors = rec.findtext(".//{*}authors") or ""
            rows.append((ident, title, abstract, authors))
    return rows


def floor_insert(rows: list[tuple[str, str, str, str]], db: Path) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(
        """
        CREATE TABLE p (rid INTEGER PRIMARY KEY, id TEXT UNIQUE, title TEXT, abstract TEXT, authors TEXT);
        CREATE VIRTUAL TABLE f USING fts5(title, abstract, authors, content='p', content_rowid='rid');
        CREATE TRIGGER p_ai AFTER INSERT ON p BEGIN
          INSERT INTO f(rowid, title, abstract, authors) VALUES (new.rid, new.title, new.abstract, new.authors);
        END;
        """
    )
    conn.execute("BEGIN")
    conn.executemany("INSERT OR IGNORE INTO p (id, title, abstract, authors) VALUES (?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    conn.close()


def run_child(mode: str, fixtures: Path) -> dict[str, float]:
    """One measurement; its database is deleted afterwards (each run used to leave ~60 MB in /tmp)."""
    with tempfile.TemporaryDirectory(prefix="ah-bench-") as tmp:
        return _measure_child(mode, fixtures, Path(tmp))


def _measure_child(mode: str, fixtures: Path, tmp: Path) -> dict[str, float]:
    jsonl, oai = corpus_files(fixtures)
    start = time.perf_counter()
    papers = 0
    if mode == "parse":
        papers = len(bare_parse(jsonl, oai))
    elif mode == "floor":
        rows = bare_parse(jsonl, oai)
        floor_insert(rows, tmp / "floor.db")
        papers = sqlite3.connect(tmp / "floor.db").execute("SELECT COUNT(*) FROM p").fetchone()[0]
    elif mode == "ours":
        from academichub.pipeline import ingest_files
        from academichub.store import open_store

        store = open_store(f"sqlite:///{tmp / 'hub.db'}")
        reports = ingest_files(store, [*jsonl, *oai])
        failed = [r.error for r in reports if r.error]
        if failed:
            raise SystemExit(f"ingest failed: {failed[:3]}")
        papers = store.count_papers()
        store.close()
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mib = usage.ru_maxrss / 1024
    return {"seconds": seconds, "papers": papers, "peak_mib": peak_mib, "cpu": usage.ru_utime + usage.ru_stime}


def profile_ours(fixtures: Path, out: Path) -> None:
    """cProfile of `run_child("ours")`; prints the 25 costliest functions by own time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(run_child, "ours", fixtures)
    profiler.dump_stats(out)
    pstats.Stats(str(out)).sort_stats("tottime").print_stats(25)


def measure(mode: str, fixtures: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--fixtures", str(fixtures)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--repeat", type=int, default=1, help="take the best of N runs of each")
    parser.add_argument("--child", choices=["parse", "floor", "ours"], help=argparse.SUPPRESS)
    parser.add_argument("--profile", type=Path, help="only profile our ingest into this pstats file")
    args = parser.parse_args()
    if args.profile:
        profile_ours(args.fixtures, args.profile)
        return
    if args.child:
        print(json.dumps(run_child(args.child, args.fixtures)))
        return
    jsonl, oai = corpus_files(args.fixtures)
    if not jsonl:
        raise SystemExit(f"corpus not found under {args.fixtures}")
    records = sum(1 for p in jsonl for line in p.open("rb") if line.strip())
    print(f"input: {len(jsonl)} JSONL files ({records} records), {len(oai)} OAI-PMH pages")
    results = {}
    for mode in ("parse", "floor", "ours"):
        runs = [measure(mode, args.fixtures) for _ in range(args.repeat)]
        results[mode] = min(runs, key=lambda r: r["seconds"])
        r = results[mode]
        print(
            f"{mode:>6}: {r['seconds']:.2f} s ({r['cpu']:.2f} s CPU), {r['papers']:.0f} rows/papers, "
            f"peak {r['peak_mib']:.0f} MiB"
        )
    ours = results["ours"]
    print(f"papers/s: {ours['papers'] / ours['seconds']:.0f}")
    print(f"ratio to bare parse: {ours['seconds'] / results['parse']['seconds']:.2f}")
    print(f"ratio to floor: {ours['seconds'] / results['floor']['seconds']:.2f}")
    print(f"CPU ratio to floor: {ours['cpu'] / results['floor']['cpu']:.2f}")


if __name__ == "__main__":
    main()
