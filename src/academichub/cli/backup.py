"""`backup`, `restore` and `compact`: an online copy of the database (checked before it is kept), putting one back,
and giving the space of deleted rows back to the disk."""

from __future__ import annotations

from pathlib import Path

import click

from academichub.cli.context import AppContext, pass_app
from academichub.cli.papers import FORMAT
from academichub.cli.render import print_json
from academichub.errors import StoreError
from academichub.store.backup import (
    BackupReport,
    RestoreReport,
    backup_database,
    compact_database,
    default_backup_path,
    restore_database,
)
from academichub.store.db import sqlite_path_from_url


def _live_path(app: AppContext) -> Path:
    return sqlite_path_from_url(app.settings.resolved_database_url)


def backup_json(report: BackupReport) -> dict[str, object]:
    counts = report.check.counts
    return {
        "path": str(report.path),
        "ok": report.ok,
        "integrity": report.check.integrity,
        "bytes": report.bytes,
        "source": {"papers": report.source_counts.papers, "announcements": report.source_counts.announcements},
        "copy": {"papers": counts.papers, "announcements": counts.announcements} if counts else None,
    }


@click.command()
@click.option("--to", "target", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the copy.")
@FORMAT
@pass_app
def backup(app: AppContext, target: Path | None, fmt: str) -> None:
    """Copy the database while it is in use (SQLite online backup), then check the copy.

    By default the copy goes to backups/academichub-<UTC time>.db in the AcademicHub home."""
    report = backup_database(_live_path(app), target or default_backup_path(app.settings.backups_dir))
    if fmt == "json":
        print_json(backup_json(report))
        return
    counts = report.source_counts
    click.echo(
        f"Backed up to {report.path} ({report.bytes / 2**20:.1f} MiB): integrity_check {report.check.integrity}, "
        f"{counts.papers} papers and {counts.announcements} announcements, the same as the database had."
    )


def restore_json(report: RestoreReport) -> dict[str, object]:
    return {
        "restored_from": str(report.restored_from),
        "kept_aside": str(report.kept_aside) if report.kept_aside else None,
        "integrity": report.check.integrity,
        "papers": report.counts.papers,
        "announcements": report.counts.announcements,
    }


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@FORMAT
@pass_app
def restore(app: AppContext, path: Path, fmt: str) -> None:
    """Put a backup back: refused if it fails integrity_check; the current database is kept aside first.

    Stop `academichub serve` and scheduled runs first: they would keep writing to the replaced database."""
    try:
        report = restore_database(path, _live_path(app))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        print_json(restore_json(report))
        return
    aside = f"; the previous database is kept at {report.kept_aside}" if report.kept_aside else ""
    click.echo(
        f"Restored {path}: {report.counts.papers} papers and {report.counts.announcements} announcements, "
        f"integrity_check {report.check.integrity}{aside}."
    )


@click.command()
@FORMAT
@pass_app
def compact(app: AppContext, fmt: str) -> None:
    """Give the space of deleted rows (pruned vectors, folded papers) back to the disk (SQLite VACUUM).

    The database keeps working meanwhile for readers; writers wait. It needs about the database's size free."""
    report = compact_database(_live_path(app))
    if fmt == "json":
        print_json({"bytes_before": report.bytes_before, "bytes_after": report.bytes_after,
                    "integrity": report.check.integrity, "papers": report.counts.papers,
                    "announcements": report.counts.announcements, "waiting_for_readers": report.waiting})  # fmt: skip
        return
    click.echo(
        f"Compacted: {report.bytes_before / 2**20:.1f} MiB → {report.bytes_after / 2**20:.1f} MiB; integrity_check "
        f"{report.check.integrity}, {report.counts.papers} papers and {report.counts.announcements} announcements."
    )
    if report.waiting:
        click.echo("Someone is reading the database (a running serve?): the file shrinks once they are done.")
