"""Why each kept paper was picked. Pure.

`reason_codes` settles, for all of a radar's kept papers at once, which reasons apply and their figures
(description / nearest seed / 👍 similarity, matched keywords, followed author) as arrays; `reasons_at` turns
one paper's codes into the Reason texts shown beside it, only when that paper is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from academichub.models import Paper, Radar, Reason
from academichub.rank.matching import author_key
from academichub.rank.sentences import paper_sentences

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


def reason_codes(ev: Evidence, kept: NDArray[np.intp], kept_vectors: NDArray[np.float32] | None) -> ReasonCodes:
    """The reason codes of the kept papers; `kept_vectors` are their rows of day.vectors (None: no vectors)."""
    description = seed = which = liked = None
    if kept_vectors is not None:
        description = _description(ev, kept_vectors)
        seed, which = _seed(ev, kept_vectors)
        liked = _liked(ev, kept_vectors)
    mean, std = ev.description_mean_std
    return ReasonCodes(
        description=description,
        description_named=_at_least(description, mean + STANDS_OUT_Z * std),
        seed=seed,
        seed_which=which,
        seed_named=_seed_named(seed, which, len(ev.seed_titles), ev.seed_cut),
        liked=liked,
        liked_named=_at_least(liked, NEAR_SEED_MIN_COS),
        keywords=_keywords(ev, kept),
        author=_member(kept, ev.authors) if len(ev.authors) else None,
    )


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


def _description(ev: Evidence, kept_vectors: NDArray[np.float32]) -> NDArray[np.float32] | None:
    if ev.description_vector is None or ev.description_mean_std[1] <= 0:
        return None
    sims: NDArray[np.float32] = kept_vectors @ ev.description_vector
    return sims


def _seed(
    ev: Evidence, kept_vectors: NDArray[np.float32]
) -> tuple[NDArray[np.float32] | None, NDArray[np.intp] | None]:
    if not len(ev.seed_vectors) or not len(ev.seed_titles):
        return None, None
    sims = ev.seed_vectors @ kept_vectors.T  # [seeds, kept]
    return sims.max(axis=0), sims.argmax(axis=0)


def _liked(ev: Evidence, kept_vectors: NDArray[np.float32]) -> NDArray[np.float32] | None:
    if not len(ev.liked_vectors):
        return None
    best: NDArray[np.float32] = (ev.liked_vectors @ kept_vectors.T).max(axis=0)
    return best


def _member(kept: NDArray[np.intp], hits: NDArray[np.intp]) -> NDArray[np.bool_]:
    if not len(hits):
        return np.zeros(len(kept), dtype=bool)
    pos = np.minimum(np.searchsorted(hits, kept), len(hits) - 1)
    found: NDArray[np.bool_] = hits[pos] == kept
    return found


def _keywords(ev: Evidence, kept: NDArray[np.intp]) -> NDArray[np.bool_] | None:
    if not ev.keywords:
        return None
    return np.stack([_member(kept, hits) for hits in ev.keywords.values()], axis=1)


def reasons_at(ev: Evidence, codes: ReasonCodes, j: int, paper: Paper) -> tuple[Reason, ...]:
    """The reasons of the j-th kept paper, left to right: description, seed, matching sentence, 👍, keywords,
    author, category."""
    out: list[Reason] = []
    if codes.description_named is not None and codes.description is not None and codes.description_named[j]:
        s = float(codes.description[j])
        out.append(Reason("description", f"close to your description ({s:.2f})", s, (("similarity", f"{s:.2f}"),)))
    if codes.seed_named is not None and codes.seed is not None and codes.seed_which is not None and codes.seed_named[j]:
        s = float(codes.seed[j])
        title = ev.seed_titles[int(codes.seed_which[j])]
        out.append(Reason("seed", f"like your seed paper “{title}”", s, (("title", title),)))
    if codes.aspect_sentence is not None and codes.aspect_sentence[j, 1] >= 0:
        seed, which = codes.aspect_sentence[j].tolist()
        sentences = paper_sentences(paper.title, paper.abstract)
        if which < len(sentences):
            title = ev.seed_titles[seed]
            said = _clip(sentences[which])
            text = f"“{said}” is close to a sentence of your seed “{title}”"
            out.append(Reason("aspect", text, values=(("sentence", said), ("title", title))))
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
    watch = {w.lower() for w in ev.radar.watch}
    in_watch = [c for c in paper.categories if c.lower() in watch] if watch else []
    if in_watch:
        out.append(Reason("category", f"in {', '.join(in_watch)}", values=(("categories", ", ".join(in_watch)),)))
    return tuple(out)


def _clip(sentence: str, limit: int = 160) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"
