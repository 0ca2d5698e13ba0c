"""Recorded responses and dumps on disk → RawItems, detecting each file's format.

Handles gzip files, recorded-response wrappers (VCR cassettes, arxiv.py JSON
wrappers) and every registered FileFormat. Reading a file never touches the
network.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from academichub.errors import InputError, ParseError
from academichub.models import RawItem
from academichub.sources.base import file_formats

MAX_FILE_BYTES = 512 * 1024 * 1024
SKIPPED_SUFFIXES = {".md", ".py", ".txt", ".csv", ".tsv"}


@dataclass(frozen=True, slots=True)
class ParsedFile:
    path: Path
    format: str
    items: list[RawItem]
    error: str = ""  # set when the file could not be read; items is then empty


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files under the given paths, sorted, skipping hidden files and docs. Raises: InputError."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"no such file or directory: {path}")
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in SKIPPED_SUFFIXES
            )
        else:
            found.append(path)
    return found


def read_bytes(path: Path) -> bytes:
    """File content, gunzipped when it is gzip. Raises: InputError."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB")
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    return data


def parse_file(path: Path) -> Iterator[ParsedFile]:
    """One ParsedFile per body found in the file (a cassette may hold several responses)."""
    try:
        data = read_bytes(path)
    except InputError as exc:
        yield ParsedFile(path, "", [], str(exc))
        return
    for body in _bodies(path, data):
        yield _parse_body(path, body)


def _bodies(path: Path, data: bytes) -> list[bytes]:
    from academichub.sources.recordings import recorded_bodies

    bodies = recorded_bodies(path, data)
    return bodies if bodies is not None else [data]


def _parse_body(path: Path, body: bytes) -> ParsedFile:
    for fmt in file_formats():
        try:
            if not fmt.sniff(path, body):
                continue
            return ParsedFile(path, fmt.name, list(fmt.parse(path, body)))
        except ParseError as exc:
            return ParsedFile(path, fmt.name, [], str(exc))
    return ParsedFile(path, "", [], f"{path}: not a format AcademicHub can ingest")
