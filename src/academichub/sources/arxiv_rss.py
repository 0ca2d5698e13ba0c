"""arXiv's daily listing feeds (rss.arxiv.org, RSS 2.0 and the Atom variant) → RawItems.

Owns the "Announce Type" prefix stripping, announce types, the listing day in
US Eastern time, and the empty-feed-is-no-announcement rule. It does not
clean whitespace or HTML (ingest does) and never parses with feedparser.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from academichub.errors import ParseError
from academichub.models import AnnounceType, FetchResult, Link, RawItem, RunStatus
from academichub.sources.arxiv_ids import (
    arxiv_id_or_none,
    arxiv_links,
    eastern_date,
    listing_day_or_none,
    parse_iso,
    parse_rfc822,
    split_author_string,
)
from academichub.sources.base import FileFormat, SourceSpec, register_file_format, register_source
from academichub.sources.xml import parse_xml, text_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from academichub.sources.http import HttpClient

SOURCE_KIND = "arxiv-rss"
RSS_BASE_URL = "https://rss.arxiv.org/rss/"
ARXIV_NS = "http://arxiv.org/schemas/atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
ATOM_NS = "http://www.w3.org/2005/Atom"

# "arXiv:2604.21952v1 Announce Type: new \nAbstract: ..." (note the space before the newline).
_PREFIX = re.compile(
    r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[A-Za-z-]+)\s*(?:Abstract:[ \t]*(?:\r?\n)?)?",
    re.IGNORECASE,
)
_LISTING_FROM_URL = re.compile(r"/(?:rss|atom)/([^/?#\s]+)")
_LISTING_FROM_TITLE = re.compile(r"^\s*(\S+) updates on arXiv\.org", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RssMeta:
    """Channel facts: which listing, which announcement day, and whether the document was salvaged."""

    listing: str | None
    feed_date: dt.date | None  # channel pubDate (Atom: first entry's published), as a US Eastern date
    last_build: dt.datetime | None
    skip_days: tuple[str, ...] = ()
    feed_format: str = "rss"  # "rss" | "atom"
    salvaged: bool = False  # truncated/broken XML: only the complete items were kept
    duplicates: int = 0  # items dropped because the same paper was listed twice

    @property
    def announced(self) -> dt.date | None:
        """The feed's announcement day; None when the feed date is a weekend."""
        return listing_day_or_none(self.feed_date)


def parse_arxiv_rss(data: bytes) -> tuple[list[RawItem], RssMeta]:
    """Parse an rss.arxiv.org RSS 2.0 or Atom document.

    Raises: ParseError("not a feed: ...") for HTML, JSON or other XML; ParseError
    for a broken document nothing can be salvaged from.
    """
    root, salvaged = _parse_feed_xml(data)
    build: Callable[[etree._Element, RssMeta], RawItem | None]
    name = etree.QName(root).localname
    if name == "rss":
        channel = root.find("channel")
        if channel is None:
            raise ParseError("not a feed: RSS document without a <channel>")
        elements = channel.findall("item")
        meta = _rss_meta(channel, salvaged)
        closing = b"</item>"
        build = _rss_item
    elif name == "feed" and etree.QName(root).namespace == ATOM_NS:
        elements = root.findall(f"{{{ATOM_NS}}}entry")
        meta = _atom_meta(root, elements, salvaged)
        closing = b"</entry>"
        build = _atom_entry
    else:
        raise ParseError(f"not a feed: root element <{name}>")
    if salvaged and len(elements) > data.count(closing):
        elements = elements[:-1]  # the item the cut went through is incomplete
    items: list[RawItem] = []
    seen: set[str] = set()
    duplicates = 0
    for element in elements:
        item = build(element, meta)
        if item is None or item.arxiv_id is None:
            continue
        if item.arxiv_id in seen:
            duplicates += 1
            continue
        seen.add(item.arxiv_id)
        items.append(item)
    return items, replace(meta, duplicates=duplicates) if duplicates else meta


def _parse_feed_xml(data: bytes) -> tuple[etree._Element, bool]:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        raise ParseError("not a feed: got JSON")
    if re.match(rb"(?i)<!doctype html|<html", head):
        raise ParseError("not a feed: got an HTML page")
    try:
        return parse_xml(data), False
    except ParseError as strict_error:
        if b"<!ENTITY" in data[:65536].upper():
            raise
        try:
            return parse_xml(data, recover=True), True
        except ParseError:
            raise strict_error from None


def _listing_from(link: str, title: str) -> str | None:
    match = _LISTING_FROM_URL.search(link)
    if match:
        return match.group(1)
    match = _LISTING_FROM_TITLE.match(title)
    return match.group(1) if match else None


def _rss_meta(channel: etree._Element, salvaged: bool) -> RssMeta:
    skip = tuple(text_of(day).strip() for day in channel.iterfind("skipDays/day"))
    return RssMeta(
        listing=_listing_from(channel.findtext("link") or "", channel.findtext("title") or ""),
        feed_date=eastern_date(channel.findtext("pubDate")),
        last_build=parse_rfc822(channel.findtext("lastBuildDate")),
        skip_days=skip,
        feed_format="rss",
        salvaged=salvaged,
    )


def _atom_meta(root: etree._Element, entries: list[etree._Element], salvaged: bool) -> RssMeta:
    self_link = next((el.get("href", "") for el in root.iterfind(f"{{{ATOM_NS}}}link") if el.get("rel") == "self"), "")
    title = root.findtext(f"{{{ATOM_NS}}}title") or ""
    first_published = entries[0].findtext(f"{{{ATOM_NS}}}published") if entries else None
    updated = root.findtext(f"{{{ATOM_NS}}}updated")
    return RssMeta(
        listing=_listing_from(self_link, title),
        feed_date=eastern_date(first_published or updated),
        last_build=parse_iso(updated),
        feed_format="atom",
        salvaged=salvaged,
    )


def split_description(text: str) -> tuple[str, str | None, str | None]:
    """Split "arXiv:ID Announce Type: T \\nAbstract: ..." into (abstract, versioned id, type)."""
    match = _PREFIX.match(text)
    if match is None:
        return text, None, None
    return text[match.end() :], match.group("id"), match.group("type").lower()


def _announce_type(*candidates: str | None) -> AnnounceType | None:
    for value in candidates:
        if value:
            try:
                return AnnounceType(value.strip().lower())
            except ValueError:
                continue
    return None


def _rss_item(item: etree._Element, meta: RssMeta) -> RawItem | None:
    abstract, prefix_id, prefix_type = split_description(text_of(item.find("description")))
    ident = arxiv_id_or_none(item.findtext("guid")) or arxiv_id_or_none(prefix_id)
    ident = ident or arxiv_id_or_none(item.findtext("link"))
    if ident is None:
        return None
    pub_date = item.findtext("pubDate")
    return _build_item(
        ident,
        meta,
        title=text_of(item.find("title")),
        abstract=abstract,
        creators=text_of(item.find(f"{{{DC_NS}}}creator")),
        categories=[text_of(c).strip() for c in item.iterfind("category")],
        announce_type=_announce_type(item.findtext(f"{{{ARXIV_NS}}}announce_type"), prefix_type),
        announced=eastern_date(pub_date) if pub_date else meta.feed_date,
        extra=item,
    )


def _atom_entry(entry: etree._Element, meta: RssMeta) -> RawItem | None:
    abstract, prefix_id, prefix_type = split_description(text_of(entry.find(f"{{{ATOM_NS}}}summary")))
    ident = arxiv_id_or_none(entry.findtext(f"{{{ATOM_NS}}}id")) or arxiv_id_or_none(prefix_id)
    if ident is None:
        return None
    published = entry.findtext(f"{{{ATOM_NS}}}published")
    return _build_item(
        ident,
        meta,
        title=text_of(entry.find(f"{{{ATOM_NS}}}title")),
        abstract=abstract,
        creators=text_of(entry.find(f"{{{DC_NS}}}creator"))
        or ", ".join(text_of(a) for a in entry.iterfind(f"{{{ATOM_NS}}}author/{{{ATOM_NS}}}name")),
        categories=[c.get("term", "").strip() for c in entry.iterfind(f"{{{ATOM_NS}}}category")],
        announce_type=_announce_type(entry.findtext(f"{{{ARXIV_NS}}}announce_type"), prefix_type),
        announced=eastern_date(published) if published else meta.feed_date,
        extra=entry,
    )


def _build_item(
    ident: tuple[str, int | None],
    meta: RssMeta,
    *,
    title: str,
    abstract: str,
    creators: str,
    categories: list[str],
    announce_type: AnnounceType | None,
    announced: dt.date | None,
    extra: etree._Element,
) -> RawItem:
    base, version = ident
    cats = tuple(dict.fromkeys(c for c in categories if c))
    doi = (extra.findtext(f"{{{ARXIV_NS}}}DOI") or extra.findtext(f"{{{ARXIV_NS}}}doi") or "").strip()
    journal_ref = (extra.findtext(f"{{{ARXIV_NS}}}journal_reference") or "").strip()
    license_url = (extra.findtext(f"{{{DC_NS}}}rights") or "").strip()
    return RawItem(
        source=SOURCE_KIND,
        title=title.strip(),
        abstract=abstract,
        authors=split_author_string(creators),
        authors_raw=creators,
        arxiv_id=base,
        version=version,
        doi=doi.lower() or None,
        categories=cats,
        primary_category=cats[0] if cats else None,  # arXiv lists the primary classification first
        listing=_item_listing(meta.listing, cats),
        announce_type=announce_type,
        announced=listing_day_or_none(announced),
        journal_ref=journal_ref or None,
        license=license_url or None,
        links=tuple(Link(kind, url) for kind, url in arxiv_links(base, version)),
        item_type="preprint",
    )


def _item_listing(feed_listing: str | None, categories: tuple[str, ...]) -> str | None:
    """For a combined feed (`cs.LG+cs.AI`) the first requested category the paper is in; else the feed's."""
    if not feed_listing or "+" not in feed_listing:
        return feed_listing
    requested = feed_listing.split("+")
    return next((c for c in categories if c in requested), None) or next(
        (r for r in requested if any(c.startswith(r + ".") for c in categories)), feed_listing
    )


def feed_url(target: str, base_url: str = RSS_BASE_URL) -> str:
    """`cs.LG` / `cs.LG+cs.AI` → its rss.arxiv.org URL; a full URL is used as given."""
    target = target.strip()
    if target.startswith(("http://", "https://")):
        return target
    return base_url + target


def result_from_feed(items: list[RawItem], meta: RssMeta, *, http_status: int | None = None) -> FetchResult:
    """Turn a parsed feed into a FetchResult: an empty feed is NO_ANNOUNCEMENT, never an error or "no papers".

    Raises: ParseError when a truncated feed yielded nothing (emptiness cannot be told from damage).
    """
    listing = meta.listing or "arXiv"
    if not items:
        if meta.salvaged:
            raise ParseError(f"truncated arXiv {listing} feed: no complete item could be salvaged")
        when = meta.feed_date.strftime("%a %Y-%m-%d") if meta.feed_date else "this day"
        why = "weekend" if meta.feed_date and meta.announced is None else "holiday or no listing"
        return FetchResult(
            status=RunStatus.NO_ANNOUNCEMENT,
            http_status=http_status,
            note=f"no announcement: arXiv {listing} feed for {when} is empty ({why})",
        )
    notes = []
    if meta.salvaged:
        notes.append(f"salvaged truncated feed: kept {len(items)} complete items")
    if meta.duplicates:
        notes.append(f"{meta.duplicates} duplicate listings merged")
    return FetchResult(items=tuple(items), status=RunStatus.OK, http_status=http_status, note="; ".join(notes))


class ArxivRssSource:
    """Live source `arxiv-rss`: target is a category or `+`-joined categories (or a full feed URL)."""

    kind = SOURCE_KIND

    def __init__(self, base_url: str = RSS_BASE_URL) -> None:
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
        """Fetch today's listing (RSS serves only the latest day; `day` is not a query parameter)."""
        response = client.get(feed_url(spec.target, self.base_url), etag=etag, last_modified=last_modified)
        if response.not_modified:
            return FetchResult(
                status=RunStatus.NOT_MODIFIED,
                http_status=response.status,
                etag=response.etag or etag,
                last_modified=response.last_modified or last_modified,
            )
        items, meta = parse_arxiv_rss(response.content)
        result = result_from_feed(items, meta, http_status=response.status)
        return FetchResult(
            items=result.items,
            status=result.status,
            http_status=result.http_status,
            note=result.note,
            etag=response.etag,
            last_modified=response.last_modified,
        )


def sniff_arxiv_rss(path: Path, data: bytes) -> bool:
    head = data[:4096]
    return (b"<rss" in head and b"arxiv" in head.lower()) or (b"<feed" in head and b"rss.arxiv.org" in head)


def parse_arxiv_rss_file(path: Path, data: bytes) -> Iterator[RawItem]:
    items, _meta = parse_arxiv_rss(data)
    yield from items


register_source(ArxivRssSource())
register_file_format(FileFormat("arxiv-rss", sniff_arxiv_rss, parse_arxiv_rss_file))
