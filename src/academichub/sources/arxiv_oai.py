"""arXiv OAI-PMH ListRecords (metadataPrefix arXivRaw, arXiv, oai_dc) → pages of RawItems, and the harvester.

Owns OAI-PMH errors, resumption tokens, deleted headers and the per-format
record parsers. It persists nothing: the caller commits each page, then
stores `page.resumption_token`, so a killed harvest resumes from the last
committed page (RELIABILITY E3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from academichub.errors import FetchError, ParseError
from academichub.models import Author, Link, RawItem, Version
from academichub.sources.arxiv_ids import (
    arxiv_id_or_none,
    arxiv_links,
    detex_name,
    parse_iso,
    rfc822_utc_date,
    split_author_string,
)
from academichub.sources.base import FileFormat, register_file_format
from academichub.sources.xml import parse_xml, text_of

if TYPE_CHECKING:
    from academichub.sources.http import HttpClient

SOURCE_KIND = "arxiv-oai"
OAI_BASE_URL = "https://oaipmh.arxiv.org/oai"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
RAW = "{http://arxiv.org/OAI/arXivRaw/}"
ARX = "{http://arxiv.org/OAI/arXiv/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"
DC = "{http://purl.org/dc/elements/1.1/}"
MAX_TOKEN_RESTARTS = 1  # times one harvest restarts from `from` after an expired token


class OaiError(ParseError):
    """An OAI-PMH `<error code="...">` answer; `code` is the protocol's error code."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class OaiBadResumptionTokenError(OaiError):
    """The resumption token expired or is unknown: restart the harvest from the last `from` datestamp."""


@dataclass(frozen=True, slots=True)
class OaiPage:
    """One ListRecords response. `resumption_token` None means the list is complete."""

    items: tuple[RawItem, ...]
    resumption_token: str | None
    complete_list_size: int | None = None
    cursor: int | None = None
    records_seen: int = 0  # records on the page, deleted ones included
    deleted_ids: tuple[str, ...] = ()
    latest_datestamp: dt.date | None = None  # newest header datestamp: the next incremental `from`
    restarted: bool = False  # the harvest restarted from `from` because a token had expired


def parse_oai_page(data: bytes) -> OaiPage:
    """Parse one ListRecords response.

    A truncated page is refused rather than salvaged: its resumption token is
    lost, and a page without a token would read as "harvest complete".
    Raises: OaiBadResumptionTokenError, OaiError (code), ParseError.
    """
    root = parse_xml(data)
    if root.tag != f"{OAI}OAI-PMH":
        raise ParseError(f"not an OAI-PMH response: root element <{etree.QName(root).localname}>")
    for error in root.iterfind(f"{OAI}error"):
        code = error.get("code", "")
        if code == "noRecordsMatch":
            return OaiPage(items=(), resumption_token=None, complete_list_size=0)
        message = f"OAI-PMH error {code}: {' '.join(text_of(error).split())}".rstrip(": ")
        if code == "badResumptionToken":
            raise OaiBadResumptionTokenError(message, code=code)
        raise OaiError(message, code=code)
    listing = root.find(f"{OAI}ListRecords")
    if listing is None:
        raise ParseError("OAI-PMH response without ListRecords")
    items: list[RawItem] = []
    deleted: list[str] = []
    datestamps: list[dt.date] = []
    records = listing.findall(f"{OAI}record")
    for record in records:
        header = record.find(f"{OAI}header")
        if header is None:
            continue
        stamp = parse_iso(header.findtext(f"{OAI}datestamp"))
        if stamp:
            datestamps.append(stamp.date())
        if header.get("status") == "deleted":
            ident = arxiv_id_or_none(header.findtext(f"{OAI}identifier"))
            if ident:
                deleted.append(ident[0])
            continue
        item = _record_item(record, header)
        if item is not None:
            items.append(item)
    token_el = listing.find(f"{OAI}resumptionToken")
    token = (token_el.text or "").strip() if token_el is not None else ""
    return OaiPage(
        items=tuple(items),
        resumption_token=token or None,
        complete_list_size=_int_attr(token_el, "completeListSize"),
        cursor=_int_attr(token_el, "cursor"),
        records_seen=len(records),
        deleted_ids=tuple(deleted),
        latest_datestamp=max(datestamps) if datestamps else None,
    )


def _int_attr(el: etree._Element | None, name: str) -> int | None:
    value = el.get(name) if el is not None else None
    return int(value) if value and value.strip().isdigit() else None


def _record_item(record: etree._Element, header: etree._Element) -> RawItem | None:
    metadata = record.find(f"{OAI}metadata")
    if metadata is None or len(metadata) == 0:
        return None
    body = metadata[0]
    if body.tag == f"{RAW}arXivRaw":
        return _raw_item(body)
    if body.tag == f"{ARX}arXiv":
        return _arxiv_item(body)
    if body.tag == f"{OAI_DC}dc":
        return _dc_item(body, header.findtext(f"{OAI}identifier"))
    return None


def _fields(body: etree._Element) -> dict[object, etree._Element]:
    """Each child tag → its first element: one pass instead of a `find` per field."""
    fields: dict[object, etree._Element] = {}
    for child in body:
        fields.setdefault(child.tag, child)
    return fields


def _field_text(fields: dict[object, etree._Element], tag: str) -> str | None:
    """`body.findtext(tag)`: None without the element, "" for an empty one."""
    found = fields.get(tag)
    return None if found is None else found.text or ""


def _text(fields: dict[object, etree._Element], tag: str) -> str | None:
    value = text_of(fields.get(tag)).strip()
    return value or None


def _first_doi(text: str | None) -> str | None:
    return text.split()[0].lower() if text and text.split() else None


def _links(base: str, version: int | None, doi: str | None) -> tuple[Link, ...]:
    links = [Link(kind, url) for kind, url in arxiv_links(base, version)]
    if doi:
        links.append(Link("doi", f"https://doi.org/{doi}"))
    return tuple(links)


def _raw_item(body: etree._Element) -> RawItem | None:
    fields = _fields(body)
    ident = arxiv_id_or_none(_field_text(fields, f"{RAW}id"))
    if ident is None:
        return None
    base = ident[0]
    versions = sorted(
        (Version(int(num), rfc822_utc_date(v.findtext(f"{RAW}date"))) for v in body.iterfind(f"{RAW}version")
         if (num := (v.get("version") or "").lstrip("vV")).isdigit()),
        key=lambda v: v.number,
    )  # fmt: skip
    version = versions[-1].number if versions else ident[1]
    authors_raw = text_of(fields.get(f"{RAW}authors"))
    categories = tuple((_field_text(fields, f"{RAW}categories") or "").split())
    doi = _first_doi(_field_text(fields, f"{RAW}doi"))
    return RawItem(
        source=SOURCE_KIND,
        title=text_of(fields.get(f"{RAW}title")).strip(),
        abstract=text_of(fields.get(f"{RAW}abstract")),
        authors=split_author_string(authors_raw),
        authors_raw=authors_raw,
        arxiv_id=base,
        version=version,
        doi=doi,
        categories=categories,
        primary_category=categories[0] if categories else None,
        published=versions[0].date if versions else None,
        updated=versions[-1].date if versions else None,
        versions=tuple(versions),
        journal_ref=_text(fields, f"{RAW}journal-ref"),
        license=_text(fields, f"{RAW}license"),
        comment=_text(fields, f"{RAW}comments"),
        links=_links(base, version, doi),
        item_type="preprint",
    )


def _iso_date(text: str | None) -> dt.date | None:
    moment = parse_iso(text)
    return moment.date() if moment else None


_AUTHOR_NAME_TAGS = (f"{ARX}forenames", f"{ARX}keyname", f"{ARX}suffix")
_AFFILIATION = f"{ARX}affiliation"


def _structured_author(el: etree._Element) -> Author | None:
    parts: dict[str, str] = {}
    affiliations: list[str] = []
    for child in el:
        tag = child.tag
        if tag == _AFFILIATION:
            affiliations.append(text_of(child).strip())
        elif tag in _AUTHOR_NAME_TAGS and tag not in parts:  # first one wins, as `findtext` did
            parts[tag] = (child.text or "").strip()
    name = detex_name(" ".join(p for tag in _AUTHOR_NAME_TAGS if (p := parts.get(tag, ""))))
    if not any(ch.isalnum() for ch in name):
        return None  # arXiv's own splitter leaves keynames like ")" or ":"
    return Author(name, tuple(a for a in affiliations if a))


def _arxiv_item(body: etree._Element) -> RawItem | None:
    fields = _fields(body)
    ident = arxiv_id_or_none(_field_text(fields, f"{ARX}id"))
    if ident is None:
        return None
    base = ident[0]
    authors = tuple(a for a in map(_structured_author, body.iterfind(f"{ARX}authors/{ARX}author")) if a)
    categories = tuple((_field_text(fields, f"{ARX}categories") or "").split())
    created = _iso_date(_field_text(fields, f"{ARX}created"))
    doi = _first_doi(_field_text(fields, f"{ARX}doi"))
    return RawItem(
        source=SOURCE_KIND,
        title=text_of(fields.get(f"{ARX}title")).strip(),
        abstract=text_of(fields.get(f"{ARX}abstract")),
        authors=authors,
        authors_raw=", ".join(a.name for a in authors),
        arxiv_id=base,
        version=ident[1],
        doi=doi,
        categories=categories,
        primary_category=categories[0] if categories else None,
        published=created,
        updated=_iso_date(_field_text(fields, f"{ARX}updated")) or created,
        journal_ref=_text(fields, f"{ARX}journal-ref"),
        license=_text(fields, f"{ARX}license"),
        comment=_text(fields, f"{ARX}comments"),
        links=_links(base, None, doi),
        item_type="preprint",
    )


def _dc_item(body: etree._Element, header_id: str | None) -> RawItem | None:
    identifiers = [text_of(i).strip() for i in body.iterfind(f"{DC}identifier")]
    ident = next((found for i in identifiers if (found := arxiv_id_or_none(i))), None) or arxiv_id_or_none(header_id)
    if ident is None:
        return None
    base = ident[0]
    names = [" ".join(text_of(c).split()) for c in body.iterfind(f"{DC}creator")]
    authors = tuple(Author(detex_name(_given_first(n))) for n in names if n)
    descriptions = [text_of(d) for d in body.iterfind(f"{DC}description")]
    comment = next(
        (d.strip()[len("Comment:") :].strip() for d in descriptions if d.strip().startswith("Comment:")), None
    )
    abstract = next((d for d in descriptions if not d.strip().startswith("Comment:")), "")
    dates = [d for d in (_iso_date(text_of(x)) for x in body.iterfind(f"{DC}date")) if d]
    doi = next((i[4:].strip().lower() for i in identifiers if i.lower().startswith("doi:")), None)
    return RawItem(
        source=SOURCE_KIND,
        title=text_of(body.find(f"{DC}title")).strip(),
        abstract=abstract,
        authors=authors,
        authors_raw="; ".join(names),
        arxiv_id=base,
        version=ident[1],
        doi=doi,
        published=dates[0] if dates else None,
        updated=dates[-1] if dates else None,
        comment=comment,
        links=_links(base, None, doi),
        item_type="preprint",
    )


def _given_first(name: str) -> str:
    """`Miller, Steven J.` → `Steven J. Miller` (oai_dc writes surname first)."""
    surname, sep, given = name.partition(",")
    return f"{given.strip()} {surname.strip()}".strip() if sep and given.strip() else name


# --- harvesting ---


def list_records_params(
    *, metadata_prefix: str, set_spec: str | None, from_date: dt.date | None, until: dt.date | None
) -> dict[str, str]:
    """Query parameters of the first ListRecords request of a harvest."""
    params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix}
    if set_spec:
        params["set"] = set_spec
    if from_date:
        params["from"] = from_date.isoformat()
    if until:
        params["until"] = until.isoformat()
    return params


def fetch_oai_page(client: HttpClient, params: Mapping[str, str], *, base_url: str = OAI_BASE_URL) -> OaiPage:
    """One ListRecords request. Raises: OaiBadResumptionTokenError, OaiError, ParseError, FetchError."""
    try:
        response = client.get(base_url, params=params)
    except FetchError as exc:
        body = getattr(exc, "body", None)
        if body and b"OAI-PMH" in body[:2048]:
            parse_oai_page(body)  # raises the OAI error the server sent with its 4xx
        raise
    return parse_oai_page(response.content)


def harvest(
    client: HttpClient,
    *,
    metadata_prefix: str = "arXivRaw",
    set_spec: str | None = None,
    from_date: dt.date | None = None,
    until: dt.date | None = None,
    resume_token: str | None = None,
    base_url: str = OAI_BASE_URL,
) -> Iterator[OaiPage]:
    """Yield ListRecords pages, following resumption tokens until the list is complete.

    Resume a killed harvest with the last committed `page.resumption_token` and
    the same `from_date`. If arXiv rejects a token (they expire daily), the
    harvest restarts from `from_date` (the upsert downstream is idempotent) and
    that page has `restarted=True`. Raises: OaiError, ParseError, FetchError.
    """
    first = list_records_params(metadata_prefix=metadata_prefix, set_spec=set_spec, from_date=from_date, until=until)
    token, restarts, restarted = resume_token, 0, False
    while True:
        params = {"verb": "ListRecords", "resumptionToken": token} if token else first
        try:
            page = fetch_oai_page(client, params, base_url=base_url)
        except OaiBadResumptionTokenError:
            if token is None or restarts >= MAX_TOKEN_RESTARTS:
                raise
            token, restarts, restarted = None, restarts + 1, True
            continue
        if restarted:
            page, restarted = replace(page, restarted=True), False
        yield page
        token = page.resumption_token
        if not token:
            return


# --- recorded pages ---


def _sniffer(namespace: bytes) -> Callable[[Path, bytes], bool]:
    def sniff(path: Path, data: bytes) -> bool:
        head = data[:65536]
        return b"<OAI-PMH" in data[:2048] and namespace in head and b"oai:arXiv.org:" in head

    return sniff


def parse_oai_file(path: Path, data: bytes) -> Iterator[RawItem]:
    yield from parse_oai_page(data).items


register_file_format(FileFormat("arxiv-oai-arXivRaw", _sniffer(b"arxiv.org/OAI/arXivRaw/"), parse_oai_file))
register_file_format(FileFormat("arxiv-oai-arXiv", _sniffer(b"arxiv.org/OAI/arXiv/"), parse_oai_file))
register_file_format(FileFormat("arxiv-oai-dc", _sniffer(b"openarchives.org/OAI/2.0/oai_dc/"), parse_oai_file))
