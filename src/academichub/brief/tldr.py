"""Per-paper one-line TL;DRs in the user's language: optional, cached per (paper, model, language, prompt version).

Each line the model writes is checked like a briefing sentence (its key must be one supplied, its numbers and
identifiers must be in that paper's abstract); lines that fail are left out rather than shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from academichub.brief.grounding import ground_sections
from academichub.brief.prompts import PROMPT_VERSION, tldr_messages
from academichub.brief.providers import BriefPaper, CompletionRequest, LLMProvider
from academichub.errors import BriefingError
from academichub.models import BriefingSection

if TYPE_CHECKING:
    from academichub.brief.briefing import BriefingCache

_LINE = re.compile(r"^\s*(?:[-*]\s*)?\[(\d+)\]\s*[:：.-]?\s*(.+?)\s*$")
TLDR_MAX_CHARS = 240


def write_tldrs(
    items: Sequence[BriefPaper], provider: LLMProvider, language: str, max_tokens: int, cache: BriefingCache | None
) -> tuple[dict[int, str], str]:
    """{key: TL;DR} for the papers (cached ones reused), and an error line when the provider failed ("" if not)."""
    ids = [p.paper.id for p in items if p.paper.id is not None]
    known = cache.tldrs_for(ids, provider.model, language, PROMPT_VERSION) if cache is not None else {}
    out = {p.key: known[p.paper.id] for p in items if p.paper.id in known}
    todo = [p for p in items if p.key not in out]
    if not todo:
        return out, ""
    request = CompletionRequest("tldr", tuple(tldr_messages(todo, language)), tuple(todo), language, max_tokens)
    try:
        answer = provider.complete(request)
    except BriefingError as exc:
        return out, f"tldr {exc.kind}: {exc}"
    fresh = checked_tldrs(answer.text, todo)
    out.update(fresh)
    by_key = {p.key: p for p in todo}
    rows = [(pid, text) for key, text in fresh.items() if (pid := by_key[key].paper.id) is not None]
    if cache is not None and rows:
        cache.save_tldrs(rows, provider.model, language, PROMPT_VERSION)
    return out, ""


def checked_tldrs(text: str, items: Sequence[BriefPaper]) -> dict[int, str]:
    """The answer's `[n] …` lines that name a supplied paper and pass the grounding check against it alone."""
    by_key = {p.key: p for p in items}
    found: dict[int, str] = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if not match or int(match.group(1)) not in by_key or int(match.group(1)) in found:
            continue
        key, body = int(match.group(1)), match.group(2)[:TLDR_MAX_CHARS]
        kept, report = ground_sections([BriefingSection("tldr", (f"{body} [{key}]",))], [by_key[key]])
        if kept and not report.dropped_sentences:
            found[key] = body
    return found
