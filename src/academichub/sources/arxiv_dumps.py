"""arXiv dumps on disk → RawItems: daily JSONL listing crawls and arXiv's internal `.abs` files.

Owns the JSONL hot path of the ingest benchmark (one `json.loads` per file,
lines repeated from the previous file reused, bad lines skipped and reported by line number)
and the `.abs` header format with its version history. No network, no cleaning beyond parsing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from operator import attrgetter
from pathlib import Path

from academichub.collector import collector_paused
from academichub.errors import ParseError
from academichub.models import AnnounceType, Author, Link, RawItem, Version
from academichub.sources.arxiv_ids import (
    arxiv_id_or_none,
    arxiv_links,
    is_arxiv_category,
    listing_day_or_none,
    parse_iso,
    parse_rfc822,
    split_author_string,
)
from academichub.sources.base import FileFormat, register_file_format

log = logging.getLogger(__name__)

SOURCE_KIND = "arxiv-dump"
_FILE_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_FAST_ID = re.compile(r"(\d{4}\.\d{4,5})(?:v(\d+))?")
_JSONL_HEAD = re.compile(rb'\A\s*\{[^\n]*"(?:id|arxiv_id)"\s*:[^\n]*"(?:summary|abstract)"\s*:')
BadLineHandler = Callable[[int, str], None]


@dataclass(frozen=True, slots=True)
class JsonlParse:
    items: list[RawItem]
    bad_lines: list[tuple[int, str]]  # (1-based line number, reason)


def day_from_filename(path: Path) -> dt.date | None:
    """`2026-05-04.jsonl` → 2026-05-04; None when the name holds no valid date."""
    match = _FILE_DATE.search(path.name)
    if match is None:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def parse_arxiv_jsonl(data: bytes, *, day: dt.date | None = None) -> JsonlParse:
    """Parse a daily-listing JSONL dump (`{id, categories, pdf, abs, authors, title, comment, summary}`).

    `day` (from the file name) becomes `announced` unless it is a weekend:
    weekend files are copies of Friday's listing. Bad lines are skipped and
    reported; the rest imports.
    """
    build = _JsonlBuilder(listing_day_or_none(day))
    with collector_paused():
        fast = _parse_jsonl_fast(data, build)
        return fast if fast is not None else _parse_jsonl_lines(data, build)


def _parse_jsonl_fast(data: bytes, build: _JsonlBuilder) -> JsonlParse | None:
    """Every distinct line decoded at once (as one JSON array) and built once; None if any line is bad."""
    global _PREVIOUS_FILE
    lines = [line for line in data.split(b"\n") if line and not line.isspace()]
    built = _reuse_previous_file(lines, build.announced)
    fresh = [line for line in dict.fromkeys(lines) if line not in built]  # crawls repeat a record per category
    try:
        records = json.loads(b"[" + b",".join(fresh) + b"]")
    except ValueError:
        return None
    for line, record in zip(fresh, records, strict=True):
        if not isinstance(record, dict):
            return None
        try:
            built[line] = build(record)
        except (TypeError, ValueError, AttributeError):
            return None
    _PREVIOUS_FILE = built
    # A repeated line gives the very same RawItem object again, so later stages can skip it cheaply.
    return JsonlParse(list(map(built.__getitem__, lines)), [])


# Line → RawItem of the last file parsed: a weekend file repeats Friday's listing line for line,
# and Sunday's repeats Saturday's, so those lines are neither decoded nor built again.
_PREVIOUS_FILE: dict[bytes, RawItem] = {}
_RAW_ITEM_FIELDS = tuple(f.name for f in fields(RawItem))
_RAW_ITEM_VALUES = attrgetter(*_RAW_ITEM_FIELDS)
_ANNOUNCED_AT = _RAW_ITEM_FIELDS.index("announced")


def _reuse_previous_file(lines: list[bytes], announced: dt.date | None) -> dict[bytes, RawItem]:
    """Items of the previous file for the lines this one repeats, re-dated to this file's announcement day."""
    previous = _PREVIOUS_FILE
    if not previous:
        return {}
    reused: dict[bytes, RawItem] = {}
    for line in lines:
        item = previous.get(line)
        if item is not None and line not in reused:
            if item.announced != announced:
                values = list(_RAW_ITEM_VALUES(item))
                values[_ANNOUNCED_AT] = announced
                item = RawItem(*values)
            reused[line] = item
    return reused


def _parse_jsonl_lines(data: bytes, build: _JsonlBuilder) -> JsonlParse:
    """Slow path, line by line, so each bad line can be skipped and reported by number."""
    items: list[RawItem] = []
    bad: list[tuple[int, str]] = []
    for lineno, line in enumerate(data.split(b"\n"), 1):
        if not line or line.isspace():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            bad.append((lineno, f"invalid JSON: {exc}"))
            continue
        if not isinstance(record, dict):
            bad.append((lineno, "not a JSON object"))
            continue
        try:
            items.append(build(record))
        except (TypeError, ValueError, AttributeError) as exc:
            bad.append((lineno, f"unusable record: {exc}"))
    return JsonlParse(items, bad)


# Name → Author and category list → valid categories are pure, so the caches are shared by every
# dump file: a bulk ingest meets the same authors in file after file. Emptied when they grow too big.
# `_AUTHORS` holds only names already in clean form (the Author's name is the key itself).
_AUTHORS: dict[str, Author] = {}
_CATEGORIES: dict[tuple[object, ...], tuple[str, ...]] = {}
_CACHE_MAX = 200_000
_NEW = AnnounceType.NEW


class _JsonlBuilder:
    """Builds RawItems from dump records; caches authors and category lists, which repeat a lot (hot path)."""

    def __init__(self, announced: dt.date | None) -> None:
        self.announced = announced
        for cache in (_AUTHORS, _CATEGORIES):
            if len(cache) > _CACHE_MAX:
                cache.clear()
        self.authors = _AUTHORS
        self.categories = _CATEGORIES

    def author_tuple(self, names: object) -> tuple[tuple[Author, ...], str]:
        if not isinstance(names, list | tuple):
            raise TypeError("authors is neither a list nor a string")
        cache = self.authors
        out: list[Author] = []
        names_are_clean = True  # then `authors_raw` is the names joined as they are
        for name in names:
            author = cache.get(name)
            if author is None:
                if not isinstance(name, str):
                    raise TypeError(f"author is not a string: {name!r}")
                clean = " ".join(name.split())
                if clean and clean == name:
                    author = cache[name] = Author(name)
                else:
                    names_are_clean = False
                    if not clean:
                        continue  # a blank name
                    author = Author(clean)
            out.append(author)
        return tuple(out), ", ".join(names) if names_are_clean else ", ".join([a.name for a in out])

    def category_tuple(self, value: object) -> tuple[str, ...]:
        if isinstance(value, list):
            key: tuple[object, ...] = tuple(value)
        elif isinstance(value, str):
            key = tuple(value.split())
        elif isinstance(value, tuple):
            key = value
        elif value is None:
            key = ()
        else:
            raise TypeError("categories is neither a list nor a string")
        found = self.categories.get(key)
        if found is None:
            found = self.categories[key] = tuple(c for c in key if isinstance(c, str) and is_arxiv_category(c))
        return found

    def __call__(self, record: dict[str, object]) -> RawItem:
        get = record.get
        raw_id = get("id") or get("arxiv_id")
        match = _FAST_ID.fullmatch(raw_id) if isinstance(raw_id, str) else None
        if match is not None:
            base, digits = match.groups()
            version = int(digits) if digits else None
        else:
            ident = arxiv_id_or_none(str(raw_id or ""))
            if ident is None:
                raise ValueError(f"no arXiv id in {str(raw_id)[:40]!r}")
            base, version = ident
        raw_version = get("version")
        if raw_version is not None and str(raw_version).lstrip("v").isdigit():
            version = int(str(raw_version).lstrip("v"))
        categories = self.category_tuple(get("categories"))
        primary = get("primary_category")
        authors_field = get("authors") or ()
        if isinstance(authors_field, str):
            authors, authors_raw = split_author_string(authors_field), authors_field
        else:
            authors, authors_raw = self.author_tuple(authors_field)
        abs_url, pdf_url, comment = get("abs"), get("pdf"), get("comment")
        first = categories[0] if categories else None
        return RawItem(
            source=SOURCE_KIND,
            title=str(get("title") or ""),
            abstract=str(get("summary") or get("abstract") or ""),
            authors=authors,
            authors_raw=authors_raw,
            arxiv_id=base,
            version=version,
            categories=categories,
            primary_category=primary if isinstance(primary, str) and primary else first,
            listing=first,
            announce_type=_NEW,
            announced=self.announced,
            published=_iso_date(get("published")),
            updated=_iso_date(get("updated")),
            comment=comment if isinstance(comment, str) and comment else None,
            links=(
                Link("abs", abs_url if isinstance(abs_url, str) and abs_url else f"https://arxiv.org/abs/{base}"),
                Link("pdf", pdf_url if isinstance(pdf_url, str) and pdf_url else f"https://arxiv.org/pdf/{base}"),
            ),
            item_type="preprint",
        )


def _iso_date(value: object) -> dt.date | None:
    if value is None or not isinstance(value, str):
        return None
    moment = parse_iso(value)
    return moment.date() if moment else None


def _sniff_jsonl(path: Path, data: bytes) -> bool:
    return bool(_JSONL_HEAD.match(data[:65536])) and b"arxiv" in data[:65536].lower()


def _parse_jsonl_file(path: Path, data: bytes) -> Iterator[RawItem]:
    result = parse_arxiv_jsonl(data, day=day_from_filename(path))
    for lineno, reason in result.bad_lines:
        log.warning("%s:%d: skipped bad line: %s", path, lineno, reason)
    if not result.items and result.bad_lines:
        raise ParseError(f"{path}: no usable line ({len(result.bad_lines)} bad lines)")
    yield from result.items


# --- arXiv .abs files ---

_ABS_SEPARATOR = re.compile(r"^\\\\[ \t]*$", re.MULTILINE)
_ABS_HEAD = re.compile(rb"\A\s*-{10,}\s*\n\\\\\s*\n(?:arXiv|Paper):", re.MULTILINE)
_FIELD = re.compile(r"^([A-Za-z][A-Za-z-]*(?: \(revised v(\d+)\))?):[ \t]*(.*)$")
_DATE_SIZE = re.compile(r"\s*\([^)]*\)\s*$")


def parse_abs(data: bytes) -> RawItem:
    """Parse one arXiv `.abs` file (header fields, `Date (revised vN)` history, abstract). Raises: ParseError."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    parts = _ABS_SEPARATOR.split(text)
    if len(parts) < 3:
        raise ParseError("not an arXiv .abs file: missing '\\\\' separators")
    fields, versions = _abs_fields(parts[1])
    ident = arxiv_id_or_none(fields.get("arXiv") or fields.get("Paper"))
    if ident is None:
        raise ParseError("not an arXiv .abs file: no arXiv: or Paper: line")
    base = ident[0]
    version = versions[-1].number if versions else ident[1]
    categories = tuple(fields.get("Categories", "").split())
    doi = fields.get("DOI", "").split()
    authors_raw = fields.get("Authors", "")
    return RawItem(
        source=SOURCE_KIND,
        title=fields.get("Title", ""),
        abstract=parts[2].strip("\n"),
        authors=split_author_string(authors_raw),
        authors_raw=authors_raw,
        arxiv_id=base,
        version=version,
        doi=doi[0].lower() if doi else None,
        categories=categories,
        primary_category=categories[0] if categories else None,
        published=versions[0].date if versions else None,
        updated=versions[-1].date if versions else None,
        versions=tuple(versions),
        journal_ref=fields.get("Journal-ref") or None,
        license=fields.get("License") or None,
        comment=fields.get("Comments") or None,
        links=tuple(Link(kind, url) for kind, url in arxiv_links(base, version)),
        item_type="preprint",
    )


def _abs_fields(header: str) -> tuple[dict[str, str], list[Version]]:
    """Header lines into fields (continuation lines joined) and the dated version list."""
    fields: dict[str, str] = {}
    versions: dict[int, dt.date | None] = {}
    key = ""
    for line in header.splitlines():
        match = _FIELD.match(line)
        if match and not line[:1].isspace():
            key, revised, value = match.group(1), match.group(2), match.group(3).strip()
            if key == "Date" or revised:
                moment = parse_rfc822(_DATE_SIZE.sub("", value))
                versions[int(revised) if revised else 1] = moment.astimezone(dt.UTC).date() if moment else None
                key = ""
                continue
            fields[key] = value
        elif key and line.strip():
            fields[key] = f"{fields[key]} {line.strip()}".strip()  # unfold a wrapped header line
    return fields, [Version(n, versions[n]) for n in sorted(versions)]


def _sniff_abs(path: Path, data: bytes) -> bool:
    return bool(_ABS_HEAD.match(data[:512]))


def _parse_abs_file(path: Path, data: bytes) -> Iterator[RawItem]:
    yield parse_abs(data)


register_file_format(FileFormat("arxiv-jsonl", _sniff_jsonl, _parse_jsonl_file))
register_file_format(FileFormat("arxiv-abs", _sniff_abs, _parse_abs_file))
