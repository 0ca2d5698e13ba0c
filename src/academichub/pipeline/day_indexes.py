"""The last day index built in this process, kept for the next ranking of the same day.

A radar editor's preview re-ranks the day as its description is typed, and a page's first view of each radar ranks
it; each indexed the day afresh (BM25, word positions, authors: ~5 s for 20k papers), to rank one radar in a few
milliseconds. A day is the same when its papers are, every field of each (a new version, a new announcement or a
corrected abstract is a different day), and so are their vectors. Only the last day is kept: the one being read.
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

_Key = tuple[dt.date, tuple[Paper, ...], tuple[int, ...], bytes]


class DayIndexes:
    """`index_day` remembering its last answer (thread-safe: a request that finds another one's index uses it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: tuple[_Key, DayIndex] | None = None
        self.builds = 0  # days indexed by this process (for tests and logs: a kept day is not counted)

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


DAY_INDEXES = DayIndexes()
