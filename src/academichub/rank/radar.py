"""Ranking one day's papers for many radars at once, with the reasons for each pick.

Pure: papers, vectors and radars in; ScoredPapers out. The day is indexed once (rank.day); each block of
radars is then scored as a [radars × papers] matrix of weighted z-scores: BM25 over description + keywords +
seed texts (title + abstract), dense similarity to the description and the closed-form 👍 classifier
(rank.classifier) in one matrix product, the nearest seed, a 👎 penalty, and fixed bonuses for keywords and
followed authors found once per term per day (rank.keywords). Exclusions and per-radar filters always win.
Only each radar's top k are selected (rank.topk) and given reasons (rank.reasons).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from academichub.models import Paper, Radar, ScoredPaper
from academichub.rank.classifier import classifier_directions
from academichub.rank.day import DayIndex, index_day
from academichub.rank.keywords import add_keyword_bonus, author_hits, exclude_phrases, keyword_hits
from academichub.rank.reasons import Evidence, reasons_for
from academichub.rank.text import tokenize
from academichub.rank.topk import top_columns

__all__ = [
    "DayIndex",
    "RadarInputs",
    "RadarQuery",
    "RadarWeights",
    "index_day",
    "paper_text",
    "rank_radar",
    "rank_radars",
]

Vectors = NDArray[np.float32]
Matrix = NDArray[np.float32]
BLOCK_RADARS = 128  # radars scored together; bounds memory at 2 × BLOCK × papers floats
LEXICAL_SEEDS = 20  # seed texts in the BM25 query at most
MIN_STD = 1e-9  # a signal flatter than this across the day contributes nothing


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
    n = len(day.papers)
    if n == 0:
        return [[] for _ in queries]
    rows = min(BLOCK_RADARS, len(queries))
    buffers = (np.empty((rows, n), dtype=np.float32), np.empty((rows, n), dtype=np.float32))
    out: list[list[ScoredPaper]] = []
    for start in range(0, len(queries), BLOCK_RADARS):
        out += _rank_block(day, queries[start : start + BLOCK_RADARS], weights, top_k, buffers)
    return out


def _rank_block(
    day: DayIndex,
    queries: Sequence[RadarQuery],
    weights: RadarWeights,
    top_k: int | None,
    buffers: tuple[Matrix, Matrix],
) -> list[list[ScoredPaper]]:
    """Every signal lands in `total` [radars, papers] as weight × z-score, less a per-radar constant (`offset`)
    that is added back only to the kept papers' scores: constants do not change a radar's order."""
    total, scratch = buffers[0][: len(queries)], buffers[1][: len(queries)]
    offset = _add_lexical(day, queries, weights, total)
    desc_stats = np.zeros((len(queries), 2))
    if day.vectors.shape[1]:
        offset += _add_linear(day, queries, weights, total, scratch, desc_stats)
        _add_nearest(day, total, [q.seed_vectors for q in queries], weights.seeds)
        _add_nearest(day, total, [q.disliked_vectors for q in queries], -weights.disliked)
    evidence = [_bonuses_and_filters(day, q, weights, total[r], desc_stats[r]) for r, q in enumerate(queries)]
    kept = top_columns(total, top_k)
    return [_scored(day, evidence[r], total[r], float(offset[r]), kept[r]) for r in range(len(queries))]


def _z_scale(weight: float, mean: NDArray[np.float64], std: NDArray[np.float64]) -> tuple[NDArray[np.float64], ...]:
    """Multiplier and constant turning a raw signal into weight × z (zero where the signal is flat)."""
    scale = np.where(std > MIN_STD, weight / np.where(std > MIN_STD, std, 1.0), 0.0)
    return scale, -scale * mean


def _add_lexical(
    day: DayIndex, queries: Sequence[RadarQuery], weights: RadarWeights, total: Matrix
) -> NDArray[np.float64]:
    """BM25 of description + keywords + seed texts; the row mean comes from the index, the spread from one pass."""
    lexical = [tokenize(" ".join([q.radar.description, *q.radar.keywords, *_lexical_seeds(q)])) for q in queries]
    total.fill(0.0)
    n = len(day.papers)
    mean = day.bm25.add_scores(total, lexical) / n
    mean_sq = np.einsum("ij,ij->i", total, total).astype(np.float64) / n
    scale, offset = _z_scale(weights.bm25, mean, np.sqrt(np.maximum(mean_sq - mean * mean, 0.0)))
    total *= scale.astype(np.float32)[:, None]
    return offset


def _lexical_seeds(query: RadarQuery) -> Sequence[str]:
    """Seed title + abstract (on CSFCube one-seed radars: 59.4 NDCG%20 against 57.1 with titles alone), at most
    LEXICAL_SEEDS of them so a large imported library does not turn BM25 into a bag of every word."""
    return (query.seed_texts or query.seed_titles)[:LEXICAL_SEEDS]


def _add_linear(
    day: DayIndex,
    queries: Sequence[RadarQuery],
    weights: RadarWeights,
    total: Matrix,
    scratch: Matrix,
    desc_stats: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Description similarity and the 👍 classifier are both linear in the paper vectors, and their day mean and
    spread follow from the day's covariance: blended into one coefficient row per radar, one matrix product."""
    d = day.vectors.shape[1]
    coef = np.zeros((len(queries), d))
    offset = np.zeros(len(queries))
    described = [r for r, q in enumerate(queries) if q.description_vector is not None and len(q.description_vector)]
    if described:
        directions = np.vstack([queries[r].description_vector for r in described]).astype(np.float64)  # type: ignore[misc]
        desc_stats[described] = _blend(day, described, directions, weights.description, coef, offset)
    taught = [r for r, q in enumerate(queries) if len(q.liked_vectors)]
    if taught:
        directions = classifier_directions(day, [_examples(queries[r], d) for r in taught])
        _blend(day, taught, directions, weights.classifier, coef, offset)
    np.matmul(coef.astype(np.float32), day.vectors.T, out=scratch)
    total += scratch
    return offset


def _examples(query: RadarQuery, d: int) -> tuple[Vectors, Vectors]:
    """The classifier's positives (seeds + 👍) and extra negatives (👎)."""
    positives = np.vstack([v for v in (query.seed_vectors, query.liked_vectors) if len(v)])
    negatives = query.disliked_vectors if len(query.disliked_vectors) else np.zeros((0, d), dtype=np.float32)
    return positives, negatives


def _blend(
    day: DayIndex,
    rows: list[int],
    directions: NDArray[np.float64],
    weight: float,
    coef: NDArray[np.float64],
    offset: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Adds weight × z(vectors @ direction) to the rows' coefficients; returns the raw signals' [mean, std]."""
    mean, std = day.stats.mean_std(directions)
    scale, constant = _z_scale(weight, mean, std)
    coef[rows] += scale[:, None] * directions
    offset[rows] += constant
    return np.column_stack([mean, std])


def _add_nearest(day: DayIndex, total: Matrix, sets: Sequence[Vectors], weight: float) -> None:
    """weight × z of each paper's similarity to the nearest vector of each radar's set (seeds, 👎)."""
    owners = [r for r, v in enumerate(sets) if len(v)]
    if not owners:
        return
    sims = np.vstack([sets[r] for r in owners]).astype(np.float32) @ day.vectors.T  # [all vectors, papers]
    starts = np.cumsum([0] + [len(sets[r]) for r in owners[:-1]])
    best = np.maximum.reduceat(sims, starts, axis=0)  # [owners, papers]
    scale, constant = _z_scale(weight, best.mean(axis=1, dtype=np.float64), best.std(axis=1, dtype=np.float64))
    best *= scale.astype(np.float32)[:, None]
    best += constant.astype(np.float32)[:, None]
    total[owners] += best


def _bonuses_and_filters(
    day: DayIndex, query: RadarQuery, weights: RadarWeights, row: Matrix, desc_stats: NDArray[np.float64]
) -> Evidence:
    """Keyword and followed-author bonuses, then the hard filters (not allowed, excluded → −inf)."""
    radar = query.radar
    keywords = keyword_hits(day, radar.keywords)
    add_keyword_bonus(row, keywords, weights.keyword_bonus)
    authors = author_hits(day, radar.authors)
    row[authors] += np.float32(weights.author_bonus)
    if query.allowed is not None:
        np.copyto(row, -np.inf, where=~query.allowed)
    exclude_phrases(day, row, radar.excludes)
    description = query.description_vector
    return Evidence(
        radar=radar,
        description_vector=description.astype(np.float32) if description is not None and len(description) else None,
        description_mean_std=(float(desc_stats[0]), float(desc_stats[1])),
        seed_vectors=query.seed_vectors.astype(np.float32),
        seed_titles=query.seed_titles,
        liked_vectors=query.liked_vectors.astype(np.float32),
        keywords=keywords,
        authors=authors,
    )


def _scored(day: DayIndex, ev: Evidence, row: Matrix, offset: float, kept: NDArray[np.intp]) -> list[ScoredPaper]:
    papers = day.papers
    scores = (row[kept].astype(np.float64) + offset).tolist()
    reasons = reasons_for(day, ev, kept)
    return [
        ScoredPaper(papers[i], score, why, rank)
        for rank, (i, score, why) in enumerate(zip(kept.tolist(), scores, reasons, strict=True), start=1)
    ]
