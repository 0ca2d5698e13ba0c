"""`run-daily` and `runs`: the unattended daily job and what it did."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

import click
from rich.console import Console
from rich.table import Table

from academichub.cli.context import AppContext, pass_app
from academichub.cli.render import print_json
from academichub.pipeline.daily import StageRecord, stage_records
from academichub.pipeline.daily_job import announcement_day, run_configured_daily


@click.command("run-daily")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Day to run (default: today, US Eastern).")
@pass_app
def run_daily_command(app: AppContext, day: dt.datetime | None) -> None:
    """Fetch → dedupe → embed → rank every radar → brief → deliver, for one day. Rerun to resume."""
    when = day.date() if day else announcement_day()
    report = run_configured_daily(app.store, app.settings, when)
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


def _table(day: dt.date, records: list[StageRecord]) -> Table:
    table = Table("stage", "status", "started", "finished", "counts", "error / note", title=f"run-daily {day}")
    for r in records:
        counts = ", ".join(f"{k} {v}" for k, v in r.counts.items())
        table.add_row(r.stage, r.status, r.started_at, r.finished_at, counts, r.error or r.note)
    return table
