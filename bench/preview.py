"""A radar editor's preview on a big day: the first preview reads the day's papers and indexes them, the next ones (the
description retyped) rank on the papers and index kept (pipeline.day_indexes). Prints each preview's time as a ratio
to the bare `index_day` of the same papers and vectors, measured in the same run.

The day: --papers real papers of the fixtures' arXiv corpus stored in a fresh SQLite file as one day's new
announcements, with hashing-embedder vectors (the encoder's cost is not what is measured: vectors are read back).

    python bench/preview.py [--papers 7000] [--previews 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from academichub.models import AnnounceType, Radar, RawItem  # noqa: E402
from academichub.pipeline import store_items  # noqa: E402
from academichub.pipeline.day_indexes import DAY_INDEXES  # noqa: E402
from academichub.pipeline.digest import preview_digest  # noqa: E402
from academichub.pipeline.paper_vectors import embed_papers  # noqa: E402
from academichub.rank.day import index_day  # noqa: E402
from academichub.rank.embedders import HashingEmbedder  # noqa: E402
from academichub.store import open_store  # noqa: E402
from ranking_speed import load_papers  # noqa: E402

DAY = dt.date(2026, 6, 29)
TYPED = ["graph", "graph neural", "graph neural networks", "graph neural networks for proteins",
         "graph neural networks for protein structure"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=7_000)
    parser.add_argument("--previews", type=int, default=len(TYPED))
    args = parser.parse_args()
    store = open_store(f"sqlite:///{tempfile.mkdtemp()}/preview.db")
    items = [
        RawItem(source="arxiv-rss", title=p.title, abstract=p.abstract, authors=p.authors, categories=p.categories,
                arxiv_id=f"2606.{i:05d}", listing=p.categories[0] if p.categories else "cs.LG", announced=DAY,
                announce_type=AnnounceType.NEW)
        for i, p in enumerate(load_papers(args.papers))
    ]  # fmt: skip
    started = time.perf_counter()
    store_items(store, items)
    embedder = HashingEmbedder()
    papers = store.list_papers(day=DAY, limit=len(items))
    vectors = embed_papers(store, embedder, papers)
    print(f"day: {len(papers):,} papers stored with vectors in {time.perf_counter() - started:.1f} s")
    matrix = np.vstack([vectors[p.id] for p in papers if p.id is not None]).astype(np.float32)
    bare = min(_seconds(lambda: index_day(papers, matrix, day=DAY)) for _ in range(2))
    DAY_INDEXES.clear()
    times = []
    for description in (TYPED * (1 + args.previews // len(TYPED)))[: args.previews]:
        radar = Radar(name="draft", description=description, size=20)
        times.append(_seconds(lambda radar=radar: preview_digest(store, embedder, radar, DAY)))
    print(f"bare index_day: {bare:.2f} s")
    print(f"first preview (indexes the day): {times[0]:.2f} s = {times[0] / bare:.2f}x index_day")
    rest = statistics.median(times[1:]) if len(times) > 1 else float("nan")
    print(f"next previews, description retyped (median of {len(times) - 1}): {rest:.2f} s = {rest / bare:.2f}x "
          f"index_day; days indexed: {DAY_INDEXES.builds}")  # fmt: skip


def _seconds(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
