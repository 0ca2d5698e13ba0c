"""Ranking one day's papers for many radars at once, with the reasons for each pick.

Pure: papers, vectors and radars in; Rankings (rank.ranking: columnar, ScoredPapers built when read) or
ScoredPaper lists out. The day is indexed once (rank.day); each block of
radars is then scored as a [radars × papers] matrix of weighted z-scores, each signal's mean and spread taken over
the papers the radar may show (RadarQuery.allowed) rather than the whole day: BM25 over description + keywords +
seed texts (title + abstract), dense similarity to the description and the closed-form 👍 classifier
(rank.classifier), the nearest seed and a 👎 penalty (the dense signals in one matrix product), and fixed
bonuses for keywords and followed authors found once per term per day (rank.keywords), less a penalty for papers
that first appeared long before their announcement (rank.recency). Exclusions and
per-radar filters always win. A radar with seed papers then re-ranks its leading candidates by matching the
seeds' sentences with theirs (rank.aspects), when the day carries sentence vectors.
Only each radar's top k are selected (rank.topk) and given reason codes (rank.reasons).
"""

from __future__ import annotations

import os
import queue
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from academichub.collector import collector_paused
from academichub.models import Paper, Radar, ScoredPaper
from academichub.rank.aspects import ASPECT_DEPTH, AspectHits, add_aspects
from academichub.rank.classifier import classifier_directions
from academichub.rank.day import DayIndex, index_day, one_blas_thread
from academichub.rank.kernels import NO_MASKS, add_z_scored, hide_masked, max_into, z_rows
from academichub.rank.keywords import (
    add_author_bonuses,
    add_keyword_bonuses,
    author_hits,
    exclude_phrases,
    keyword_hits_block,
)
from academichub.rank.ranking import Ranking
from academichub.rank.reasons import STANDS_OUT_Z, Evidence, ReasonCodes, reason_codes
from academichub.rank.text import tokenize
from academichub.rank.topk import top_columns

__all__ = [
    "DayIndex",
    "RadarInputs",
    "RadarQuery",
    "RadarWeights",
    "Ranking",
    "aspect_candidates",
    "index_day",
    "paper_text",
    "rank_radar",
    "rank_radars",
    "rank_radars_columnar",
]

Vectors = NDArray[np.float32]
Matrix = NDArray[np.float32]
BLOCK_CELLS = 10_000_000  # radars × papers scored together at most (40 MB of float32 per thread)
MIN_BLOCK_RADARS = 64
RANK_THREADS = min(2, os.cpu_count() or 1)
BLOCKS_PER_THREAD = 2  # smaller blocks even out threads whose radars cost more (seeds, long queries)
MIN_PARALLEL_CELLS = 4_000_000  # below this many radar × paper cells one thread is quicker
LEXICAL_SEEDS = 20  # seed texts in the BM25 query at most
LEXICAL_SEED_TERMS = 100  # … of which only the terms weighing most (count × idf) are kept
CANDIDATE_MARGIN = 20  # candidates beyond ASPECT_DEPTH given sentence vectors, against rounding between passes
NEAREST_CHUNK_CELLS = 10_000_000  # seed or 👎 vectors × papers compared at once at most (40 MB of float32)
MIN_STD = 1e-9  # a signal flatter than this across the papers a radar may show contributes nothing
_NO_SHIFT = np.zeros(0, dtype=np.float32)


def _empty() -> Vectors:
    return np.zeros((0, 0), dtype=np.float32)


@dataclass(frozen=True)
class RadarWeights:
    """Blend of z-scored signals plus fixed bonuses (in z units)."""

    bm25: float = 0.3
    description: float = 0.5
    seeds: float = 0.7
    classifier: float = 0.5
    disliked: float = 0.4
    keyword_bonus: float = 0.6  # per matched include keyword, at most 3 counted
    author_bonus: float = 1.5
    aspects: float = 0.5  # seed ↔ paper sentence matching, re-ranking each radar's leading candidates
    recency: float = 0.5  # subtracted × staleness: a replacement or publication of a year-old paper (rank.recency)


@dataclass(frozen=True)
class RadarQuery:
    """One radar's side of the ranking; vectors are unit rows of the day index's embedder."""

    radar: Radar
    description_vector: Vectors | None = None  # description + keywords, "query:"-encoded
    seed_vectors: Vectors = field(default_factory=_empty)
    seed_titles: Sequence[str] = ()
    liked_vectors: Vectors = field(default_factory=_empty)
    disliked_vectors: Vectors = field(default_factory=_empty)
    allowed: NDArray[np.bool_] | None = None  # day papers this radar may show (None: all)
    seed_texts: Sequence[str] = ()  # title + abstract of each seed, for BM25 (seed titles when empty)
    seed_sentences: Sequence[Vectors] = ()  # each seed's sentence vectors, for the aspect signal


def paper_text(paper: Paper) -> str:
    """The text a paper is embedded and matched by."""
    return f"{paper.title}. {paper.abstract}".strip()


@dataclass(frozen=True)
class RadarInputs:
    """One radar and one day, for callers that rank a single radar (tests, previews)."""

    radar: Radar
    papers: Sequence[Paper]
    vectors: Vectors
    description_vector: Vectors | None = None
    seed_vectors: Vectors = field(default_factory=_empty)
    seed_titles: Sequence[str] = ()
    liked_vectors: Vectors = field(default_factory=_empty)
    disliked_vectors: Vectors = field(default_factory=_empty)
    seed_texts: Sequence[str] = ()


def rank_radar(inputs: RadarInputs, weights: RadarWeights = RadarWeights()) -> list[ScoredPaper]:
    """Every paper the radar may show, best first, with scores and reasons."""
    query = RadarQuery(
        inputs.radar, inputs.description_vector, inputs.seed_vectors, inputs.seed_titles,
        inputs.liked_vectors, inputs.disliked_vectors, seed_texts=inputs.seed_texts,
    )  # fmt: skip
    return rank_radars(index_day(inputs.papers, inputs.vectors), [query], weights)[0]


def rank_radars(
    day: DayIndex, queries: Sequence[RadarQuery], weights: RadarWeights = RadarWeights(), *, top_k: int | None = None
) -> list[list[ScoredPaper]]:
    """For each radar, its best `top_k` papers (all when None), best first, numbered from 1."""
    with collector_paused():
        return [list(ranking) for ranking in rank_radars_columnar(day, queries, weights, top_k=top_k)]


def rank_radars_columnar(
    day: DayIndex,
    queries: Sequence[RadarQuery],
    weights: RadarWeights = RadarWeights(),
    *,
    top_k: int | None = None,
    threads: int = RANK_THREADS,
) -> list[Ranking]:
    """`rank_radars` as columnar Rankings: each ScoredPaper and its reason texts are built when read. Blocks of
    radars are ranked on up to `threads` threads (numpy releases the GIL for the heavy parts), each thread's
    BLAS on one core; the thread count changes nothing but float32 rounding (blocks are cut differently)."""
    n = len(day.papers)
    if n == 0:
        return [_empty_ranking(day, q) for q in queries]
    workers = max(1, min(threads, -(-len(queries) * n // MIN_PARALLEL_CELLS)))
    step = max(MIN_BLOCK_RADARS, min(BLOCK_CELLS // n, -(-len(queries) // (BLOCKS_PER_THREAD * workers))))
    blocks = [queries[start : start + step] for start in range(0, len(queries), step)]
    with collector_paused():
        if workers == 1 or len(blocks) == 1:
            product = _product_buffer(blocks, n)
            return [r for block in blocks for r in _rank_block(day, block, weights, top_k, product)]
        buffers = queue.SimpleQueue[Matrix]()
        for _ in range(workers):
            buffers.put(_product_buffer(blocks, n))

        def rank(block: Sequence[RadarQuery]) -> list[Ranking]:
            product = buffers.get()
            try:
                return _rank_block(day, block, weights, top_k, product)
            finally:
                buffers.put(product)

        with one_blas_thread(), ThreadPoolExecutor(workers, thread_name_prefix="rank") as pool:
            return [r for ranked in pool.map(rank, blocks) for r in ranked]


def aspect_candidates(
    day: DayIndex, queries: Sequence[RadarQuery], weights: RadarWeights = RadarWeights(), *, threads: int = RANK_THREADS
) -> NDArray[np.intp]:
    """The day papers (ascending indices) that the aspect re-rank would match by sentence for these radars: each
    seeded radar's ASPECT_DEPTH leading candidates under every other signal, and CANDIDATE_MARGIN more (only the
    seeded radars are ranked here, in other blocks than the real pass, so float32 rounding may swap near-ties).
    A day carrying only these papers' sentences ranks as one carrying every paper's; callers encode just these."""
    seeded = [q for q in queries if any(len(s) for s in q.seed_sentences)]
    if not seeded:
        return np.zeros(0, dtype=np.intp)
    plain = replace(weights, aspects=0.0)
    ranked = rank_radars_columnar(day, seeded, plain, top_k=ASPECT_DEPTH + CANDIDATE_MARGIN, threads=threads)
    return np.unique(np.concatenate([r.indices for r in ranked]))


def _product_buffer(blocks: Sequence[Sequence[RadarQuery]], n: int) -> Matrix:
    """Room for the largest block's matrix product: its scores, a chunk of its seed and 👎 vectors' similarities
    (NEAREST_CHUNK_CELLS / n vectors at most, so an imported library of thousands of seeds needs no more memory
    than a few), one running-max row per set."""
    limit = max(MIN_BLOCK_RADARS, NEAREST_CHUNK_CELLS // max(n, 1))
    rows = max(len(b) + _sets(b) + min(limit, _set_vectors(b)) for b in blocks)
    return np.empty((rows, n), dtype=np.float32)


def _sets(block: Sequence[RadarQuery]) -> int:
    return sum((len(q.seed_vectors) > 0) + (len(q.disliked_vectors) > 0) + _extra(q) for q in block)


def _set_vectors(block: Sequence[RadarQuery]) -> int:
    return sum(len(q.seed_vectors) + len(q.disliked_vectors) + _extra(q) for q in block)


def _extra(query: RadarQuery) -> bool:
    """Whether the radar's classifier becomes a set of its own (_Linear): it has a description and 👍."""
    described = query.description_vector is not None and len(query.description_vector) > 0
    return described and len(query.liked_vectors) > 0


def _masks(queries: Sequence[RadarQuery], n: int) -> NDArray[np.bool_]:
    """Each radar's allowed papers as a row (every paper for a radar without a mask), over which its signals are
    z-scored; no rows when no radar of the block has a mask. Among the papers the radar may show rather than the
    whole day: on CSFCube, NDCG%20 60.34 → 60.83 with the shipped weights (docs/ranking-quality.md)."""
    if all(q.allowed is None for q in queries):
        return NO_MASKS
    masks = np.ones((len(queries), n), dtype=np.bool_)
    for r, query in enumerate(queries):
        if query.allowed is not None:
            masks[r] = query.allowed
    return masks


def _empty_ranking(day: DayIndex, query: RadarQuery) -> Ranking:
    nothing = np.zeros(0, dtype=np.intp)
    evidence = Evidence(query.radar, None, (0.0, 0.0), _empty(), (), _empty(), {}, nothing)
    return Ranking(day.papers, nothing, np.zeros(0), evidence, ReasonCodes())


def _rank_block(
    day: DayIndex, queries: Sequence[RadarQuery], weights: RadarWeights, top_k: int | None, product: Matrix
) -> list[Ranking]:
    """Every signal lands in `total` [radars, papers] as weight × z-score, less a per-radar constant (`offset`)
    that is added back only to the kept papers' scores: constants do not change a radar's order. The dense
    signals are matrix products (_add_dense): description + 👍 classifier as one row per radar, every seed and
    every 👎 vector."""
    rows = len(queries)
    offset = np.zeros(rows)
    desc_stats = np.zeros((rows, 2))
    seed_cut = np.full(rows, -np.inf)  # nearest-seed similarity that stands out on the day, per radar
    total = product[:rows]
    masks = _masks(queries, len(day.papers))
    if day.vectors.shape[1]:
        with one_blas_thread():
            linear = _linear_coefs(day, queries, weights)
        offset = _add_dense(day.vectors, queries, weights, linear, product, masks, desc_stats, seed_cut)
    else:
        total.fill(0.0)
    offset += _add_lexical(day, queries, weights, total, masks)
    evidence = _bonuses_and_filters(day, queries, weights, total, masks, desc_stats, seed_cut)
    aspects = _add_aspects(day, queries, weights, total)
    kept = top_columns(total, top_k)
    codes = reason_codes(evidence, kept, day.vectors)
    return [_ranking(day, evidence[r], total[r], float(offset[r]), kept[r], codes[r], aspects[r]) for r in range(rows)]


def _add_aspects(
    day: DayIndex, queries: Sequence[RadarQuery], weights: RadarWeights, total: Matrix
) -> list[AspectHits | None]:
    """The aspect re-rank of each seeded radar's leading candidates (after the filters: only papers it may
    show), chosen for all those radars at once."""
    out: list[AspectHits | None] = [None] * len(queries)
    if day.sentences is None or not weights.aspects:
        return out
    seeded = [r for r, q in enumerate(queries) if any(len(s) for s in q.seed_sentences)]
    if not seeded:
        return out
    leading = top_columns(total[seeded], ASPECT_DEPTH)
    seeds = [queries[r].seed_sentences for r in seeded]
    with one_blas_thread():  # many small products: a second BLAS thread only adds contention
        hits = add_aspects(total, seeded, leading, seeds, day.sentences, weights.aspects)
    for r, found in zip(seeded, hits, strict=True):
        out[r] = found
    return out


def _z_scale(weight: float, mean: NDArray[np.float64], std: NDArray[np.float64]) -> tuple[NDArray[np.float64], ...]:
    """Multiplier and constant turning a raw signal into weight × z (zero where the signal is flat)."""
    scale = np.where(std > MIN_STD, weight / np.where(std > MIN_STD, std, 1.0), 0.0)
    return scale, -scale * mean


def _add_lexical(
    day: DayIndex, queries: Sequence[RadarQuery], weights: RadarWeights, total: Matrix, masks: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """BM25 of description + keywords + seed texts, z-scored per radar, into the block's rows; the recency penalty
    (the same for every radar: new work first) is subtracted in the same pass over `total`."""
    own = [tokenize(" ".join([q.radar.description, *q.radar.keywords])) for q in queries]
    seeds = [tokenize(" ".join(_lexical_seeds(q))) for q in queries]
    stale = day.staleness if day.staleness is not None and weights.recency else _NO_SHIFT
    salient = seeds if any(seeds) else ()
    mean, std = day.bm25.add_z_block(own, total, weights.bm25, MIN_STD, np.float32(-weights.recency) * stale,
                                     salient=salient, keep=LEXICAL_SEED_TERMS, masks=masks)  # fmt: skip
    return _z_scale(weights.bm25, mean, std)[1]


def _lexical_seeds(query: RadarQuery) -> Sequence[str]:
    """The seed texts in the radar's BM25 query: title + abstract of at most LEXICAL_SEEDS seeds, of which BM25
    keeps the LEXICAL_SEED_TERMS salient terms (count × idf), as MoreLikeThis queries a text; the description and
    keywords count whole. Seed texts rather than titles: on CSFCube one-seed radars 59.4 NDCG%20 against 57.1.
    Salient terms rather than every word: a library's query stays a profile, not a bag of every word, and the
    speed bench's 1,000 radars scan 17.5M postings instead of 43.5M; on CSFCube (one seed, ~100 terms) the
    figures do not move. 25 terms read better CV-tuned but 1.5 worse with the shipped weights
    (docs/ranking-quality.md)."""
    return (query.seed_texts or query.seed_titles)[:LEXICAL_SEEDS]


@dataclass(frozen=True)
class _Linear:
    """The description and 👍 classifier signals, both linear in the paper vectors, as raw directions: one per
    radar in its coefficient row, z-scored in place once the product is known (`deferred`, with the weight: their
    mean and spread are over the papers the radar may show, known only from the product), and a radar's second
    signal as a one-vector set of its own (`extra`), so each keeps its own statistics."""

    coef: NDArray[np.float64]
    deferred: list[tuple[int, float, bool]] = field(default_factory=list)  # (row, weight, is the description)
    extra: list[tuple[int, Vectors]] = field(default_factory=list)  # (row, the classifier's direction as [1, d])


def _linear_coefs(day: DayIndex, queries: Sequence[RadarQuery], weights: RadarWeights) -> _Linear:
    """Description similarity and the 👍 classifier as coefficient rows (see _Linear)."""
    d = day.vectors.shape[1]
    linear = _Linear(np.zeros((len(queries), d)))
    described = [r for r, q in enumerate(queries) if q.description_vector is not None and len(q.description_vector)]
    for r in described:
        linear.coef[r] = queries[r].description_vector
        linear.deferred.append((r, weights.description, True))
    taught = [r for r, q in enumerate(queries) if len(q.liked_vectors)]
    if taught:
        directions = classifier_directions(day, [_examples(queries[r], d) for r in taught])
        for r, direction in zip(taught, directions, strict=True):
            if _extra(queries[r]):  # the row holds its description
                linear.extra.append((r, direction[None, :].astype(np.float32)))
            else:
                linear.coef[r] = direction
                linear.deferred.append((r, weights.classifier, False))
    return linear


def _examples(query: RadarQuery, d: int) -> tuple[Vectors, Vectors]:
    """The classifier's positives (seeds + 👍) and extra negatives (👎)."""
    positives = np.vstack([v for v in (query.seed_vectors, query.liked_vectors) if len(v)])
    negatives = query.disliked_vectors if len(query.disliked_vectors) else np.zeros((0, d), dtype=np.float32)
    return positives, negatives


def _add_dense(
    vectors: Vectors,
    queries: Sequence[RadarQuery],
    weights: RadarWeights,
    linear: _Linear,
    product: Matrix,
    masks: NDArray[np.bool_],
    desc_stats: NDArray[np.float64],
    seed_cut: NDArray[np.float64],
) -> NDArray[np.float64]:
    """The dense signals into product[:radars]: the linear rows (`linear.coef` @ vectors, then z-scored in place),
    then weight × z of each paper's similarity to the nearest seed, to the nearest 👎 and to an extra classifier
    direction of each radar having them, z-statistics over the papers each radar may show (`masks`); returns the
    constant each row leaves out. The sets' similarities ride along in the first matrix product, a chunk at a time
    after it (between the scores and one running-max row per set at the end of `product`), so memory does not grow
    with a set's size. `desc_stats` receives each description's mean and std; `seed_cut` each seeded radar's
    nearest-seed similarity STANDS_OUT_Z std above its mean."""
    rows = len(queries)
    seeded = [r for r, q in enumerate(queries) if len(q.seed_vectors)]
    disliked = [r for r, q in enumerate(queries) if len(q.disliked_vectors)]
    extra = [r for r, _ in linear.extra]
    sets = [queries[r].seed_vectors for r in seeded] + [queries[r].disliked_vectors for r in disliked]
    sets += [direction for _, direction in linear.extra]
    best = product[len(product) - len(sets) :]
    best.fill(-np.inf)
    chunks = _chunks(sets, len(product) - rows - len(sets))
    first = next(chunks, None)
    coef = linear.coef.astype(np.float32)
    stacked = coef if first is None else np.vstack([coef, first[0]])
    np.matmul(stacked, vectors.T, out=product[: len(stacked)])
    if first is not None:
        max_into(product[rows : len(stacked)], first[1], best)
    for chunk, owner in chunks:
        sims = product[rows : rows + len(chunk)]
        np.matmul(chunk, vectors.T, out=sims)
        max_into(sims, owner, best)
    total, offset = product[:rows], np.zeros(rows)
    if linear.deferred:
        targets, weight, is_description = (list(x) for x in zip(*linear.deferred, strict=True))
        mean, std = z_rows(total, np.asarray(targets, dtype=np.int64), np.asarray(weight), MIN_STD, masks)
        offset[targets] += _z_scale(1.0, mean, std)[1] * np.asarray(weight)
        described = np.asarray(is_description)
        desc_stats[np.asarray(targets)[described]] = np.column_stack([mean, std])[described]
    if seeded:
        mean, std = _add_nearest(total, best[: len(seeded)], seeded, weights.seeds, offset, masks)
        seed_cut[seeded] = mean + STANDS_OUT_Z * std
    if disliked:
        _add_nearest(total, best[len(seeded) : len(seeded) + len(disliked)], disliked, -weights.disliked, offset, masks)
    if extra:
        _add_nearest(total, best[len(seeded) + len(disliked) :], extra, weights.classifier, offset, masks)
    return offset


def _add_nearest(
    total: Matrix,
    best: Matrix,
    owners: list[int],
    weight: float,
    offset: NDArray[np.float64],
    masks: NDArray[np.bool_],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Adds weight × z(best[i]) to total[owners[i]], z over the papers masks[owners[i]] keeps, and to `offset` the
    constant that leaves out; returns the mean and std of each row of `best`."""
    mean, std = add_z_scored(best, total, np.asarray(owners, dtype=np.int64), weight, MIN_STD, _NO_SHIFT, masks)
    offset[owners] += _z_scale(weight, mean, std)[1]
    return mean, std


def _chunks(sets: Sequence[Vectors], limit: int) -> Iterator[tuple[Vectors, NDArray[np.int64]]]:
    """The sets' vectors stacked `limit` rows at a time at most, with the index of the set each row belongs to;
    a set larger than `limit` spans several chunks."""
    parts: list[Vectors] = []
    owner: list[NDArray[np.int64]] = []
    size = 0
    for k, vectors in enumerate(sets):
        for start in range(0, len(vectors), limit):
            piece = vectors[start : start + limit]
            if size + len(piece) > limit:
                yield np.vstack(parts).astype(np.float32, copy=False), np.concatenate(owner)
                parts, owner, size = [], [], 0
            parts.append(piece)
            owner.append(np.full(len(piece), k, dtype=np.int64))
            size += len(piece)
    if parts:
        yield np.vstack(parts).astype(np.float32, copy=False), np.concatenate(owner)


def _bonuses_and_filters(
    day: DayIndex,
    queries: Sequence[RadarQuery],
    weights: RadarWeights,
    total: Matrix,
    masks: NDArray[np.bool_],
    desc_stats: NDArray[np.float64],
    seed_cut: NDArray[np.float64],
) -> list[Evidence]:
    """Keyword and followed-author bonuses, then the hard filters (not allowed by `masks`, excluded → −inf), for the
    block: each radar's terms are looked up (once per term per day), the rows touched in one compiled pass per
    kind."""
    keywords = keyword_hits_block(day, [q.radar.keywords for q in queries])
    authors = [author_hits(day, q.radar.authors) for q in queries]
    add_keyword_bonuses(total, keywords, weights.keyword_bonus)
    add_author_bonuses(total, authors, weights.author_bonus)
    if len(masks):
        hide_masked(total, masks)
    exclude_phrases(day, total, [q.radar.excludes for q in queries])
    return [_evidence(q, desc_stats[r], float(seed_cut[r]), keywords[r], authors[r]) for r, q in enumerate(queries)]


def _evidence(
    query: RadarQuery,
    desc_stats: NDArray[np.float64],
    seed_cut: float,
    keywords: dict[str, NDArray[np.intp]],
    authors: NDArray[np.intp],
) -> Evidence:
    description = query.description_vector
    has_description = description is not None and len(description) > 0
    return Evidence(
        radar=query.radar,
        description_vector=np.asarray(description, np.float32) if has_description else None,
        description_mean_std=(float(desc_stats[0]), float(desc_stats[1])),
        seed_vectors=np.asarray(query.seed_vectors, np.float32),
        seed_titles=query.seed_titles,
        liked_vectors=np.asarray(query.liked_vectors, np.float32),
        keywords=keywords,
        authors=authors,
        seed_cut=seed_cut,
    )


def _ranking(
    day: DayIndex,
    ev: Evidence,
    row: Matrix,
    offset: float,
    kept: NDArray[np.intp],
    codes: ReasonCodes,
    aspects: AspectHits | None,
) -> Ranking:
    scores = row[kept].astype(np.float64) + offset + 0.0  # + 0.0: a flat signal's −0.0 reads as 0.00, not −0.00
    if aspects is not None:
        codes = replace(codes, aspect_sentence=aspects.named(kept, len(ev.seed_titles)))
    return Ranking(day.papers, kept, scores, ev, codes)
