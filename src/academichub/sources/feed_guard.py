"""Bounds a feed document before feedparser sees it: oversized tokens refused, items cut to a cap.

feedparser is slow on untrusted input (seconds on a 12 MiB text or attribute, about a second per
thousand items), so one cheap pass over the bytes (RELIABILITY B1/B5) refuses huge tokens and cuts
the document after `max_items` items, keeping its closing tags so the rest still parses strictly.
Entity declarations must already be gone (`xml.reject_entity_declarations`): nothing here expands,
loads or fetches anything. Does not parse feed fields.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass

from academichub.errors import ParseError

MAX_TOKEN_BYTES = 1024 * 1024  # one text run (CDATA included) or markup run between two "<"
MAX_ATTRIBUTE_BYTES = 64 * 1024  # one attribute value; real feeds hold URLs and ids there
_ITEM_NAMES = frozenset({"item", "entry"})
# Used only after the strict pass met broken XML, to go on finding items in the rest.
_ITEM_START = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s/>]")
_ITEM_END = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>")


@dataclass(frozen=True, slots=True)
class BoundedFeed:
    data: bytes  # the document to parse: `data` itself when nothing was cut
    items_total: int  # items (RSS <item>, Atom <entry>) the document holds
    items_kept: int  # items left in `data`

    @property
    def truncated(self) -> bool:
        return self.items_kept < self.items_total


def bound_feed(data: bytes, *, max_items: int) -> BoundedFeed:
    """`data` with items past `max_items` removed. Raises: ParseError for a token over its limit."""
    _check_runs(data)
    scan = _ItemScan(data, max_items)
    scan.run()
    if scan.total <= max_items:
        return BoundedFeed(data, scan.total, scan.total)
    cut_at = scan.starts[max_items]
    tail = data[scan.last_end :] if scan.last_end > cut_at else b""
    return BoundedFeed(data[:cut_at] + tail, scan.total, max_items)


def _check_runs(data: bytes) -> None:
    """Any stretch without "<" (a text, an attribute, a tag) longer than the limit is refused."""
    longest = max(map(len, data.split(b"<")), default=0)
    if longest > MAX_TOKEN_BYTES:
        raise ParseError(_too_large("a text or tag", longest, MAX_TOKEN_BYTES, "MAX_TOKEN_BYTES"))


def _too_large(what: str, size: int, limit: int, name: str) -> str:
    return f"refused feed: {what} of {size:,} bytes is over the {limit:,}-byte limit ({name})"


class _ItemScan:
    """One Expat pass (no DTD, no entities) that records where items start and end.

    Expat reads the bytes as Latin-1 so that any declared charset is accepted and offsets are
    byte offsets. When the XML is broken, the rest is searched for item tags by pattern.
    """

    def __init__(self, data: bytes, max_items: int) -> None:
        self.data = data
        self.max_items = max_items
        self.starts: list[int] = []  # offsets of the first max_items + 1 items
        self.total = 0
        self.last_end = 0  # offset just past the last item's end tag
        self._seen = 0  # offset past the last item tag handled: where a fallback scan resumes
        self._item_depth = 0
        self._text = 0
        self._parser = xml.parsers.expat.ParserCreate(encoding="iso-8859-1")
        self._parser.buffer_text = True  # one callback per text run, not per line or entity
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.CharacterDataHandler = self._characters

    def run(self) -> None:
        try:
            self._parser.Parse(self.data, True)
        except xml.parsers.expat.ExpatError:
            self._scan_rest(self._seen)

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self._text = 0
        for value in attrs.values():
            if len(value) > MAX_ATTRIBUTE_BYTES:
                raise ParseError(_too_large("an attribute", len(value), MAX_ATTRIBUTE_BYTES, "MAX_ATTRIBUTE_BYTES"))
        if name.rpartition(":")[2] in _ITEM_NAMES:
            if self._item_depth == 0:
                self._add_start(self._parser.CurrentByteIndex)
            self._item_depth += 1
            self._seen = self._parser.CurrentByteIndex + 1

    def _end(self, name: str) -> None:
        self._text = 0
        if self._item_depth and name.rpartition(":")[2] in _ITEM_NAMES:
            self._item_depth -= 1
            if self._item_depth == 0:
                self.last_end = self._seen = self._end_of_tag(self._parser.CurrentByteIndex)

    def _characters(self, text: str) -> None:
        self._text += len(text)  # Expat hands one text over in pieces; CDATA counts too
        if self._text > MAX_TOKEN_BYTES:
            raise ParseError(_too_large("a text", self._text, MAX_TOKEN_BYTES, "MAX_TOKEN_BYTES"))

    def _add_start(self, offset: int) -> None:
        self.total += 1
        if len(self.starts) <= self.max_items:
            self.starts.append(offset)

    def _end_of_tag(self, offset: int) -> int:
        closer = b">" if self.data.startswith(b"</", offset) else b"/>"
        found = self.data.find(closer, offset)
        return len(self.data) if found < 0 else found + len(closer)

    def _scan_rest(self, offset: int) -> None:
        for match in _ITEM_START.finditer(self.data, offset):
            self._add_start(match.start())
        ends = [match.end() for match in _ITEM_END.finditer(self.data, offset)]
        if ends:
            self.last_end = ends[-1]
