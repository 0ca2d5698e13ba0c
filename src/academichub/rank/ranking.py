"""One radar's ranked papers, kept columnar: day-paper indices, scores and reason codes as arrays. Pure.

A Ranking reads as a sequence of ScoredPapers (rank from 1), but each ScoredPaper and its reason texts are built
only when that item is read: the daily run shows a radar 20 of the 60 it ranks, a preview 8.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import numpy as np
from numpy.typing import NDArray

from academichub.models import Paper, ScoredPaper
from academichub.rank.reasons import Evidence, ReasonCodes, reasons_at


class Ranking(Sequence[ScoredPaper]):
    """A radar's kept papers, best first: `indices` into the day's papers and their `scores`."""

    __slots__ = ("_codes", "_evidence", "_papers", "indices", "scores")

    def __init__(
        self,
        papers: Sequence[Paper],
        indices: NDArray[np.intp],
        scores: NDArray[np.float64],
        evidence: Evidence,
        codes: ReasonCodes,
    ) -> None:
        self._papers = papers
        self.indices = indices
        self.scores = scores
        self._evidence = evidence
        self._codes = codes

    def __len__(self) -> int:
        return len(self.indices)

    @overload
    def __getitem__(self, j: int) -> ScoredPaper: ...
    @overload
    def __getitem__(self, j: slice) -> list[ScoredPaper]: ...
    def __getitem__(self, j: int | slice) -> ScoredPaper | list[ScoredPaper]:
        if isinstance(j, slice):
            return [self.scored(k) for k in range(*j.indices(len(self)))]
        if not -len(self) <= j < len(self):
            raise IndexError(j)
        return self.scored(j % len(self))

    def __iter__(self) -> Iterator[ScoredPaper]:
        return (self.scored(j) for j in range(len(self)))

    def paper_ids(self) -> list[int | None]:
        """The stored id of each kept paper, in rank order."""
        papers = self._papers
        return [papers[i].id for i in self.indices.tolist()]

    def paper(self, j: int) -> Paper:
        return self._papers[int(self.indices[j])]

    def scored(self, j: int, rank: int | None = None) -> ScoredPaper:
        """The j-th paper (0-based) with its score and reasons, numbered `rank` (default j + 1)."""
        paper = self.paper(j)
        why = reasons_at(self._evidence, self._codes, j, paper)
        return ScoredPaper(paper, float(self.scores[j]), why, j + 1 if rank is None else rank)
