"""RIS (EndNote / Zotero / Mendeley export) → LibraryEntry list, via rispy, one record at a time.

Splits the file into records itself so a record rispy rejects is skipped alone and every entry keeps its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import rispy

from academichub.sources.library.entries import (
    LibraryEntry,
    arxiv_in_texts,
    build_entry,
    collapse,
    doi_from_urls,
    normalise_doi,
    plain_text,
    year_in,
)

_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -")


def parse_ris(text: str) -> tuple[list[LibraryEntry], list[str]]:
    """(entries, problems) for a RIS text; a record missing its `ER  -` ends at the next `TY  -`."""
    parser = rispy.RisParser(skip_unknown_tags=True)
    entries: list[LibraryEntry] = []
    problems: list[str] = []
    for line, chunk in _ris_records(text.splitlines()):
        if not _RIS_TAG.match(chunk[-1]) or chunk[-1][:2] != "ER":
            chunk = [*chunk, "ER  - "]
        try:
            records: list[dict[str, Any]] = parser.parse_lines(iter(chunk))
        except Exception as exc:  # rispy raises plain exceptions on odd records; skip just this one
            problems.append(f"line {line}: malformed RIS record ({exc}) — skipped")
            continue
        for record in records[:1]:
            if (built := _ris_entry(line, record, problems)) is not None:
                entries.append(built)
    return entries, problems


def _ris_records(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) per record: from a `TY  -` line to its `ER  -` (or the next TY / end of file)."""
    start = 0
    chunk: list[str] = []
    for number, line in enumerate(lines, 1):
        tag = match.group(1) if (match := _RIS_TAG.match(line.lstrip())) else None
        if tag == "TY":
            if start:
                yield start, chunk
            start, chunk = number, [line.lstrip()]
        elif start:
            chunk.append(line.lstrip())
            if tag == "ER":
                yield start, chunk
                start, chunk = 0, []
    if start:
        yield start, chunk


def _ris_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _ris_entry(line: int, record: Mapping[str, Any], problems: list[str]) -> LibraryEntry | None:
    def first(*keys: str) -> str:
        return next((s for key in keys for s in _ris_strings(record.get(key)) if s.strip()), "")

    urls = _ris_strings(record.get("urls"))
    id_texts = [first("doi"), *urls]
    id_texts += [s for key, value in record.items() if key not in ("title", "abstract") for s in _ris_strings(value)]
    authors = [*_ris_strings(record.get("authors")), *_ris_strings(record.get("first_authors"))]
    return build_entry(
        line,
        title=plain_text(first("title", "primary_title")),
        abstract=plain_text(first("abstract", "notes_abstract")),
        authors=tuple(_display_name(name) for name in authors if name.strip()),
        doi=normalise_doi(first("doi")) or doi_from_urls(urls),
        arxiv_id=arxiv_in_texts(id_texts),
        year=year_in([first("year"), first("publication_year"), first("date")]),
        problems=problems,
    )


def _display_name(name: str) -> str:
    """`Family, Given` (RIS) → `Given Family`; other forms unchanged."""
    family, comma, given = name.partition(",")
    if comma and given.strip() and "," not in given:
        return collapse(f"{given} {family}")
    return collapse(name)
