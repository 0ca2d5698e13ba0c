"""Papers in SQL: bulk save with change detection, lookup by key or id, listing by day.

Rows are written in batches (one executemany per table) because ingest speed
is measured against a bare INSERT. A paper whose fingerprint is unchanged is
not touched, so re-ingesting the same data changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from operator import attrgetter
from typing import Any, TypeVar

from academichub.models import Announcement, AnnounceType, Author, Link, Paper, Version
from academichub.store.paper_cache import SavedPapers, stored_prints

T = TypeVar("T")
CHUNK = 500  # ids per IN (...) list, below SQLite's variable limit


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


_Parts = tuple[tuple[Link, ...], tuple[tuple[str, str], ...], tuple[Announcement, ...], tuple[Version, ...]]


def _sorted_parts(paper: Paper) -> _Parts:
    """The set-like parts of a paper in the order the tables give them back."""
    links, matches, announcements, versions = paper.links, paper.matches, paper.announcements, paper.versions
    return (
        links if len(links) < 2 else tuple(sorted(links, key=_link_kind)),
        matches if not matches else tuple(sorted(dict(matches).items())),
        announcements if len(announcements) < 2 else tuple(sorted(set(announcements), key=_announcement_order)),
        versions if len(versions) < 2 else tuple(sorted(versions, key=_version_number)),
    )


def _link_kind(link: Link) -> str:
    return link.kind


def _announcement_order(a: Announcement) -> tuple[dt.date, str, str]:
    return (a.day, a.source, a.listing)


def _version_number(v: Version) -> int:
    return v.number


def canonical(paper: Paper) -> Paper:
    """The form a paper has after a round trip through the tables (set-like parts sorted)."""
    return _canonical(paper, _sorted_parts(paper))


def _canonical(paper: Paper, parts: _Parts) -> Paper:
    links, matches, announcements, versions = parts
    if (links, matches, announcements, versions) == (paper.links, paper.matches, paper.announcements, paper.versions):
        return paper
    return replace(paper, links=links, matches=matches, announcements=announcements, versions=versions)


def fingerprint(paper: Paper) -> str:
    """Stable hash of everything stored about a paper except its id.

    The hash is of `repr()` of the paper's fields and sorted parts (so prints stored by earlier
    releases still match); `_fields_repr` spells that repr out without the slow dataclass __repr__.
    """
    return _fingerprint(paper, _sorted_parts(paper))


def _fingerprint(paper: Paper, parts: _Parts) -> str:
    return hashlib.blake2b(_fields_repr(paper, parts).encode(), digest_size=16).hexdigest()


def _fields_repr(p: Paper, parts: _Parts) -> str:
    links, matches, announcements, versions = parts
    sorted_parts = _tuple_repr(
        [
            _tuple_repr([f"Link(kind={x.kind!r}, url={x.url!r})" for x in links]),
            repr(matches),
            _tuple_repr([_announcement_repr(a) for a in announcements]),
            _tuple_repr([f"Version(number={v.number!r}, date={v.date!r})" for v in versions]),
        ]
    )
    authors = _tuple_repr(
        [f"Author(name={a.name!r}, affiliations={a.affiliations!r}, orcid={a.orcid!r})" for a in p.authors]
    )
    return (
        f"({p.keys!r}, {p.title!r}, {_str_repr(p.abstract)}, {authors}, {p.categories!r}, {p.primary_category!r}, "
        f"{p.source!r}, {p.source_label!r}, {p.venue!r}, {p.journal_ref!r}, {p.license!r}, {p.published!r}, "
        f"{p.updated!r}, {p.version!r}, {p.comment!r}, {p.item_type!r}, {sorted_parts}{_flag_repr(p.date_flag)})"
    )


def _flag_repr(flag: str | None) -> str:
    """The date flag joined the fingerprint later: a paper without one keeps the print it always had."""
    return f", {flag!r}" if flag is not None else ""


_ANNOUNCE_TYPE_REPR = {t: repr(t) for t in AnnounceType}


def _announcement_repr(a: Announcement) -> str:
    kind = _ANNOUNCE_TYPE_REPR.get(a.announce_type) or repr(a.announce_type)
    return f"Announcement(day={a.day!r}, source={a.source!r}, listing={a.listing!r}, announce_type={kind})"


_REPR_ESCAPED = bytes(range(0x20)) + b"\x7f\\"  # what repr() escapes in an ASCII string (besides quotes)


def _str_repr(text: str) -> str:
    """`repr(text)`, spelled fast for the common long case: ASCII with nothing to escape."""
    if text.isascii():
        raw = text.encode("ascii")
        if len(raw.translate(None, _REPR_ESCAPED)) == len(raw):
            if "'" not in text:
                return f"'{text}'"
            if '"' not in text:
                return f'"{text}"'
    return repr(text)


def _tuple_repr(items: list[str]) -> str:
    """What repr() gives for a tuple whose items have these reprs."""
    if len(items) == 1:
        return f"({items[0]},)"
    return f"({', '.join(items)})"


def _chunks(items: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def ids_for_keys(conn: sqlite3.Connection, keys: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    unique = list(dict.fromkeys(keys))
    for part in _chunks(unique):
        marks = ",".join("?" * len(part))
        found.update(conn.execute(f"SELECT key, paper_id FROM paper_keys WHERE key IN ({marks})", part).fetchall())
    return found


def resolve_id(conn: sqlite3.Connection, paper_id: int) -> int:
    """Follow a merge redirect: an id that was folded into another still resolves."""
    row = conn.execute("SELECT new_id FROM paper_redirects WHERE old_id = ?", (paper_id,)).fetchone()
    return int(row[0]) if row else paper_id


def papers_by_ids(conn: sqlite3.Connection, ids: Sequence[int], saved: SavedPapers | None = None) -> dict[int, Paper]:
    """Full Paper records for these ids (missing ids are simply absent).

    With `saved`, papers it holds whose row still has the same fingerprint are taken from it,
    and those read are added to it. Must then run inside a transaction (prints and rows agree)."""
    if saved is None:
        return _read_papers(conn, ids)
    unique = list(dict.fromkeys(ids))
    prints = stored_prints(conn, unique, CHUNK)
    found: dict[int, Paper] = {}
    missing: list[int] = []
    for pid in unique:
        held = saved.get(pid, prints.get(pid))
        if held is None:
            missing.append(pid)
        else:
            found[pid] = held
    for pid, paper in _read_papers(conn, missing).items():
        saved.remember_read(paper, prints[pid])
        found[pid] = paper
    return found


def _read_papers(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, Paper]:
    rows: dict[int, sqlite3.Row | tuple[object, ...]] = {}
    children: dict[str, dict[int, list[tuple[Any, ...]]]] = {
        t: {} for t in ("keys", "authors", "categories", "versions", "links", "matches", "announcements")
    }
    queries = {
        "keys": "SELECT paper_id, key FROM paper_keys WHERE paper_id IN ({}) ORDER BY paper_id, position",
        "authors": "SELECT paper_id, name, affiliations, orcid FROM paper_authors WHERE paper_id IN ({}) "
        "ORDER BY paper_id, position",
        "categories": "SELECT paper_id, category FROM paper_categories WHERE paper_id IN ({}) "
        "ORDER BY paper_id, position",
        "versions": "SELECT paper_id, version, date FROM paper_versions WHERE paper_id IN ({}) "
        "ORDER BY paper_id, version",
        "links": "SELECT paper_id, kind, url FROM paper_links WHERE paper_id IN ({}) ORDER BY paper_id, kind",
        "matches": "SELECT paper_id, key, reason FROM paper_matches WHERE paper_id IN ({}) ORDER BY paper_id, key",
        "announcements": "SELECT paper_id, day, source, listing, announce_type FROM announcements "
        "WHERE paper_id IN ({}) ORDER BY paper_id, day, source, listing",
    }
    for part in _chunks(list(dict.fromkeys(ids))):
        marks = ",".join("?" * len(part))
        for row in conn.execute(f"SELECT {_PAPER_COLUMNS} FROM papers WHERE id IN ({marks})", part):
            rows[row[0]] = row
        for table, sql in queries.items():
            for child in conn.execute(sql.format(marks), part):
                children[table].setdefault(child[0], []).append(child[1:])
    return {pid: _paper_from_rows(row, {t: c.get(pid, []) for t, c in children.items()}) for pid, row in rows.items()}


_PAPER_COLUMNS = (
    "id, title, abstract, primary_category, source, source_label, venue, journal_ref, license, "
    "published, updated, version, comment, item_type, date_flag"
)


@functools.lru_cache(maxsize=4096)
def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _date(value: object) -> dt.date | None:
    return _day(str(value)) if value else None


def _paper_from_rows(row: sqlite3.Row | tuple[Any, ...], kids: dict[str, list[tuple[Any, ...]]]) -> Paper:
    """TEXT columns come back as str and INTEGER ones as int, so values are taken as they are."""
    (pid, title, abstract, primary, source, label, venue, journal_ref, license_, published, updated, version,
     comment, item_type, date_flag) = tuple(row)  # fmt: skip
    return Paper(
        id=pid,
        keys=tuple([k for (k,) in kids["keys"]]),
        title=title,
        abstract=abstract,
        authors=tuple([Author(n, tuple(a.split("\n")) if a else (), o or None) for n, a, o in kids["authors"]]),
        categories=tuple([c for (c,) in kids["categories"]]),
        primary_category=primary or None,
        source=source,
        source_label=label,
        venue=venue or None,
        journal_ref=journal_ref or None,
        license=license_ or None,
        published=_date(published),
        updated=_date(updated),
        version=version,
        versions=tuple([Version(v, _date(d)) for v, d in kids["versions"]]),
        links=tuple([Link(k, u) for k, u in kids["links"]]),
        comment=comment or None,
        item_type=item_type or None,
        announcements=tuple([Announcement(_day(d), s, ls, AnnounceType(t)) for d, s, ls, t in kids["announcements"]]),
        matches=tuple([(k, r) for k, r in kids["matches"]]),
        date_flag=date_flag or None,
    )


def save_papers(
    conn: sqlite3.Connection, papers: Sequence[Paper], now: str, saved: SavedPapers | None = None
) -> tuple[list[Paper], SaveOutcome]:
    """Insert papers without id, update those with one whose fingerprint changed.

    Returns the papers with their ids, and the counts. Must run inside a transaction.
    With `saved`, a paper equal to the one it holds for that (untouched) row is unchanged without
    being fingerprinted again, and every paper written is added to it.
    """
    prints = stored_prints(conn, [p.id for p in papers if p.id is not None], CHUNK)
    next_id = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM papers").fetchone()[0]) + 1
    inserts: list[tuple[object, ...]] = []
    updates: list[tuple[object, ...]] = []
    fresh: list[Paper] = []
    changed: list[Paper] = []
    result: list[Paper] = []
    for paper in papers:
        if saved is not None and paper.id is not None and saved.unchanged(paper, prints.get(paper.id)):
            result.append(paper)
            continue
        parts = _sorted_parts(paper)
        print_ = _fingerprint(paper, parts)
        paper = _canonical(paper, parts)
        if paper.id is None:
            paper = _with_id(paper, next_id)
            next_id += 1
            inserts.append((paper.id, *_paper_values(paper), print_, now, now))
            fresh.append(paper)
        elif prints.get(paper.id) != print_:
            updates.append((*_paper_values(paper), print_, now, paper.id))
            changed.append(paper)
        if saved is not None:
            saved.remember_saved(paper, print_)
        result.append(paper)
    _insert_papers(conn, inserts)
    conn.executemany(
        f"UPDATE papers SET ({_WRITE_COLUMNS}, fingerprint, changed_at) = ({_WRITE_MARKS}, ?, ?) WHERE id = ?",
        updates,
    )
    _replace_children(conn, changed, delete=True)
    _replace_children(conn, fresh, delete=False)
    unchanged = len(papers) - len(inserts) - len(updates)
    return result, SaveOutcome(new=len(inserts), updated=len(updates), unchanged=unchanged)


_PAPER_FIELDS = [f.name for f in fields(Paper)]
_PAPER_VALUES = attrgetter(*_PAPER_FIELDS)
_ID_INDEX = _PAPER_FIELDS.index("id")


def _with_id(paper: Paper, paper_id: int) -> Paper:
    """`replace(paper, id=paper_id)` without its per-field bookkeeping (one call per new paper)."""
    values = list(_PAPER_VALUES(paper))
    values[_ID_INDEX] = paper_id
    return Paper(*values)


def _insert_papers(conn: sqlite3.Connection, rows: Sequence[tuple[object, ...]]) -> None:
    """Insert rows with fresh ids (all above the old maximum) and index them with one FTS statement.

    The insert trigger stands aside while `fts_deferred` holds a row (m008): one statement per row
    would make FTS5 flush at every row. Whatever got inserted is indexed, even if a row fails.
    """
    if not rows:
        return
    conn.execute("INSERT INTO fts_deferred (only_row) VALUES (1)")
    try:
        conn.executemany(
            f"INSERT INTO papers (id, {_WRITE_COLUMNS}, fingerprint, created_at, changed_at) "
            f"VALUES (?, {_WRITE_MARKS}, ?, ?, ?)",
            rows,
        )
    finally:
        conn.execute("DELETE FROM fts_deferred")
        conn.execute(
            "INSERT INTO papers_fts (rowid, title, abstract, authors_text) "
            "SELECT id, title, abstract, authors_text FROM papers WHERE id >= ? ORDER BY id",
            (rows[0][0],),
        )


_WRITE_COLUMNS = (
    "title, abstract, authors_text, primary_category, source, source_label, venue, journal_ref, license, "
    "published, updated, version, comment, item_type, first_announced, date_flag"
)
_WRITE_MARKS = ", ".join("?" * len(_WRITE_COLUMNS.split(",")))


def _paper_values(paper: Paper) -> tuple[object, ...]:
    first = min((a.day for a in paper.announcements), default=None)
    return (
        paper.title,
        paper.abstract,
        "; ".join(a.name for a in paper.authors),
        paper.primary_category,
        paper.source,
        paper.source_label,
        paper.venue,
        paper.journal_ref,
        paper.license,
        paper.published.isoformat() if paper.published else None,
        paper.updated.isoformat() if paper.updated else None,
        paper.version,
        paper.comment,
        paper.item_type,
        first.isoformat() if first else None,
        paper.date_flag,
    )


_CHILD_TABLES = ("paper_keys", "paper_authors", "paper_categories", "paper_versions", "paper_links",
                 "paper_matches", "announcements")  # fmt: skip


def _replace_children(conn: sqlite3.Connection, papers: Sequence[Paper], *, delete: bool) -> None:
    if not papers:
        return
    if delete:
        ids = [(p.id,) for p in papers]
        for table in _CHILD_TABLES:
            conn.executemany(f"DELETE FROM {table} WHERE paper_id = ?", ids)
    rows: dict[str, list[tuple[object, ...]]] = {t: [] for t in _CHILD_TABLES}
    for p in papers:
        rows["paper_keys"] += [(k, k.split(":", 1)[0], p.id, i) for i, k in enumerate(p.keys)]
        rows["paper_authors"] += [
            (p.id, i, a.name, "\n".join(a.affiliations), a.orcid) for i, a in enumerate(p.authors)
        ]
        rows["paper_categories"] += [(p.id, i, c, int(c == p.primary_category)) for i, c in enumerate(p.categories)]
        rows["paper_versions"] += [(p.id, v.number, v.date.isoformat() if v.date else None) for v in p.versions]
        rows["paper_links"] += [(p.id, link.kind, link.url) for link in p.links]
        rows["paper_matches"] += [(p.id, k, r) for k, r in p.matches]
        rows["announcements"] += [
            (p.id, a.day.isoformat(), a.source, a.listing, str(a.announce_type)) for a in p.announcements
        ]
    conn.executemany("INSERT OR REPLACE INTO paper_keys VALUES (?, ?, ?, ?)", rows["paper_keys"])
    conn.executemany("INSERT INTO paper_authors VALUES (?, ?, ?, ?, ?)", rows["paper_authors"])
    conn.executemany("INSERT INTO paper_categories VALUES (?, ?, ?, ?)", rows["paper_categories"])
    conn.executemany("INSERT INTO paper_versions VALUES (?, ?, ?)", rows["paper_versions"])
    conn.executemany("INSERT INTO paper_links VALUES (?, ?, ?)", rows["paper_links"])
    conn.executemany("INSERT INTO paper_matches VALUES (?, ?, ?)", rows["paper_matches"])
    conn.executemany("INSERT INTO announcements VALUES (?, ?, ?, ?, ?)", rows["announcements"])


def fold_papers(conn: sqlite3.Connection, keep_id: int, folded_ids: Sequence[int]) -> None:
    """Delete papers that were merged into `keep_id`, leaving redirects so their ids still resolve."""
    for old in folded_ids:
        conn.execute("DELETE FROM papers WHERE id = ?", (old,))
        conn.execute("INSERT OR REPLACE INTO paper_redirects (old_id, new_id) VALUES (?, ?)", (old, keep_id))
        conn.execute("UPDATE paper_redirects SET new_id = ? WHERE new_id = ?", (keep_id, old))
