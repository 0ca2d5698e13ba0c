"""`init`, `fetch`, `ingest` and `sources`: getting papers in and seeing how each source is doing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress

from academichub.cli.context import AppContext, pass_app
from academichub.cli.papers import FORMAT
from academichub.cli.render import print_json, run_json, runs_table
from academichub.errors import InputError
from academichub.models import RunStatus
from academichub.pipeline import HarvestReport, enrich_papers, fetch_sources, harvest_oai, ingest_files
from academichub.pipeline.sentence_vectors import SUFFIX
from academichub.rank.embedders import embedder_named
from academichub.sources.arxiv_oai import OAI_BASE_URL
from academichub.sources.base import configured_specs, enrichers
from academichub.sources.files import expand_paths
from academichub.sources.http import HttpClient
from academichub.sources.xml import expat_problem
from academichub.store.backup import backup_alert
from academichub.store.db import sqlite_path_from_url


@click.command()
@pass_app
def init(app: AppContext) -> None:
    """Create the data directory and database, and register the configured sources."""
    store = app.store
    for spec in configured_specs(app.settings):
        store.ensure_source(spec.name, spec.kind, spec.target, spec.label)
    click.echo(f"AcademicHub home: {app.settings.home}\nDatabase: {store.path} ({store.count_papers()} papers)")


@click.command()
@click.argument("names", nargs=-1)
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Day to fetch where a source is dated.")
@click.option(
    "--no-enrich", is_flag=True, help="Skip filling missing authors/abstracts from Crossref, PubMed, OpenAlex."
)
@FORMAT
@pass_app
def fetch(app: AppContext, names: tuple[str, ...], day: dt.datetime | None, no_enrich: bool, fmt: str) -> None:
    """Fetch configured sources live (all, or those NAMES, e.g. arxiv-rss:cs.LG journal:nature)."""
    specs = configured_specs(app.settings)
    if names:
        known = {s.name: s for s in specs}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise InputError(f"unknown source {unknown[0]!r}; configured: {', '.join(known)}")
        specs = [known[n] for n in names]
    with HttpClient(app.settings) as client:
        runs = fetch_sources(app.store, client, specs, day.date() if day else None)
        enriched = {} if no_enrich else enrich_papers(app.store, client, enrichers(app.settings))
    fetched = {r.source for r in runs}
    rows = [(state, run) for state, run in app.store.latest_runs() if state.name in fetched]
    if fmt == "json":
        print_json([run_json(state, run) for state, run in rows])
    else:
        Console().print(runs_table(rows))
        for name, outcome in enriched.items():
            text = outcome if isinstance(outcome, str) else f"{outcome.updated} papers filled in"
            click.echo(f"enrichment via {name}: {text}")
    if any(r.status == RunStatus.FAILED for r in runs):
        raise SystemExit(2)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@FORMAT
@pass_app
def ingest(app: AppContext, paths: tuple[Path, ...], fmt: str) -> None:
    """Ingest recorded responses and dumps (any supported format, detected per file; directories recurse).

    Safe to interrupt: rerunning resumes at the first unfinished file."""
    files = expand_paths(list(paths))
    with Progress(transient=True, disable=fmt == "json") as progress:
        task = progress.add_task("ingesting", total=len(files))
        reports = ingest_files(app.store, files, progress=lambda _p: progress.advance(task))
    rows = [
        {
            "path": str(r.path),
            "format": r.format,
            "seen": r.counts.seen,
            "new": r.counts.new,
            "updated": r.counts.updated,
            "unchanged": r.counts.unchanged,
            "skipped": r.skipped,
            "error": r.error,
        }
        for r in reports
    ]
    if fmt == "json":
        print_json(rows)
    else:
        totals = {
            "seen": sum(r.counts.seen for r in reports),
            "new": sum(r.counts.new for r in reports),
            "updated": sum(r.counts.updated for r in reports),
            "unchanged": sum(r.counts.unchanged for r in reports),
        }
        failed = [r for r in reports if r.error]
        skipped = sum(r.skipped for r in reports)
        click.echo(
            f"{len(reports)} files: {totals['seen']} records seen, {totals['new']} new papers, "
            f"{totals['updated']} updated, {totals['unchanged']} unchanged"
            + (f", {skipped} files already ingested" if skipped else "")
            + (f", {len(failed)} files failed" if failed else "")
        )
        for r in failed:
            click.echo(f"  failed: {r.error}", err=True)
    if any(r.error for r in reports):
        raise SystemExit(2)


@click.command()
@FORMAT
@pass_app
def sources(app: AppContext, fmt: str) -> None:
    """Health of every source: last run, status, HTTP status, counts, and why a day is empty."""
    rows = app.store.latest_runs()
    if fmt == "json":
        print_json([run_json(state, run) for state, run in rows])
    elif not rows:
        click.echo("No sources yet: run `academichub init` or `academichub fetch`.")
    else:
        Console().print(runs_table(rows))
    if fmt != "json" and (note := sentence_vectors_note(app)):
        click.echo(note)
    for problem in health_problems(app):  # on stderr with --format json, so the JSON stays a plain list
        click.echo(f"Warning: {problem}", err=fmt == "json")


def sentence_vectors_note(app: AppContext) -> str:
    """How many papers' sentence vectors are stored and their size ("" when none): what retention keeps."""
    count, size = app.store.vector_storage(embedder_named(app.settings.embedder).name + SUFFIX)
    if not count:
        return ""
    keep = app.settings.sentence_vectors_keep_days
    rule = f"kept {keep} days after a paper's last announcement, seeds' always" if keep else "kept forever"
    amount = f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size / 2**10:.0f} KiB"
    return f"Sentence vectors: {count} papers, {amount} ({rule})."


def health_problems(app: AppContext) -> list[str]:
    """What `sources` warns about besides the sources: the newest backup, and an old XML parser."""
    settings = app.settings
    found = backup_alert(
        sqlite_path_from_url(settings.resolved_database_url),
        settings.backups_dir,
        max_age_h=settings.backup_max_age_h,
        min_paper_ratio=settings.backup_min_paper_ratio,
    )
    return [p for p in (found, expat_problem()) if p]


@click.command()
@click.option("--set", "set_spec", help="OAI set, e.g. cs or cs:cs:LG (default: everything).")
@click.option("--from", "from_day", type=click.DateTime(["%Y-%m-%d"]), help="Records changed since (default: resume).")
@click.option("--until", "until_day", type=click.DateTime(["%Y-%m-%d"]), help="Records changed until.")
@click.option("--prefix", type=click.Choice(["arXivRaw", "arXiv", "oai_dc"]), default="arXivRaw", show_default=True)
@click.option("--base-url", default=OAI_BASE_URL, show_default=True, help="OAI-PMH endpoint (a mirror).")
@pass_app
def harvest(
    app: AppContext,
    set_spec: str | None,
    from_day: dt.datetime | None,
    until_day: dt.datetime | None,
    prefix: str,
    base_url: str,
) -> None:
    """Bulk-harvest arXiv metadata over OAI-PMH (1 request / 3 s). Safe to kill: rerun to resume."""
    with HttpClient(app.settings) as client, Progress(transient=True) as progress:
        task = progress.add_task("harvesting", total=None)

        def step(report: HarvestReport) -> None:
            progress.update(task, description=f"{report.pages} pages, {report.counts.seen} records")

        report = harvest_oai(
            app.store, client, metadata_prefix=prefix, set_spec=set_spec,
            from_date=from_day.date() if from_day else None, until=until_day.date() if until_day else None,
            base_url=base_url, progress=step,
        )  # fmt: skip
    resumed = f" (resumed at token {report.resumed_from})" if report.resumed_from else ""
    click.echo(
        f"Harvested {report.pages} pages{resumed}: {report.counts.seen} records, {report.counts.new} new papers, "
        f"{report.counts.updated} updated, {report.deleted} withdrawn."
    )
