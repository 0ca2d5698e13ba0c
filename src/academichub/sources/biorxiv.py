"""bioRxiv / medRxiv details API (api.biorxiv.org) → RawItems, with full cursor paging.

Owns: parsing the `details` JSON (date-range pages and DOI lookups), walking a day's
window cursor by cursor until `messages.total` is reached, and checking the totals.
Every version is its own record; ingest keeps the highest version per DOI.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from academichub.errors import ConfigError, ParseError
from academichub.models import AnnounceType, Author, FetchResult, Link, RawItem, RunStatus, Version
from academichub.sources.base import FileFormat, SourceSpec, register_file_format, register_source

if TYPE_CHECKING:  # annotations only: ingesting files loads neither pydantic-settings nor httpx
    from academichub.sources.http import HttpClient

API_BASE = "https://api.biorxiv.org/details"
SERVERS = {"biorxiv": "bioRxiv", "medrxiv": "medRxiv"}
SITES = {"biorxiv": "https://www.biorxiv.org", "medrxiv": "https://www.medrxiv.org"}
PAGE_SIZE = 100  # records per call, per the API docs
MAX_PAGES = 200  # 20,000 records a day is far beyond any real day; stops a runaway loop
WINDOW_DAYS = 1  # fetch day-1..day so late postings are not missed (ingest dedupes)
_SMALL_WORDS = frozenset({"and", "of", "in", "the", "for", "on", "to", "a", "an", "or", "with"})


@dataclass(frozen=True, slots=True)
class BiorxivPage:
    """One details response: its records plus the paging facts from `messages[0]`."""

    items: tuple[RawItem, ...]
    cursor: int | None
    count: int | None
    total: int | None
    status: str = "ok"


def server_label(server: str) -> str:
    """Display name of a server: "biorxiv" → "bioRxiv", "medrxiv" → "medRxiv"."""
    return SERVERS.get(server.strip().lower(), server)


def subject_label(category: str) -> str:
    """bioRxiv's lower-case subject in Title Case: "systems biology" → "Systems Biology"."""
    words = category.strip().replace("_", " ").split()
    return " ".join(w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))


def parse_biorxiv_details(data: bytes) -> BiorxivPage:
    """Parse a details response (date range or DOI lookup). Raises: ParseError."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"not bioRxiv JSON: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
        raise ParseError("not a bioRxiv details response (no messages)")
    message = doc["messages"][0] if doc["messages"] and isinstance(doc["messages"][0], dict) else {}
    records = doc.get("collection") or []
    if not isinstance(records, list):
        raise ParseError("bioRxiv response: collection is not a list")
    items = tuple(record_to_item(r) for r in records if isinstance(r, dict))
    status = str(message.get("status", "ok"))
    paging = (_int(message.get("cursor")), _int(message.get("count")), _int(message.get("total")))
    return BiorxivPage(items, *paging, status=status)


def record_to_item(record: Mapping[str, object]) -> RawItem:
    """One collection record → RawItem (one version of one preprint)."""
    doi = _str(record.get("doi")).lower()
    version = _int(record.get("version"))
    day = _date(record.get("date"))
    server_key = _str(record.get("server")).lower() or "biorxiv"
    server = server_label(server_key)
    authors_raw = _str(record.get("authors"))
    category = _str(record.get("category"))
    listing = subject_label(category) if category else None
    published = _str(record.get("published"))
    license_ = _str(record.get("license"))
    return RawItem(
        source=server_key if server_key in SERVERS else "biorxiv",
        title=_str(record.get("title")),
        abstract=_str(record.get("abstract")),
        authors=split_authors(authors_raw, _str(record.get("author_corresponding")), record),
        authors_raw=authors_raw,
        version=version,
        doi=doi or None,
        categories=(listing,) if listing else (),
        primary_category=listing,
        listing=listing,
        announce_type=AnnounceType.NEW,
        announced=day,
        published=day if version == 1 else None,
        updated=day,
        versions=(Version(version, day),) if version is not None else (),
        venue=server,
        published_doi=published.lower() if published and published.upper() != "NA" else None,
        license=license_ if license_ and license_.upper() != "NA" else None,
        links=_links(server_key, doi, version, _str(record.get("jatsxml"))),
        item_type="preprint",
    )


def split_authors(authors_raw: str, corresponding: str, record: Mapping[str, object]) -> tuple[Author, ...]:
    """ "Surname, I.; Surname, I." → Authors in order; the corresponding one gets the institution."""
    names = [n.strip() for n in authors_raw.split(";") if n.strip()]
    institution = _str(record.get("author_corresponding_institution"))
    match_index = _corresponding_index(names, corresponding) if institution else None
    return tuple(Author(name, (institution,) if i == match_index else ()) for i, name in enumerate(names))


def _corresponding_index(names: list[str], corresponding: str) -> int | None:
    words = corresponding.split()
    if not words:
        return None
    surname, initial = words[-1].lower(), words[0][:1].lower()
    candidates = [i for i, n in enumerate(names) if n.split(",")[0].strip().lower() == surname]
    if len(candidates) > 1:
        candidates = [i for i in candidates if names[i].partition(",")[2].strip()[:1].lower() == initial]
    return candidates[0] if len(candidates) == 1 else None


def _links(server: str, doi: str, version: int | None, jats: str) -> tuple[Link, ...]:
    if not doi:
        return ()
    site = SITES.get(server, SITES["biorxiv"])
    suffix = f"v{version}" if version is not None else ""
    links = [Link("abs", f"{site}/content/{doi}{suffix}"), Link("pdf", f"{site}/content/{doi}{suffix}.full.pdf")]
    if jats:
        links.append(Link("jats", jats))
    return tuple(links)


def _str(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None


# --- live source -------------------------------------------------------------------------


def parse_target(target: str) -> tuple[str, str | None]:
    """ "biorxiv", "medrxiv:genomics" or "biorxiv?category=genomics" → (server, subject).

    Raises: ConfigError for an unknown server.
    """
    match = re.match(r"\s*([A-Za-z]+)[:/?]?(.*)", target)
    server, rest = (match.group(1).lower(), match.group(2)) if match else ("", "")
    subject = rest.removeprefix("category=").replace("_", " ").strip() or None
    if server not in SERVERS:
        raise ConfigError(f"unknown bioRxiv server {server!r} (use biorxiv or medrxiv)")
    return server, subject


class BiorxivSource:
    """Live source "biorxiv": one server's postings for a day window, every page of it."""

    kind = "biorxiv"

    def __init__(self, base_url: str = API_BASE) -> None:
        self.base_url = base_url

    def fetch(
        self,
        spec: SourceSpec,
        client: HttpClient,
        day: dt.date | None,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        server, subject = parse_target(spec.target)
        end = day or dt.date.today()
        start = end - dt.timedelta(days=WINDOW_DAYS)
        return fetch_window(client, server, start, end, subject=subject, base_url=self.base_url)


def fetch_window(
    client: HttpClient,
    server: str,
    start: dt.date,
    end: dt.date,
    *,
    subject: str | None = None,
    base_url: str = API_BASE,
) -> FetchResult:
    """Walk the window cursor by cursor until the total; problems with the paging go in `note`."""
    items: list[RawItem] = []
    notes: list[str] = []
    cursor, total, last_status = 0, None, 200
    seen: set[tuple[str | None, int | None]] = set()
    for _ in range(MAX_PAGES):
        url = f"{base_url}/{server}/{start.isoformat()}/{end.isoformat()}/{cursor}/json"
        response = client.get(url, params={"category": subject} if subject else None)
        last_status = response.status
        page = parse_biorxiv_details(response.content)
        keys = {(item.doi, item.version) for item in page.items}
        if (page.cursor is not None and page.cursor != cursor) or (cursor and keys and keys <= seen):
            answered = f"cursor {page.cursor}" if page.cursor != cursor else "a page already seen"
            notes.append(f"paging out of step: asked for cursor {cursor}, server answered {answered}")
            break
        seen |= keys
        total = page.total if page.total is not None else total
        items.extend(page.items)
        step = len(page.items)
        if page.count is not None and page.count != step:
            notes.append(f"page at cursor {cursor} says count {page.count} but holds {step} records")
        if step == 0 or total is None or cursor + step >= total:
            break
        cursor += step
    else:
        notes.append(f"stopped after {MAX_PAGES} pages")
    if total is not None and len(items) != total:
        notes.append(f"got {len(items)} of {total} records announced by messages.total")
    return FetchResult(items=tuple(items), status=_status(items, notes), http_status=last_status, note="; ".join(notes))


def _status(items: list[RawItem], notes: list[str]) -> RunStatus:
    return RunStatus.OK if items or notes else RunStatus.NO_ANNOUNCEMENT


# --- recorded files ----------------------------------------------------------------------

_SNIFF = re.compile(rb'\A\s*\{\s*"messages"\s*:\s*\[\s*\{[^\]]*"status"', re.DOTALL)


def _sniff_details(path: Path, data: bytes) -> bool:
    head = data[:4096]
    return _SNIFF.match(head) is not None or (head.lstrip().startswith(b"{") and b'"jatsxml"' in data[:20000])


def _parse_details_file(path: Path, data: bytes) -> Iterator[RawItem]:
    yield from parse_biorxiv_details(data).items


register_source(BiorxivSource())
register_file_format(FileFormat("biorxiv-details", _sniff_details, _parse_details_file))


def details_url_for_doi(server: str, doi: str) -> str:
    """The DOI-lookup URL (all versions of one preprint)."""
    return f"{API_BASE}/{server}/{quote(doi, safe='/')}/na/json"
