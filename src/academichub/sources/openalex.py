"""OpenAlex works (api.openalex.org/works) → RawItems, and the "openalex" DOI enricher.

Owns: the list envelope (`meta` + `results`) and single works, rebuilding abstracts from
`abstract_inverted_index`, authorships in order with institutions and ORCID, and DOI lookups
by `filter=doi:a|b|…` (≤50 per call) with the API key from settings.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from academichub.errors import ParseError
from academichub.models import Author, Link, RawItem
from academichub.sources.base import FileFormat, register_enricher, register_file_format

if TYPE_CHECKING:  # annotations only: ingesting files loads neither pydantic-settings nor httpx
    from academichub.config import Settings
    from academichub.sources.http import HttpClient

API_BASE = "https://api.openalex.org"
DOIS_PER_QUERY = 50  # OpenAlex allows up to 50 values OR-ed in one filter
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)
ITEM_TYPES = {"article": "article", "preprint": "preprint", "review": "review", "editorial": "editorial"}


def parse_openalex(data: bytes) -> list[RawItem]:
    """A works list (`meta` + `results`) or one work → RawItems. Raises: ParseError (error bodies too)."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"not OpenAlex JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise ParseError("not an OpenAlex response")
    if "error" in doc:
        raise ParseError(f"OpenAlex error: {doc.get('error')}: {doc.get('message', '')}".rstrip(": "))
    if isinstance(doc.get("results"), list):
        return [work_to_item(w) for w in doc["results"] if isinstance(w, dict)]
    if str(doc.get("id", "")).startswith("https://openalex.org/W"):
        return [work_to_item(doc)]
    raise ParseError("not an OpenAlex works response (no results, no work id)")


def rebuild_abstract(index: object) -> str:
    """Words of `abstract_inverted_index` ({word: [positions]}) put back in position order."""
    if not isinstance(index, dict):
        return ""
    placed: dict[int, str] = {}
    for word, positions in index.items():
        for position in positions if isinstance(positions, list) else []:
            if isinstance(position, int):
                placed[position] = str(word)
    return " ".join(placed[i] for i in sorted(placed))


def work_to_item(work: Mapping[str, object]) -> RawItem:
    """One OpenAlex work → RawItem."""
    ids = _dict(work.get("ids"))
    doi = _strip_doi(_text(work.get("doi")) or _text(ids.get("doi")))
    pmid = _text(ids.get("pmid")).rstrip("/").rsplit("/", 1)[-1] or None
    pmcid = _text(ids.get("pmcid")).rstrip("/").rsplit("/", 1)[-1] or None
    openalex_id = _text(work.get("id")).rsplit("/", 1)[-1] or None
    authors = tuple(a for a in (_author(x) for x in _list(work.get("authorships"))) if a is not None)
    venue = _venue(work.get("primary_location"))
    published = _date(work.get("publication_date"))
    links = [Link("doi", f"https://doi.org/{doi}")] if doi else []
    pdf = _text(_dict(work.get("primary_location")).get("pdf_url"))
    if pdf:
        links.append(Link("pdf", pdf))
    return RawItem(
        source="openalex",
        title=_text(work.get("title")) or _text(work.get("display_name")),
        abstract=rebuild_abstract(work.get("abstract_inverted_index")),
        authors=authors,
        authors_raw="; ".join(a.name for a in authors),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        openalex_id=openalex_id,
        categories=_topics(work),
        published=published,
        venue=venue,
        license=_text(_dict(work.get("primary_location")).get("license")) or None,
        links=tuple(links),
        item_type=ITEM_TYPES.get(_text(work.get("type")), _text(work.get("type")) or None),
        date_flag=None if published or not work.get("publication_year") else "year-only date",
    )


def _author(authorship: object) -> Author | None:
    entry = _dict(authorship)
    person = _dict(entry.get("author"))
    name = _text(person.get("display_name")) or _text(entry.get("raw_author_name"))
    if not name:
        return None
    institutions = [_text(_dict(i).get("display_name")) for i in _list(entry.get("institutions"))]
    if not any(institutions):
        institutions = [_text(a) for a in _list(entry.get("raw_affiliation_strings"))]
    orcid = _ORCID.search(_text(person.get("orcid")))
    return Author(name, tuple(i for i in institutions if i), orcid.group(1).upper() if orcid else None)


def _venue(location: object) -> str | None:
    return _text(_dict(_dict(location).get("source")).get("display_name")) or None


def _topics(work: Mapping[str, object]) -> tuple[str, ...]:
    primary = _text(_dict(work.get("primary_topic")).get("display_name"))
    return (primary,) if primary else ()


def _strip_doi(value: str) -> str | None:
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", value.strip(), flags=re.IGNORECASE).lower()
    return doi or None


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _dict(value: object) -> Mapping[str, object]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


class OpenAlexEnricher:
    """Enricher "openalex": works by DOI, ≤50 per call, with `api_key` (required since 2026-02)."""

    name = "openalex"

    def __init__(self, api_key: str = "", contact_email: str = "", *, base_url: str = API_BASE) -> None:
        self.api_key = api_key
        self.contact_email = contact_email
        self.base_url = base_url

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAlexEnricher:
        return cls(settings.openalex_api_key, settings.contact_email)

    def lookup_dois(self, client: HttpClient, dois: list[str]) -> list[RawItem]:
        """Works for these DOIs (unknown DOIs are absent). Raises: FetchError, ParseError."""
        wanted = list(dict.fromkeys(d for d in (_strip_doi(x) for x in dois) if d and "|" not in d))
        found: list[RawItem] = []
        for start in range(0, len(wanted), DOIS_PER_QUERY):
            chunk = wanted[start : start + DOIS_PER_QUERY]
            params = {"filter": "doi:" + "|".join(chunk), "per-page": str(DOIS_PER_QUERY)}
            if self.api_key:
                params["api_key"] = self.api_key
            if self.contact_email:
                params["mailto"] = self.contact_email
            found += parse_openalex(client.get(f"{self.base_url}/works", params=params).content)
        return found


def sniff_openalex(path: Path, data: bytes) -> bool:
    head = data[:4096]
    return head.lstrip().startswith(b"{") and (b"https://openalex.org/W" in head or b'"db_response_time_ms"' in head)


def parse_openalex_file(path: Path, data: bytes) -> Iterator[RawItem]:
    yield from parse_openalex(data)


register_enricher("openalex", OpenAlexEnricher.from_settings)
register_file_format(FileFormat("openalex-works", sniff_openalex, parse_openalex_file))
