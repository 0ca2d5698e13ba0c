"""Journal-feed parse benchmark: our parse_journal_feed against bare feedparser on the same bytes.

Prints, per document, the best-of-N wall time of each and the ratio ours / bare (measured in the
same run). Documents: the recorded Nature RSS feed, a synthetic 10k-item RSS 2.0 feed (we parse
only the first MAX_ITEMS), and a feed with one 12 MiB title (we refuse it).

    python bench/feeds.py [--fixtures ../shared/fixtures] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import feedparser

from academichub.errors import ParseError
from academichub.sources.journal_feeds import MAX_ITEMS, parse_journal_feed

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FIXTURES = REPO.parent / "shared" / "fixtures"
NATURE = "nature-rss/nature_rss_2023-12-01T0012Z.rdf"


def synthetic_rss(items: int, *, title_bytes: int = 0) -> bytes:
    body = "".join(
        f"<item><title>{'x' * title_bytes or f'Result {n}'}</title><link>https://j.example/{n}</link>"
        f"<guid>https://j.example/{n}</guid><description>doi:10.9999/x.{n}</description>"
        "<pubDate>Thu, 30 Nov 2023 08:00:00 +0000</pubDate></item>"
        for n in range(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Synthetic</title>'
        f"<link>https://j.example/</link><description>d</description>{body}</channel></rss>"
    ).encode()


def best_time(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def ours(data: bytes) -> str:
    try:
        feed = parse_journal_feed(data)
    except ParseError as exc:
        return f"refused ({str(exc)[:60]}…)"
    return f"{len(feed.items)} items{' (cut)' if feed.truncated else ''}"


def bare(data: bytes) -> str:
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    return f"{len(parsed.entries)} items"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    documents = {
        "nature-rss": (args.fixtures / NATURE).read_bytes(),
        "10k-items": synthetic_rss(10_000),
        "12MiB-title": synthetic_rss(1, title_bytes=12 * 1024 * 1024),
    }
    print(f"MAX_ITEMS={MAX_ITEMS}, best of {args.repeat}")
    for name, data in documents.items():
        ours_s = best_time(lambda data=data: ours(data), args.repeat)
        bare_s = best_time(lambda data=data: bare(data), args.repeat)
        line = f"{name:12} ours {ours_s:7.3f}s [{ours(data)}]  bare feedparser {bare_s:7.3f}s [{bare(data)}]"
        sys.stdout.write(f"{line}  ratio ours/bare {ours_s / bare_s:.2f}\n")


if __name__ == "__main__":
    main()
