"""`run-daily` and `runs`: the unattended daily job and what it did."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

import click
from rich.console import Console
from rich.table import Table

from academichub.cli.context import AppContext, pass_app
from academichub.cli.render import print_json
from academichub.pipeline.briefs import brief_digests, briefing_text
from academichub.pipeline.daily import Brief, Deliver, run_daily, stage_records
from academichub.pipeline.delivery import deliver_digests
from academichub.rank.embedders import embedder_named
from academichub.sources.arxiv_ids import eastern_date
from academichub.sources.base import configured_specs
from academichub.sources.http import HttpClient


def announcement_day(now: dt.datetime | None = None) -> dt.date:
    """Today's arXiv listing day: the current date in US Eastern time."""
    moment = now or dt.datetime.now(dt.UTC)
    return eastern_date(moment.isoformat()) or moment.date()


@click.command("run-daily")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Day to run (default: today, US Eastern).")
@pass_app
def run_daily_command(app: AppContext, day: dt.datetime | None) -> None:
    """Fetch → dedupe → embed → rank every radar → brief → deliver, for one day. Rerun to resume."""
    when = day.date() if day else announcement_day()
    settings = app.settings
    embedder = embedder_named(settings.embedder)
    brief: Brief = lambda store, digests: brief_digests(settings, store, embedder, digests)  # noqa: E731
    deliver: Deliver | None = None
    if (settings.email_to and settings.smtp_host) or settings.webhooks:
        deliver = lambda store, digests, on: deliver_digests(  # noqa: E731
            settings, store, digests, on, briefing_markdown=briefing_text(store, on, digests)
        )
    with HttpClient(settings) as client:
        report = run_daily(
            app.store, settings, when, client=client, embedder=embedder, specs=configured_specs(settings),
            brief=brief, deliver=deliver,
        )  # fmt: skip
    Console().print(_table(report.day, report.stages))
    if report.no_announcement:
        click.echo(f"No announcement on {when.isoformat()}: nothing was sent.")
    if any(s.status == "failed" for s in report.stages):
        raise SystemExit(2)


@click.command()
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Day (default: today, US Eastern).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_app
def runs(app: AppContext, day: dt.datetime | None, fmt: str) -> None:
    """What each stage of a day's run did: status, times, counts, errors."""
    when = day.date() if day else announcement_day()
    records = stage_records(app.store, when)
    if fmt == "json":
        print_json({"date": when.isoformat(), "stages": [asdict(r) for r in records]})
    else:
        Console().print(_table(when, records))


def _table(day: dt.date, records: list) -> Table:  # type: ignore[type-arg]
    table = Table("stage", "status", "started", "finished", "counts", "error / note", title=f"run-daily {day}")
    for r in records:
        counts = ", ".join(f"{k} {v}" for k, v in r.counts.items())
        table.add_row(r.stage, r.status, r.started_at, r.finished_at, counts, r.error or r.note)
    return table
