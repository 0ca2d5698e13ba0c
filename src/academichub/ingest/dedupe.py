"""One canonical Paper per work: merge versions, cross-lists and preprint ↔ article records.

Pure functions. Identity is shared keys (arXiv id without version, DOI, PMID,
…); failing that, `fuzzy_match` joins a journal article to a preprint by
title + first-author surname, and the reason is kept on the paper.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

from rapidfuzz import fuzz

from academichub.models import Author, Link, Paper, Version

TITLE_MATCH_MIN = 95.0  # token_sort_ratio, 0..100
_WORD = re.compile(r"[0-9a-z]+")
T = TypeVar("T")
D = TypeVar("D", dt.date, dt.datetime)


def merge_papers(old: Paper, new: Paper) -> Paper:
    """Fold `new` into `old`: history is kept, the latest version's metadata wins.

    Text fields come from `new` when it is a later version (or `old` has none),
    otherwise `old` keeps them; lists are unioned in first-seen order.
    """
    newer = (new.version or 0) > (old.version or 0) and _same_line(old, new)
    first, second = (new, old) if newer else (old, new)
    keys = _union(old.keys, new.keys)
    return replace(
        old,
        keys=keys,
        title=first.title or second.title,
        abstract=_longer_if_missing(first.abstract, second.abstract),
        authors=_better_authors(first.authors, second.authors),
        categories=_union(first.categories, second.categories),
        primary_category=first.primary_category or second.primary_category,
        source_label=old.source_label or new.source_label,
        venue=_venue(old, new),
        journal_ref=first.journal_ref or second.journal_ref,
        license=first.license or second.license,
        published=_earliest(old.published, new.published),
        updated=_latest(old.updated, new.updated),
        version=max(old.version or 0, new.version or 0) or None,
        versions=_merge_versions(old.versions, new.versions),
        links=_merge_links(first.links, second.links),
        comment=first.comment or second.comment,
        item_type=old.item_type or new.item_type,
        announcements=_union(old.announcements, new.announcements),
        matches=_union(old.matches, new.matches),
        date_flag=_date_flag(old, new, _earliest(old.published, new.published)),
    )


def _date_flag(old: Paper, new: Paper, published: dt.date | None) -> str | None:
    """A record without a flag that gives the kept date vouches for it; otherwise a flag is kept (RELIABILITY D4)."""
    if published is not None and any(p.published == published and not p.date_flag for p in (old, new)):
        return None
    return old.date_flag or new.date_flag


def dedupe_batch(papers: Iterable[Paper]) -> list[Paper]:
    """Merge papers of one batch that share any key; order of first appearance is kept."""
    merged: list[Paper | None] = []
    owner: dict[str, int] = {}
    for paper in papers:
        slots = sorted({owner[k] for k in paper.keys if k in owner})
        if not slots:
            owner.update(dict.fromkeys(paper.keys, len(merged)))
            merged.append(paper)
            continue
        target = slots[0]
        current = merged[target]
        assert current is not None  # slots only name live entries
        if current is paper and len(slots) == 1:
            continue  # the same record again: merging a paper with itself changes nothing
        for other in slots[1:]:  # this paper bridges two groups: fold them together
            other_paper = merged[other]
            assert other_paper is not None
            current = merge_papers(current, other_paper)
            merged[other] = None
        current = merge_papers(current, paper)
        merged[target] = current
        owner.update(dict.fromkeys(current.keys, target))
    return [p for p in merged if p is not None]


def fuzzy_match(paper: Paper, candidates: Sequence[Paper]) -> tuple[Paper, str] | None:
    """The candidate that is the same work by title and first author, with the reason, or None."""
    if not paper.authors:
        return None
    title = _norm_title(paper.title)
    surname = _surname(paper.authors[0])
    best: tuple[float, Paper] | None = None
    for candidate in candidates:
        if candidate.id is not None and candidate.id == paper.id or not candidate.authors:
            continue
        if _surname(candidate.authors[0]) != surname:
            continue
        score = fuzz.token_sort_ratio(title, _norm_title(candidate.title))
        if score >= TITLE_MATCH_MIN and (best is None or score > best[0]):
            best = (score, candidate)
    if best is None:
        return None
    return best[1], f"title {best[0]:.0f}% + first author {surname}"


def join_match(paper: Paper, candidate: Paper, reason: str) -> Paper:
    """`candidate` (stored) absorbs `paper`, remembering why they were joined."""
    joined = merge_papers(candidate, paper)
    return replace(joined, matches=_union(joined.matches, ((paper.keys[0], reason),)))


def _same_line(old: Paper, new: Paper) -> bool:
    """Versions compare only within one preprint line (same arXiv or bioRxiv key)."""
    return bool(old.keys and new.keys and old.keys[0] == new.keys[0])


def _union(a: Sequence[T], b: Sequence[T]) -> tuple[T, ...]:
    return tuple(dict.fromkeys((*a, *b)))


def _longer_if_missing(preferred: str, other: str) -> str:
    return preferred or other


def _better_authors(first: tuple[Author, ...], second: tuple[Author, ...]) -> tuple[Author, ...]:
    if not first:
        return second
    if len(first) == len(second) and sum(bool(a.affiliations) for a in second) > sum(
        bool(a.affiliations) for a in first
    ):
        return second
    return first


def _venue(old: Paper, new: Paper) -> str | None:
    """A journal venue beats a preprint server name once the article is known."""
    preprint = {"arXiv", "bioRxiv", "medRxiv", None}
    if old.venue in preprint and new.venue not in preprint:
        return new.venue
    return old.venue or new.venue


def _earliest(a: D | None, b: D | None) -> D | None:
    values = [v for v in (a, b) if v is not None]
    return min(values) if values else None


def _latest(a: D | None, b: D | None) -> D | None:
    values = [v for v in (a, b) if v is not None]
    return max(values) if values else None


def _merge_versions(a: tuple[Version, ...], b: tuple[Version, ...]) -> tuple[Version, ...]:
    by_number: dict[int, Version] = {}
    for version in (*a, *b):
        known = by_number.get(version.number)
        if known is None or (known.date is None and version.date is not None):
            by_number[version.number] = version
    return tuple(by_number[n] for n in sorted(by_number))


def _merge_links(first: tuple[Link, ...], second: tuple[Link, ...]) -> tuple[Link, ...]:
    seen: dict[str, Link] = {}
    for link in (*first, *second):
        seen.setdefault(link.kind, link)
    return tuple(seen.values())


def _norm_title(title: str) -> str:
    return " ".join(_WORD.findall(title.lower()))


def _surname(author: Author) -> str:
    name = author.name.strip().lower()
    family = name.split(",", 1)[0] if "," in name else name  # "Durrieu, L." puts the surname first
    words: list[str] = _WORD.findall(family)
    if not words:
        return ""
    return words[0] if "," in name else words[-1]
