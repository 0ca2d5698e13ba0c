"""The arXiv API (export.arxiv.org/api/query: Atom 1.0 + opensearch) → RawItems, with paging.

Owns entry parsing, the Atom "Error" entry, recorded `{url, status_code, body}`
wrappers, query building and `start`/`max_results` paging within arXiv's caps.
Summaries keep their whitespace (ingest cleans); no dedupe here.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from academichub.errors import FetchError, ParseError
from academichub.models import Author, FetchResult, Link, RawItem, RunStatus, Version
from academichub.sources.arxiv_ids import arxiv_id_or_none, arxiv_links, parse_iso
from academichub.sources.base import FileFormat, SourceSpec, register_file_format, register_source
from academichub.sources.xml import parse_xml, text_of

if TYPE_CHECKING:
    from academichub.sources.http import HttpClient

SOURCE_KIND = "arxiv-api"
API_URL = "https://export.arxiv.org/api/query"
MAX_PAGE_SIZE = 2000  # arXiv: at most 2000 results per call
MAX_TOTAL_RESULTS = 30000  # arXiv: start + max_results beyond 30000 → HTTP 400
EMPTY_RETRY_DELAY_S = 5.0  # wait before re-asking when a page came back empty unexpectedly (RELIABILITY E1)
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


class ArxivApiError(ParseError):
    """arXiv answered with its Atom "Error" entry (HTTP 400): the message is arXiv's own."""

    def __init__(self, message: str, *, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status


@dataclass(frozen=True, slots=True)
class ApiPage:
    """One response page: its entries and the opensearch counters."""

    items: tuple[RawItem, ...]
    total: int | None  # opensearch:totalResults
    start: int  # opensearch:startIndex
    per_page: int | None  # opensearch:itemsPerPage


def parse_arxiv_api(data: bytes, *, http_status: int | None = None) -> ApiPage:
    """Parse one API response body. Raises: ArxivApiError for arXiv's error entry; ParseError otherwise."""
    root = parse_xml(data)
    if root.tag != f"{ATOM}feed":
        raise ParseError(f"not an arXiv API response: root element <{etree.QName(root).localname}>")
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        if "/api/errors" in (entry.findtext(f"{ATOM}id") or ""):
            message = " ".join(text_of(entry.find(f"{ATOM}summary")).split()) or "unknown error"
            raise ArxivApiError(f"arXiv API error: {message}", http_status=http_status)
    items = tuple(item for item in (_entry_item(e) for e in entries) if item is not None)
    return ApiPage(
        items=items,
        total=_int_or_none(root.findtext(f"{OPENSEARCH}totalResults")),
        start=_int_or_none(root.findtext(f"{OPENSEARCH}startIndex")) or 0,
        per_page=_int_or_none(root.findtext(f"{OPENSEARCH}itemsPerPage")),
    )


def _int_or_none(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


def _date(text: str | None) -> dt.date | None:
    moment = parse_iso(text)
    return moment.astimezone(dt.UTC).date() if moment else None


def _entry_item(entry: etree._Element) -> RawItem | None:
    ident = arxiv_id_or_none(entry.findtext(f"{ATOM}id"))
    if ident is None:
        return None
    base, version = ident
    published, updated = _date(entry.findtext(f"{ATOM}published")), _date(entry.findtext(f"{ATOM}updated"))
    authors = tuple(
        Author(
            " ".join(text_of(a.find(f"{ATOM}name")).split()),
            tuple(t for t in (" ".join(text_of(f).split()) for f in a.iterfind(f"{ARXIV}affiliation")) if t),
        )
        for a in entry.iterfind(f"{ATOM}author")
    )
    primary_el = entry.find(f"{ARXIV}primary_category")
    primary = primary_el.get("term") if primary_el is not None else None
    terms = [c.get("term", "") for c in entry.iterfind(f"{ATOM}category")]
    categories = tuple(dict.fromkeys(t.strip() for t in [primary or "", *terms] if t and t.strip()))
    doi = (entry.findtext(f"{ARXIV}doi") or "").strip().lower()
    links = [Link(kind, url) for kind, url in arxiv_links(base, version)]
    if doi:
        links.append(Link("doi", f"https://doi.org/{doi}"))
    versions = [Version(1, published)]
    if version and version > 1:
        versions.append(Version(version, updated))
    return RawItem(
        source=SOURCE_KIND,
        title=text_of(entry.find(f"{ATOM}title")).strip(),
        abstract=text_of(entry.find(f"{ATOM}summary")),
        authors=tuple(a for a in authors if a.name),
        authors_raw=", ".join(a.name for a in authors if a.name),
        arxiv_id=base,
        version=version,
        doi=doi or None,
        categories=categories,
        primary_category=primary or (categories[0] if categories else None),
        published=published,
        updated=updated,
        versions=tuple(versions),
        journal_ref=(entry.findtext(f"{ARXIV}journal_ref") or "").strip() or None,
        comment=(entry.findtext(f"{ARXIV}comment") or "").strip() or None,
        links=tuple(links),
        item_type="preprint",
    )


# --- queries and paging ---


def _stamp(value: dt.date | dt.datetime, *, end: bool) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y%m%d%H%M")
    return value.strftime("%Y%m%d") + ("2359" if end else "0000")


def category_query(
    categories: Sequence[str],
    *,
    submitted_from: dt.date | dt.datetime | None = None,
    submitted_to: dt.date | dt.datetime | None = None,
) -> str:
    """`(cat:cs.LG OR cat:cs.AI) AND submittedDate:[202604270000 TO 202604272359]` (dates are inclusive days)."""
    cats = [c.strip() for c in categories if c.strip()]
    query = " OR ".join(f"cat:{c}" for c in cats)
    if len(cats) > 1:
        query = f"({query})"
    if submitted_from is not None or submitted_to is not None:
        low = _stamp(submitted_from or dt.date(1991, 1, 1), end=False)
        high = _stamp(submitted_to or dt.datetime.now(dt.UTC).date(), end=True)
        date_clause = f"submittedDate:[{low} TO {high}]"
        query = f"{query} AND {date_clause}" if query else date_clause
    return query


def id_list_param(ids: Sequence[str]) -> str:
    """The `id_list` value for some arXiv ids (versioned or not)."""
    return ",".join(i.strip() for i in ids if i.strip())


def fetch_api_page(client: HttpClient, params: Mapping[str, str], *, base_url: str = API_URL) -> ApiPage:
    """One API call. Raises: ArxivApiError with arXiv's message for its HTTP 400 error feed; FetchError."""
    try:
        response = client.get(base_url, params=params)
    except FetchError as exc:
        body = getattr(exc, "body", None)
        if exc.http_status == 400 and body:
            try:
                parse_arxiv_api(body, http_status=400)
            except ArxivApiError:
                raise
            except ParseError:
                pass
        raise
    return parse_arxiv_api(response.content, http_status=response.status)


def search(
    client: HttpClient,
    query: str = "",
    *,
    id_list: Sequence[str] = (),
    start: int = 0,
    max_results: int | None = None,
    page_size: int = MAX_PAGE_SIZE,
    total_cap: int = MAX_TOTAL_RESULTS,
    sort_by: str = "submittedDate",
    sort_order: str = "descending",
    expect_results: bool = False,
    base_url: str = API_URL,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[ApiPage]:
    """Yield result pages until opensearch totalResults, `max_results` or arXiv's 30000 cap is reached.

    An empty page where results were expected (mid-way through totalResults, or
    totalResults 0 with `expect_results`) is asked once more after a pause, then
    raised. Raises: FetchError (never silently "no papers"), ArxivApiError;
    ValueError when `start` is past arXiv's 30000-result limit.
    """
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    limit = min(total_cap, MAX_TOTAL_RESULTS) - start
    if limit <= 0:
        raise ValueError(f"start={start} is beyond arXiv's {MAX_TOTAL_RESULTS}-result limit (it would answer HTTP 400)")
    if max_results is not None:
        limit = min(limit, max_results)
    position, fetched, total = start, 0, None
    while fetched < limit:
        params = {
            "search_query": query,
            "id_list": id_list_param(id_list),
            "start": str(position),
            "max_results": str(min(page_size, limit - fetched)),
            "sortBy": sort_by,
            "sortOrder": sort_order,
        }
        page = fetch_api_page(client, params, base_url=base_url)
        if not page.items and _is_unexpectedly_empty(page, position, fetched, expect_results):
            sleep(EMPTY_RETRY_DELAY_S)
            page = fetch_api_page(client, params, base_url=base_url)
            if not page.items and _is_unexpectedly_empty(page, position, fetched, expect_results):
                raise FetchError(
                    f"arXiv API returned an empty page twice (start={position}, totalResults={page.total}) "
                    f"for query {query or id_list_param(id_list)!r}; not treating it as 'no papers'"
                )
        total = page.total if page.total is not None else total
        yield page
        if not page.items:
            return
        fetched += len(page.items)
        position += len(page.items)
        if total is not None and position >= total:
            return


def _is_unexpectedly_empty(page: ApiPage, position: int, fetched: int, expect_results: bool) -> bool:
    if page.total and position < page.total:
        return True  # arXiv says there is more, yet sent nothing
    return expect_results and fetched == 0


class ArxivApiSource:
    """Live source `arxiv-api`: target is a category or `+`-joined categories; fetches one submission day."""

    kind = SOURCE_KIND

    def __init__(self, base_url: str = API_URL, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url
        self.sleep = sleep

    def fetch(
        self,
        spec: SourceSpec,
        client: HttpClient,
        day: dt.date | None,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """Papers submitted on `day` (UTC; default yesterday). Raises: FetchError on an unexpected empty answer."""
        when = day or (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1))
        query = category_query(spec.target.replace(",", "+").split("+"), submitted_from=when, submitted_to=when)
        items: list[RawItem] = []
        for page in search(client, query, expect_results=when.weekday() < 5, base_url=self.base_url, sleep=self.sleep):
            items.extend(page.items)
        return FetchResult(items=tuple(items), status=RunStatus.OK, note=f"submitted {when.isoformat()}")


# --- recorded files ---


def unwrap_recording(data: bytes) -> tuple[int | None, bytes]:
    """(status, body bytes) of an arxiv.py `{url, status_code, body}` recording.

    The recorder stored `response.text` decoded as latin-1, so re-encoding as
    latin-1 gives the wire bytes (UTF-8); text that is not latin-1 is used as is.
    Raises: ParseError.
    """
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise ParseError(f"not an arXiv API recording: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("body"), str):
        raise ParseError("not an arXiv API recording: no 'body' text")
    body: str = doc["body"]
    try:
        raw = body.encode("latin-1")
        raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raw = body.encode("utf-8")
    status = doc.get("status_code")
    return (status if isinstance(status, int) else None), raw


def _sniff_recording(path: Path, data: bytes) -> bool:
    head = data[:4096].lstrip()
    return head.startswith(b"{") and b'"body"' in data[:8192] and b"arxiv.org/api" in head


def _parse_recording(path: Path, data: bytes) -> Iterator[RawItem]:
    status, body = unwrap_recording(data)
    yield from parse_arxiv_api(body, http_status=status).items


def _sniff_atom(path: Path, data: bytes) -> bool:
    head = data[:4096]
    return b"<feed" in head and b"opensearch" in head and b"arxiv.org" in head


def _parse_atom(path: Path, data: bytes) -> Iterator[RawItem]:
    yield from parse_arxiv_api(data).items


register_source(ArxivApiSource())
register_file_format(FileFormat("arxiv-api-recording", _sniff_recording, _parse_recording))
register_file_format(FileFormat("arxiv-api", _sniff_atom, _parse_atom))
