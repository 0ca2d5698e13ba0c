"""The parsed shape of a library (LibraryEntry, LibraryImport) and the field cleaning every format shares.

Owns whitespace/rich-text clean-up, DOI / arXiv id / year extraction and the keep-or-skip rule for an
entry (`build_entry`). Knows nothing of any one file format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from academichub.sources.arxiv_ids import arxiv_id_or_none

_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|10\.48550/arxiv\.|\barxiv:\s*)"
    r"(?P<id>\d{4}\.\d{4,5}(?!\d)|[a-z][a-z-]*(?:\.[a-z]{2})?/\d{7}(?!\d))",
    re.IGNORECASE,
)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_IN_URL = re.compile(r"https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/\S+)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|2[01]\d\d)(?!\d)")
_RICH_TEXT_TAG = re.compile(r"</?(?:i|b|em|strong|sub|sup|sc|span)(?:\s[^>]*)?>", re.IGNORECASE)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    doi: str | None = None  # lower-case, no resolver prefix
    arxiv_id: str | None = None  # unversioned
    year: int | None = None
    line: int = 0  # 1-based line where the entry starts in the file


@dataclass(frozen=True, slots=True)
class LibraryImport:
    format: str  # "bibtex" | "ris" | "csl-json"
    entries: list[LibraryEntry]
    problems: list[str]  # "line 42: entry has no title — skipped", one per skipped entry
    encoding: str = field(default="utf-8")  # how the bytes were decoded; not utf-8 means the file was repaired


def collapse(text: str) -> str:
    """Control characters to spaces, runs of whitespace to one space, ends trimmed."""
    return " ".join(_CONTROL_CHARS.sub(" ", text).split())


def plain_text(text: str) -> str:
    """RIS/CSL text: drop Zotero's rich-text tags (<i>, <sub>, <span class="nocase">), collapse whitespace."""
    return collapse(_RICH_TEXT_TAG.sub("", text))


def normalise_doi(value: str | None) -> str | None:
    """Bare lower-case DOI (resolver prefix and trailing punctuation gone), or None when it is not one."""
    if not value:
        return None
    text = _DOI_PREFIX.sub("", value.strip()).replace("\\", "").strip().rstrip(".,;").lower()
    return text if _DOI.match(text) else None


def doi_from_urls(urls: Iterable[str]) -> str | None:
    """The DOI of the first doi.org URL among `urls`."""
    for url in urls:
        if match := _DOI_IN_URL.search(url):
            return normalise_doi(unquote(match.group(1)))
    return None


def arxiv_in_texts(texts: Iterable[str]) -> str | None:
    """First arXiv id (unversioned) named by an arXiv URL, an arXiv DOI or `arXiv:ID` in these texts."""
    for text in texts:
        for match in _ARXIV_IN_TEXT.finditer(text):
            raw = match.group("id")
            if "/" in raw:  # old style: archive lower-case, subject class upper-case (math.GT/0309136)
                archive, number = raw.split("/", 1)
                head, _, subject = archive.partition(".")
                raw = f"{head.lower()}.{subject.upper()}/{number}" if subject else f"{head.lower()}/{number}"
            if parsed := arxiv_id_or_none(raw):
                return parsed[0]
    return None


def year_in(values: Iterable[Any]) -> int | None:
    """The first plausible year (1500–2199): an int as is, or four digits inside a string."""
    for value in values:
        if isinstance(value, int) and 1500 <= value <= 2199:
            return value
        if isinstance(value, str) and (match := _YEAR.search(value)):
            return int(match.group(1))
    return None


def build_entry(
    line: int,
    *,
    title: str,
    abstract: str,
    authors: tuple[str, ...],
    doi: str | None,
    arxiv_id: str | None,
    year: int | None,
    problems: list[str],
) -> LibraryEntry | None:
    """The entry, or None (and a problem naming `line`) when it has neither a title nor an identifier."""
    if not title and not doi and not arxiv_id:
        problems.append(f"line {line}: entry has no title (and no DOI or arXiv id) — skipped")
        return None
    return LibraryEntry(title, abstract, authors, doi, arxiv_id, year, line)
