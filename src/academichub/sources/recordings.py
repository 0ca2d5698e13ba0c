"""Unwrap recorded HTTP responses (VCR YAML cassettes) into plain bodies other parsers can read.

Owns: the cassette shapes seen in our fixtures — Ruby-VCR / rcrossref (`http_interactions`,
plain-string bodies) and vcrpy / habanero / scrapi (`interactions`, gzip `!!binary` bodies).
`sources/files.py` calls `recorded_bodies` and hands each body to the format that sniffs it.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from academichub.errors import ParseError

_CASSETTE_HEAD = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:---\s*\n)?(?:#[^\n]*\n|\s)*(http_)?interactions\s*:")
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class Recording:
    """One recorded response: where it came from and its decoded body."""

    url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case keys
    body: bytes = b""

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300


def is_cassette(data: bytes) -> bool:
    """True when `data` looks like a VCR YAML cassette."""
    return _CASSETTE_HEAD.match(data[:4096]) is not None


def unwrap_cassette(data: bytes) -> list[Recording]:
    """Every recorded response in a cassette, bodies decompressed. Raises: ParseError."""
    try:
        doc = yaml.safe_load(data)
    except yaml.YAMLError as exc:
        raise ParseError(f"not a readable cassette: {str(exc).splitlines()[0]}") from exc
    if not isinstance(doc, dict):
        raise ParseError("not a cassette: no interactions")
    interactions = doc.get("http_interactions", doc.get("interactions"))
    if not isinstance(interactions, list):
        raise ParseError("not a cassette: no interactions")
    return [_recording(entry) for entry in interactions if isinstance(entry, dict)]


def _recording(entry: Mapping[str, object]) -> Recording:
    request = entry.get("request")
    response = entry.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        raise ParseError("cassette interaction without request/response")
    headers = _headers(response.get("headers"))
    body = _body(response.get("body"), headers)
    return Recording(str(request.get("uri", "")), _status(response.get("status")), headers, body)


def _status(value: object) -> int:
    if isinstance(value, dict):
        value = value.get("code", value.get("status_code"))
    try:
        return int(str(value))
    except ValueError:
        return 0


def _headers(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    out: dict[str, str] = {}
    for key, raw in value.items():
        out[str(key).lower()] = ", ".join(str(v) for v in raw) if isinstance(raw, list) else str(raw)
    return out


def _body(value: object, headers: Mapping[str, str]) -> bytes:
    if isinstance(value, dict):
        if isinstance(value.get("base64_string"), str):
            try:
                value = base64.b64decode(value["base64_string"])
            except binascii.Error as exc:
                raise ParseError("cassette body is not valid base64") from exc
        else:
            value = value.get("string", b"")
    if value is None:
        return b""
    raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
    return _decompress(raw, headers.get("content-encoding", ""))


def _decompress(raw: bytes, encoding: str) -> bytes:
    """Recorders disagree on whether they store the wire bytes: trust the magic, not the header."""
    try:
        if raw.startswith(GZIP_MAGIC):
            return gzip.decompress(raw)
        if "deflate" in encoding.lower() and raw[:1] == b"\x78":
            return zlib.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise ParseError(f"cassette body cannot be decompressed: {exc}") from exc
    return raw


def recorded_bodies(path: Path, data: bytes) -> list[bytes] | None:
    """Bodies of the successful (2xx) responses in a cassette; None when `data` is no cassette.

    Error responses (a recorded 404 "Resource not found.") are left out: they hold no records.
    Raises: ParseError for a cassette that cannot be read.
    """
    if not is_cassette(data):
        return None
    return [r.body for r in unwrap_cassette(data) if r.is_success and r.body.strip()]
