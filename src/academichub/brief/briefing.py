"""write_briefing: papers → prompt(s) → provider → parse → grounding check → Briefing, cached and costed.

A day longer than the provider's prompt budget is briefed in parts (map) whose checked notes are merged (reduce);
no paper is dropped silently — papers no surviving sentence cites are listed as not covered. A provider fault
gives a "failed" briefing with the error (nothing half-written) that the next call retries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from academichub.brief.grounding import ground_sections, parse_sections
from academichub.brief.prompts import (
    PROMPT_VERSION,
    briefing_messages,
    heading,
    neutralize_untrusted,
    paper_block,
    reduce_messages,
)
from academichub.brief.providers import BriefPaper, Completion, CompletionRequest, LLMProvider
from academichub.brief.tldr import write_tldrs
from academichub.brief.tokens import Cost, estimate_messages, estimate_tokens, price_call
from academichub.errors import BriefingError
from academichub.models import Briefing, BriefingSection, Citation, GroundingReport, Paper


class BriefingCache(Protocol):
    """Where briefings and TL;DRs are kept (the Store implements this)."""

    def briefing_by_key(self, cache_key: str) -> Briefing | None: ...

    def save_briefing(self, briefing: Briefing) -> Briefing: ...

    def tldrs_for(self, paper_ids: Sequence[int], model: str, language: str, prompt_version: str) -> dict[int, str]: ...

    def save_tldrs(self, rows: Sequence[tuple[int, str]], model: str, language: str, prompt_version: str) -> None: ...


@dataclass(frozen=True, slots=True)
class BriefingOptions:
    language: str = "zh"
    max_output_tokens: int = 2000
    prices: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    usd_per_cny: float = 0.14
    title: str = "Curated Daily"
    with_tldr: bool = False
    refresh: bool = False  # ignore a cached briefing and write it again


@dataclass
class _Usage:
    prompt: int = 0
    completion: int = 0
    estimated: bool = False
    calls: int = 0
    cost: Cost = field(default_factory=Cost)


def prepare_papers(
    papers: Sequence[Paper],
    *,
    keys: Sequence[int] | None = None,
    vectors: Mapping[int, NDArray[np.float32]] | None = None,
) -> tuple[list[BriefPaper], frozenset[str]]:
    """Key each paper (its number on the daily page; default 1..n) and neutralise its abstract."""
    numbers = list(keys) if keys is not None else list(range(1, len(papers) + 1))
    out: list[BriefPaper] = []
    planted: set[str] = set()
    for number, paper in zip(numbers, papers, strict=True):
        text, tokens = neutralize_untrusted(paper.abstract)
        planted |= tokens | neutralize_untrusted(paper.title)[1]
        vector = vectors.get(paper.id) if vectors is not None and paper.id is not None else None
        field_name = paper.primary_category or (paper.categories[0] if paper.categories else paper.source_label)
        out.append(BriefPaper(number, paper, text, field_name or paper.source or "?", vector))
    return out, frozenset(planted)


def briefing_cache_key(items: Sequence[BriefPaper], provider: LLMProvider, language: str) -> str:
    """Same papers (and texts, and numbering), model, language and prompt version → same key."""
    basis = [provider.name, provider.model, language, PROMPT_VERSION]
    basis += [f"{p.key}:{p.paper.id}:{p.paper.title}\x00{p.abstract}" for p in items]
    return hashlib.blake2b(json.dumps(basis, ensure_ascii=False).encode(), digest_size=16).hexdigest()


def write_briefing(
    papers: Sequence[Paper],
    provider: LLMProvider,
    *,
    keys: Sequence[int] | None = None,
    vectors: Mapping[int, NDArray[np.float32]] | None = None,
    day: dt.date | None = None,
    radar: str = "",
    options: BriefingOptions | None = None,
    cache: BriefingCache | None = None,
) -> Briefing:
    """The checked briefing over `papers` (status ok/unwritable/failed/empty); never raises for provider faults."""
    opts = options or BriefingOptions()
    items, planted = prepare_papers(papers, keys=keys, vectors=vectors)
    cache_key = briefing_cache_key(items, provider, opts.language)
    found = cache.briefing_by_key(cache_key) if cache is not None and not opts.refresh else None
    if found is not None and found.status != "failed":
        return _with_tldrs(dataclasses.replace(found, cached=True), items, provider, opts, cache)
    base = Briefing(
        cache_key=cache_key, status="empty", language=opts.language, provider=provider.name, model=provider.model,
        prompt_version=PROMPT_VERSION, citations=tuple(_citation(p) for p in items),
        paper_ids=tuple(p.paper.id for p in items if p.paper.id is not None), day=day, radar=radar,
    )  # fmt: skip
    if not items:
        briefing = dataclasses.replace(base, grounding=GroundingReport(verdict="empty"))
        return cache.save_briefing(briefing) if cache is not None else briefing
    usage = _Usage()
    try:
        sections, report = _generate(items, planted, provider, opts, usage)
    except BriefingError as exc:
        briefing = _with_usage(dataclasses.replace(base, status="failed", error=f"{exc.kind}: {exc}"), usage)
        return cache.save_briefing(briefing) if cache is not None else briefing
    status = "ok" if report.verdict == "ok" else "unwritable"
    uncovered = [p for p in items if p.key in set(report.uncovered_keys)]
    if status != "ok":
        sections, uncovered = [], items
    if uncovered:
        sections.append(BriefingSection("uncovered", tuple(f"[{p.key}] {p.paper.title}" for p in uncovered)))
    briefing = _with_usage(dataclasses.replace(base, status=status, sections=tuple(sections), grounding=report), usage)
    briefing = cache.save_briefing(briefing) if cache is not None else briefing
    return _with_tldrs(briefing, items, provider, opts, cache)


def _generate(
    items: list[BriefPaper], planted: frozenset[str], provider: LLMProvider, opts: BriefingOptions, usage: _Usage
) -> tuple[list[BriefingSection], GroundingReport]:
    messages = briefing_messages(items, opts.language, total=len(items), title=opts.title)
    if estimate_messages(messages) <= provider.context_tokens:
        answer = _call(provider, CompletionRequest("briefing", tuple(messages), tuple(items), opts.language,
                                                   opts.max_output_tokens), opts, usage)  # fmt: skip
        return ground_sections(parse_sections(answer.text), items, planted)
    notes = []
    for part in split_for_budget(items, provider.context_tokens, opts):
        part_messages = briefing_messages(part, opts.language, total=len(items), title=opts.title)
        request = CompletionRequest("partial", tuple(part_messages), tuple(part), opts.language, opts.max_output_tokens)
        part_sections, _ = ground_sections(parse_sections(_call(provider, request, opts, usage).text), part, planted)
        notes.append(sections_markdown(part_sections))
    merge = reduce_messages(items, notes, opts.language, title=opts.title)
    if estimate_messages(merge) <= provider.context_tokens:
        request = CompletionRequest("reduce", tuple(merge), tuple(items), opts.language, opts.max_output_tokens,
                                    tuple(notes))  # fmt: skip
        return ground_sections(parse_sections(_call(provider, request, opts, usage).text), items, planted)
    return ground_sections(parse_sections("\n".join(notes)), items, planted)  # too many parts: merge by section


def split_for_budget(items: Sequence[BriefPaper], budget: int, opts: BriefingOptions) -> list[list[BriefPaper]]:
    """Consecutive parts whose prompts fit the budget; an abstract too long for any part is cut (deterministic)."""
    overhead = estimate_messages(briefing_messages([], opts.language, total=len(items), title=opts.title))
    room = max(200, budget - overhead - 8 * len(items))  # the key list in the system prompt grows per paper
    parts: list[list[BriefPaper]] = [[]]
    used = 0
    for item in items:
        cost = estimate_tokens(paper_block(item))
        if cost > room:
            item = dataclasses.replace(item, abstract=item.abstract[: int(len(item.abstract) * room / cost * 0.9)])
            cost = estimate_tokens(paper_block(item))
        if parts[-1] and used + cost > room:
            parts.append([])
            used = 0
        parts[-1].append(item)
        used += cost
    return parts


def _call(provider: LLMProvider, request: CompletionRequest, opts: BriefingOptions, usage: _Usage) -> Completion:
    answer = provider.complete(request)
    usage.calls += 1
    usage.prompt += answer.prompt_tokens
    usage.completion += answer.completion_tokens
    usage.estimated = usage.estimated or answer.tokens_estimated
    usage.cost += price_call(
        provider.model, answer.prompt_tokens, answer.completion_tokens, opts.prices, usd_per_cny=opts.usd_per_cny
    )
    return answer


def _with_usage(briefing: Briefing, usage: _Usage) -> Briefing:
    return dataclasses.replace(
        briefing, prompt_tokens=usage.prompt, completion_tokens=usage.completion, tokens_estimated=usage.estimated,
        cost_usd=round(usage.cost.usd, 6), cost_cny=round(usage.cost.cny, 6), calls=usage.calls,
    )  # fmt: skip


def _with_tldrs(
    briefing: Briefing,
    items: list[BriefPaper],
    provider: LLMProvider,
    opts: BriefingOptions,
    cache: BriefingCache | None,
) -> Briefing:
    if not opts.with_tldr or not items or briefing.status == "failed":
        return briefing
    lines, error = write_tldrs(items, provider, opts.language, opts.max_output_tokens, cache)
    return dataclasses.replace(briefing, tldrs=tuple(sorted(lines.items())), error=briefing.error or error)


def _citation(item: BriefPaper) -> Citation:
    return Citation(item.key, item.paper.id, item.paper.keys[0] if item.paper.keys else "", item.paper.title)


def sections_markdown(sections: Sequence[BriefingSection], language: str = "en") -> str:
    """Sections as Markdown under their headings (canonical English unless a language is given)."""
    lines = []
    for section in sections:
        lines.append(f"## {heading(section.kind, language)}")
        lines += [f"- {item}" for item in section.items]
    return "\n".join(lines)
