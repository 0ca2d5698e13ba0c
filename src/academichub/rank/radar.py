"""Ranking one day's papers for many radars at once, with the reasons for each pick.

Pure: papers, vectors and radars in; ScoredPapers out. The day is indexed once
(`index_day`: BM25, vectors, an inverted index); each block of radars is then
scored with matrix products: BM25 over description + keywords + seed titles,
dense similarity to the description, to the nearest seed and to 👍 papers
(a per-radar linear classifier), a 👎 penalty, and fixed bonuses for matched
keywords and followed authors. Signals are z-scored across the day's papers.
Exclusions and per-radar filters always win. Reasons are built only for the
papers a radar keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from academichub.models import Paper, Radar, Reason, ScoredPaper
from academichub.rank.bm25 import BM25Index
from academichub.rank.matching import author_key, fold, has_phrase, phrase
from academichub.rank.text import tokenize, tokenize_all

Vectors = NDArray[np.float32]
Matrix = NDArray[np.float32]
BLOCK_RADARS = 64  # radars scored together; bounds memory at BLOCK × papers floats per signal
NEAR_SEED_MIN_COS = 0.80  # below this a seed is not named as the reason
STANDS_OUT_Z = 1.0  # a signal is named as a reason where it is this many std above the day's mean
CLASSIFIER_NEGATIVES = 2_000  # day papers sampled as negatives for a radar's classifier
CLASSIFIER_C = 0.1


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


@dataclass(frozen=True)
class DayIndex:
    """A day's papers prepared once for any number of radars."""

    papers: Sequence[Paper]
    vectors: Vectors  # [n, d], unit rows (d = 0 when there are no vectors)
    bm25: BM25Index
    folded: list[str]  # accent-folded lower-case "title abstract", for phrase checks
    postings: dict[str, NDArray[np.intp]]  # token → papers containing it
    by_author: dict[str, NDArray[np.intp]]  # author key ("lecun y") → papers with that author


def paper_text(paper: Paper) -> str:
    """The text a paper is embedded and matched by."""
    return f"{paper.title}. {paper.abstract}".strip()


def index_day(papers: Sequence[Paper], vectors: Vectors) -> DayIndex:
    tokens = tokenize_all(f"{p.title} {p.title} {p.abstract}" for p in papers)
    postings: dict[str, list[int]] = {}
    by_author: dict[str, list[int]] = {}
    for i, toks in enumerate(tokens):
        for tok in set(toks):
            postings.setdefault(tok, []).append(i)
        for author in papers[i].authors:
            by_author.setdefault(author_key(author.name), []).append(i)
    return DayIndex(
        papers=papers,
        vectors=vectors if len(vectors) else np.zeros((len(papers), 0), dtype=np.float32),
        bm25=BM25Index(tokens),
        folded=[fold(f"{p.title} {p.abstract}") for p in papers],
        postings={t: np.asarray(ix, dtype=np.intp) for t, ix in postings.items()},
        by_author={a: np.unique(np.asarray(ix, dtype=np.intp)) for a, ix in by_author.items()},
    )


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


def rank_radar(inputs: RadarInputs, weights: RadarWeights = RadarWeights()) -> list[ScoredPaper]:
    """Every paper the radar may show, best first, with scores and reasons."""
    query = RadarQuery(
        inputs.radar, inputs.description_vector, inputs.seed_vectors, inputs.seed_titles,
        inputs.liked_vectors, inputs.disliked_vectors,
    )  # fmt: skip
    return rank_radars(index_day(inputs.papers, inputs.vectors), [query], weights)[0]


def rank_radars(
    day: DayIndex, queries: Sequence[RadarQuery], weights: RadarWeights = RadarWeights(), *, top_k: int | None = None
) -> list[list[ScoredPaper]]:
    """For each radar, its best `top_k` papers (all when None), best first, numbered from 1."""
    out: list[list[ScoredPaper]] = []
    for start in range(0, len(queries), BLOCK_RADARS):
        out += _rank_block(day, queries[start : start + BLOCK_RADARS], weights, top_k)
    return out


def _rank_block(
    day: DayIndex, queries: Sequence[RadarQuery], weights: RadarWeights, top_k: int | None
) -> list[list[ScoredPaper]]:
    n = len(day.papers)
    total = np.zeros((len(queries), n), dtype=np.float32)
    if n == 0:
        return [[] for _ in queries]
    lexical = [tokenize(" ".join([q.radar.description, *q.radar.keywords, *q.seed_titles])) for q in queries]
    total += weights.bm25 * _zrows(day.bm25.score_many(lexical).astype(np.float32))
    dense = day.vectors.shape[1] > 0
    desc_z = np.zeros_like(total)
    seed_best: list[tuple[NDArray[np.float32], NDArray[np.intp]] | None] = [None] * len(queries)
    if dense:
        desc_z = _description_signal(day, queries)
        total += weights.description * desc_z
        total += weights.seeds * _seed_signal(day, queries, seed_best)
    hits: list[_Hits] = []
    for row, query in enumerate(queries):
        if dense:
            total[row] += _feedback_signal(day, query, weights)
        bonus, found = _bonuses(day, query.radar, weights)
        total[row] += bonus
        hits.append(found)
        _apply_filters(day, query, total[row])
    return [_scored(day, q, total[r], desc_z[r], seed_best[r], hits[r], top_k) for r, q in enumerate(queries)]


def _zrows(x: Matrix) -> Matrix:
    """z-score each row across the day's papers (a constant row becomes zeros)."""
    mean = x.mean(axis=1, keepdims=True)
    std = x.std(axis=1, keepdims=True)
    return np.where(std > 1e-9, (x - mean) / np.where(std > 1e-9, std, 1.0), 0.0).astype(np.float32)


def _description_signal(day: DayIndex, queries: Sequence[RadarQuery]) -> Matrix:
    has = [i for i, q in enumerate(queries) if q.description_vector is not None and len(q.description_vector)]
    out = np.zeros((len(queries), len(day.papers)), dtype=np.float32)
    if has:
        desc = np.vstack([queries[i].description_vector for i in has]).astype(np.float32)  # type: ignore[misc]
        out[has] = _zrows(desc @ day.vectors.T)
    return out


def _seed_signal(
    day: DayIndex,
    queries: Sequence[RadarQuery],
    seed_best: list[tuple[NDArray[np.float32], NDArray[np.intp]] | None],
) -> Matrix:
    """z of each paper's similarity to the radar's nearest seed; remembers which seed it was."""
    out = np.zeros((len(queries), len(day.papers)), dtype=np.float32)
    owners = [i for i, q in enumerate(queries) if len(q.seed_vectors)]
    if not owners:
        return out
    stacked = np.vstack([queries[i].seed_vectors for i in owners]).astype(np.float32)
    sims = stacked @ day.vectors.T  # [all seeds, n]
    offsets = np.cumsum([0] + [len(queries[i].seed_vectors) for i in owners])
    for k, row in enumerate(owners):
        block = sims[offsets[k] : offsets[k + 1]]
        best = block.max(axis=0)
        seed_best[row] = (best, block.argmax(axis=0))
        out[row] = _zrows(best[None, :])[0]
    return out


def _feedback_signal(day: DayIndex, query: RadarQuery, weights: RadarWeights) -> NDArray[np.float32]:
    """A linear classifier (seeds and 👍 vs the day's papers and 👎), and a 👎-similarity penalty."""
    out = np.zeros(len(day.papers), dtype=np.float32)
    positives = [v for v in (query.seed_vectors, query.liked_vectors) if len(v)]
    if len(query.liked_vectors) and positives:
        from sklearn.svm import LinearSVC

        pos = np.vstack(positives)
        rng = np.random.default_rng(len(day.papers))
        sample = rng.choice(len(day.papers), min(CLASSIFIER_NEGATIVES, len(day.papers)), replace=False)
        neg = [day.vectors[sample], *([query.disliked_vectors] if len(query.disliked_vectors) else [])]
        x = np.vstack([pos, *neg])
        y = np.r_[np.ones(len(pos)), np.zeros(len(x) - len(pos))]
        clf = LinearSVC(C=CLASSIFIER_C, class_weight="balanced", max_iter=5000, tol=1e-4).fit(x, y)
        decision = day.vectors @ clf.coef_[0].astype(np.float32) + np.float32(clf.intercept_[0])
        out += weights.classifier * _zrows(decision[None, :])[0]
    if len(query.disliked_vectors):
        near_disliked = (day.vectors @ query.disliked_vectors.T).max(axis=1)
        out -= weights.disliked * _zrows(near_disliked[None, :].astype(np.float32))[0]
    return out


@dataclass(frozen=True)
class _Hits:
    """Which papers matched a radar's keywords and followed authors (for bonuses and reasons)."""

    keywords: dict[str, set[int]]
    authors: set[int]


def _bonuses(day: DayIndex, radar: Radar, weights: RadarWeights) -> tuple[NDArray[np.float32], _Hits]:
    bonus = np.zeros(len(day.papers), dtype=np.float32)
    keyword_hits: dict[str, set[int]] = {}
    for keyword in radar.keywords:
        hits = _phrase_hits(day, keyword)
        keyword_hits[keyword] = set(hits.tolist())
        bonus[hits] += weights.keyword_bonus
    np.minimum(bonus, 3 * weights.keyword_bonus, out=bonus)
    followed = [day.by_author[k] for k in {author_key(a) for a in radar.authors if a.strip()} if k in day.by_author]
    author_hits: set[int] = set()
    if followed:
        joined = np.unique(np.concatenate(followed))
        bonus[joined] += weights.author_bonus
        author_hits = set(joined.tolist())
    return bonus, _Hits(keyword_hits, author_hits)


def _apply_filters(day: DayIndex, query: RadarQuery, row: NDArray[np.float32]) -> None:
    if query.allowed is not None:
        row[~query.allowed] = -np.inf
    for term in query.radar.excludes:
        row[_phrase_hits(day, term)] = -np.inf


def _phrase_hits(day: DayIndex, term: str) -> NDArray[np.intp]:
    """Papers containing the phrase: candidates from the inverted index, confirmed by regex."""
    tokens = tokenize(term)
    pattern = phrase(term)
    if not term.strip() or not fold(term).split():
        return np.arange(0)
    if not tokens or not all(t.isascii() for t in tokens):  # stop words only, or CJK: scan every paper
        candidates: NDArray[np.intp] = np.arange(len(day.papers))
    else:
        candidates = _docs_with(day, tokens[0])
        for tok in tokens[1:]:
            candidates = np.intersect1d(candidates, _docs_with(day, tok), assume_unique=True)
        if len(tokens) == 1 and len(term.split()) == 1:
            return candidates  # one word: the inverted index already is the answer
    folded = day.folded
    needle = " ".join(fold(term).split())
    return np.asarray([i for i in candidates if has_phrase(folded[i], needle, pattern)], dtype=np.intp)


def _docs_with(day: DayIndex, token: str) -> NDArray[np.intp]:
    """Papers containing the token or its plural (the phrase pattern accepts both)."""
    found = [day.postings[t] for t in (token, token + "s", token + "es") if t in day.postings]
    if not found:
        return np.arange(0)
    return found[0] if len(found) == 1 else np.unique(np.concatenate(found))


def _scored(
    day: DayIndex,
    query: RadarQuery,
    row: NDArray[np.float32],
    desc_z: NDArray[np.float32],
    seed_best: tuple[NDArray[np.float32], NDArray[np.intp]] | None,
    hits: _Hits,
    top_k: int | None,
) -> list[ScoredPaper]:
    keep = np.flatnonzero(np.isfinite(row))
    if top_k is not None and len(keep) > top_k:
        keep = keep[np.argpartition(-row[keep], top_k - 1)[:top_k]]
    order = keep[np.argsort(-row[keep], kind="stable")]
    return [
        ScoredPaper(day.papers[i], float(row[i]), _reasons(day, query, int(i), desc_z, seed_best, hits), rank)
        for rank, i in enumerate(order, start=1)
    ]


def _reasons(
    day: DayIndex,
    query: RadarQuery,
    i: int,
    desc_z: NDArray[np.float32],
    seed_best: tuple[NDArray[np.float32], NDArray[np.intp]] | None,
    hits: _Hits,
) -> tuple[Reason, ...]:
    radar, paper = query.radar, day.papers[i]
    reasons: list[Reason] = []
    if desc_z[i] >= STANDS_OUT_Z and query.description_vector is not None:
        sim = float(day.vectors[i] @ query.description_vector)
        reasons.append(Reason("description", f"close to your description ({sim:.2f})", sim))
    if seed_best is not None and seed_best[0][i] >= NEAR_SEED_MIN_COS and seed_best[1][i] < len(query.seed_titles):
        title = query.seed_titles[int(seed_best[1][i])]
        reasons.append(Reason("seed", f"like your seed paper “{title}”", float(seed_best[0][i])))
    if len(query.liked_vectors) and day.vectors.shape[1]:
        sim = float((query.liked_vectors @ day.vectors[i]).max())
        if sim >= NEAR_SEED_MIN_COS:
            reasons.append(Reason("classifier", f"learned from your 👍 (similarity {sim:.2f})", sim))
    matched = [k for k, found in hits.keywords.items() if i in found]
    if matched:
        reasons.append(Reason("keyword", "matches " + ", ".join(f"“{k}”" for k in matched), len(matched)))
    wanted = {author_key(a) for a in radar.authors if a.strip()} if i in hits.authors else set()
    followed = [a.name for a in paper.authors if author_key(a.name) in wanted] if wanted else []
    if followed:
        reasons.append(Reason("author", "by " + ", ".join(followed) + " (followed)"))
    watch = {w.lower() for w in radar.watch}
    in_watch = [c for c in paper.categories if c.lower() in watch]
    if in_watch:
        reasons.append(Reason("category", "in " + ", ".join(in_watch)))
    return tuple(reasons)
