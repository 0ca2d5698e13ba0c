"""The Curated Daily as terminal text, JSON and Markdown: number, source, date, title, authors, abstract, why.
Text and Markdown say their own words, the day's notes and the reasons in English or Chinese (deliver.wording);
JSON keeps the English texts and each reason's `values`."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from academichub.cli.render import ABSTRACT_PREVIEW_CHARS, paper_json
from academichub.deliver.entries import digest_entries
from academichub.deliver.wording import Translate, note_text, reasons_text, wording
from academichub.models import Digest, ScoredPaper


def digest_json(digest: Digest) -> dict[str, Any]:
    return {
        "radar": digest.radar.name,
        "date": digest.day.isoformat(),
        "candidates": digest.candidates,
        "notes": list(digest.notes),
        "items": [
            {
                "rank": item.rank,
                **paper_json(item.paper),
                "source_label": entry.source_label,
                "announce_type": entry.announce_type,
                "first_appeared": entry.first_appeared or None,
                "score": round(item.score, 4),
                "reasons": [{"kind": r.kind, "text": r.text, "values": dict(r.values)} for r in item.reasons],
            }
            for item, entry in zip(digest.items, digest_entries(digest), strict=True)
        ],
    }


def _why(t: Translate, item: ScoredPaper) -> str:
    reasons = reasons_text(t, item.reasons)
    return f"{t('digest_why', reasons=reasons)} · {t('digest_score', score=f'{item.score:.2f}')}"


def digest_markdown(digest: Digest, lang: str = "en") -> str:
    t = wording(lang)
    lines = [f"# {t('digest_heading', radar=digest.radar.name, day=digest.day.isoformat())}", ""]
    lines += [f"> {note_text(t, note)}" for note in digest.notes]
    for item, entry in zip(digest.items, digest_entries(digest, t), strict=True):
        authors = ", ".join(a.name for a in item.paper.authors) or "—"
        link = next((link.url for link in item.paper.links if link.kind == "abs"), "")
        title = f"[{item.paper.title}]({link})" if link else item.paper.title
        lines += [
            f"{item.rank}. **{entry.source_label}** · {digest.day.isoformat()}{entry.marks}",
            f"   {title}  ",
            f"   作者 Authors: {authors}  ",
            f"   {item.paper.abstract}  " if item.paper.abstract else "",
            f"   *{_why(t, item)}*",
            "",
        ]
    if not digest.items:
        lines.append(t("digest_nothing"))
    return "\n".join(line for line in lines if line is not None)


def print_digest(console: Console, digest: Digest, lang: str = "en") -> None:
    t = wording(lang)
    heading = t("digest_heading", radar=digest.radar.name, day=digest.day.isoformat())
    console.rule(f"{heading} · {t('digest_shown', shown=len(digest.items), candidates=digest.candidates)}")
    for note in digest.notes:
        console.print(f"⚠ {note_text(t, note)}", style="yellow", highlight=False, markup=False)
    for item, entry in zip(digest.items, digest_entries(digest, t), strict=True):
        console.print(
            f"{item.rank}. {entry.source_label}  {digest.day.isoformat()}{entry.marks}",
            style="cyan", highlight=False, markup=False,
        )  # fmt: skip
        console.print("   " + item.paper.title, style="bold", highlight=False, markup=False)
        authors = ", ".join(a.name for a in item.paper.authors[:12]) + (
            " et al." if len(item.paper.authors) > 12 else ""
        )
        console.print(f"   作者 Authors: {authors or '—'}", highlight=False, markup=False)
        text = item.paper.abstract
        if len(text) > ABSTRACT_PREVIEW_CHARS:
            text = text[:ABSTRACT_PREVIEW_CHARS].rsplit(" ", 1)[0] + " …"
        if text:
            console.print("   " + text, style="dim", highlight=False, markup=False)
        console.print(f"   ↳ {_why(t, item)}", style="green", highlight=False, markup=False)
        console.print()
    if not digest.items:
        console.print(t("digest_nothing"))
