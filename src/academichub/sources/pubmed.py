"""PubMed E-utilities (efetch XML, esearch JSON) → RawItems, and the "pubmed" DOI enricher.

Owns: PubmedArticleSet parsing — structured abstracts keep their labels, inline markup and
MathML survive as text/TeX (via jats.py), ArticleDate preferred over the partial PubDate —
and the esearch `<doi>[doi]` → efetch round trip with `tool`/`email`/`api_key`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from academichub.errors import ParseError
from academichub.models import Author, Link, RawItem
from academichub.sources.base import FileFormat, register_enricher, register_file_format
from academichub.sources.jats import element_to_text, localname
from academichub.sources.xml import parse_xml, text_of

if TYPE_CHECKING:  # annotations only: ingesting files loads neither pydantic-settings nor httpx
    from academichub.config import Settings
    from academichub.sources.http import HttpClient

EUTILS_BASE = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
TOOL_NAME = "academichub"
DOIS_PER_QUERY = 50
MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])", re.IGNORECASE)
ITEM_TYPES = {"preprint": "preprint", "review": "review", "journal article": "article", "editorial": "editorial"}


@dataclass(frozen=True, slots=True)
class EsearchResult:
    count: int
    ids: tuple[str, ...]


def parse_esearch(data: bytes) -> EsearchResult:
    """esearch JSON → (count, PMIDs). Raises: ParseError, also for an `ERROR` body."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"not esearch JSON: {exc}") from exc
    result = doc.get("esearchresult") if isinstance(doc, dict) else None
    if not isinstance(result, dict):
        raise ParseError("not an esearch response (no esearchresult)")
    if result.get("ERROR"):
        raise ParseError(f"PubMed esearch error: {result['ERROR']}")
    ids = tuple(str(i) for i in result.get("idlist") or [])
    count = str(result.get("count", len(ids)))
    return EsearchResult(int(count) if count.isdigit() else len(ids), ids)


def parse_pubmed_efetch(data: bytes) -> list[RawItem]:
    """efetch `PubmedArticleSet` XML → one RawItem per PubmedArticle. Raises: ParseError."""
    root = parse_xml(data, recover=True)
    if localname(root) != "pubmedarticleset":
        raise ParseError(f"not PubMed efetch XML: root element <{root.tag}>")
    return [article_to_item(a) for a in root if localname(a) == "pubmedarticle"]


def article_to_item(article: etree._Element) -> RawItem:
    citation = article.find("MedlineCitation")
    art = citation.find("Article") if citation is not None else None
    if citation is None or art is None:
        raise ParseError("PubmedArticle without MedlineCitation/Article")
    ids = {i.get("IdType", ""): text_of(i).strip() for i in article.iterfind("PubmedData/ArticleIdList/ArticleId")}
    doi = (ids.get("doi") or _elocation_doi(art) or "").lower() or None
    pmid = text_of(citation.find("PMID")).strip() or ids.get("pubmed") or None
    published, date_flag = _article_date(art)
    authors = tuple(a for a in (_author(x) for x in art.iterfind("AuthorList/Author")) if a is not None)
    venue = " ".join(text_of(art.find("Journal/Title")).split()) or None
    title = art.find("ArticleTitle")
    links = [Link("abs", f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/")] if pmid else []
    if doi:
        links.append(Link("doi", f"https://doi.org/{doi}"))
    return RawItem(
        source="pubmed",
        title=element_to_text(title) if title is not None else "",
        abstract=abstract_text(art.find("Abstract")),
        authors=authors,
        authors_raw="; ".join(a.name for a in authors),
        doi=doi,
        pmid=pmid,
        pmcid=ids.get("pmc") or None,
        listing=venue,
        published=published,
        venue=venue,
        links=tuple(links),
        item_type=_item_type(art),
        date_flag=date_flag,
    )


def abstract_text(abstract: etree._Element | None) -> str:
    """All AbstractText parts; labelled sections read "BACKGROUND: …", separated by blank lines."""
    if abstract is None:
        return ""
    parts = []
    for section in abstract.iterfind("AbstractText"):
        text = element_to_text(section).replace("\n\n", " ")
        label = (section.get("Label") or "").strip()
        if text:
            parts.append(f"{label}: {text}" if label and label.upper() != "UNLABELLED" else text)
    return "\n\n".join(parts)


def _author(author: etree._Element) -> Author | None:
    if author.get("ValidYN") == "N":
        return None
    collective = " ".join(text_of(author.find("CollectiveName")).split())
    last, fore = text_of(author.find("LastName")).strip(), text_of(author.find("ForeName")).strip()
    initials = text_of(author.find("Initials")).strip()
    name = collective or " ".join(p for p in (fore or initials, last) if p)
    if not name:
        return None
    affiliations = tuple(
        " ".join(text_of(a).split()) for a in author.iterfind("AffiliationInfo/Affiliation") if text_of(a).strip()
    )
    orcid = None
    for ident in author.iterfind("Identifier"):
        match = _ORCID.search(text_of(ident)) if ident.get("Source", "").upper() == "ORCID" else None
        if match:
            orcid = "-".join(match.groups()).upper()
    return Author(name, affiliations, orcid)


def _article_date(art: etree._Element) -> tuple[dt.date | None, str | None]:
    """ArticleDate (electronic, full) first; else PubDate with month names or MedlineDate."""
    for el in art.iterfind("ArticleDate"):
        day = _ymd(text_of(el.find("Year")), text_of(el.find("Month")), text_of(el.find("Day")))
        if day:
            return day, None
    pub = art.find("Journal/JournalIssue/PubDate")
    if pub is None:
        return None, None
    year, month, day_text = text_of(pub.find("Year")), text_of(pub.find("Month")), text_of(pub.find("Day"))
    if not year:
        match = re.match(r"\s*(\d{4})(?:\s+([A-Za-z]{3}))?", text_of(pub.find("MedlineDate")))
        if not match:
            return None, None
        year, month = match.group(1), match.group(2) or ""
    day = _ymd(year, month, day_text)
    precision = "day" if month and day_text else ("month" if month else "year")
    return day, None if precision == "day" else f"{precision}-only date"


def _ymd(year: str, month: str, day: str) -> dt.date | None:
    month = month.strip()
    month_number = MONTHS.get(month[:3].lower()) if month[:1].isalpha() else (int(month) if month.isdigit() else 1)
    try:
        return dt.date(int(year.strip()), month_number or 1, int(day) if day.strip().isdigit() else 1)
    except ValueError:
        return None


def _elocation_doi(art: etree._Element) -> str | None:
    for loc in art.iterfind("ELocationID"):
        if loc.get("EIdType") == "doi" and text_of(loc).strip():
            return text_of(loc).strip()
    return None


def _item_type(art: etree._Element) -> str | None:
    types = [text_of(t).strip().lower() for t in art.iterfind("PublicationTypeList/PublicationType")]
    for key in ("preprint", "review", "editorial", "journal article"):
        if key in types:
            return ITEM_TYPES[key]
    return types[0] if types else None


class PubmedEnricher:
    """Enricher "pubmed": DOIs → esearch `<doi>[doi] OR …` → efetch XML."""

    name = "pubmed"

    def __init__(self, email: str = "", api_key: str = "", *, base_url: str = EUTILS_BASE) -> None:
        self.email = email
        self.api_key = api_key
        self.base_url = base_url

    @classmethod
    def from_settings(cls, settings: Settings) -> PubmedEnricher:
        return cls(settings.contact_email, settings.ncbi_api_key)

    def params(self, extra: dict[str, str]) -> dict[str, str]:
        params = {"db": "pubmed", **extra, "tool": TOOL_NAME}
        if self.email:
            params["email"] = self.email
        if self.api_key:
            params["api_key"] = self.api_key
        return params

    def lookup_dois(self, client: HttpClient, dois: list[str]) -> list[RawItem]:
        """PubMed records for these DOIs (unknown DOIs are simply absent). Raises: FetchError, ParseError."""
        wanted = list(dict.fromkeys(d.strip().lower() for d in dois if d.strip()))
        found: list[RawItem] = []
        for start in range(0, len(wanted), DOIS_PER_QUERY):
            chunk = wanted[start : start + DOIS_PER_QUERY]
            term = " OR ".join(f"{d}[doi]" for d in chunk)
            query = {"term": term, "retmode": "json", "retmax": str(len(chunk) * 2)}
            search = parse_esearch(client.get(f"{self.base_url}/esearch.fcgi", params=self.params(query)).content)
            if not search.ids:
                continue
            fetch = {"id": ",".join(search.ids), "retmode": "xml"}
            found += parse_pubmed_efetch(client.get(f"{self.base_url}/efetch.fcgi", params=self.params(fetch)).content)
        return found


def sniff_pubmed(path: Path, data: bytes) -> bool:
    return b"<PubmedArticleSet" in data[:4096]


def parse_pubmed_file(path: Path, data: bytes) -> Iterator[RawItem]:
    yield from parse_pubmed_efetch(data)


register_enricher("pubmed", PubmedEnricher.from_settings)
register_file_format(FileFormat("pubmed-efetch", sniff_pubmed, parse_pubmed_file))
