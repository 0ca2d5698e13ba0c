"""Splitting an abstract into sentences, the units a paper is matched by sentence to sentence (rank.aspects).

Pure functions over strings. English: a sentence ends at `.`, `!` or `?` followed by space and a capital, digit,
bracket or TeX (`$`, `\\`), except after common abbreviations (e.g., i.e., et al., Fig., Eq., vs.) and single
initials. Chinese and Japanese: after 。！？. Fragments shorter than MIN_CHARS join their neighbour, and at most
MAX_SENTENCES come out (the tail joins the last one), so a paper costs a bounded number of encoder calls.
"""

from __future__ import annotations

import re

MIN_CHARS = 25
MAX_SENTENCES = 16

_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9(\[$\\\"'])|(?<=[。！？])\s*")
_ABBREVIATIONS = frozenset(
    "e.g i.e al fig figs eq eqs sec secs vs cf ref refs resp approx no dr prof mr ms st ch thm lem def".split()
)
_LINK = re.compile(r"https?://|www\.|github\.com|\\url\{", re.IGNORECASE)
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.\W*$")


def _ends_in_abbreviation(chunk: str) -> bool:
    match = _LAST_WORD.search(chunk)
    if match is None:
        return False
    word = match.group(1)
    return len(word) == 1 or word.lower().rstrip(".") in _ABBREVIATIONS


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` in order (whitespace-trimmed, none empty, each a piece of `text` as written);
    [] for blank text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        chunk = text[start : match.start()]
        if not chunk.strip() or _ends_in_abbreviation(chunk):
            continue
        spans.append(_trimmed(text, start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append(_trimmed(text, start, len(text)))
    return [text[a:b] for a, b in _bounded(spans)]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without its leading and trailing whitespace."""
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


def paper_sentences(title: str, abstract: str) -> list[str]:
    """The sentences a paper is matched by (rank.aspects): its abstract's, or its title alone. Sentences with a
    link ("Code is available at https://github.com/…") are left out: they say nothing about the work and match
    every other paper that links its code."""
    sentences = split_sentences(abstract)
    content = [s for s in sentences if not _LINK.search(s)]
    return content or sentences or split_sentences(title)


def _bounded(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Short fragments joined to the sentence before them (or after, for a short first one), as the text runs
    between them (a space in English, nothing between Chinese sentences); at most MAX_SENTENCES."""
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and (b - a < MIN_CHARS or merged[-1][1] - merged[-1][0] < MIN_CHARS):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    if len(merged) > MAX_SENTENCES:
        merged[MAX_SENTENCES - 1 :] = [(merged[MAX_SENTENCES - 1][0], merged[-1][1])]
    return merged
