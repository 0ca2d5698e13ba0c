"""A radar's picks for a day, its briefing (looked up, or written with the configured provider), and the `[n]` links.

The web pages, the JSON API and the Atom feed share these, so a briefing is
keyed and cached the same way everywhere (and the same way `run-daily` writes it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from academichub.brief import BriefingOptions, provider_named, write_briefing
from academichub.brief.briefing import briefing_cache_key, prepare_papers
from academichub.config import Settings
from academichub.models import Briefing, Radar, ScoredPaper
from academichub.pipeline.digest import build_digest, stored_digest
from academichub.pipeline.paper_vectors import embed_papers
from academichub.rank.embed import Embedder
from academichub.store import Store

_CITE = re.compile(r"\[(\d{1,4})\]")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
MAX_CARD_AUTHORS = 6


def radar_picks(store: Store, embedder: Embedder, radar: Radar, day: dt.date) -> list[ScoredPaper]:
    """The day's stored picks for the radar; built (and stored) now when there are none yet."""
    return stored_digest(store, radar, day) or list(build_digest(store, embedder, radar, day, encode=False).items)


def briefing_options(
    settings: Settings, radar: Radar, day: dt.date, language: str, *, refresh: bool = False
) -> BriefingOptions:
    return BriefingOptions(
        language=language, max_output_tokens=settings.llm_max_output_tokens, prices=settings.llm_prices,
        usd_per_cny=settings.usd_per_cny, title=f"Curated Daily · {radar.name} · {day.isoformat()}", refresh=refresh,
    )  # fmt: skip


def stored_briefing(store: Store, settings: Settings, picks: Sequence[ScoredPaper], language: str) -> Briefing | None:
    """The briefing already written for exactly these picks, provider and language (never calls a provider)."""
    if not picks:
        return None
    provider = provider_named(settings)
    items, _ = prepare_papers([s.paper for s in picks], keys=[s.rank for s in picks])
    return store.briefing_by_key(briefing_cache_key(items, provider, language))


def make_briefing(
    store: Store,
    settings: Settings,
    embedder: Embedder,
    radar: Radar,
    day: dt.date,
    picks: Sequence[ScoredPaper],
    language: str,
    *,
    refresh: bool = False,
) -> Briefing:
    """Write the briefing (or reuse the cached one unless `refresh`); the offline provider without an LLM key."""
    provider = provider_named(settings)
    papers = [s.paper for s in picks]
    vectors = embed_papers(store, embedder, papers) if provider.name == "offline" else None
    return write_briefing(
        papers, provider, keys=[s.rank for s in picks], vectors=vectors, day=day, radar=radar.name,
        options=briefing_options(settings, radar, day, language, refresh=refresh), cache=store,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class CiteTarget:
    """Where a `[n]` points: the paper's entry on the daily page, and what its hover card shows."""

    href: str
    title: str
    authors: str


def cite_targets(picks: Sequence[ScoredPaper], radar: Radar, day: dt.date) -> dict[int, CiteTarget]:
    out = {}
    for s in picks:
        names = [a.name for a in s.paper.authors[:MAX_CARD_AUTHORS]]
        authors = ", ".join(names) + (" et al." if len(s.paper.authors) > MAX_CARD_AUTHORS else "")
        href = f"/?radar={radar.id}&day={day.isoformat()}#paper-{s.paper.id}"
        out[s.rank] = CiteTarget(href, s.paper.title, authors)
    return out


def _prose(text: str) -> Markup:
    """Escaped text with the Markdown **bold** the briefings use as <strong>."""
    escaped = str(escape(text))
    return Markup(_BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", escaped))


def linked_citations(text: str, targets: dict[int, CiteTarget]) -> Markup:
    """Escaped text in which each known `[n]` is a link with a CSS hover card (title + authors), **bold** as bold."""
    parts: list[Markup] = []
    last = 0
    for match in _CITE.finditer(text):
        parts.append(_prose(text[last : match.start()]))
        target = targets.get(int(match.group(1)))
        if target is None:
            parts.append(escape(match.group(0)))
        else:
            parts.append(
                Markup(
                    '<a class="cite" href="{href}">[{n}]<span class="cite-card" role="tooltip">'
                    '<span class="cite-title math">{title}</span><span class="cite-authors">{authors}</span></span></a>'
                ).format(href=target.href, n=match.group(1), title=target.title, authors=target.authors)
            )
        last = match.end()
    parts.append(_prose(text[last:]))
    return Markup("").join(parts)
