"""Matching words, phrases and names the way a researcher means them: case- and accent-blind,
whole words, "model" also finding "models", "LeCun, Y." finding "Yann LeCun". Pure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

from academichub.models import Paper

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _drop_combining(run: re.Match[str]) -> str:
    return "".join(c for c in run.group() if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case without accents: "Schrödinger" → "schrodinger"."""
    if text.isascii():
        return text.lower()
    stripped = unicodedata.normalize("NFKD", text)
    return _NON_ASCII_RUN.sub(_drop_combining, stripped).lower()  # only the non-ASCII runs are inspected


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
    return next(phrase_starts(text, needle), None) is not None


def phrase_starts(text: str, needle: str) -> Iterator[int]:
    """Where an ASCII needle occurs in `text` as whole words ("model" also as "models", "modeles")."""
    start = text.find(needle)
    while start >= 0:
        if is_whole_word(text, start, len(needle)):
            yield start
        start = text.find(needle, start + 1)


def is_whole_word(text: str, start: int, length: int) -> bool:
    """text[start : start + length] is not part of a longer word (a plural "s"/"es" may follow)."""
    end = start + length
    if start > 0 and text[start - 1].isalnum():
        return False
    tail = end + (2 if text.startswith("es", end) else 1 if text.startswith("s", end) else 0)
    return end >= len(text) or not text[end].isalnum() or tail >= len(text) or not text[tail].isalnum()


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
