"""What makes a radar unusable, said in words a user can act on. Pure."""

from __future__ import annotations

from academichub.models import Radar

MAX_DESCRIPTION_CHARS = 5_000
MAX_TERMS = 200
MAX_DAILY_SIZE = 500


def radar_problems(radar: Radar) -> list[str]:
    """What makes a radar unusable, as messages for the user (empty list: fine)."""
    problems = []
    if not radar.name.strip():
        problems.append("a radar needs a name")
    if len(radar.description) > MAX_DESCRIPTION_CHARS:
        problems.append(
            f"the description is {len(radar.description):,} characters; keep it under {MAX_DESCRIPTION_CHARS:,}"
        )
    if not (radar.description.strip() or radar.keywords or radar.seeds or radar.seed_texts or radar.authors):
        problems.append(
            "a radar needs something to look for: a description, keywords, followed authors or seed papers"
            + (" (exclusions alone only remove papers)" if radar.excludes else "")
        )
    for label, values in (("keywords", radar.keywords), ("exclusions", radar.excludes), ("authors", radar.authors)):
        if len(values) > MAX_TERMS:
            problems.append(f"too many {label}: {len(values)} (at most {MAX_TERMS})")
    if not 1 <= radar.size <= MAX_DAILY_SIZE:
        problems.append(f"daily size must be between 1 and {MAX_DAILY_SIZE}")
    return problems
