"""Matching words, phrases and names the way a researcher means them: case- and accent-blind,
whole words, "model" also finding "models", "LeCun, Y." finding "Yann LeCun". Pure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from academichub.models import Paper


def fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    stripped = unicodedata.normalize("NFKD", text)
    return "".join(c for c in stripped if not unicodedata.combining(c)).lower()


_PHRASES: dict[str, re.Pattern[str]] = {}


def phrase(term: str) -> re.Pattern[str]:
    """A keyword as a case- and accent-insensitive phrase; "model" also finds "models"."""
    cached = _PHRASES.get(term)
    if cached is not None:
        return cached
    words = [re.escape(w) for w in fold(term).split()]
    if not words:
        pattern = re.compile(r"(?!x)x")
    elif any(ord(ch) > 0x2E80 for ch in term):  # CJK: no word boundaries
        pattern = re.compile(r"\s*".join(words))
    else:
        pattern = re.compile(r"\b" + r"\s+".join(words) + r"(?:s|es)?\b")
    _PHRASES[term] = pattern
    return pattern


def has_phrase(text: str, needle: str, pattern: re.Pattern[str]) -> bool:
    """Whole-word phrase test on single-spaced folded text: str.find, a regex only for CJK."""
    if not needle.isascii():
        return pattern.search(text) is not None
    start = text.find(needle)
    while start >= 0:
        end = start + len(needle)
        before_ok = start == 0 or not text[start - 1].isalnum()
        tail = end + (2 if text.startswith("es", end) else 1 if text.startswith("s", end) else 0)
        after_ok = end >= len(text) or not text[end].isalnum() or tail >= len(text) or not text[tail].isalnum()
        if before_ok and after_ok:
            return True
        start = text.find(needle, start + 1)
    return False


def author_key(name: str) -> str:
    """'Yann LeCun', 'LeCun, Y.' and 'Y. LeCun' all → 'lecun y'."""
    folded = fold(name).replace(".", " ")
    if "," in folded:
        family, given = folded.split(",", 1)
    else:
        parts = folded.split()
        family, given = (parts[-1], " ".join(parts[:-1])) if parts else ("", "")
    return f"{family.strip()} {given.strip()[:1]}".strip()


def is_excluded(paper: Paper, excludes: Sequence[str]) -> bool:
    text = fold(f"{paper.title} {paper.abstract}")
    return any(phrase(term).search(text) for term in excludes if term.strip())
