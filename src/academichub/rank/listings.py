"""Which of the day's papers each radar may show: its watch list (categories, sources, journals), replacements only
when it asks for them, and nothing it has seen, dismissed or holds as a seed.

The day's papers are indexed once by every name a radar can watch, so a radar's mask is a few array operations
rather than a Python call per paper and radar (a 20k-paper day took 10–60 ms a radar that way, far more than
ranking it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from academichub.models import AnnounceType, Paper, Radar

REPLACEMENTS = {AnnounceType.REPLACE, AnnounceType.REPLACE_CROSS}


class DayListings:
    """The day's papers by watchable name: each paper's categories, source label, venue and listings, lower-cased,
    and the archive before a dot of each ("cs" for "cs.CV"), so a radar watching "cs" sees every cs listing."""

    def __init__(self, papers: Sequence[Paper], day: dt.date) -> None:
        self.day = day
        self.size = len(papers)
        self._row = {p.id: i for i, p in enumerate(papers)}
        self._replaced = np.array([_replaced_only(p, day) for p in papers], dtype=np.bool_)
        rows: dict[str, list[int]] = defaultdict(list)
        for i, paper in enumerate(papers):
            for name in {key for listed in _listed_as(paper) for key in _keys(listed)}:
                rows[name].append(i)
        self._by_name = {name: np.asarray(found, dtype=np.intp) for name, found in rows.items()}

    def allowed(self, radar: Radar, hidden: Iterable[int | None]) -> NDArray[np.bool_]:
        """The papers `radar` may show, as a mask over the day's papers; `hidden` are paper ids it may not."""
        mask = np.ones(self.size, dtype=np.bool_) if radar.include_replacements else ~self._replaced
        if radar.watch:
            watched = np.zeros(self.size, dtype=np.bool_)
            for name in {w.lower() for w in radar.watch}:
                watched[self._by_name.get(name, _NONE)] = True
            mask &= watched
        mask[[self._row[i] for i in hidden if i in self._row]] = False
        return mask


_NONE = np.zeros(0, dtype=np.intp)


def _replaced_only(paper: Paper, day: dt.date) -> bool:
    """Announced on `day` only as a replacement (a new version or a cross-list of one)."""
    todays = [a for a in paper.announcements if a.day == day]
    return bool(todays) and all(a.announce_type in REPLACEMENTS for a in todays)


def watched_as(paper: Paper, watch: Iterable[str]) -> list[str]:
    """The paper's categories, source, journal and listings (as written, each once) that the watch list names,
    itself or by its archive: what a radar watching `watch` sees it by."""
    wanted = {w.lower() for w in watch}
    return [listed for listed in _listed_as(paper) if wanted & _keys(listed)]


def _listed_as(paper: Paper) -> list[str]:
    """Every name the paper is listed under, as written, each once, categories first."""
    names = [*paper.categories, paper.source_label, paper.venue or "", *(a.listing for a in paper.announcements)]
    first: dict[str, str] = {}
    for name in names:
        if name:
            first.setdefault(name.lower(), name)
    return list(first.values())


def _keys(name: str) -> set[str]:
    """The watch-list entries that name `name`: itself and the archive before its dot ("cs" for "cs.CV")."""
    lowered = name.lower()
    return {lowered, lowered.split(".")[0]}
