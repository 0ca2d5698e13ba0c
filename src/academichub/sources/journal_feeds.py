"""Journal RSS 1.0/RDF, RSS 2.0 and Atom feeds (Nature, Science, Cell, …) → RawItems via feedparser.

Owns: the journal presets (feed URL + ISSN), refusing bodies that are not feeds (HTML, JSON,
PDF, entity bombs, huge tokens), charset repair, dropping publisher teasers that are not
abstracts, and the "journal" live source with conditional GET. Abstracts missing here come from
enrichment. Documents are bounded (`feed_guard`) before feedparser sees them.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import feedparser

from academichub.errors import ConfigError, ParseError
from academichub.models import AnnounceType, Author, FetchResult, Link, RawItem, RunStatus, Version
from academichub.sources.base import FileFormat, SourceSpec, register_file_format, register_source
from academichub.sources.feed_guard import bound_feed
from academichub.sources.jats import jats_to_text
from academichub.sources.xml import reject_entity_declarations

if TYPE_CHECKING:  # annotations only: ingesting files loads neither pydantic-settings nor httpx
    from academichub.sources.http import HttpClient

MAX_ITEMS = 5000  # a feed longer than this is cut before parsing (RELIABILITY B5)
# Where an item's date is looked for, best first; "updated" is only read when present, because
# FeedParserDict.get("updated") falls back to "published" with a DeprecationWarning.
_DATE_FIELDS = ("prism_publicationdate", "published", "updated", "dc_date", "prism_coverdate")
_DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>]+", re.IGNORECASE)
_VERSION_IN_LINK = re.compile(r"v(\d+)(?:[?#./]|$)")
_LISTING_PREFIXES = ("bioRxiv Subject Collection:", "medRxiv Subject Collection:")
MIN_ABSTRACT_CHARS = 350  # shorter feed text is a standfirst/teaser, not an abstract
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")
# Nature's content:encoded: "<p>Nature, Published online: 30 November 2023; <a>doi:…</a></p>" + standfirst.
_PUBLISHED_ONLINE = re.compile(r"\A\s*<p>(?:(?!</p>).)*?published online(?:(?!</p>).)*</p>", re.IGNORECASE | re.DOTALL)
_TEASER_LINE = re.compile(r"\A[^<]{0,200}?volume \d+, issue [^<]*?(?:<br\s*/?>|$)", re.IGNORECASE)
_INITIALS = re.compile(r"\A(?:[A-Z][a-z]?\.?[\s-]*)+\Z")
_UTF16_32 = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)
_DECLARED_ENCODING = re.compile(rb"""(<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""")


@dataclass(frozen=True, slots=True)
class JournalPreset:
    name: str
    label: str
    url: str
    issn: str  # print ISSN, for Crossref lookups by journal


_PRESETS = (
    JournalPreset("nature", "Nature", "https://www.nature.com/nature.rss", "0028-0836"),
    JournalPreset("nature-communications", "Nature Communications", "https://www.nature.com/ncomms.rss", "2041-1723"),
    JournalPreset(
        "science", "Science", "https://www.science.org/action/showFeed?type=etoc&feed=rss&jc=science", "0036-8075"
    ),
    JournalPreset(
        "science-advances",
        "Science Advances",
        "https://www.science.org/action/showFeed?type=etoc&feed=rss&jc=sciadv",
        "2375-2548",
    ),
    JournalPreset("cell", "Cell", "https://www.cell.com/cell/current.rss", "0092-8674"),
    JournalPreset("pnas", "PNAS", "https://www.pnas.org/action/showFeed?type=etoc&feed=rss&jc=pnas", "0027-8424"),
    JournalPreset("prl", "Physical Review Letters", "https://feeds.aps.org/rss/recent/prl.xml", "0031-9007"),
    JournalPreset(
        "nejm",
        "New England Journal of Medicine",
        "https://www.nejm.org/action/showFeed?jc=nejm&type=etoc&feed=rss",
        "0028-4793",
    ),
    JournalPreset("lancet", "The Lancet", "https://www.thelancet.com/rssfeed/lancet_current.xml", "0140-6736"),
)
PRESETS: dict[str, JournalPreset] = {p.name: p for p in _PRESETS}


def preset(name: str) -> JournalPreset:
    """The preset journal called `name`. Raises: ConfigError for an unknown name."""
    try:
        return PRESETS[name.strip().lower()]
    except KeyError:
        raise ConfigError(f"unknown journal {name!r} (known: {', '.join(sorted(PRESETS))})") from None


def presets() -> list[JournalPreset]:
    return list(_PRESETS)


@dataclass(frozen=True, slots=True)
class JournalFeed:
    items: tuple[RawItem, ...]
    title: str = ""
    salvaged: bool = False  # the XML was broken; items come from feedparser's lenient parser
    truncated: bool = False  # more than MAX_ITEMS entries; the rest were dropped unparsed
    items_total: int = 0  # entries the document held, dropped ones included

    @property
    def undated(self) -> int:
        """Items whose written date could not be used (each carries `date_flag`)."""
        return sum(1 for item in self.items if item.date_flag)


def check_is_feed(data: bytes, content_type: str | None = None) -> None:
    """Raises: ParseError("not a feed: …") for empty, HTML, JSON or PDF bodies."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        raise ParseError("not a feed: empty body")
    if head.startswith(b"%pdf"):
        raise ParseError("not a feed: the server sent a PDF")
    if head[:1] in (b"{", b"["):
        raise ParseError("not a feed: the server sent JSON")
    has_feed_root = any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))
    if head.startswith((b"<!doctype html", b"<html")) or (b"<html" in head and not has_feed_root):
        raise ParseError("not a feed: the server sent an HTML page")
    if content_type and "html" in content_type.lower() and not has_feed_root:
        raise ParseError(f"not a feed: content-type {content_type}")


def parse_journal_feed(data: bytes, *, listing: str | None = None, content_type: str | None = None) -> JournalFeed:
    """Parse RSS 1.0/RDF, RSS 2.0 or Atom; only the first MAX_ITEMS entries are parsed.

    Raises: ParseError (not a feed, entity declarations, a token over feed_guard's limits).
    """
    utf8 = to_utf8_bytes(data)
    check_is_feed(utf8, content_type)
    bounded = bound_feed(reject_entity_declarations(utf8), max_items=MAX_ITEMS)
    parsed = feedparser.parse(bounded.data, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.get("version"):
        reason = parsed.get("bozo_exception")
        raise ParseError(f"not a feed: no RSS or Atom document found ({reason or 'unknown format'})")
    channel = parsed.get("feed", {})
    title = clean_text(channel.get("title", ""))
    venue = clean_text(channel.get("prism_publicationname", "")) or None
    listing = listing or _listing_from_title(title) or venue
    entries = list(parsed.get("entries", []))
    items: dict[str, RawItem] = {}
    for entry in entries[:MAX_ITEMS]:
        item = entry_to_item(entry, listing=listing, venue=venue)
        key = item.doi or _entry_key(entry) or item.title
        items.setdefault(key, item)
    salvaged = bool(parsed.get("bozo")) and _is_syntax_problem(parsed.get("bozo_exception"))
    total = max(bounded.items_total, len(entries))
    truncated = bounded.truncated or len(entries) > MAX_ITEMS
    return JournalFeed(tuple(items.values()), title, salvaged, truncated, total)


def entry_to_item(entry: Mapping[str, Any], *, listing: str | None, venue: str | None) -> RawItem:
    """One feed entry → RawItem. Teasers are dropped, leaving the abstract to enrichment."""
    title = clean_text(entry.get("title", ""), keep_markup=True)
    doi = _doi_of(entry)
    link = str(entry.get("link", "") or "")
    day, date_flag = _entry_date(entry)
    authors_raw, authors = _authors_of(entry)
    item_venue = clean_text(entry.get("prism_publicationname", "")) or venue
    version = _version_of(link, item_venue)
    is_preprint = bool(item_venue and "rxiv" in item_venue.lower())
    links = [Link("html", link)] if link else []
    if doi:
        links.append(Link("doi", f"https://doi.org/{doi}"))
    return RawItem(
        source="journal",
        title=title,
        abstract=_abstract_of(entry, title),
        authors=authors,
        authors_raw=authors_raw,
        version=version,
        doi=doi,
        categories=(listing,) if is_preprint and listing else (),
        listing=listing or item_venue,
        announce_type=AnnounceType.NEW,
        announced=day,
        published=day,
        versions=(Version(version, day),) if version is not None else (),
        venue=item_venue,
        license=clean_text(entry.get("rights", "")) or None,
        links=tuple(links),
        item_type=_item_type(doi, item_venue),
        date_flag=date_flag,
    )


def _abstract_of(entry: Mapping[str, Any], title: str) -> str:
    contents = entry.get("content") or []
    raw = contents[0].get("value", "") if contents else entry.get("summary", "")
    text = jats_to_text(strip_teaser_boilerplate(clean_text(raw, keep_markup=True)))
    return "" if is_teaser(text, jats_to_text(title)) else text


def _doi_of(entry: Mapping[str, Any]) -> str | None:
    for key in ("prism_doi", "dc_identifier", "id", "link", "summary"):
        match = _DOI.search(str(entry.get(key, "") or ""))
        if match:
            return match.group(0).rstrip(".,;").lower().removesuffix("?rss=1")
    return None


def _authors_of(entry: Mapping[str, Any]) -> tuple[str, tuple[Author, ...]]:
    names = [clean_text(a.get("name", "")) for a in entry.get("authors", []) if isinstance(a, Mapping)]
    names = [n for n in names if n]
    if not names and entry.get("author"):
        names = [clean_text(entry["author"])]
    raw = "; ".join(names)
    if len(names) == 1:
        names = split_creator(names[0])
    return raw, tuple(Author(n) for n in names)


def _entry_date(entry: Mapping[str, Any]) -> tuple[dt.date | None, str | None]:
    """The entry's date, plus a flag when a written date was unusable (RELIABILITY D4).

    The flag names the fields passed over when the date comes from a later field, or says the
    item is left undated; no date is invented from the channel or the fetch day, since either
    would move on every fetch and re-announce the item.
    """
    unusable: list[str] = []
    for key in _DATE_FIELDS:
        value = str(entry[key] or "").strip() if key in entry else ""
        day = _date_of(value) if value else None
        if day:
            return day, (f"date taken from {key}; unusable {', '.join(unusable)}" if unusable else None)
        if value:
            unusable.append(f"{key} {value[:40]!r}")
    return None, (f"no usable date: {', '.join(unusable)}" if unusable else "no date in the feed")


def _date_of(value: str) -> dt.date | None:
    iso = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    try:
        if iso:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        return email.utils.parsedate_to_datetime(value).date()
    except (ValueError, TypeError, IndexError):
        return None


def _version_of(link: str, venue: str | None) -> int | None:
    if not venue or "rxiv" not in venue.lower():
        return None
    match = _VERSION_IN_LINK.search(link.split("?")[0] + "?")
    return int(match.group(1)) if match else None


def _item_type(doi: str | None, venue: str | None) -> str:
    if venue and "rxiv" in venue.lower():
        return "preprint"
    if doi and re.match(r"10\.1038/d\d", doi):
        return "news"
    return "article"


def _entry_key(entry: Mapping[str, Any]) -> str:
    return str(entry.get("id") or entry.get("link") or "")


def _listing_from_title(title: str) -> str | None:
    for prefix in _LISTING_PREFIXES:
        if title.startswith(prefix):
            return title[len(prefix) :].strip() or None
    return None


def _is_syntax_problem(exc: object) -> bool:
    return exc is not None and not isinstance(exc, feedparser.CharacterEncodingOverride)


def to_utf8_bytes(data: bytes) -> bytes:
    """UTF-16/32 documents re-encoded as UTF-8, so entity checks and feedparser see ASCII markup."""
    for bom, codec in _UTF16_32:
        if data.startswith(bom):
            body = data[len(bom) :] if bom[1:2] in (b"\xfe", b"\xff") else data
            text = body.decode(codec, errors="replace").lstrip("\ufeff")
            return _DECLARED_ENCODING.sub(rb'\1"utf-8"', text.encode("utf-8"), count=1)
    return data


def clean_text(value: object, *, keep_markup: bool = False) -> str:
    """Valid UTF-8 text without control characters; whitespace collapsed unless markup is kept."""
    text = _CONTROL.sub("", str(value or "")).encode("utf-8", "replace").decode("utf-8")
    return text.strip() if keep_markup else _SPACE.sub(" ", text).strip()


def strip_teaser_boilerplate(markup: str) -> str:
    """Feed text minus publisher boilerplate; "" for Nature-style "Published online" teasers.

    After Nature's "Published online: …; doi:…" line comes a standfirst (or the title again),
    never the abstract, so the whole text is dropped; a "Science, Volume N, Issue M" line is cut.
    """
    if _PUBLISHED_ONLINE.match(markup):
        return ""
    return _TEASER_LINE.sub("", markup, count=1).strip()


def is_teaser(text: str, title: str) -> bool:
    """True when feed text is no abstract: empty, the title again, or a one-line standfirst."""
    folded = _SPACE.sub(" ", text).strip().casefold()
    return not folded or folded == _SPACE.sub(" ", title).strip().casefold() or len(folded) < MIN_ABSTRACT_CHARS


def split_creator(name: str) -> list[str]:
    """One dc:creator holding "LAPALU, N., SIMON, A., Lu, A." → ["LAPALU, N.", "SIMON, A.", "Lu, A."]."""
    if ";" in name:
        return [part.strip() for part in name.split(";") if part.strip()]
    parts = [part.strip() for part in name.split(",") if part.strip()]
    if len(parts) >= 4 and len(parts) % 2 == 0 and all(_INITIALS.match(p) for p in parts[1::2]):
        return [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts), 2)]
    return [name]


class JournalFeedSource:
    """Live source "journal": target is the feed URL; conditional GET, 304 → NOT_MODIFIED."""

    kind = "journal"

    def fetch(
        self,
        spec: SourceSpec,
        client: HttpClient,
        day: dt.date | None,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        response = client.get(spec.target, etag=etag, last_modified=last_modified)
        if response.not_modified:
            return FetchResult(
                status=RunStatus.NOT_MODIFIED,
                http_status=response.status,
                etag=response.etag or etag,
                last_modified=response.last_modified or last_modified,
            )
        feed = parse_journal_feed(
            response.content, listing=spec.label or None, content_type=response.headers.get("content-type")
        )
        if not feed.items:
            raise ParseError("feed lists no items: treated as an error, not as an empty day")
        notes = []
        if feed.salvaged:
            notes.append("feed XML was malformed; items salvaged by the lenient parser")
        if feed.truncated:
            dropped = feed.items_total - MAX_ITEMS
            notes.append(f"feed had {feed.items_total} items; {dropped} past the first {MAX_ITEMS} were dropped")
        if feed.undated:
            notes.append(f"{feed.undated} items had no usable date and were left undated or dated from a later field")
        return FetchResult(
            items=feed.items,
            http_status=response.status,
            note="; ".join(notes),
            etag=response.etag,
            last_modified=response.last_modified,
        )


def sniff_journal_feed(path: Path, data: bytes) -> bool:
    head = to_utf8_bytes(data[:4096]).lower()
    is_feed = b"<rss" in head or b"<rdf:rdf" in head or b"http://www.w3.org/2005/atom" in head
    return is_feed and b"arxiv" not in head and b"<oai-pmh" not in head


def parse_journal_feed_file(path: Path, data: bytes) -> Iterator[RawItem]:
    yield from parse_journal_feed(data).items


register_source(JournalFeedSource())
register_file_format(FileFormat("journal-feed", sniff_journal_feed, parse_journal_feed_file))
