"""RawItem → Paper: identity keys, cleaned text, sane dates, authors, categories, source label.

Pure: no I/O. The same RawItem always gives the same Paper.
"""

from __future__ import annotations

import datetime as dt
import re

from academichub.ingest.sanitize import clean_abstract, clean_text, clean_title
from academichub.models import Announcement, AnnounceType, Author, Link, Paper, RawItem, Version

_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(?:v(\d+))?$")
_ARXIV_OLD = re.compile(r"^([a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?$")
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
EARLIEST_DATE = dt.date(1900, 1, 1)
PREPRINT_SOURCES = {"biorxiv": "bioRxiv", "medrxiv": "medRxiv"}
_TEX_ACCENTS = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303", "c": "\u0327", "v": "\u030c"}
_TEX_ACCENT = re.compile(r"""\{?\\(['`"^~]|[cv](?=[\s{]))\s*\{?([A-Za-z])\}?\}?""")


def split_arxiv_id(value: str) -> tuple[str, int | None] | None:
    """'arXiv:2604.22002v3' / 'http://arxiv.org/abs/astro-ph/0601001v1' → (id, version), or None."""
    text = value.strip()
    for prefix in ("oai:arXiv.org:", "arXiv:", "arxiv:"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if "/abs/" in text or "/pdf/" in text:
        text = text.split("/abs/", 1)[-1].split("/pdf/", 1)[-1]
    text = text.removesuffix(".pdf")
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.match(text)
        if match:
            return match.group(1), int(match.group(2)) if match.group(2) else None
    return None


def normalize_doi(value: str | None) -> str | None:
    """DOI in canonical lower-case form without resolver prefix, or None if it is not a DOI."""
    if not value:
        return None
    text = _DOI_PREFIX.sub("", value.strip()).strip().rstrip(".,;)").lower()
    return text if _DOI.match(text) else None


def identity_keys(item: RawItem) -> tuple[str, ...]:
    """Keys that name this work, most specific first: arxiv, doi, pmid, pmcid, openalex."""
    keys: list[str] = []
    arxiv = split_arxiv_id(item.arxiv_id) if item.arxiv_id else None
    doi = normalize_doi(item.doi)
    if doi and (m := _ARXIV_DOI.match(doi)) and (from_doi := split_arxiv_id(m.group(1))):
        arxiv = arxiv or from_doi
        doi = None
    if arxiv:
        keys.append(f"arxiv:{arxiv[0]}")
    if doi:
        keys.append(f"doi:{doi}")
    if item.pmid and item.pmid.strip().isdigit():
        keys.append(f"pmid:{item.pmid.strip()}")
    if item.pmcid:
        keys.append(f"pmcid:{item.pmcid.strip().upper()}")
    if item.openalex_id:
        keys.append(f"openalex:{item.openalex_id.rstrip('/').rsplit('/', 1)[-1].upper()}")
    return tuple(keys)


def sane_date(value: dt.date | None, *, today: dt.date | None = None) -> dt.date | None:
    """A date we can sort by, or None for epoch-0, far-future and pre-1900 nonsense."""
    if value is None:
        return None
    return _sane(value, (today or dt.date.today()) + _FUTURE_SLACK)


_FUTURE_SLACK = dt.timedelta(days=366)
_EPOCH = dt.date(1970, 1, 1)


def _sane(value: dt.date | None, limit: dt.date) -> dt.date | None:
    if value is None or value < EARLIEST_DATE or value > limit or value == _EPOCH:
        return None
    return value


def clean_name(name: str) -> str:
    """Author display name: TeX accents folded (`L\\'eon` → Léon), whitespace single."""
    if "\\" in name:
        name = _TEX_ACCENT.sub(lambda m: m.group(2) + _TEX_ACCENTS[m.group(1)], name)
        name = name.replace("{", "").replace("}", "")
    return clean_text(name, max_chars=300)


def split_author_string(raw: str) -> tuple[Author, ...]:
    """Fallback when a source gave only one string: 'A, B and C' → three authors."""
    text = clean_text(re.sub(r"\([^()]*\)", " ", raw), max_chars=100_000)
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+|;\s*", text)
    return tuple(Author(name) for part in parts if (name := clean_name(part)))


def normalize_authors(item: RawItem) -> tuple[Author, ...]:
    authors = item.authors or (split_author_string(item.authors_raw) if item.authors_raw else ())
    cleaned: list[Author] = []
    known = _PLAIN_AUTHORS
    for author in authors:
        if not author.affiliations and author.orcid is None:
            name = author.name  # the memo is read inline: this loop runs once per author
            plain = known[name] if name in known else _plain_author(name)
            if plain is not None:
                cleaned.append(plain)
            continue
        name = clean_name(author.name)
        if name:
            affiliations = tuple(a for a in (clean_text(x, max_chars=500) for x in author.affiliations) if a)
            cleaned.append(Author(name, affiliations, author.orcid))
    return tuple(cleaned)


_PLAIN_AUTHORS: dict[str, Author | None] = {}
_PLAIN_AUTHORS_MAX = 200_000


def _plain_author(raw_name: str) -> Author | None:
    """Cleaned name-only author, memoised: a bulk ingest meets the same names again and again."""
    try:
        return _PLAIN_AUTHORS[raw_name]
    except KeyError:
        pass
    if len(_PLAIN_AUTHORS) >= _PLAIN_AUTHORS_MAX:
        _PLAIN_AUTHORS.clear()
    name = clean_name(raw_name)
    author = _PLAIN_AUTHORS[raw_name] = Author(name) if name else None
    return author


def unique(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Values without repeats or empties, in first-seen order."""
    out = tuple(dict.fromkeys(values))
    return out if "" not in out and None not in out else tuple(v for v in out if v)


def source_label(source: str, *, primary: str | None, listing: str | None, venue: str | None) -> str:
    """The label the product page shows: `arXiv (quant-ph)`, `bioRxiv (Bioinformatics)`, `Nature`."""
    if source.startswith("arxiv"):
        category = primary or listing
        return f"arXiv ({category})" if category else "arXiv"
    if source in PREPRINT_SOURCES:
        server = PREPRINT_SOURCES[source]
        return f"{server} ({listing})" if listing else server
    return venue or listing or source


def normalize_item(item: RawItem, *, today: dt.date | None = None) -> Paper | None:
    """One RawItem → one Paper, or None when it carries no identity and no title."""
    keys = identity_keys(item)
    title = clean_title(item.title)
    if not title:
        return None
    if not keys:
        keys = (f"title:{_title_key(title)}",)
    limit = (today or dt.date.today()) + _FUTURE_SLACK
    categories = unique(((item.primary_category,) if item.primary_category else ()) + tuple(item.categories))
    primary = item.primary_category or (categories[0] if categories else None)
    listing = clean_text(item.listing, max_chars=200) or None if item.listing else None
    venue = clean_text(item.venue, max_chars=300) or None if item.venue else None
    versions = _versions(item, limit)
    announcements: tuple[Announcement, ...] = ()
    announced = _sane(item.announced, limit)
    if announced is not None:
        announcements = (Announcement(announced, item.source, listing or "", item.announce_type or AnnounceType.NEW),)
    matches: tuple[tuple[str, str], ...] = ()
    published = _sane(item.published, limit)
    updated = _sane(item.updated, limit)
    published_doi = normalize_doi(item.published_doi)
    if published_doi and f"doi:{published_doi}" not in keys:
        keys = keys + (f"doi:{published_doi}",)
        matches = ((f"doi:{published_doi}", "published DOI given by the preprint server"),)
    return Paper(
        keys=keys,
        title=title,
        abstract=clean_abstract(item.abstract),
        authors=normalize_authors(item),
        categories=categories,
        primary_category=primary,
        source=item.source,
        source_label=source_label(item.source, primary=primary, listing=listing, venue=venue),
        venue=venue,
        journal_ref=clean_text(item.journal_ref, max_chars=500) or None if item.journal_ref else None,
        license=(item.license or "").strip() or None,
        published=published,
        updated=updated,
        version=item.version or (versions[-1].number if versions else None),
        versions=versions,
        links=_links(item.links),
        comment=clean_text(item.comment, max_chars=2_000) or None if item.comment else None,
        item_type=item.item_type,
        announcements=announcements,
        matches=matches,
        date_flag=_date_flag(item, published, updated, announced),
    )


def _date_flag(
    item: RawItem, published: dt.date | None, updated: dt.date | None, announced: dt.date | None
) -> str | None:
    """Why a date is missing or not the one written: the source's own flag, or the dates dropped here as nonsense."""
    if published is item.published and updated is item.updated and announced is item.announced:
        return item.date_flag  # nothing dropped (the common case, decided without building anything)
    dropped = [
        f"{name} {value.isoformat()}"
        for name, value, kept in (
            ("published", item.published, published),
            ("updated", item.updated, updated),
            ("announced", item.announced, announced),
        )
        if value is not None and kept is None
    ]
    if not dropped:
        return item.date_flag
    nonsense = f"nonsense date dropped: {', '.join(dropped)}"
    return f"{item.date_flag}; {nonsense}" if item.date_flag else nonsense


def _versions(item: RawItem, limit: dt.date) -> tuple[Version, ...]:
    """The version history with sane dates; the item's own version is added (dated `updated`) if missing."""
    if not item.versions:
        return (Version(item.version, _sane(item.updated, limit)),) if item.version else ()
    by_number = {v.number: Version(v.number, _sane(v.date, limit)) for v in item.versions}
    if item.version and item.version not in by_number:
        by_number[item.version] = Version(item.version, _sane(item.updated, limit))
    return tuple(by_number[n] for n in sorted(by_number))


def _links(links: tuple[Link, ...]) -> tuple[Link, ...]:
    """Links with trimmed URLs, empty ones dropped (already-clean links are kept as they are)."""
    out: list[Link] = []
    for link in links:
        url = link.url.strip()
        if url:
            out.append(link if url == link.url else Link(link.kind, url))
    return tuple(out)


def _title_key(title: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", title.lower())[:200]


def key_for_reference(ref: str) -> str | None:
    """What a user typed for a paper ('2604.22002v2', 'arXiv:…', '10.1038/…', 'doi:…', 'pmid:…') → its key."""
    text = ref.strip()
    scheme, _, rest = text.partition(":")
    if scheme.lower() in {"pmid", "pmcid", "openalex", "title"} and rest:
        return f"{scheme.lower()}:{rest.strip()}"
    if scheme.lower() == "doi" or text.startswith(("10.", "https://doi.org/", "http://dx.doi.org/")):
        doi = normalize_doi(text)
        if doi and (m := _ARXIV_DOI.match(doi)) and (arxiv := split_arxiv_id(m.group(1))):
            return f"arxiv:{arxiv[0]}"
        return f"doi:{doi}" if doi else None
    arxiv = split_arxiv_id(text)
    return f"arxiv:{arxiv[0]}" if arxiv else None
