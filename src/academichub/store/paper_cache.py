"""Papers a bulk writer already holds in memory, so later files skip reading them back from the tables.

A bulk ingest meets the same papers file after file (weekend copies, cross-lists, new versions).
`SavedPapers` keeps each paper it saved or read with the fingerprint the row had then; an entry is
used only while the stored fingerprint is still that one, so a paper another writer changed (or
deleted, or folded away) is read again from the tables. Saved papers are kept only when reading
them back would give an equal Paper (`round_trips`): the few lossy cases (an empty optional
text, an empty ORCID, an affiliation with a line break, a repeated key) are simply not cached.
Every write of a paper's columns or child rows goes through `save_papers`, which sets the new
fingerprint; a key moves to another paper only when `fold_papers` deletes the paper it left.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

from academichub.models import Paper

MAX_PAPERS = 8_000  # papers held (a few KiB each); a bulk ingest meets a paper again within days
_OPTIONAL_TEXT = attrgetter("primary_category", "venue", "journal_ref", "license", "comment", "item_type", "date_flag")


@dataclass(frozen=True, slots=True)
class _Entry:
    fingerprint: str  # the stored row's fingerprint when the paper was saved or read
    paper: Paper
    own_print: bool  # True when `fingerprint` is the fingerprint of `paper` itself (it was saved by us)


class SavedPapers:
    """Papers one writer saved or read, by id; valid while their stored fingerprint is unchanged."""

    def __init__(self, max_papers: int = MAX_PAPERS) -> None:
        self._entries: dict[int, _Entry] = {}
        self._max = max_papers

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, paper_id: int, stored_print: str | None) -> Paper | None:
        """The paper as stored, if it is held and its row still has the fingerprint it had then."""
        entry = self._entries.get(paper_id)
        return entry.paper if entry is not None and entry.fingerprint == stored_print else None

    def unchanged(self, paper: Paper, stored_print: str | None) -> bool:
        """True when `paper` equals the one saved under its id and that row is untouched since:
        its fingerprint is then the stored one, so saving it would change nothing."""
        entry = self._entries.get(paper.id) if paper.id is not None else None
        return entry is not None and entry.own_print and entry.fingerprint == stored_print and entry.paper == paper

    def remember_saved(self, paper: Paper, fingerprint: str) -> None:
        """`paper` (canonical, with its id) was just written with this fingerprint."""
        if paper.id is None:
            return
        if round_trips(paper):
            self._put(paper.id, _Entry(fingerprint, paper, own_print=True))
        else:
            self._entries.pop(paper.id, None)

    def remember_read(self, paper: Paper, stored_print: str) -> None:
        """`paper` was just read from the tables, whose row has this fingerprint."""
        if paper.id is not None:
            self._put(paper.id, _Entry(stored_print, paper, own_print=False))

    def _put(self, paper_id: int, entry: _Entry) -> None:
        """Newest last; beyond the limit the paper written or read longest ago is let go."""
        self._entries.pop(paper_id, None)
        self._entries[paper_id] = entry
        if len(self._entries) > self._max:
            del self._entries[next(iter(self._entries))]


def round_trips(paper: Paper) -> bool:
    """True when `papers_by_ids` would give this (canonical) paper back equal: none of the values that
    the tables cannot tell apart ('' stored for None, affiliations joined by line breaks, keys unique)."""
    if "" in _OPTIONAL_TEXT(paper) or len(set(paper.keys)) != len(paper.keys):
        return False
    for author in paper.authors:
        if (author.affiliations or author.orcid == "") and not _author_round_trips(author.affiliations, author.orcid):
            return False
    return True


def _author_round_trips(affiliations: tuple[str, ...], orcid: str | None) -> bool:
    return orcid != "" and all(a and "\n" not in a for a in affiliations)


def stored_prints(conn: sqlite3.Connection, ids: Sequence[int], chunk: int) -> dict[int, str]:
    """Each existing paper's stored fingerprint."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        marks = ",".join("?" * len(part))
        found.update(conn.execute(f"SELECT id, fingerprint FROM papers WHERE id IN ({marks})", part).fetchall())
    return found
