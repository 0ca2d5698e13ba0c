"""One page of full-text search for the web page, at a cost bounded by the page, not by the collection.

bm25 is computed only for the newest RANKED_MATCHES_MAX matches (newest stored first) that pass
the filters, the page is cut from those, and snippets are made for the page's rows alone. A
query matching more than that reports "N+" matches; a date range reaches older papers. The
whole-collection ranking stays in listing.search_papers (CLI, API). Raises SearchSyntaxError.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from academichub.errors import SearchSyntaxError
from academichub.store.listing import BM25_WEIGHTS, SearchHit, safe_match_query
from academichub.store.papers import papers_by_ids

RANKED_MATCHES_MAX = 5000  # matches ranked per query: ~20 ms at 100k papers, the same at 10M
_WEIGHTS = ", ".join(str(w) for w in BM25_WEIGHTS)
_LIVE_CHUNK_ROWS = 64  # unfiltered pages check the withdrawn flag this many ranked rows at a time


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[SearchHit]
    matches: int  # how many matches were ranked: at most RANKED_MATCHES_MAX
    is_capped: bool  # more papers match than were ranked


@dataclass(frozen=True, slots=True)
class SearchFilters:
    source: str | None = None  # a source kind: 'arxiv' matches 'arxiv-rss'
    category: str | None = None
    since: dt.date | None = None  # first announced on or after
    until: dt.date | None = None  # first announced on or before

    @property
    def is_empty(self) -> bool:
        return not (self.source or self.category or self.since or self.until)


def search_page(
    conn: sqlite3.Connection,
    query: str,
    filters: SearchFilters,
    *,
    limit: int = 20,
    offset: int = 0,
    ranked_max: int = RANKED_MATCHES_MAX,
) -> SearchPage:
    """The best `limit` matches after `offset` among the newest `ranked_max` that pass `filters`, best first."""
    match = safe_match_query(query)
    if not match:
        raise SearchSyntaxError("search query has no words to look for")
    try:
        if filters.is_empty:
            ranked, matches = _ranked_unfiltered(conn, match, limit + offset, ranked_max)
        else:
            ranked, matches = _ranked_filtered(conn, match, filters, limit + offset, ranked_max)
        page = ranked[offset : offset + limit]
        snippets = _snippets(conn, match, [pid for pid, _ in page])
    except sqlite3.OperationalError as exc:
        raise SearchSyntaxError(f"cannot search for {query!r}: {exc}") from exc
    papers = papers_by_ids(conn, [pid for pid, _ in page])
    hits = [SearchHit(papers[pid], score, snippets.get(pid, "")) for pid, score in page if pid in papers]
    return SearchPage(hits, matches, matches >= ranked_max)


def _ranked_unfiltered(
    conn: sqlite3.Connection, match: str, wanted: int, ranked_max: int
) -> tuple[list[tuple[int, float]], int]:
    """Ranked (id, bm25) of live papers, best first, until `wanted`; the FTS index alone ranks, then
    the withdrawn flag is checked a chunk at a time (joining every match to papers costs more than bm25)."""
    cursor = conn.execute(
        "SELECT id, score, count(*) OVER () FROM (SELECT rowid AS id, "
        f"bm25(papers_fts, {_WEIGHTS}) AS score FROM papers_fts WHERE papers_fts MATCH ? "
        "ORDER BY rowid DESC LIMIT ?) ORDER BY score, id",
        (match, ranked_max),
    )
    ranked: list[tuple[int, float]] = []
    matches = 0
    while len(ranked) < wanted:
        rows = cursor.fetchmany(_LIVE_CHUNK_ROWS)
        if not rows:
            break
        matches = int(rows[0][2])
        live = _live_ids(conn, [int(r[0]) for r in rows])
        ranked += [(int(r[0]), float(r[1])) for r in rows if int(r[0]) in live]
    cursor.close()
    return ranked[:wanted], matches


def _ranked_filtered(
    conn: sqlite3.Connection, match: str, filters: SearchFilters, wanted: int, ranked_max: int
) -> tuple[list[tuple[int, float]], int]:
    where, params = _filter_sql(filters)
    rows = conn.execute(
        # CROSS JOIN keeps the FTS match as the outer loop: filters never make it probe every paper
        "SELECT id, score, count(*) OVER () FROM (SELECT f.rowid AS id, "
        f"bm25(papers_fts, {_WEIGHTS}) AS score FROM papers_fts f CROSS JOIN papers p ON p.id = f.rowid "
        f"WHERE papers_fts MATCH ? AND {where} ORDER BY f.rowid DESC LIMIT ?) ORDER BY score, id LIMIT ?",
        (match, *params, ranked_max, wanted),
    ).fetchall()
    return [(int(r[0]), float(r[1])) for r in rows], int(rows[0][2]) if rows else 0


def _filter_sql(filters: SearchFilters) -> tuple[str, list[object]]:
    where = ["p.deleted = 0"]
    params: list[object] = []
    if filters.source:
        escaped = filters.source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("(p.source = ? OR p.source LIKE ? ESCAPE '\\')")
        params += [filters.source, escaped + "-%"]
    if filters.category:
        where.append("EXISTS (SELECT 1 FROM paper_categories c WHERE c.paper_id = p.id AND c.category = ?)")
        params.append(filters.category)
    if filters.since is not None:
        where.append("p.first_announced >= ?")
        params.append(filters.since.isoformat())
    if filters.until is not None:
        where.append("p.first_announced < ?")
        params.append((filters.until + dt.timedelta(days=1)).isoformat())
    return " AND ".join(where), params


def _live_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> set[int]:
    marks = ",".join("?" * len(ids))
    return {int(r[0]) for r in conn.execute(f"SELECT id FROM papers WHERE deleted = 0 AND id IN ({marks})", ids)}


def _snippets(conn: sqlite3.Connection, match: str, ids: Sequence[int]) -> dict[int, str]:
    """Abstract excerpts with the matches wrapped in [[ ]], for these rows only."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        "SELECT rowid, snippet(papers_fts, 1, '[[', ']]', '…', 24) FROM papers_fts "
        f"WHERE papers_fts MATCH ? AND rowid IN ({marks})",
        (match, *ids),
    )
    return {int(pid): str(text) for pid, text in rows}
