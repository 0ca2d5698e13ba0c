"""Library export bytes → text (encoding guess) and text → format name (content sniffing).

Decides only which parser gets the text; parses nothing itself.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

CSL_SNIFF_CHARS = 64 * 1024

_RIS_START = re.compile(r"^\s*TY  -", re.MULTILINE)
_BIBTEX_START = re.compile(
    r"^\s*@\s*(?:[A-Za-z]+\s*[{(]\s*[^\s,={}()]+\s*,|(?:string|preamble|comment)\s*[{(])",
    re.MULTILINE | re.IGNORECASE,
)
_CSL_KEY = re.compile(r'"(?:type|title)"\s*:')
_EMPTY_JSON_ARRAY = re.compile(r"\[\s*\]\s*")
_EXTENSION_FORMATS = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csl-json", ".csljson": "csl-json"}


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
