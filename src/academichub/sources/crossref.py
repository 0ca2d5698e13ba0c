"""Crossref REST API (api.crossref.org/works) → RawItems: DOI enrichment and listings by ISSN.

Owns: the `work` / `work-list` envelopes, date-parts with 1–3 parts (year-only flagged),
JATS abstracts (via jats.py), `cursor=*` paging, and the polite-pool `mailto` parameter.
Crossref's rate limits come back in `x-rate-limit-*` headers, which the HTTP client obeys.
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

from lxml import etree

from academichub.errors import FetchError, ParseError
from academichub.models import AnnounceType, Author, FetchResult, Link, RawItem, RunStatus
from academichub.sources.base import FileFormat, SourceSpec, register_enricher, register_file_format, register_source
from academichub.sources.jats import element_to_text, jats_to_text, localname
from academichub.sources.xml import parse_xml, text_of

if TYPE_CHECKING:  # annotations only: ingesting files loads neither pydantic-settings nor httpx
    from academichub.config import Settings
    from academichub.sources.http import HttpClient

API_BASE = "https://api.crossref.org"
ROWS_PER_PAGE = 100
MAX_PAGES = 50  # 5,000 works from one journal in one day means something is wrong
DOIS_PER_QUERY = 40  # filter=doi:…,doi:… ; keeps the URL well under 8 KB
DATE_KEYS = ("published-online", "published-print", "published", "issued")
ITEM_TYPES = {"journal-article": "article", "posted-content": "preprint", "proceedings-article": "article"}
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CrossrefPage:
    items: tuple[RawItem, ...]
    next_cursor: str | None = None
    total: int | None = None


def parse_crossref(data: bytes) -> CrossrefPage:
    """Parse a `work` or `work-list` response. Raises: ParseError (not Crossref JSON, error body)."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        snippet = data[:80].decode("utf-8", "replace").strip()
        raise ParseError(f"not Crossref JSON: {snippet!r}") from exc
    if not isinstance(doc, dict) or "message-type" not in doc:
        raise ParseError("not a Crossref response (no message-type)")
    kind, message = doc["message-type"], doc.get("message")
    if doc.get("status") != "ok" or not isinstance(message, (dict, list)):
        raise ParseError(f"Crossref error ({kind}): {_error_text(message)}")
    if kind == "work" and isinstance(message, dict):
        return CrossrefPage((work_to_item(message),), None, 1)
    if kind == "work-list" and isinstance(message, dict):
        works = message.get("items") or []
        items = tuple(work_to_item(w) for w in works if isinstance(w, dict))
        cursor = message.get("next-cursor")
        total = message.get("total-results")
        return CrossrefPage(
            items, cursor if isinstance(cursor, str) else None, total if isinstance(total, int) else None
        )
    raise ParseError(f"Crossref response of type {kind!r} holds no works")


def _error_text(message: object) -> str:
    if isinstance(message, list) and message and isinstance(message[0], dict):
        return str(message[0].get("message", message[0]))
    return str(message)[:200]


def work_to_item(work: Mapping[str, object], *, source: str = "crossref") -> RawItem:
    """One Crossref work → RawItem."""
    doi = _text(work.get("DOI")).lower() or None
    published, precision = work_date(work)
    created, _ = date_parts(work.get("created"))
    venue = _first(work.get("container-title")) or None
    authors = tuple(a for a in (_author(x) for x in _list(work.get("author"))) if a is not None)
    return RawItem(
        source=source,
        title=_first(work.get("title")),
        abstract=jats_to_text(_text(work.get("abstract"))),
        authors=authors,
        authors_raw="; ".join(a.name for a in authors),
        doi=doi,
        categories=tuple(_text(s) for s in _list(work.get("subject")) if _text(s)),
        listing=venue,
        announce_type=AnnounceType.NEW,
        announced=created or (published if precision == "day" else None),
        published=published,
        venue=venue,
        license=_license(work.get("license")),
        links=_links(work, doi),
        item_type=ITEM_TYPES.get(_text(work.get("type")), _text(work.get("type")) or None),
        date_flag=f"{precision}-only date" if published and precision != "day" else None,
    )


def work_date(work: Mapping[str, object]) -> tuple[dt.date | None, str]:
    """The best publication date and its precision ("day", "month", "year"), preferring online."""
    best: tuple[dt.date | None, str] = (None, "")
    for key in DATE_KEYS:
        day, precision = date_parts(work.get(key))
        if day and precision == "day":
            return day, precision
        if day and best[0] is None:
            best = (day, precision)
    return best


def date_parts(value: object) -> tuple[dt.date | None, str]:
    """`{"date-parts": [[Y, M?, D?]]}` → (date, precision); missing parts default to 1."""
    if not isinstance(value, dict):
        return None, ""
    parts = value.get("date-parts")
    first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    numbers = [int(p) for p in first if isinstance(p, int) or (isinstance(p, str) and p.isdigit())]
    if not numbers:
        return None, ""
    precision = ("year", "month", "day")[min(len(numbers), 3) - 1]
    year, month, day = (numbers + [1, 1])[:3]
    try:
        return dt.date(year, month, day), precision
    except ValueError:
        return None, ""


def _author(value: object) -> Author | None:
    if not isinstance(value, dict):
        return None
    name = " ".join(p for p in (_text(value.get("given")), _text(value.get("family"))) if p) or _text(value.get("name"))
    if not name:
        return None
    affiliations = tuple(_text(a.get("name")) for a in _list(value.get("affiliation")) if isinstance(a, dict))
    orcid = _ORCID.search(_text(value.get("ORCID")))
    return Author(name, tuple(a for a in affiliations if a), orcid.group(1).upper() if orcid else None)


def _license(value: object) -> str | None:
    licenses = [x for x in _list(value) if isinstance(x, dict) and _text(x.get("URL"))]
    licenses.sort(key=lambda x: x.get("content-version") != "vor")
    return _text(licenses[0].get("URL")) if licenses else None


def _links(work: Mapping[str, object], doi: str | None) -> tuple[Link, ...]:
    links = [Link("doi", f"https://doi.org/{doi}")] if doi else []
    for link in _list(work.get("link")):
        if isinstance(link, dict) and _text(link.get("content-type")) == "application/pdf" and _text(link.get("URL")):
            links.append(Link("pdf", _text(link.get("URL"))))
            break
    return tuple(links)


def _first(value: object) -> str:
    values = [_text(v) for v in _list(value) if _text(v)]
    return values[0] if values else _text(value)


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_crossref_unixsd(data: bytes) -> list[RawItem]:
    """Crossref's XML (`/transform/application/vnd.crossref.unixsd+xml`) → RawItems. Raises: ParseError."""
    root = parse_xml(data, recover=True)
    if localname(root) not in ("crossref_result", "doi_records", "doi_record", "crossref"):
        raise ParseError(f"not Crossref XML: root element <{localname(root)}>")
    return [_unixsd_record(rec) for rec in root.iter() if localname(rec) == "doi_record"]


def _unixsd_record(record: etree._Element) -> RawItem:
    found: dict[str, etree._Element] = {}
    for el in record.iter():
        found.setdefault(localname(el), el)
    dates = {d.get("media_type", ""): _unixsd_date(d) for d in record.iter() if localname(d) == "publication_date"}
    published = dates.get("online") or dates.get("print") or next(iter(dates.values()), None)
    authors = tuple(_unixsd_person(p) for p in record.iter() if localname(p) == "person_name")
    doi_data = found.get("doi_data")
    doi_el = next((d for d in doi_data.iter() if localname(d) == "doi"), None) if doi_data is not None else None
    doi = text_of(doi_el).strip().lower() or None
    venue = text_of(found.get("full_title")).strip() or None
    return RawItem(
        source="crossref",
        title=" ".join(text_of(found.get("title")).split()),
        abstract=element_to_text(found["abstract"]) if "abstract" in found else "",
        authors=authors,
        authors_raw="; ".join(a.name for a in authors),
        doi=doi,
        listing=venue,
        published=published,
        venue=venue,
        links=(Link("doi", f"https://doi.org/{doi}"),) if doi else (),
        item_type="article" if "journal_article" in found else None,
    )


def _unixsd_person(person: etree._Element) -> Author:
    parts = {localname(c): " ".join(text_of(c).split()) for c in person}
    name = " ".join(p for p in (parts.get("given_name"), parts.get("surname")) if p)
    affiliations = tuple(" ".join(text_of(c).split()) for c in person if localname(c) == "affiliation")
    orcid = _ORCID.search(parts.get("orcid", ""))
    return Author(name, affiliations, orcid.group(1).upper() if orcid else None)


def _unixsd_date(el: etree._Element) -> dt.date | None:
    parts = {localname(c): text_of(c).strip() for c in el}
    try:
        return dt.date(int(parts["year"]), int(parts.get("month") or 1), int(parts.get("day") or 1))
    except (KeyError, ValueError):
        return None


# --- enrichment and live listing -------------------------------------------------------


class CrossrefEnricher:
    """Enricher "crossref": works for DOIs, in batches, with `mailto` when a contact is set."""

    name = "crossref"

    def __init__(self, contact_email: str = "", *, base_url: str = API_BASE) -> None:
        self.contact_email = contact_email
        self.base_url = base_url

    @classmethod
    def from_settings(cls, settings: Settings) -> CrossrefEnricher:
        return cls(settings.contact_email)

    def params(self, extra: Mapping[str, str]) -> dict[str, str]:
        return {**extra, "mailto": self.contact_email} if self.contact_email else dict(extra)

    def lookup_dois(self, client: HttpClient, dois: list[str]) -> list[RawItem]:
        """Works found for these DOIs (unknown DOIs are skipped). Raises: FetchError, ParseError."""
        wanted = list(dict.fromkeys(d.strip().lower() for d in dois if d.strip()))
        single = [d for d in wanted if "," in d]
        batched = [d for d in wanted if "," not in d]
        found: list[RawItem] = []
        for start in range(0, len(batched), DOIS_PER_QUERY):
            chunk = batched[start : start + DOIS_PER_QUERY]
            query = {"filter": ",".join(f"doi:{d}" for d in chunk), "rows": str(len(chunk))}
            found += parse_crossref(client.get(f"{self.base_url}/works", params=self.params(query)).content).items
        for doi in single:
            found += self._lookup_one(client, doi)
        return found

    def _lookup_one(self, client: HttpClient, doi: str) -> tuple[RawItem, ...]:
        try:
            response = client.get(f"{self.base_url}/works/{quote(doi, safe='/()')}", params=self.params({}))
        except FetchError as exc:
            if exc.http_status == 404:
                return ()
            raise
        return parse_crossref(response.content).items

    def list_issn(self, client: HttpClient, issn: str, since: dt.date) -> FetchResult:
        """Works of one journal indexed since `since`, following `next-cursor` until a page is empty."""
        items: list[RawItem] = []
        cursor, total, notes = "*", None, []
        for _ in range(MAX_PAGES):
            query = {"filter": f"issn:{issn},from-index-date:{since.isoformat()}", "rows": str(ROWS_PER_PAGE)}
            response = client.get(f"{self.base_url}/works", params=self.params({**query, "cursor": cursor}))
            page = parse_crossref(response.content)
            total = page.total if page.total is not None else total
            items.extend(page.items)
            if not page.items or not page.next_cursor:
                break
            cursor = page.next_cursor
        else:
            notes.append(f"stopped after {MAX_PAGES} pages")
        if total is not None and len(items) < total:
            notes.append(f"got {len(items)} of {total} works Crossref reported")
        status = RunStatus.OK if items else RunStatus.NO_ANNOUNCEMENT
        return FetchResult(items=tuple(items), status=status, http_status=200, note="; ".join(notes))


class CrossrefSource:
    """Live source "crossref": target is an ISSN; lists works indexed since the day before."""

    kind = "crossref"

    def __init__(self, enricher: CrossrefEnricher | None = None) -> None:
        self.enricher = enricher or CrossrefEnricher()

    def fetch(
        self,
        spec: SourceSpec,
        client: HttpClient,
        day: dt.date | None,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        since = (day or dt.date.today()) - dt.timedelta(days=1)
        return self.enricher.list_issn(client, spec.target.strip(), since)


def sniff_crossref(path: Path, data: bytes) -> bool:
    head = data[:512].lstrip()
    return head.startswith(b"{") and b'"message-type"' in head and b'"work' in head


def parse_crossref_file(path: Path, data: bytes) -> Iterator[RawItem]:
    yield from parse_crossref(data).items


def sniff_crossref_xml(path: Path, data: bytes) -> bool:
    return b"<crossref_result" in data[:2048] or b"http://www.crossref.org/xschema/" in data[:2048]


def parse_crossref_xml_file(path: Path, data: bytes) -> Iterator[RawItem]:
    yield from parse_crossref_unixsd(data)


register_enricher("crossref", CrossrefEnricher.from_settings)
register_source(CrossrefSource())
register_file_format(FileFormat("crossref-json", sniff_crossref, parse_crossref_file))
register_file_format(FileFormat("crossref-xml", sniff_crossref_xml, parse_crossref_xml_file))
