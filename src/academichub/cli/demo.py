"""`demo`: the offline demo on the real snapshot shipped inside the package."""

from __future__ import annotations

import tempfile
from importlib.resources import as_file, files
from pathlib import Path

import click
from rich.console import Console
from rich.rule import Rule

from academichub.cli.context import AppContext, pass_app
from academichub.cli.render import print_papers, runs_table
from academichub.pipeline import ingest_files
from academichub.store import Store

DEMO_PACKAGE = "academichub.demo"


@click.command()
@click.option("--home", type=click.Path(path_type=Path), help="Keep the demo database here (default: a temp dir).")
@click.option("--limit", type=click.IntRange(1, 500), default=8, show_default=True, help="Papers shown per source.")
@pass_app
def demo(app: AppContext, home: Path | None, limit: int) -> None:
    """Offline demo: ingest the bundled real snapshot (arXiv, bioRxiv/medRxiv, Nature) and show the day's papers."""
    workdir = home or Path(tempfile.mkdtemp(prefix="academichub-demo-"))
    app.settings_overrides = {**app.settings_overrides, "home": workdir}
    console = Console()
    console.print(Rule("AcademicHub · Curated Daily — offline demo"))
    console.print(f"Demo home: {workdir} (nothing here touches the network)\n", highlight=False)
    with as_file(files(DEMO_PACKAGE)) as snapshot:
        paths = sorted(Path(snapshot).glob("*.gz"))
        reports = ingest_files(app.store, paths)
    for report in reports:
        state = "failed: " + report.error if report.error else f"{report.counts.seen} records, {report.counts.new} new"
        console.print(f"  ingested {report.path.name} ({report.format}) → {state}", highlight=False, markup=False)
    console.print(f"\n{app.store.count_papers()} papers stored after merging versions and duplicates.\n")
    show_latest_days(console, app.store, limit)
    console.print(Rule())
    console.print(
        "Try: academichub --help · "
        f"ACADEMICHUB_HOME={workdir} academichub search 'language model' · academichub papers --format json"
    )


def show_latest_days(console: Console, store: Store, limit: int) -> None:
    """For each source in the snapshot, its most recent announcement day as the numbered list."""
    shown: set[str] = set()
    for day, _count in store.announcement_days(limit=400):
        for source in ("arxiv", "biorxiv", "medrxiv", "journal"):
            if source in shown:
                continue
            papers = [
                p
                for p in store.list_papers(day=day, limit=500)
                if any(a.source.startswith(source) for a in p.announcements if a.day == day)
            ]
            if papers:
                shown.add(source)
                console.print(
                    Rule(f"{day.isoformat()} · {papers[0].source_label.split(' (')[0]} · {len(papers)} papers")
                )
                print_papers(console, papers[:limit])
    rows = store.latest_runs()
    if rows:
        console.print(runs_table(rows))
