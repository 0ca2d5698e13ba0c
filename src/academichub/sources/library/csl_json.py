"""CSL-JSON (Zotero "Better CSL JSON" / citeproc export) → LibraryEntry list.

Decodes the top-level array one item at a time, so each entry keeps its line and a syntax error
part way keeps every item before it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

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


def parse_csl_json(text: str) -> tuple[list[LibraryEntry], list[str]]:
    """(entries, problems) for a CSL-JSON array text."""
    entries: list[LibraryEntry] = []
    problems: list[str] = []
    for line, item in _json_array_items(text, problems):
        if not isinstance(item, dict):
            problems.append(f"line {line}: not a CSL-JSON item — skipped")
        elif (built := _csl_entry(line, item, problems)) is not None:
            entries.append(built)
    return entries, problems


def _json_array_items(text: str, problems: list[str]) -> Iterator[tuple[int, Any]]:
    """(line, value) per element of a top-level JSON array, so each item keeps its line number."""
    decoder = json.JSONDecoder()
    pos = len(text) - len(text.lstrip()) + 1  # past "["
    line, counted_to = 1, 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            return
        line, counted_to = line + text.count("\n", counted_to, pos), pos  # incremental: O(n) overall
        try:
            value, pos = decoder.raw_decode(text, pos)
        except RecursionError:
            problems.append(f"line {line}: JSON nested too deeply — entries from here on skipped")
            return
        except json.JSONDecodeError as exc:
            problems.append(f"line {exc.lineno}: invalid JSON ({exc.msg}) — entries from line {line} on skipped")
            return
        yield line, value


def _csl_entry(line: int, item: Mapping[str, Any], problems: list[str]) -> LibraryEntry | None:
    def text(key: str) -> str:
        value = item.get(key)
        return value if isinstance(value, str) else ""

    id_texts = [text("DOI"), text("URL")]
    id_texts += [v for k, v in item.items() if k not in ("title", "abstract") and isinstance(v, str)]
    return build_entry(
        line,
        title=plain_text(text("title")),
        abstract=plain_text(text("abstract")),
        authors=_csl_names(item.get("author")),
        doi=normalise_doi(text("DOI")) or doi_from_urls([text("URL")]),
        arxiv_id=arxiv_in_texts(id_texts),
        year=_csl_year(item.get("issued")),
        problems=problems,
    )


def _csl_names(value: Any) -> tuple[str, ...]:
    names: list[str] = []
    for person in value if isinstance(value, list) else []:
        if not isinstance(person, dict):
            continue
        parts = [person.get(key) for key in ("given", "non-dropping-particle", "family", "suffix")]
        name = " ".join(p for p in parts if isinstance(p, str) and p) or person.get("literal")
        if isinstance(name, str) and name.strip():
            names.append(collapse(name))
    return tuple(names)


def _csl_year(issued: Any) -> int | None:
    if not isinstance(issued, dict):
        return None
    parts = issued.get("date-parts")
    first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    return year_in([*first[:1], issued.get("raw"), issued.get("literal")])
