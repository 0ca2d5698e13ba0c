"""Sentence-to-sentence matching of a radar's seed papers with the day's papers: the aspect signal. Pure.

A whole-abstract vector blurs a paper's separate aspects (its problem, its method, its findings) into one point;
two papers that share one aspect closely can sit far apart. Here every abstract is a set of sentence vectors
(rank.sentences splits, the embedder encodes each sentence once) and a seed matches a paper by the best
counterpart of each sentence, both ways:

    match(seed, paper) = ½ · (mean over seed sentences of the best paper sentence
                              + mean over paper sentences of the best seed sentence)

and a radar's match is its best seed. It re-ranks each radar's leading candidates (rank.radar): on CSFCube's
one-seed radars it adds to the abstract-vector and BM25 blend (docs/ranking-quality.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from academichub.rank.kernels import aspect_matches, gather_candidates, offsets

Matrix = NDArray[np.float32]


@dataclass(frozen=True)
class SentenceRows:
    """Every paper's sentence vectors stacked: paper i owns rows start[i]:start[i + 1] (empty: no sentences)."""

    vectors: Matrix  # [total sentences, d], unit rows
    start: NDArray[np.intp]  # [papers + 1]

    @staticmethod
    def of(per_paper: Sequence[Matrix | None], dim: int) -> SentenceRows:
        start = offsets([0 if m is None else len(m) for m in per_paper]).astype(np.intp)
        parts = [np.asarray(m, dtype=np.float32).reshape(-1, dim) for m in per_paper if m is not None and len(m)]
        vectors = np.vstack(parts) if parts else np.zeros((0, dim), dtype=np.float32)
        return SentenceRows(vectors, start)

    def __len__(self) -> int:
        return len(self.start) - 1


@dataclass(frozen=True)
class SentenceMatch:
    """Per candidate paper: the match with the radar's best seed (NaN where either side has no sentences)."""

    score: NDArray[np.float64]
    seed: NDArray[np.intp]  # which seed matched best (-1 where score is NaN)
    sentence: NDArray[np.intp]  # the paper's sentence closest to any sentence of that seed (-1 where NaN)
    cosine: NDArray[np.float32]  # … and how close


def sentence_match(seeds: Sequence[Matrix], day: SentenceRows, papers: NDArray[np.intp]) -> SentenceMatch:
    """The aspect match of each of `papers` (distinct day indices) with the best of `seeds` (each [sentences, d]):
    one radar, nothing re-ranked (add_aspects on a scratch row, weight 0)."""
    scratch = np.zeros((1, len(day)), dtype=np.float32)
    (hits,) = add_aspects(scratch, [0], [np.asarray(papers, dtype=np.intp)], [seeds], day, 0.0)
    at = np.searchsorted(hits.papers, papers)  # hits are in ascending order; give them back in the order asked
    m = hits.match
    return SentenceMatch(m.score[at], m.seed[at], m.sentence[at], m.cosine[at])


# each radar's leading candidates re-ranked by the aspect signal (200 before session 8: docs/ranking-quality.md)
ASPECT_DEPTH = 100
STANDS_OUT_Z = 1.0  # the matching sentence is named where the match is this many std above the candidates' mean
NAMED_MIN_COS = 0.88  # … and the sentence pair is this close (e5: generic ML sentences pair at 0.80–0.87)


@dataclass(frozen=True)
class AspectHits:
    """One radar's re-ranked candidates (ascending day indices), their aspect z-scores and matches."""

    papers: NDArray[np.intp]
    z: NDArray[np.float64]
    match: SentenceMatch

    def named(self, kept: NDArray[np.intp], titles: int) -> NDArray[np.intp]:
        """Per kept paper, (seed, the paper's sentence closest to it) where the match stands out among the
        candidates and the sentence pair is close in absolute terms; (-1, -1) elsewhere. `titles`: seeds that
        have a title to name."""
        out = np.full((len(kept), 2), -1, dtype=np.intp)
        if not len(self.papers):
            return out
        pos = np.minimum(np.searchsorted(self.papers, kept), len(self.papers) - 1)
        seed, sentence = self.match.seed[pos], self.match.sentence[pos]
        named = (self.papers[pos] == kept) & (self.z[pos] >= STANDS_OUT_Z) & (seed >= 0) & (seed < titles)
        named &= self.match.cosine[pos].astype(np.float64) >= NAMED_MIN_COS
        out[named] = np.column_stack([seed, sentence])[named]
        return out


def add_aspects(
    total: Matrix,
    rows: Sequence[int],
    leading: Sequence[NDArray[np.intp]],
    seeds: Sequence[Sequence[Matrix]],
    day: SentenceRows,
    weight: float,
) -> list[AspectHits]:
    """For each seeded radar i of a block (row rows[i] of `total`, seeds[i] its seeds' sentence vectors): adds
    weight × z(aspect match) to its `leading[i]` candidates still finite in its row (its ASPECT_DEPTH best scores;
    z over those candidates); papers further down keep their scores. Candidates and their sentences are gathered,
    and matched, for the whole block in two compiled calls (rank.kernels), with one BLAS product a radar between:
    the radars' many small steps do not each take the GIL."""
    width = max((len(c) for c in leading), default=0)
    padded = np.zeros((len(leading), width), dtype=np.int64)
    for i, candidates in enumerate(leading):
        padded[i, : len(candidates)] = candidates
    found = np.array([len(c) for c in leading], dtype=np.int64)
    radar_rows = np.asarray(rows, dtype=np.int64)
    count, papers, kept, present, sentence_start, starts, gathered = gather_candidates(
        total, radar_rows, padded, found, day.vectors, day.start.astype(np.int64)
    )
    listed = [(i, k, m) for i, radar in enumerate(seeds) for k, m in enumerate(radar) if len(m)]
    radar_seeds = np.searchsorted([i for i, _, _ in listed], np.arange(len(seeds) + 1)).astype(np.int64)
    seed_start = offsets([len(m) for _, _, m in listed])
    sims, sims_start = _products(gathered, starts, [[m for _, _, m in listed[a:b]] for a, b in pairwise(radar_seeds)])
    score, z, which, sentence, cosine = aspect_matches(
        total, radar_rows, papers, kept, present, sentence_start, sims, sims_start, seed_start, radar_seeds,
        np.array([k for _, k, _ in listed], dtype=np.int64), weight,
    )  # fmt: skip
    return [
        AspectHits(
            papers[i, :c].astype(np.intp),
            z[i, :c],
            SentenceMatch(score[i, :c], which[i, :c].astype(np.intp), sentence[i, :c].astype(np.intp), cosine[i, :c]),
        )
        for i, c in enumerate(count.tolist())
    ]


def _products(
    gathered: Matrix, starts: NDArray[np.int64], seeds: Sequence[Sequence[Matrix]]
) -> tuple[Matrix, NDArray[np.int64]]:
    """Radar i's [candidate sentences, seed sentences] similarities, one BLAS product a radar (the GIL released),
    flattened radar after radar: (values, where each radar's start)."""
    parts = [
        (gathered[starts[i] : starts[i + 1]] @ np.vstack(radar).T).ravel() if radar else np.zeros(0, np.float32)
        for i, radar in enumerate(seeds)
    ]
    flat = np.concatenate(parts).astype(np.float32, copy=False) if parts else np.zeros(0, np.float32)
    return flat, offsets([len(p) for p in parts])
