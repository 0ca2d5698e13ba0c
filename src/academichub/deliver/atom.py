"""Atom 1.0 (RFC 4287) feeds: a radar's Curated Daily — one entry per numbered pick — and the day's briefing.

Pure: no I/O. The caller gives absolute URLs; text is put in as text (lxml
escapes it), HTML content as escaped `type="html"`, and characters XML 1.0
forbids are dropped so a stray control character in a title never breaks a reader.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from academichub.models import Briefing, ScoredPaper

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_MEDIA_TYPE = "application/atom+xml; charset=utf-8"
MAX_FEED_AUTHORS = 12
_BOLD = re.compile(r"\*\*(.+?)\*\*")  # the Markdown bold briefings use
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class AtomEntry:
    id: str  # a URN or URL, stable across fetches
    title: str
    updated: dt.datetime
    link: str
    summary: str = ""
    content_html: str = ""
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _stamp(moment: dt.datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _add(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def atom_feed(
    *,
    feed_id: str,
    title: str,
    self_url: str,
    site_url: str,
    updated: dt.datetime,
    entries: Sequence[AtomEntry],
    subtitle: str = "",
    author: str = "AcademicHub",
) -> bytes:
    """The feed document (UTF-8, with XML declaration)."""
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})  # type: ignore[dict-item]  # default ns
    _add(feed, "id", feed_id)
    _add(feed, "title", title)
    if subtitle:
        _add(feed, "subtitle", subtitle)
    _add(feed, "updated", _stamp(updated))
    _add(_add(feed, "author"), "name", author)
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=site_url)
    _add(feed, "generator", "AcademicHub")
    for entry in entries:
        _add_entry(feed, entry)
    return bytes(etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True))


def _add_entry(feed: etree._Element, entry: AtomEntry) -> None:
    node = _add(feed, "entry")
    _add(node, "id", entry.id)
    _add(node, "title", entry.title)
    _add(node, "updated", _stamp(entry.updated))
    _add(node, "link", rel="alternate", type="text/html", href=entry.link)
    for name in entry.authors[:MAX_FEED_AUTHORS]:
        _add(_add(node, "author"), "name", name)
    for term in entry.categories:
        _add(node, "category", term=term)
    if entry.summary:
        _add(node, "summary", entry.summary)
    if entry.content_html:
        _add(node, "content", entry.content_html, type="html")


def pick_entries(
    picks: Sequence[ScoredPaper],
    day: dt.date,
    *,
    entry_id: Callable[[ScoredPaper], str],
    link: Callable[[ScoredPaper], str],
) -> list[AtomEntry]:
    """One entry per numbered pick: "3. Title", authors, categories, abstract and why it was picked."""
    at = dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)
    out = []
    for s in picks:
        why = "; ".join(r.text for r in s.reasons)
        body = f"<p>{html.escape(s.paper.abstract)}</p>" + (f"<p><em>{html.escape(why)}</em></p>" if why else "")
        out.append(
            AtomEntry(
                id=entry_id(s), title=f"{s.rank}. {s.paper.title}", updated=at, link=link(s),
                summary=s.paper.abstract[:500], content_html=body, authors=tuple(a.name for a in s.paper.authors),
                categories=tuple(s.paper.categories[:5]),
            )
        )  # fmt: skip
    return out


def _bold(escaped: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escaped)


def briefing_entry(
    briefing: Briefing, *, entry_id: str, link: str, title: str, headings: Mapping[str, str]
) -> AtomEntry:
    """The day's briefing as one entry: its sections (in `headings` order: kind → heading) as HTML lists.

    `[n]` stay as written: the numbers of the day's picks, which are the entries titled "n. …".
    """
    day = briefing.day or dt.date.today()
    by_kind = {s.kind: s for s in briefing.sections}
    parts = []
    for kind, heading in headings.items():
        if kind in by_kind:
            items = "".join(f"<li>{_bold(html.escape(item))}</li>" for item in by_kind[kind].items)
            parts.append(f"<h3>{html.escape(heading)}</h3><ul>{items}</ul>")
    first = next((s.items[0] for s in briefing.sections if s.items), "")
    return AtomEntry(
        id=entry_id, title=title, updated=dt.datetime.combine(day, dt.time(0, 1), tzinfo=dt.UTC), link=link,
        summary=first[:500], content_html="".join(parts),
    )  # fmt: skip
