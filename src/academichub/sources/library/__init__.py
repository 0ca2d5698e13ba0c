"""A researcher's reference library (Zotero BibTeX, RIS or CSL-JSON export) → seed entries for a radar.

Detects the format from the content, parses with bibtexparser v2 / rispy / json,
and keeps going past malformed entries (each skipped one becomes a "line N: …"
problem). Reads only the given file; no network, no store. One module per format; this one is the API.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from academichub.errors import InputError
from academichub.sources.library.bibtex import parse_bibtex
from academichub.sources.library.csl_json import parse_csl_json
from academichub.sources.library.detect import CSL_SNIFF_CHARS, decode_library_text, detect_library_format
from academichub.sources.library.entries import LibraryEntry, LibraryImport
from academichub.sources.library.ris import parse_ris

__all__ = [
    "CSL_SNIFF_CHARS",
    "MAX_LIBRARY_BYTES",
    "LibraryEntry",
    "LibraryImport",
    "decode_library_text",
    "detect_library_format",
    "parse_library",
    "read_library",
]

MAX_LIBRARY_BYTES = 20 * 2**20

_PARSERS: dict[str, Callable[[str], tuple[list[LibraryEntry], list[str]]]] = {
    "bibtex": parse_bibtex,
    "ris": parse_ris,
    "csl-json": parse_csl_json,
}


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
