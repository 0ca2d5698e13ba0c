"""Reading papers back: the day's announcements, filtered listings, full-text search.

Search goes through FTS5 with bm25 (title weighted above abstract and
authors). User text is quoted term by term so `"`, `NEAR(` or `*` can never
make a syntax error; raw FTS syntax is opt-in and its errors are StoreErrors.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from academichub.errors import SearchSyntaxError
from academichub.models import Paper
from academichub.store.paper_cache import SavedPapers
from academichub.store.papers import ids_for_keys, papers_by_ids

if TYPE_CHECKING:  # numpy is imported where vectors are read: an ingest never pays for it
    import numpy as np
    from numpy.typing import NDArray

BM25_WEIGHTS = (10.0, 1.0, 3.0)  # title, abstract, authors
_TERM = re.compile(r"\w+(?:[-.']\w+)*", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SearchHit:
    paper: Paper
    score: float  # bm25: lower is better, as SQLite reports it
    snippet: str  # abstract excerpt with matches wrapped in [[ ]]


def safe_match_query(text: str) -> str:
    """User words → an FTS5 query of quoted terms (all must match)."""
    terms = _TERM.findall(text)
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def search_papers(
    conn: sqlite3.Connection,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    raw: bool = False,
    source: str | None = None,
    category: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[SearchHit]:
    """Best-matching papers first, optionally only one source kind ('arxiv' matches 'arxiv-rss'), one category,
    and first announced within [since, until]. Raises: SearchSyntaxError for bad raw syntax or an empty query."""
    match = query if raw else safe_match_query(query)
    if not match.strip():
        raise SearchSyntaxError("search query has no words to look for")
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    where, params = _search_filters(source, category, since, until)
    try:
        rows = conn.execute(
            # CROSS JOIN keeps the FTS match as the outer loop: filters never make it probe every paper
            f"SELECT papers_fts.rowid, bm25(papers_fts, {weights}) AS score, "
            "snippet(papers_fts, 1, '[[', ']]', '…', 24) FROM papers_fts CROSS JOIN papers p "
            f"ON p.id = papers_fts.rowid WHERE papers_fts MATCH ? AND {where} ORDER BY score LIMIT ? OFFSET ?",
            (match, *params, limit, offset),
        ).fetchall()
    except sqlite3.OperationalError as exc:
        raise SearchSyntaxError(f"cannot search for {query!r}: {exc}") from exc
    papers = papers_by_ids(conn, [r[0] for r in rows])
    return [SearchHit(papers[r[0]], float(r[1]), str(r[2])) for r in rows if r[0] in papers]


def _search_filters(
    source: str | None, category: str | None, since: dt.date | None, until: dt.date | None
) -> tuple[str, list[object]]:
    where = ["p.deleted = 0"]
    params: list[object] = []
    if source:
        where.append("(p.source = ? OR p.source LIKE ? ESCAPE '\\')")
        escaped = source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params += [source, escaped + "-%"]
    if category:
        where.append("EXISTS (SELECT 1 FROM paper_categories c WHERE c.paper_id = p.id AND c.category = ?)")
        params.append(category)
    if since is not None:
        where.append("p.first_announced >= ?")
        params.append(since.isoformat())
    if until is not None:
        where.append("p.first_announced < ?")
        params.append((until + dt.timedelta(days=1)).isoformat())
    return " AND ".join(where), params


def search_facets(conn: sqlite3.Connection, *, max_categories: int = 200) -> tuple[list[str], list[str]]:
    """What the search filters can offer: every stored source name, and the most used categories."""
    sources = [str(r[0]) for r in conn.execute("SELECT DISTINCT source FROM papers WHERE deleted = 0 ORDER BY 1")]
    categories = [
        str(r[0])
        for r in conn.execute(
            "SELECT category FROM paper_categories GROUP BY category ORDER BY COUNT(*) DESC, category LIMIT ?",
            (max_categories,),
        )
    ]
    return sources, categories


def newest_paper_id(conn: sqlite3.Connection) -> int:
    """The highest paper id (0 when empty): changes whenever a paper is added."""
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM papers").fetchone()[0])


def vector_count(conn: sqlite3.Connection, model: str) -> int:
    """How many papers have a stored vector of `model` (cheap: tells a cached matrix when to reload)."""
    return int(conn.execute("SELECT COUNT(*) FROM paper_vectors WHERE model = ?", (model,)).fetchone()[0])


def all_vectors(conn: sqlite3.Connection, model: str) -> tuple[list[int], NDArray[np.float32]]:
    """Every live paper's stored vector of `model`: (ids, one row each), ordered by id."""
    import numpy as np

    ids: list[int] = []
    rows: list[NDArray[np.float32]] = []
    for pid, blob in conn.execute(
        "SELECT v.paper_id, v.vector FROM paper_vectors v JOIN papers p ON p.id = v.paper_id "
        "WHERE v.model = ? AND p.deleted = 0 ORDER BY v.paper_id",
        (model,),
    ):
        ids.append(int(pid))
        rows.append(np.frombuffer(blob, dtype="<f4"))
    if not rows:
        return [], np.zeros((0, 0), dtype=np.float32)
    return ids, np.vstack(rows).astype(np.float32, copy=False)


def title_candidates(conn: sqlite3.Connection, title: str, *, limit: int = 5) -> list[Paper]:
    """Stored papers whose titles share the most words with `title` (for fuzzy joining)."""
    terms = _TERM.findall(title)[:24]
    if not terms:
        return []
    match = "title : (" + " OR ".join('"' + t.replace('"', '""') + '"' for t in terms) + ")"
    rows = conn.execute(
        "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts) LIMIT ?", (match, limit)
    ).fetchall()
    found = papers_by_ids(conn, [r[0] for r in rows])
    return [found[r[0]] for r in rows if r[0] in found]


def list_papers(
    conn: sqlite3.Connection,
    *,
    day: dt.date | None = None,
    source: str | None = None,
    category: str | None = None,
    limit: int = 100,
    offset: int = 0,
    saved: SavedPapers | None = None,
) -> list[Paper]:
    """Papers announced on `day` (or all, newest first), optionally one source/listing or category; with `saved`,
    those it holds unchanged are taken from it (papers_by_ids: run inside a transaction or snapshot)."""
    where = ["p.deleted = 0"]
    params: list[object] = []
    join = ""
    if day is not None or source is not None:
        join = "JOIN announcements a ON a.paper_id = p.id"
        if day is not None:
            where.append("a.day = ?")
            params.append(day.isoformat())
        if source is not None:
            where.append("(a.source = ? OR a.listing = ? OR p.source_label = ?)")
            params += [source, source, source]
    if category is not None:
        where.append("EXISTS (SELECT 1 FROM paper_categories c WHERE c.paper_id = p.id AND c.category = ?)")
        params.append(category)
    sql = (
        f"SELECT DISTINCT p.id FROM papers p {join} WHERE {' AND '.join(where)} "
        "ORDER BY p.first_announced DESC, p.id LIMIT ? OFFSET ?"
    )
    ids = [r[0] for r in conn.execute(sql, (*params, limit, offset))]
    found = papers_by_ids(conn, ids, saved)
    return [found[i] for i in ids if i in found]


def announcement_days(conn: sqlite3.Connection, *, limit: int = 30) -> list[tuple[dt.date, int]]:
    """Most recent days with announcements and how many papers each had."""
    rows = conn.execute(
        "SELECT day, COUNT(DISTINCT paper_id) FROM announcements GROUP BY day ORDER BY day DESC LIMIT ?", (limit,)
    ).fetchall()
    return [(dt.date.fromisoformat(d), int(n)) for d, n in rows]


def recent_days(conn: sqlite3.Connection, *, limit: int = 30) -> list[dt.date]:
    """The most recent days with announcements, newest first: one index seek per day, not a scan of them all."""
    rows = conn.execute(
        "WITH RECURSIVE d(day) AS (SELECT MAX(day) FROM announcements UNION ALL "
        "SELECT (SELECT MAX(a.day) FROM announcements a WHERE a.day < d.day) FROM d WHERE d.day IS NOT NULL) "
        "SELECT day FROM d WHERE day IS NOT NULL LIMIT ?",
        (limit,),
    ).fetchall()
    return [dt.date.fromisoformat(str(r[0])) for r in rows]


def count_papers(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM papers WHERE deleted = 0").fetchone()[0])


def papers_to_enrich(conn: sqlite3.Connection, *, retry_after: str, limit: int) -> list[Paper]:
    """Papers with a DOI but no authors or no abstract, not tried since `retry_after` (ISO time)."""
    rows = conn.execute(
        "SELECT p.id FROM papers p WHERE p.deleted = 0 AND (p.abstract = '' OR p.authors_text = '') "
        "AND (p.enrich_tried_at IS NULL OR p.enrich_tried_at < ?) "
        "AND EXISTS (SELECT 1 FROM paper_keys k WHERE k.paper_id = p.id AND k.scheme = 'doi') "
        "ORDER BY p.first_announced DESC, p.id LIMIT ?",
        (retry_after, limit),
    ).fetchall()
    found = papers_by_ids(conn, [r[0] for r in rows])
    return [found[r[0]] for r in rows if r[0] in found]


def mark_enrich_tried(conn: sqlite3.Connection, ids: list[int], now: str) -> None:
    conn.executemany("UPDATE papers SET enrich_tried_at = ? WHERE id = ?", [(now, i) for i in ids])


def mark_deleted(conn: sqlite3.Connection, keys: list[str]) -> int:
    """Tombstone the papers with these keys (a source withdrew them); a tombstone is never lifted by re-ingest."""
    ids = ids_for_keys(conn, keys)
    conn.executemany("UPDATE papers SET deleted = 1 WHERE id = ?", [(i,) for i in set(ids.values())])
    return len(set(ids.values()))
