"""A researcher's reference library (Zotero BibTeX, RIS or CSL-JSON export) → seed entries for a radar.

Detects the format from the content, parses with bibtexparser v2 / rispy / json,
and keeps going past malformed entries (each skipped one becomes a "line N: …"
problem). Reads only the given file; no network, no store.
"""

from __future__ import annotations

import codecs
import functools
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import rispy
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, MiddlewareErrorBlock
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import get_default_latex_context_db

from academichub.errors import InputError
from academichub.sources.arxiv_ids import arxiv_id_or_none

MAX_LIBRARY_BYTES = 20 * 2**20
CSL_SNIFF_CHARS = 64 * 1024

# bibtexparser logs every broken block; we report them as problems instead (no stderr noise via lastResort).
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

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
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_LATEX_SPOT = re.compile(
    r"(?P<math>\$\$.+?\$\$|(?<!\\)\$[^$]+?(?<!\\)\$|\\\(.+?\\\))"
    r"|(?P<atom>\{\\[^{}]*\}"  # {\"u}, {\ss}, {\c c}
    r"|\\[^a-zA-Z\s](?:\{[^{}]*\}|\\[a-zA-Z]+|[a-zA-Z])?"  # \"u, \'{e}, \'\i, \%, \&
    r"|\\[a-zA-Z]+\*?(?:\s*\{(?:[^{}]|\{[^{}]*\})*\})*(?:\s+[a-zA-Z](?![a-zA-Z]))?)"  # \emph{..}, \o, \c c
    r"|(?P<dash>-{2,3})|(?P<tie>~)|(?P<quote>``|'')|(?P<brace>[{}])",
    re.DOTALL,
)
_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -")
_RIS_START = re.compile(r"^\s*TY  -", re.MULTILINE)
_BIBTEX_START = re.compile(
    r"^\s*@\s*(?:[A-Za-z]+\s*[{(]\s*[^\s,={}()]+\s*,|(?:string|preamble|comment)\s*[{(])",
    re.MULTILINE | re.IGNORECASE,
)
_CSL_KEY = re.compile(r'"(?:type|title)"\s*:')
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_EMPTY_JSON_ARRAY = re.compile(r"\[\s*\]\s*")
_EXTENSION_FORMATS = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csl-json", ".csljson": "csl-json"}
_NO_ID_FIELDS = {"title", "abstract", "author", "editor", "keywords", "file", "annote", "shorttitle"}


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


def read_library(path: Path, *, max_bytes: int = MAX_LIBRARY_BYTES) -> LibraryImport:
    """Import the library file at `path`, checking its size before reading it.

    Raises: InputError for a missing/unreadable/oversized/empty file or an unknown format.
    """
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a library file")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path}: is {size / 2**20:.1f} MiB; the limit is {max_bytes / 2**20:g} MiB")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:  # grew between stat and read
        raise InputError(f"{path}: is over the limit of {max_bytes / 2**20:g} MiB")
    return parse_library(data, name=str(path))


def parse_library(data: bytes, *, name: str = "") -> LibraryImport:
    """Parse a library export, detecting its format from the content (the extension of `name` breaks ties).

    Raises: InputError when it is not BibTeX, RIS or CSL-JSON, or holds no entries.
    """
    label = name or "input"
    text, encoding = decode_library_text(data)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError(f"{label}: contains no entries")
    fmt = detect_library_format(text, name)
    if fmt is None:
        raise InputError(f"{label}: not a BibTeX, RIS or CSL-JSON file")
    entries, problems = _PARSERS[fmt](text)
    if not entries and not problems:
        raise InputError(f"{label}: contains no entries")
    return LibraryImport(format=fmt, entries=entries, problems=problems, encoding=encoding)


def decode_library_text(data: bytes) -> tuple[str, str]:
    """(text, encoding used): BOM-marked UTF-16, UTF-8, cp1252 for 8-bit files, else UTF-8 with U+FFFD."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    if not re.search(rb"[\xc2-\xf4][\x80-\xbf]", data):  # no UTF-8 sequence at all: a legacy 8-bit export
        return data.decode("cp1252", errors="replace"), "cp1252"
    return data.decode("utf-8-sig", errors="replace"), "utf-8 (invalid bytes replaced)"


def detect_library_format(text: str, name: str = "") -> str | None:
    """Judge "bibtex", "ris" or "csl-json" from the content; None for anything else (HTML, PDF, prose)."""
    head = text.lstrip()
    if head.startswith(("<", "%PDF", "{\\rtf")):
        return None
    candidates: list[str] = []
    if head.startswith("[") and (_CSL_KEY.search(head, 0, CSL_SNIFF_CHARS) or _EMPTY_JSON_ARRAY.fullmatch(head)):
        candidates.append("csl-json")
    if _RIS_START.search(text):
        candidates.append("ris")
    if _BIBTEX_START.search(text):
        candidates.append("bibtex")
    hint = _EXTENSION_FORMATS.get(Path(name).suffix.lower()) if name else None
    if hint in candidates:
        return hint
    return candidates[0] if candidates else None


# ---- shared field cleaning


def _collapse(text: str) -> str:
    return " ".join(_CONTROL_CHARS.sub(" ", text).split())


def _plain_text(text: str) -> str:
    """RIS/CSL text: drop Zotero's rich-text tags (<i>, <sub>, <span class="nocase">), collapse whitespace."""
    return _collapse(_RICH_TEXT_TAG.sub("", text))


@functools.cache
def _latex_decoder() -> tuple[LatexNodes2Text, Any]:
    """The decoder and one parsing context, built once (pylatexenc rebuilds the context per call otherwise)."""
    return LatexNodes2Text(math_mode="verbatim", keep_braced_groups=False), get_default_latex_context_db()


@functools.lru_cache(maxsize=16384)  # the same accents and names recur all over a library
def _decode_latex_atom(atom: str) -> str:
    decoder, context = _latex_decoder()
    try:
        return str(decoder.latex_to_text(_BARE_PERCENT.sub(r"\\%", atom), latex_context=context))
    except Exception:  # pylatexenc is tolerant; this is a last resort for input it still rejects
        return atom.replace("\\", "").replace("{", "").replace("}", "")


def _replace_latex_spot(match: re.Match[str]) -> str:
    text, kind = match.group(0), match.lastgroup
    if kind == "math":
        return text
    if kind == "atom":
        return _decode_latex_atom(text)
    if kind == "dash":
        return "\u2013" if len(text) == 2 else "\u2014"
    if kind == "quote":
        return "\u201c" if text == "``" else "\u201d"
    return " " if kind == "tie" else ""  # "~" is a space; protective braces go


def _latex_text(value: str) -> str:
    """BibTeX value → Unicode text: braces and accents resolved, `$...$` math kept verbatim.

    pylatexenc decodes each macro spot (`{\\"u}`, `\\emph{...}`, `\\%`) on its own: run on a whole
    abstract it costs ~10 µs a character, far too slow for a 20 MiB library.
    """
    return _collapse(_LATEX_SPOT.sub(_replace_latex_spot, value))


def _normalise_doi(value: str | None) -> str | None:
    if not value:
        return None
    text = _DOI_PREFIX.sub("", value.strip()).replace("\\", "").strip().rstrip(".,;").lower()
    return text if _DOI.match(text) else None


def _doi_from_urls(urls: Iterable[str]) -> str | None:
    for url in urls:
        if match := _DOI_IN_URL.search(url):
            return _normalise_doi(unquote(match.group(1)))
    return None


def _arxiv_in_texts(texts: Iterable[str]) -> str | None:
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


def _year_in(values: Iterable[Any]) -> int | None:
    for value in values:
        if isinstance(value, int) and 1500 <= value <= 2199:
            return value
        if isinstance(value, str) and (match := _YEAR.search(value)):
            return int(match.group(1))
    return None


def _build_entry(
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
    if not title and not doi and not arxiv_id:
        problems.append(f"line {line}: entry has no title (and no DOI or arXiv id) — skipped")
        return None
    return LibraryEntry(title, abstract, authors, doi, arxiv_id, year, line)


# ---- BibTeX


def _parse_bibtex(text: str) -> tuple[list[LibraryEntry], list[str]]:
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
        problems.append(f"line {line}: malformed {kind} ({_collapse(reason)[:200]}) — skipped")
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
    arxiv_id = from_eprint[0] if from_eprint else _arxiv_in_texts(id_texts)
    doi = _normalise_doi(fields.get("doi")) or _doi_from_urls([fields.get("url", "")])
    return _build_entry(
        line,
        title=_latex_text(fields.get("title", "")),
        abstract=_latex_text(fields.get("abstract", "")),
        authors=_bibtex_names(fields.get("author") or fields.get("editor") or ""),
        doi=doi,
        arxiv_id=arxiv_id,
        year=_year_in([fields.get("year", ""), fields.get("date", "")]),
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
        if name := _latex_text(merged):
            names.append(name)
    return tuple(names)


# ---- RIS


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


def _parse_ris(text: str) -> tuple[list[LibraryEntry], list[str]]:
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
    return _build_entry(
        line,
        title=_plain_text(first("title", "primary_title")),
        abstract=_plain_text(first("abstract", "notes_abstract")),
        authors=tuple(_display_name(name) for name in authors if name.strip()),
        doi=_normalise_doi(first("doi")) or _doi_from_urls(urls),
        arxiv_id=_arxiv_in_texts(id_texts),
        year=_year_in([first("year"), first("publication_year"), first("date")]),
        problems=problems,
    )


def _display_name(name: str) -> str:
    """`Family, Given` (RIS) → `Given Family`; other forms unchanged."""
    family, comma, given = name.partition(",")
    if comma and given.strip() and "," not in given:
        return _collapse(f"{given} {family}")
    return _collapse(name)


# ---- CSL-JSON


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


def _parse_csl_json(text: str) -> tuple[list[LibraryEntry], list[str]]:
    entries: list[LibraryEntry] = []
    problems: list[str] = []
    for line, item in _json_array_items(text, problems):
        if not isinstance(item, dict):
            problems.append(f"line {line}: not a CSL-JSON item — skipped")
        elif (built := _csl_entry(line, item, problems)) is not None:
            entries.append(built)
    return entries, problems


def _csl_entry(line: int, item: Mapping[str, Any], problems: list[str]) -> LibraryEntry | None:
    def text(key: str) -> str:
        value = item.get(key)
        return value if isinstance(value, str) else ""

    id_texts = [text("DOI"), text("URL")]
    id_texts += [v for k, v in item.items() if k not in ("title", "abstract") and isinstance(v, str)]
    return _build_entry(
        line,
        title=_plain_text(text("title")),
        abstract=_plain_text(text("abstract")),
        authors=_csl_names(item.get("author")),
        doi=_normalise_doi(text("DOI")) or _doi_from_urls([text("URL")]),
        arxiv_id=_arxiv_in_texts(id_texts),
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
            names.append(_collapse(name))
    return tuple(names)


def _csl_year(issued: Any) -> int | None:
    if not isinstance(issued, dict):
        return None
    parts = issued.get("date-parts")
    first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    return _year_in([*first[:1], issued.get("raw"), issued.get("literal")])


_PARSERS: dict[str, Callable[[str], tuple[list[LibraryEntry], list[str]]]] = {
    "bibtex": _parse_bibtex,
    "ris": _parse_ris,
    "csl-json": _parse_csl_json,
}
