"""How a paper is shown on a page: source badge, announce type, date, safe links, highlighted snippets.

Pure functions over models; templates escape every text field, and only
http(s) links from sources are ever put in an href.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup, escape

from academichub.models import AnnounceType, Paper, Reason
from academichub.rank.recency import appeared_month

MAX_AUTHORS_SHOWN = 12
LINK_ORDER = ("abs", "html", "pdf", "doi")
_TYPE_KEYS = {
    AnnounceType.NEW: "type_new",
    AnnounceType.CROSS: "type_cross",
    AnnounceType.REPLACE: "type_replace",
    AnnounceType.REPLACE_CROSS: "type_replace",
}
_SOURCE_NAMES = {"arxiv": "arXiv", "biorxiv": "bioRxiv", "medrxiv": "medRxiv"}


@dataclass(frozen=True, slots=True)
class PaperCard:
    """What one entry of the numbered list shows."""

    id: int
    number: int
    title: str
    authors: str
    abstract: str
    badge: str
    source_kind: str  # "arxiv" | "biorxiv" | "medrxiv" | "journal" | …: for the source filter
    type_key: str  # catalogue key of the announce type
    day: dt.date | None
    links: tuple[tuple[str, str], ...]  # (kind, url), safe schemes only
    reasons: tuple[Reason, ...] = ()
    score: float | None = None
    first_appeared: str = ""  # "2023-01" when the paper first appeared well before `day` (rank.recency)


def source_kind(source: str) -> str:
    """'arxiv-rss' → 'arxiv'; 'journal' stays; used to group and filter."""
    return source.split("-", 1)[0] if source else "other"


def source_badge(paper: Paper, day: dt.date | None) -> str:
    """`arXiv (cs.LG)`, `bioRxiv (Bioinformatics)`, `Nature`: the listing the paper came from that day."""
    todays = [a for a in paper.announcements if day is None or a.day == day]
    if todays:
        kind = source_kind(todays[0].source)
        if kind in _SOURCE_NAMES and todays[0].listing:
            return f"{_SOURCE_NAMES[kind]} ({todays[0].listing})"
    return paper.source_label or paper.venue or paper.source


def safe_links(paper: Paper) -> tuple[tuple[str, str], ...]:
    found = {link.kind: link.url for link in paper.links if link.url.lower().startswith(("https://", "http://"))}
    doi = paper.identifier("doi")
    if "doi" not in found and doi:
        found["doi"] = f"https://doi.org/{doi}"
    return tuple((kind, found[kind]) for kind in LINK_ORDER if kind in found)


def paper_card(
    paper: Paper, number: int, day: dt.date | None, reasons: tuple[Reason, ...] = (), score: float | None = None
) -> PaperCard:
    todays = [a for a in paper.announcements if day is None or a.day == day]
    latest = max(todays, key=lambda a: a.day) if todays else None
    names = [a.name for a in paper.authors[:MAX_AUTHORS_SHOWN]]
    authors = ", ".join(names) + (" et al." if len(paper.authors) > MAX_AUTHORS_SHOWN else "")
    return PaperCard(
        id=paper.id or 0,
        number=number,
        title=paper.title,
        authors=authors,
        abstract=paper.abstract,
        badge=source_badge(paper, day),
        source_kind=source_kind(latest.source if latest else paper.source),
        type_key=_TYPE_KEYS.get(latest.announce_type, "type_new") if latest else "type_new",
        day=latest.day if latest else paper.published,
        links=safe_links(paper),
        reasons=reasons,
        score=score,
        first_appeared=appeared_month(paper, latest.day) if latest else "",
    )


def highlight_snippet(snippet: str) -> Markup:
    """FTS snippet with [[matches]] → escaped text with <mark> around the matches."""
    parts = []
    for n, piece in enumerate(snippet.replace("]]", "[[").split("[[")):
        parts.append(Markup("<mark>{}</mark>").format(piece) if n % 2 else escape(piece))
    return Markup("").join(parts)
