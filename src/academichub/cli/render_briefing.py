"""A briefing as Markdown (headings in its language, LaTeX left as written) and as JSON for scripts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from academichub.brief.grounding import cited_keys
from academichub.brief.prompts import SECTION_KINDS, heading
from academichub.models import Briefing

TEXT = {
    "en": {"title": "Briefing", "none": "(nothing today)", "refs": "References", "failed": "The briefing failed",
           "retry": "The papers are listed below; run the command again to retry.",
           "unwritable": "The briefing could not be written: too little of the answer survived checking against "
                         "the abstracts, so nothing is shown rather than fiction.",
           "empty": "No papers to brief: I cannot answer."},
    "zh": {"title": "简报", "none": "（今日无）", "refs": "参考文献", "failed": "简报生成失败",
           "retry": "论文列表照常列出；再次运行命令即可重试。",
           "unwritable": "简报无法写出：模型回答经摘要核对后留下的可靠内容太少，宁缺毋滥。",
           "empty": "没有可写简报的论文。"},
}  # fmt: skip


def briefing_markdown(briefing: Briefing, day_costs: tuple[float, float] | None = None) -> str:
    t = TEXT.get(briefing.language, TEXT["en"])
    day = briefing.day.isoformat() if briefing.day else ""
    lines = [f"# {t['title']} · {' · '.join(x for x in (briefing.radar, day) if x)}", ""]
    if briefing.status == "failed":
        lines += [f"> {t['failed']}: {briefing.error}", f"> {t['retry']}", ""]
    elif briefing.status in ("unwritable", "empty"):
        lines += [f"> {t[briefing.status]}", ""]
    else:
        by_kind = {s.kind: s for s in briefing.sections}
        for kind in SECTION_KINDS:
            lines.append(f"## {heading(kind, briefing.language)}")
            items = by_kind[kind].items if kind in by_kind else ()
            lines += [f"- {item}" for item in items] or [t["none"]]
            lines.append("")
    uncovered = next((s for s in briefing.sections if s.kind == "uncovered"), None)
    if uncovered is not None and briefing.status == "ok":
        lines += [f"## {heading('uncovered', briefing.language)}", *(f"- {i}" for i in uncovered.items), ""]
    if briefing.tldrs:
        lines += [f"## {heading('tldr', briefing.language)}", *(f"- [{k}] {text}" for k, text in briefing.tldrs), ""]
    lines += [f"## {t['refs']}", *(f"[{c.key}] {c.title} ({c.paper_key})" for c in briefing.citations), ""]
    lines.append("---")
    lines.append(footer(briefing, day_costs))
    return "\n".join(lines)


def footer(briefing: Briefing, day_costs: tuple[float, float] | None = None) -> str:
    g = briefing.grounding
    tokens = f"{briefing.prompt_tokens}+{briefing.completion_tokens} tokens" + (
        " (estimated)" if briefing.tokens_estimated else ""
    )
    parts = [
        f"{briefing.provider} · {briefing.model} · prompt {briefing.prompt_version}",
        f"{tokens} · ¥{briefing.cost_cny:.4f} / ${briefing.cost_usd:.4f}"
        + (" (cached: no new cost)" if briefing.cached else ""),
        f"citations {g.citations_valid}/{g.citations_total} valid"
        + (f", removed {', '.join(g.invalid_keys[:10])}" if g.invalid_keys else "")
        + f" · claims cited {g.cited_claims}/{g.claims} · dropped sentences {len(g.dropped_sentences)}"
        + f" · papers covered {len(g.covered_keys)}/{len(g.covered_keys) + len(g.uncovered_keys)}",
    ]
    if day_costs is not None:
        parts.append(f"briefings this day: ¥{day_costs[0]:.4f} / ${day_costs[1]:.4f}")
    return "  \n".join(parts)


def briefing_json(briefing: Briefing, day_costs: tuple[float, float] | None = None) -> dict[str, Any]:
    """Everything: sections with each item's citation keys, citations with paper ids, grounding, tokens and cost."""
    by_key = {c.key: c for c in briefing.citations}
    return {
        "status": briefing.status,
        "error": briefing.error,
        "radar": briefing.radar,
        "date": briefing.day.isoformat() if briefing.day else None,
        "language": briefing.language,
        "provider": briefing.provider,
        "model": briefing.model,
        "prompt_version": briefing.prompt_version,
        "cached": briefing.cached,
        "sections": [
            {"kind": s.kind, "heading": heading(s.kind, briefing.language), "items": _items(s.items, by_key)}
            for s in briefing.sections
        ],
        "citations": [asdict(c) for c in briefing.citations],
        "grounding": asdict(briefing.grounding),
        "tokens": {
            "prompt": briefing.prompt_tokens,
            "completion": briefing.completion_tokens,
            "estimated": briefing.tokens_estimated,
            "calls": briefing.calls,
        },
        "cost": {"cny": briefing.cost_cny, "usd": briefing.cost_usd},
        "day_cost": {"cny": day_costs[0], "usd": day_costs[1]} if day_costs is not None else None,
        "tldrs": [
            {"key": k, "paper_id": by_key[k].paper_id if k in by_key else None, "text": t} for k, t in briefing.tldrs
        ],
    }


def _items(items: Sequence[str], by_key: dict[int, Any]) -> list[dict[str, Any]]:
    out = []
    for text in items:
        keys = list(dict.fromkeys(cited_keys(text)))
        out.append(
            {"text": text, "citations": [{"key": k, "paper_id": by_key[k].paper_id} for k in keys if k in by_key]}
        )
    return out
