"""BibTeX (Zotero / JabRef export) → LibraryEntry list, via bibtexparser v2.

Keeps going past broken blocks: each becomes a "line N: malformed @kind entry (…) — skipped" problem.
"""

from __future__ import annotations

import logging
import re

from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, MiddlewareErrorBlock

from academichub.sources.arxiv_ids import arxiv_id_or_none
from academichub.sources.library.entries import (
    LibraryEntry,
    arxiv_in_texts,
    build_entry,
    collapse,
    doi_from_urls,
    normalise_doi,
    year_in,
)
from academichub.sources.library.latex import latex_text

# bibtexparser logs every broken block; we report them as problems instead (no stderr noise via lastResort).
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

_NO_ID_FIELDS = {"title", "abstract", "author", "editor", "keywords", "file", "annote", "shorttitle"}


def parse_bibtex(text: str) -> tuple[list[LibraryEntry], list[str]]:
    """(entries in file order, problems sorted by line) for a BibTeX text."""
    library = parse_string(text)
    found: list[tuple[int, Entry]] = [((entry.start_line or 0) + 1, entry) for entry in library.entries]
    problems: list[str] = []
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        recovered = block.ignore_error_block
        if isinstance(block, DuplicateBlockKeyBlock | MiddlewareErrorBlock) and isinstance(recovered, Entry):
            found.append((line, recovered))  # same key twice / unresolved @string: still a usable entry
            continue
        reason = getattr(block.error, "abort_reason", None) or str(block.error) or type(block.error).__name__
        kind = _bibtex_block_kind(block.raw)
        problems.append(f"line {line}: malformed {kind} ({collapse(reason)[:200]}) — skipped")
    entries: list[LibraryEntry] = []
    for line, entry in sorted(found, key=lambda pair: pair[0]):
        if (built := _bibtex_entry(line, entry, problems)) is not None:
            entries.append(built)
    return entries, sorted(problems, key=_problem_line)


def _bibtex_block_kind(raw: str | None) -> str:
    match = re.match(r"\s*(@\s*\w+)", raw or "")
    return f"{match.group(1).replace(' ', '').lower()} entry" if match else "entry"


def _problem_line(problem: str) -> int:
    match = re.match(r"line (\d+)", problem)
    return int(match.group(1)) if match else 0


def _bibtex_entry(line: int, entry: Entry, problems: list[str]) -> LibraryEntry | None:
    fields = {f.key.lower(): f.value for f in entry.fields if isinstance(f.value, str)}
    eprint = fields.get("eprint", "")
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    from_eprint = arxiv_id_or_none(eprint) if prefix in ("", "arxiv") else None
    id_texts = [fields.get("doi", ""), fields.get("url", "")]
    id_texts += [v for k, v in fields.items() if k not in _NO_ID_FIELDS]
    arxiv_id = from_eprint[0] if from_eprint else arxiv_in_texts(id_texts)
    doi = normalise_doi(fields.get("doi")) or doi_from_urls([fields.get("url", "")])
    return build_entry(
        line,
        title=latex_text(fields.get("title", "")),
        abstract=latex_text(fields.get("abstract", "")),
        authors=_bibtex_names(fields.get("author") or fields.get("editor") or ""),
        doi=doi,
        arxiv_id=arxiv_id,
        year=year_in([fields.get("year", ""), fields.get("date", "")]),
        problems=problems,
    )


def _bibtex_names(value: str) -> tuple[str, ...]:
    names: list[str] = []
    for raw in split_multiple_persons_names(value):
        if raw.strip().lower() == "others":
            continue
        try:
            merged = parse_single_name_into_parts(raw, strict=False).merge_first_name_first
        except Exception:  # an odd name form; keep it as written rather than drop the author
            merged = raw
        if name := latex_text(merged):
            names.append(name)
    return tuple(names)
