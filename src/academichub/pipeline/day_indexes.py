"""The day's papers and the last day index this process built, kept for the next ranking of the same day.

A radar editor's preview re-ranks the day as its description is typed, and a page's first view of each radar ranks
it; each read the day's papers back from the tables (~1 s for 7,000) and indexed them afresh (BM25, word positions,
authors: ~2 s for 7,000, ~5 s for 20k), to rank one radar in a few milliseconds.
- Papers read are held (SavedPapers) and taken again while their stored fingerprint, a hash of everything stored
  about a paper, is unchanged: a new version, a new announcement or a corrected abstract is read again.
- A day is the same when its papers are, every field of each, and so are their vectors. Only the last day's index
  is kept: the one being read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from academichub.models import Paper
from academichub.rank.day import DayIndex, index_day
from academichub.store import SavedPapers, Store

MAX_DAY_PAPERS = 20_000  # papers held: a day's, all sources

_Key = tuple[dt.date, tuple[Paper, ...], tuple[int, ...], bytes]


class DayIndexes:
    """`index_day` remembering its last answer (thread-safe: a request that finds another one's index uses it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: tuple[_Key, DayIndex] | None = None
        self.builds = 0  # days indexed by this process; a kept day taken again is not counted

    def index(self, papers: Sequence[Paper], vectors: NDArray[np.float32], day: dt.date) -> DayIndex:
        """`index_day(papers, vectors, day=day)`, the kept one when the papers and their vectors are the same."""
        key = (day, tuple(papers), vectors.shape, hashlib.blake2b(np.ascontiguousarray(vectors).data).digest())
        with self._lock:
            last = self._last
        if last is not None and last[0] == key:
            return last[1]
        built = index_day(papers, vectors, day=day)
        with self._lock:
            self._last = (key, built)
            self.builds += 1
        return built

    def clear(self) -> None:
        with self._lock:
            self._last = None


class DayPapers:
    """A day's papers as stored, those read before taken from memory while unchanged (thread-safe)."""

    def __init__(self, held: int = MAX_DAY_PAPERS) -> None:
        self._lock = threading.Lock()
        self._saved = SavedPapers(held)

    def read(self, store: Store, day: dt.date, limit: int) -> list[Paper]:
        """`store.list_papers(day=day, limit=limit)`."""
        with self._lock:
            return store.list_papers(day=day, limit=limit, saved=self._saved)


DAY_INDEXES = DayIndexes()
DAY_PAPERS = DayPapers()
