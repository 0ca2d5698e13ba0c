"""The brief stage of run_daily: one checked briefing per radar's Curated Daily, cached in the store.

A provider fault leaves that briefing marked failed (nothing half-written) and
fails the stage after every radar was tried, so the next run retries only those:
the others come from the cache at no cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from academichub.brief.briefing import BriefingOptions, sections_markdown, write_briefing
from academichub.brief.providers import provider_named
from academichub.config import Settings
from academichub.errors import BriefingError
from academichub.models import Digest
from academichub.pipeline.paper_vectors import embed_papers
from academichub.rank.embed import Embedder
from academichub.store import Store


def brief_digests(settings: Settings, store: Store, embedder: Embedder, digests: Sequence[Digest]) -> dict[str, int]:
    """Write (or reuse) each digest's briefing. Raises: BriefingError naming the radars whose briefing failed."""
    provider = provider_named(settings)
    counts = {"written": 0, "cached": 0, "unwritable": 0, "failed": 0}
    failed: list[str] = []
    for digest in digests:
        if not digest.items:
            continue
        papers = [s.paper for s in digest.items]
        vectors = embed_papers(store, embedder, papers) if provider.name == "offline" else None
        options = BriefingOptions(
            language=settings.llm_language, max_output_tokens=settings.llm_max_output_tokens,
            prices=settings.llm_prices, usd_per_cny=settings.usd_per_cny,
            title=f"Curated Daily · {digest.radar.name} · {digest.day.isoformat()}",
        )  # fmt: skip
        briefing = write_briefing(
            papers, provider, keys=[s.rank for s in digest.items], vectors=vectors, day=digest.day,
            radar=digest.radar.name, options=options, cache=store,
        )  # fmt: skip
        if briefing.status == "failed":
            counts["failed"] += 1
            failed.append(f"{digest.radar.name}: {briefing.error}")
        elif briefing.status == "unwritable":
            counts["unwritable"] += 1
        else:
            counts["cached" if briefing.cached else "written"] += 1
    if failed:
        raise BriefingError("briefings failed for " + "; ".join(failed))
    return counts


def briefing_text(store: Store, day: dt.date, digests: Sequence[Digest]) -> str | None:
    """The day's briefings of these radars as Markdown, for emails and chat messages (None if there are none)."""
    wanted = {(d.radar.name, frozenset(s.paper.id for s in d.items)) for d in digests if d.items}
    parts = []
    for briefing in store.briefings_for_day(day):
        mine = (briefing.radar, frozenset(briefing.paper_ids)) in wanted  # radar names repeat across users
        if mine and briefing.status == "ok":
            parts.append(f"## {briefing.radar}\n\n{sections_markdown(briefing.sections, briefing.language)}")
    return "\n\n".join(parts) or None
