"""The Curated Daily flattened into plain entries every channel renders: number, source, date, title, authors, why.

Pure: no I/O. Text is whitespace-collapsed here (so a CR/LF in a title never
reaches a header or starts a markdown block); each channel escapes for its own format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from academichub.deliver.wording import ENGLISH, Translate, reasons_text
from academichub.models import Digest, ScoredPaper
from academichub.rank.recency import appeared_month

_SPACES = re.compile(r"\s+")
MAX_AUTHORS_SHOWN = 12


@dataclass(frozen=True, slots=True)
class DigestEntry:
    number: int
    source_label: str
    date: str
    announce_type: str
    title: str
    authors: str
    abstract: str
    reasons: str
    link: str
    first_appeared: str = ""  # "2024-11" for an old paper listed again (rank.recency.appeared_month), else ""
    marks: str = ""  # " · replace · first appeared 2024-11", in the reader's language: what sets it apart ("": new)


def one_line(text: str) -> str:
    """Any run of whitespace (CR, LF, tabs, U+2028…) becomes one space; ends stripped."""
    return _SPACES.sub(" ", text).strip()


def shorten(text: str, max_chars: int) -> str:
    """At most `max_chars` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= max_chars:
        return text
    cut = text[: max(1, max_chars - 1)]
    if " " in cut[max_chars // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut + "…"


def source_label(item: ScoredPaper, digest: Digest) -> tuple[str, str]:
    """The paper's label and announce type on the digest's day ("arXiv (cs.LG)", "new")."""
    todays = [a for a in item.paper.announcements if a.day == digest.day]
    if todays and todays[0].source.startswith("arxiv") and todays[0].listing:
        return f"arXiv ({todays[0].listing})", str(todays[0].announce_type)
    return item.paper.source_label or item.paper.source, str(todays[0].announce_type) if todays else "new"


def paper_link(item: ScoredPaper) -> str:
    """The abstract page, else the DOI resolver, else any link; "" when there is none."""
    links = {link.kind: link.url for link in item.paper.links}
    doi = item.paper.identifier("doi")
    url = links.get("abs") or (f"https://doi.org/{doi}" if doi else "") or next(iter(links.values()), "")
    return url if url.startswith(("https://", "http://")) else ""


def digest_entries(digest: Digest, t: Translate = ENGLISH) -> list[DigestEntry]:
    """One entry per picked paper, in the digest's order; reasons in t's language (deliver.wording)."""
    entries = []
    for number, item in enumerate(digest.items, start=1):
        label, kind = source_label(item, digest)
        month = appeared_month(item.paper, digest.day)
        names = [one_line(a.name) for a in item.paper.authors]
        authors = ", ".join(names[:MAX_AUTHORS_SHOWN]) + (" et al." if len(names) > MAX_AUTHORS_SHOWN else "")
        entries.append(
            DigestEntry(
                number=item.rank or number,
                source_label=one_line(label),
                date=digest.day.isoformat(),
                announce_type=kind,
                title=one_line(item.paper.title),
                authors=authors or "—",
                abstract=one_line(item.paper.abstract),
                reasons=one_line(reasons_text(t, item.reasons)),
                link=paper_link(item),
                first_appeared=month,
                marks=_marks(kind, month, t),
            )
        )
    return entries


def _marks(announce_type: str, month: str, t: Translate) -> str:
    marks = [announce_type if announce_type != "new" else "", t("digest_first_appeared", month=month) if month else ""]
    return "".join(f" · {mark}" for mark in marks if mark)


def digest_heading(digest: Digest, t: Translate = ENGLISH) -> str:
    return one_line(t("digest_heading", radar=digest.radar.name, day=digest.day.isoformat()))
