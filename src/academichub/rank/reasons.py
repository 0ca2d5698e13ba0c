"""Why each kept paper was picked: the reasons shown beside it, built only for the papers a radar keeps. Pure.

Dense evidence (description, nearest seed, 👍) is computed for the kept papers in one small product each;
keyword reasons are shared between papers that match the same keywords.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from academichub.models import Radar, Reason
from academichub.rank.day import DayIndex
from academichub.rank.matching import author_key

NEAR_SEED_MIN_COS = 0.80  # below this a seed (or a 👍 paper) is not named as the reason
STANDS_OUT_Z = 1.0  # the description is named where its similarity is this many std above the day's mean


@dataclass(frozen=True)
class Evidence:
    """What one radar matched on the day, for its reasons."""

    radar: Radar
    description_vector: NDArray[np.float32] | None
    description_mean_std: tuple[float, float]  # of the description similarity over the day
    seed_vectors: NDArray[np.float32]
    seed_titles: Sequence[str]
    liked_vectors: NDArray[np.float32]
    keywords: dict[str, NDArray[np.intp]]  # keyword → papers matching it (ascending)
    authors: NDArray[np.intp]  # papers by a followed author (ascending)


def reasons_for(day: DayIndex, ev: Evidence, kept: NDArray[np.intp]) -> list[tuple[Reason, ...]]:
    """The reasons of each kept paper, in the order of `kept`."""
    kept_vectors = day.vectors[kept] if day.vectors.shape[1] > 0 else None
    columns: list[list[Reason | None]] = []
    if kept_vectors is not None:
        columns += [_description(ev, kept_vectors), _seed(ev, kept_vectors), _liked(ev, kept_vectors)]
    columns += [_keywords(ev, kept), _authors(day, ev, kept), _categories(day, ev, kept)]
    return _rows([c for c in columns if any(c)], len(kept))


def _rows(columns: list[list[Reason | None]], n: int) -> list[tuple[Reason, ...]]:
    """Per paper, its reasons from left to right; the common one- and two-column cases without a generator."""
    if not columns:
        return [()] * n
    if len(columns) == 1:
        return [() if r is None else (r,) for r in columns[0]]
    if len(columns) == 2:
        return [
            (a, b) if a is not None and b is not None else (a,) if a is not None else (b,) if b is not None else ()
            for a, b in zip(columns[0], columns[1], strict=True)
        ]
    return [tuple(r for r in row if r is not None) for row in zip(*columns, strict=True)]


def _description(ev: Evidence, kept_vectors: NDArray[np.float32]) -> list[Reason | None]:
    mean, std = ev.description_mean_std
    if ev.description_vector is None or std <= 0:
        return [None] * len(kept_vectors)
    sims = (kept_vectors @ ev.description_vector).tolist()
    cut = mean + STANDS_OUT_Z * std
    return [Reason("description", f"close to your description ({s:.2f})", s) if s >= cut else None for s in sims]


def _seed(ev: Evidence, kept_vectors: NDArray[np.float32]) -> list[Reason | None]:
    if not len(ev.seed_vectors) or not len(ev.seed_titles):
        return [None] * len(kept_vectors)
    sims = ev.seed_vectors @ kept_vectors.T  # [seeds, kept]
    best, which = sims.max(axis=0).tolist(), sims.argmax(axis=0).tolist()
    titles = ev.seed_titles
    return [
        Reason("seed", f"like your seed paper “{titles[w]}”", b) if b >= NEAR_SEED_MIN_COS and w < len(titles) else None
        for b, w in zip(best, which, strict=True)
    ]


def _liked(ev: Evidence, kept_vectors: NDArray[np.float32]) -> list[Reason | None]:
    if not len(ev.liked_vectors):
        return [None] * len(kept_vectors)
    best = (ev.liked_vectors @ kept_vectors.T).max(axis=0).tolist()
    return [
        Reason("classifier", f"learned from your 👍 (similarity {s:.2f})", s) if s >= NEAR_SEED_MIN_COS else None
        for s in best
    ]


def _member(kept: NDArray[np.intp], hits: NDArray[np.intp]) -> NDArray[np.bool_]:
    if not len(hits):
        return np.zeros(len(kept), dtype=bool)
    pos = np.minimum(np.searchsorted(hits, kept), len(hits) - 1)
    found: NDArray[np.bool_] = hits[pos] == kept
    return found


def _keywords(ev: Evidence, kept: NDArray[np.intp]) -> list[Reason | None]:
    if not ev.keywords:
        return [None] * len(kept)
    names = list(ev.keywords)
    matched = np.stack([_member(kept, ev.keywords[k]) for k in names], axis=1).tolist()  # [kept, keywords]
    shared: dict[tuple[bool, ...], Reason | None] = {}
    out: list[Reason | None] = []
    for flags in matched:
        key = tuple(flags)
        if key not in shared:
            found = [k for k, f in zip(names, flags, strict=True) if f]
            text = "matches " + ", ".join(f"“{k}”" for k in found)
            shared[key] = Reason("keyword", text, len(found)) if found else None
        out.append(shared[key])
    return out


def _authors(day: DayIndex, ev: Evidence, kept: NDArray[np.intp]) -> list[Reason | None]:
    if not len(ev.authors):
        return [None] * len(kept)
    wanted = {author_key(a) for a in ev.radar.authors if a.strip()}
    out: list[Reason | None] = []
    for i, is_hit in zip(kept.tolist(), _member(kept, ev.authors).tolist(), strict=True):
        names = [a.name for a in day.papers[i].authors if author_key(a.name) in wanted] if is_hit else []
        out.append(Reason("author", "by " + ", ".join(names) + " (followed)") if names else None)
    return out


def _categories(day: DayIndex, ev: Evidence, kept: NDArray[np.intp]) -> list[Reason | None]:
    watch = {w.lower() for w in ev.radar.watch}
    if not watch:
        return [None] * len(kept)
    out: list[Reason | None] = []
    for i in kept.tolist():
        in_watch = [c for c in day.papers[i].categories if c.lower() in watch]
        out.append(Reason("category", "in " + ", ".join(in_watch)) if in_watch else None)
    return out
