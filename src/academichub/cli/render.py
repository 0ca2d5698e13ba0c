"""Turning papers and runs into JSON and rich tables for the terminal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from academichub.models import FetchRun, Paper
from academichub.store import SourceState

ABSTRACT_PREVIEW_CHARS = 300


def paper_json(paper: Paper) -> dict[str, Any]:
    """Everything a script needs about a paper, with every identifier spelled out."""
    latest = max(paper.announcements, key=lambda a: a.day, default=None)
    return {
        "id": paper.id,
        "identifiers": {k.split(":", 1)[0]: k.split(":", 1)[1] for k in reversed(paper.keys)},
        "keys": list(paper.keys),
        "title": paper.title,
        "authors": [a.name for a in paper.authors],
        "affiliations": [list(a.affiliations) for a in paper.authors],
        "abstract": paper.abstract,
        "source_label": paper.source_label,
        "source": paper.source,
        "venue": paper.venue,
        "categories": list(paper.categories),
        "primary_category": paper.primary_category,
        "published": paper.published.isoformat() if paper.published else None,
        "updated": paper.updated.isoformat() if paper.updated else None,
        "announced": latest.day.isoformat() if latest else None,
        "announce_type": str(latest.announce_type) if latest else None,
        "announcements": [
            {"day": a.day.isoformat(), "source": a.source, "listing": a.listing, "type": str(a.announce_type)}
            for a in paper.announcements
        ],
        "version": paper.version,
        "versions": [{"version": v.number, "date": v.date.isoformat() if v.date else None} for v in paper.versions],
        "links": {link.kind: link.url for link in paper.links},
        "license": paper.license,
        "journal_ref": paper.journal_ref,
        "matches": [{"key": k, "reason": r} for k, r in paper.matches],
        "date_flag": paper.date_flag,
    }


def print_json(value: object) -> None:
    Console(soft_wrap=True).print_json(json.dumps(value, ensure_ascii=False))


def print_papers(console: Console, papers: Sequence[Paper], *, numbered: bool = True) -> None:
    """The numbered list the product page shows: number, source, date, title, authors, abstract."""
    for number, paper in enumerate(papers, start=1):
        latest = max(paper.announcements, key=lambda a: a.day, default=None)
        day = (latest.day.isoformat() if latest else None) or (paper.published.isoformat() if paper.published else "")
        kind = f" · {latest.announce_type}" if latest and latest.announce_type != "new" else ""
        head = f"[bold]{number}.[/bold] " if numbered else ""
        label = paper.source_label.replace("[", "\\[")
        console.print(f"{head}[cyan]{label}[/cyan]  {day}{kind}", highlight=False)
        console.print("   " + paper.title, style="bold", highlight=False, markup=False)
        authors = ", ".join(a.name for a in paper.authors[:12]) + (" et al." if len(paper.authors) > 12 else "")
        console.print(f"   作者 Authors: {authors or '—'}", highlight=False, markup=False)
        if paper.abstract:
            text = paper.abstract
            if len(text) > ABSTRACT_PREVIEW_CHARS:
                text = text[:ABSTRACT_PREVIEW_CHARS].rsplit(" ", 1)[0] + " …"
            console.print("   " + text, style="dim", highlight=False, markup=False)
        console.print()


def runs_table(rows: Sequence[tuple[SourceState, FetchRun | None]]) -> Table:
    table = Table("source", "last run", "status", "HTTP", "seen", "new", "updated", "note / error")
    for state, run in rows:
        if run is None:
            table.add_row(state.name, "never", "—", "", "", "", "", "")
            continue
        style = {"failed": "red", "ok": "green", "no_announcement": "yellow"}.get(str(run.status), "")
        table.add_row(
            state.name,
            run.started_at.strftime("%Y-%m-%d %H:%M"),
            f"[{style}]{run.status}[/{style}]" if style else str(run.status),
            str(run.http_status or ""),
            str(run.items_seen),
            str(run.items_new),
            str(run.items_updated),
            run.error or run.note,
        )
    return table


def run_json(state: SourceState, run: FetchRun | None) -> dict[str, Any]:
    return {
        "source": state.name,
        "kind": state.kind,
        "target": state.target,
        "label": state.label,
        "consecutive_failures": state.consecutive_failures,
        "last_run": None
        if run is None
        else {
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "status": str(run.status),
            "http_status": run.http_status,
            "error": run.error,
            "note": run.note,
            "items_seen": run.items_seen,
            "items_new": run.items_new,
            "items_updated": run.items_updated,
        },
    }
