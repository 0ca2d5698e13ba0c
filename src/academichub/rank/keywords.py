"""Which of a day's papers contain a keyword, exclusion or followed author, found once per distinct term per
day (many radars share terms) and applied to a block of radars' score rows as sparse index sets, in one compiled
pass per kind (rank.kernels). Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from academichub.rank.day import DayIndex
from academichub.rank.kernels import add_to_rows, fill_rows, offsets
from academichub.rank.matching import author_key, fold, has_phrase, is_whole_word, phrase, phrase_starts
from academichub.rank.text import tokenize
from academichub.rank.tokens import indexable

MAX_COUNTED_KEYWORDS = 3  # a paper earns the keyword bonus for at most this many matched keywords

_NONE = np.zeros(0, dtype=np.intp)


def phrase_hits(day: DayIndex, term: str) -> NDArray[np.intp]:
    """Papers containing the phrase (ascending), remembered for the rest of the day."""
    key = term.lower() if term.isascii() else term  # "Real-World" and "real-world" match the same papers
    hits = day.phrase_hits.get(key)
    if hits is None:
        hits = day.phrase_hits[key] = _find_phrase(day, key)
    return hits


def _find_phrase(day: DayIndex, term: str) -> NDArray[np.intp]:
    """A word, or words joined by spaces or hyphens: the positional index (every paper; a non-ASCII one by its
    folded words, so "schrodinger" finds "Schrödinger"). Anything else: candidates from the inverted index (one
    token is its own answer) confirmed on the folded text, or every paper scanned (CJK)."""
    needle = _needle(term)
    if not needle:
        return _NONE
    indexed = day.tokens.phrase_docs(needle)
    if indexed is not None:
        return indexed
    tokens = tokenize(term, stop_words=frozenset())  # stop words have their own postings
    if not tokens or not all(t.isascii() for t in tokens):  # CJK: scan every paper
        candidates: NDArray[np.intp] = np.arange(len(day.papers))
    else:
        candidates = _docs_with(day, tokens[0])
        for tok in tokens[1:]:
            if not len(candidates):
                return _NONE
            candidates = _intersect(day, candidates, _docs_with(day, tok))
        if len(tokens) == 1 and len(term.split()) == 1:
            return candidates  # one word: the inverted index already is the answer
    if not needle.isascii():
        folded, pattern = day.folded, phrase(term)
        return np.asarray([i for i in candidates.tolist() if has_phrase(folded[i], needle, pattern)], dtype=np.intp)
    return _confirm(day, candidates, needle)


def _needle(term: str) -> str:
    """The term as its papers' texts are searched: folded (lower case, no accents), single-spaced; "" when blank."""
    return " ".join(fold(term).split())


def _confirm(day: DayIndex, candidates: NDArray[np.intp], needle: str) -> NDArray[np.intp]:
    """The candidates whose text holds the phrase as whole words. A bare substring test first: most candidates
    lacking the phrase fail it at C speed, before any per-occurrence check in Python."""
    folded = day.folded
    holding = [(k, folded[i]) for k, i in enumerate(candidates.tolist()) if needle in folded[i]]
    found = [k for k, text in holding if _holds(text, needle)]
    return candidates[found] if found else _NONE


def _holds(text: str, needle: str) -> bool:
    start = text.find(needle)
    return is_whole_word(text, start, len(needle)) or next(phrase_starts(text, needle), None) is not None


def _docs_with(day: DayIndex, token: str) -> NDArray[np.intp]:
    """Papers containing the token or its plural (the phrase pattern accepts both)."""
    found = [d for d in (_postings(day, t) for t in (token, token + "s", token + "es")) if len(d)]
    if not found:
        return _NONE
    if len(found) == 1:
        return found[0].astype(np.intp)
    mask = np.zeros(len(day.papers), dtype=bool)
    for docs in found:
        mask[docs] = True
    return np.flatnonzero(mask)


def _postings(day: DayIndex, token: str) -> NDArray[np.intp] | NDArray[np.int32]:
    stop = day.by_stop_word.get(token)
    return stop if stop is not None else day.bm25.docs_with(token)


def _intersect(day: DayIndex, a: NDArray[np.intp], b: NDArray[np.intp]) -> NDArray[np.intp]:
    """Sorted intersection of two ascending index sets, through a mask over the day's papers."""
    mask = np.zeros(len(day.papers), dtype=bool)
    mask[a] = True
    both: NDArray[np.intp] = b[mask[b]]
    return both


def keyword_hits(day: DayIndex, keywords: Iterable[str]) -> dict[str, NDArray[np.intp]]:
    """Each distinct keyword → the papers it matches."""
    return {k: phrase_hits(day, k) for k in dict.fromkeys(keywords)}


def keyword_hits_block(day: DayIndex, keywords: Sequence[Sequence[str]]) -> list[dict[str, NDArray[np.intp]]]:
    """`keyword_hits` for each radar of a block. The ASCII keywords not yet looked up on the day that the positional
    index answers (words, or words joined by spaces or hyphens) are found first, all together
    (DayTokens.phrases_docs: compiled passes instead of a few numpy calls each)."""
    new = sorted({k.lower() for radar in keywords for k in radar if k.isascii()} - day.phrase_hits.keys())
    needles = {key: _needle(key) for key in new}
    indexed = [key for key in new if needles[key] and indexable(needles[key])]
    for key, hits in zip(indexed, day.tokens.phrases_docs([needles[k] for k in indexed]), strict=True):
        day.phrase_hits[key] = hits
    return [keyword_hits(day, radar) for radar in keywords]


def add_keyword_bonuses(total: NDArray[np.float32], hits: Sequence[dict[str, NDArray[np.intp]]], bonus: float) -> None:
    """Row r of `total` gains `bonus` per keyword of hits[r] a paper matches, at most MAX_COUNTED_KEYWORDS counted
    per paper."""
    add_to_rows(total, *_rows_of([list(h.values()) for h in hits]), bonus, MAX_COUNTED_KEYWORDS)


def add_author_bonuses(total: NDArray[np.float32], hits: Sequence[NDArray[np.intp]], bonus: float) -> None:
    """Row r of `total` gains `bonus` on the papers hits[r] (by a followed author), once a paper."""
    add_to_rows(total, *_rows_of([[h] for h in hits]), bonus, 1)


def _rows_of(sets: Sequence[Sequence[NDArray[np.intp]]]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Each row's index sets concatenated, for the kernels: (starts [rows + 1], indices)."""
    parts = [h for row in sets for h in row if len(h)]
    flat = np.concatenate(parts).astype(np.int64, copy=False) if parts else np.zeros(0, dtype=np.int64)
    return offsets([sum(len(h) for h in row) for row in sets]), flat


def author_hits(day: DayIndex, authors: Iterable[str]) -> NDArray[np.intp]:
    """Papers by any of the followed authors (ascending)."""
    found = [day.by_author[k] for k in {author_key(a) for a in authors if a.strip()} if k in day.by_author]
    if not found:
        return _NONE
    return found[0] if len(found) == 1 else np.unique(np.concatenate(found))


def exclude_phrases(day: DayIndex, total: NDArray[np.float32], excludes: Sequence[Iterable[str]]) -> None:
    """Papers containing any of excludes[r] can never be shown on row r."""
    fill_rows(total, *_rows_of([[phrase_hits(day, t) for t in terms] for terms in excludes]), -np.inf)
