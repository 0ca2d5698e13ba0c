"""Why each kept paper was picked. Pure.

`reason_codes` settles, for all the kept papers of a block of radars at once, which reasons apply and their
figures (description / nearest seed / 👍 similarity, matched keywords, followed author) as arrays; `reasons_at`
turns one paper's codes into the Reason texts shown beside it, only when that paper is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from academichub.models import Paper, Radar, Reason
from academichub.rank.kernels import kept_in_sets, nearest_of_kept, offsets
from academichub.rank.listings import watched_as
from academichub.rank.matching import author_key
from academichub.rank.sentences import paper_sentences

NEAR_SEED_MIN_COS = 0.80  # below this a seed (or a 👍 paper) is not named as the reason
STANDS_OUT_Z = 1.0  # the description is named where its similarity is this many std above its mean


@dataclass(frozen=True)
class Evidence:
    """What one radar matched on the day, for its reasons."""

    radar: Radar
    description_vector: NDArray[np.float32] | None
    description_mean_std: tuple[float, float]  # of the description similarity over the papers the radar may show
    seed_vectors: NDArray[np.float32]
    seed_titles: Sequence[str]
    liked_vectors: NDArray[np.float32]
    keywords: dict[str, NDArray[np.intp]]  # keyword → papers matching it (ascending)
    authors: NDArray[np.intp]  # papers by a followed author (ascending)
    seed_cut: float = float("-inf")  # nearest-seed similarity that stands out on the day (mean + STANDS_OUT_Z std)


@dataclass(frozen=True)
class ReasonCodes:
    """Per kept paper (in rank order), which reasons apply; None where a kind applies to none of them."""

    description: NDArray[np.float32] | None = None  # similarity; named where `description_named`
    description_named: NDArray[np.bool_] | None = None
    seed: NDArray[np.float32] | None = None  # similarity to the nearest seed; named where `seed_named`
    seed_which: NDArray[np.intp] | None = None  # which seed (index into the radar's seed titles)
    seed_named: NDArray[np.bool_] | None = None
    liked: NDArray[np.float32] | None = None  # similarity to the nearest 👍; named where `liked_named`
    liked_named: NDArray[np.bool_] | None = None
    keywords: NDArray[np.bool_] | None = None  # [kept, keywords of Evidence.keywords] matched
    author: NDArray[np.bool_] | None = None  # by a followed author
    aspect_sentence: NDArray[np.intp] | None = None  # [kept, 2]: (seed, paper sentence) that matched; -1: none


Nearest = tuple[NDArray[np.float32] | None, NDArray[np.int64] | None]  # per kept paper: similarity, which set row
_NOT_COMPARED: Nearest = (None, None)  # the day has no vectors


def reason_codes(
    evidence: Sequence[Evidence], kept: Sequence[NDArray[np.intp]], vectors: NDArray[np.float32]
) -> list[ReasonCodes]:
    """The reason codes of a block of radars' kept papers (kept[i]: radar i's, day indices in rank order), settled
    for the whole block in a few compiled calls (rank.kernels); `vectors` are the day's (no columns: none)."""
    start = offsets([len(k) for k in kept])
    flat = np.concatenate(kept).astype(np.int64) if len(kept) else np.zeros(0, dtype=np.int64)
    described: Nearest = _NOT_COMPARED
    seeded: Nearest = _NOT_COMPARED
    liked: Nearest = _NOT_COMPARED
    if vectors.shape[1]:
        described = _nearest(vectors, flat, start, [_description_set(ev) for ev in evidence])
        seeded = _nearest(vectors, flat, start, [ev.seed_vectors if len(ev.seed_titles) else None for ev in evidence])
        liked = _nearest(vectors, flat, start, [ev.liked_vectors for ev in evidence])
    keywords = _kept_in(flat, start, [list(ev.keywords.values()) for ev in evidence])
    authors = _kept_in(flat, start, [[ev.authors] if len(ev.authors) else [] for ev in evidence])
    out = []
    for i, ev in enumerate(evidence):
        lo, hi = int(start[i]), int(start[i + 1])
        has_description = ev.description_vector is not None and ev.description_mean_std[1] > 0
        description = _part(described[0], lo, hi, has_description)
        seed = _part(seeded[0], lo, hi, len(ev.seed_vectors) > 0 and len(ev.seed_titles) > 0)
        which = _part(seeded[1], lo, hi, seed is not None)
        near = _part(liked[0], lo, hi, len(ev.liked_vectors) > 0)
        mean, std = ev.description_mean_std
        out.append(
            ReasonCodes(
                description=description,
                description_named=_at_least(description, mean + STANDS_OUT_Z * std),
                seed=seed,
                seed_which=which,
                seed_named=_seed_named(seed, which, len(ev.seed_titles), ev.seed_cut),
                liked=near,
                liked_named=_at_least(near, NEAR_SEED_MIN_COS),
                keywords=keywords[i].T if ev.keywords else None,
                author=authors[i][0] if len(ev.authors) else None,
            )
        )
    return out


def _description_set(ev: Evidence) -> NDArray[np.float32] | None:
    return None if ev.description_vector is None else ev.description_vector.reshape(1, -1)


def _nearest(
    vectors: NDArray[np.float32],
    flat: NDArray[np.int64],
    start: NDArray[np.int64],
    sets: Sequence[NDArray[np.float32] | None],
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Per kept paper, the largest similarity to its radar's set (None or empty: NaN) and which set row gave it."""
    parts = [s for s in sets if s is not None and len(s)]
    if not parts:
        return np.full(len(flat), np.nan, dtype=np.float32), np.full(len(flat), -1, dtype=np.int64)
    set_start = offsets([0 if s is None else len(s) for s in sets])
    return nearest_of_kept(vectors, flat, start, np.vstack(parts).astype(np.float32, copy=False), set_start)


def _kept_in(
    flat: NDArray[np.int64], start: NDArray[np.int64], sets: Sequence[Sequence[NDArray[np.intp]]]
) -> list[NDArray[np.bool_]]:
    """Per radar, [its sets, its kept papers]: whether each kept paper is in each of its (ascending) index sets."""
    owner = np.repeat(np.arange(len(sets), dtype=np.int64), [len(s) for s in sets])
    listed = [h for radar in sets for h in radar]
    hit_start = offsets([len(h) for h in listed])
    hits = np.concatenate(listed).astype(np.int64) if listed else np.zeros(0, dtype=np.int64)
    out_start = offsets(start[owner + 1] - start[owner])
    member = kept_in_sets(flat, start, hits, hit_start, owner, out_start)
    first = np.searchsorted(owner, np.arange(len(sets) + 1))
    return [
        member[out_start[first[i]] : out_start[first[i + 1]]].reshape(len(sets[i]), int(start[i + 1] - start[i]))
        for i in range(len(sets))
    ]


def _part(values: NDArray[Any] | None, lo: int, hi: int, applies: bool) -> NDArray[Any] | None:
    return values[lo:hi] if applies and values is not None else None


def _at_least(sims: NDArray[np.float32] | None, cut: float) -> NDArray[np.bool_] | None:
    """sims ≥ cut compared in float64, as the Python floats the reasons show."""
    return None if sims is None else sims.astype(np.float64) >= cut


def _seed_named(
    seed: NDArray[np.float32] | None, which: NDArray[np.intp] | None, titles: int, cut: float
) -> NDArray[np.bool_] | None:
    """Named where the paper is near the seed in absolute terms and stands out among the day's papers (with
    e5 most abstracts sit above 0.80 of any seed, so the absolute bar alone named a seed for every pick)."""
    near = _at_least(seed, max(NEAR_SEED_MIN_COS, cut))
    return None if near is None or which is None else near & (which < titles)


def reasons_at(ev: Evidence, codes: ReasonCodes, j: int, paper: Paper) -> tuple[Reason, ...]:
    """The reasons of the j-th kept paper, left to right: description, seed, matching sentence, 👍, keywords,
    author, category."""
    out: list[Reason] = []
    if codes.description_named is not None and codes.description is not None and codes.description_named[j]:
        s = float(codes.description[j])
        out.append(Reason("description", f"close to your description ({s:.2f})", s, (("similarity", f"{s:.2f}"),)))
    named_seed = -1  # the seed named as a whole, if any
    if codes.seed_named is not None and codes.seed is not None and codes.seed_which is not None and codes.seed_named[j]:
        s = float(codes.seed[j])
        named_seed = int(codes.seed_which[j])
        title = ev.seed_titles[named_seed]
        out.append(Reason("seed", f"like your seed paper “{title}”", s, (("title", title),)))
    if codes.aspect_sentence is not None and codes.aspect_sentence[j, 1] >= 0:
        seed, which = codes.aspect_sentence[j].tolist()
        sentences = paper_sentences(paper.title, paper.abstract)
        if which < len(sentences):
            title = ev.seed_titles[seed]
            said = _clip(sentences[which])
            if seed == named_seed:  # the reason before names it: its long title is not repeated
                text = f"“{said}” is close to one of that seed's sentences"
                values: tuple[tuple[str, str], ...] = (("sentence", said), ("title", title), ("variant", "same_seed"))
            else:
                text = f"“{said}” is close to a sentence of your seed “{title}”"
                values = (("sentence", said), ("title", title))
            out.append(Reason("aspect", text, values=values))
    if codes.liked_named is not None and codes.liked is not None and codes.liked_named[j]:
        s = float(codes.liked[j])
        out.append(Reason("classifier", f"learned from your 👍 (similarity {s:.2f})", s, (("similarity", f"{s:.2f}"),)))
    if codes.keywords is not None and codes.keywords[j].any():
        found = [k for k, f in zip(ev.keywords, codes.keywords[j].tolist(), strict=True) if f]
        quoted = ", ".join(f"“{k}”" for k in found)
        out.append(Reason("keyword", f"matches {quoted}", len(found), (("keywords", quoted),)))
    if codes.author is not None and codes.author[j]:
        wanted = {author_key(a) for a in ev.radar.authors if a.strip()}
        names = [a.name for a in paper.authors if author_key(a.name) in wanted]
        if names:
            out.append(Reason("author", f"by {', '.join(names)} (followed)", values=(("names", ", ".join(names)),)))
    in_watch = watched_as(paper, ev.radar.watch) if ev.radar.watch else []
    if in_watch:
        out.append(Reason("category", f"in {', '.join(in_watch)}", values=(("categories", ", ".join(in_watch)),)))
    return tuple(out)


def _clip(sentence: str, limit: int = 160) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"
