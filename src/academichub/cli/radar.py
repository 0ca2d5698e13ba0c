"""`radar …`, `feedback`, `daily` and `embed`: defining research radars and reading their Curated Daily."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import Progress

from academichub.cli.context import AppContext, pass_app
from academichub.cli.lookup import default_radar, latest_day, paper_from_reference, radar_named
from academichub.cli.render import print_json
from academichub.cli.render_digest import digest_json, digest_markdown, print_digest
from academichub.deliver.entries import shorten
from academichub.errors import InputError
from academichub.ingest.normalize import key_for_reference
from academichub.models import FeedbackKind, Radar
from academichub.pipeline.digest import build_digest
from academichub.pipeline.library_seeds import seeds_from_library
from academichub.pipeline.paper_vectors import embed_papers
from academichub.rank.embedders import embedder_named
from academichub.rank.radar_checks import radar_problems
from academichub.sources.library import read_library
from academichub.store import Store

LIST: dict[str, Any] = {"multiple": True}
F = TypeVar("F", bound=Callable[..., Any])
LIST_DESCRIPTION_CHARS = 70  # `radar list` shows this much of a description, cut at a word


def radar_options(command: F) -> F:
    """The radar fields, shared by `radar create` and `radar edit`."""
    options = [
        click.option("--description", help="What you work on, in Chinese or English."),
        click.option("--keyword", "keywords", **LIST, help="Keyword or phrase to look for (repeatable)."),
        click.option("--exclude", "excludes", **LIST, help="Never show papers with this word or phrase (repeatable)."),
        click.option("--category", "watch", **LIST, help="Only these categories/subjects/journals (repeatable)."),
        click.option("--author", "authors", **LIST, help="Followed author (repeatable)."),
        click.option("--seed", "seeds", **LIST, help="Seed paper: arXiv id or DOI (repeatable)."),
        click.option("--import", "imports", **LIST, type=click.Path(path_type=Path), help="BibTeX/RIS/CSL-JSON."),
        click.option("--size", type=int, help="Papers per Curated Daily."),
        click.option("--threshold", type=float, help="Leave out papers scoring below this."),
        click.option("--replacements/--no-replacements", default=None, help="Also rank replaced (updated) papers."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group()
def radar() -> None:
    """Create, list, show, edit and delete research radars."""


@radar.command("create")
@click.argument("name")
@radar_options
@pass_app
def radar_create(app: AppContext, /, name: str, **fields: object) -> None:
    """Create radar NAME."""
    if app.store.radar_by_name(name) is not None:
        raise InputError(f"a radar named {name!r} already exists; use `academichub radar edit {name}`")
    saved = _save(app.store, Radar(name=name), fields)
    seeds, texts = len(saved.seeds), len(saved.seed_texts)
    click.echo(f"Created radar {saved.name!r} ({seeds} seed paper{'s' * (seeds != 1)}, "
               f"{texts} seed text{'s' * (texts != 1)}).")  # fmt: skip


@radar.command("edit")
@click.argument("name")
@click.option("--rename", help="New name.")
@radar_options
@pass_app
def radar_edit(app: AppContext, /, name: str, rename: str | None, **fields: object) -> None:
    """Change radar NAME: each given option replaces that field (imports add seeds)."""
    current = radar_named(app.store, name)
    if rename:
        current = replace(current, name=rename)
    saved = _save(app.store, current, fields)
    click.echo(f"Updated radar {saved.name!r}.")


@radar.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_app
def radar_list(app: AppContext, fmt: str) -> None:
    """List your radars."""
    radars = app.store.list_radars()
    if fmt == "json":
        print_json([asdict(r) for r in radars])
    elif not radars:
        click.echo("No radars yet: academichub radar create NAME --description '…'")
    for r in radars if fmt == "table" else []:
        about = shorten(r.description, LIST_DESCRIPTION_CHARS) or ", ".join(r.keywords)
        click.echo(f"{r.name}: {about} (size {r.size})")


@radar.command("show")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_app
def radar_show(app: AppContext, name: str, fmt: str) -> None:
    """Show every field of radar NAME."""
    found = radar_named(app.store, name)
    if fmt == "json":
        print_json(asdict(found))
        return
    for key, value in asdict(found).items():
        if key not in {"id", "user_id"}:
            shown = ", ".join(str(v) for v in value) if isinstance(value, tuple) else value
            click.echo(f"{key:>20}: {shown if shown not in (None, '') else '—'}")


@radar.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def radar_delete(app: AppContext, name: str, yes: bool) -> None:
    """Delete radar NAME with its feedback and daily history."""
    found = radar_named(app.store, name)
    if not yes:
        click.confirm(f"Delete radar {name!r} and its feedback?", abort=True)
    app.store.delete_radar(found.id or 0)
    click.echo(f"Deleted radar {name!r}.")


@click.command()
@click.argument("paper_ref")
@click.argument("kind", type=click.Choice([k.value for k in FeedbackKind]))
@click.option("--radar", "radar_name", help="Radar the feedback is for (default: your only radar).")
@click.option("--undo", is_flag=True, help="Take this feedback back.")
@pass_app
def feedback(app: AppContext, paper_ref: str, kind: str, radar_name: str | None, undo: bool) -> None:
    """Tell a radar what you think of a paper: up, down, save or dismiss (PAPER_REF: id, arXiv id or DOI)."""
    target = default_radar(app.store, radar_name)
    paper = paper_from_reference(app.store, paper_ref)
    if undo:
        app.store.clear_feedback(target.id or 0, paper.id or 0, FeedbackKind(kind))
    else:
        app.store.set_feedback(target.id or 0, paper.id or 0, FeedbackKind(kind))
    click.echo(f"{'Removed' if undo else 'Recorded'} {kind} for “{paper.title[:80]}” on radar {target.name!r}.")


@click.command()
@click.option("--radar", "radar_name", help="Radar to show (default: your only radar).")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Day (default: latest with papers).")
@click.option("--size", type=click.IntRange(1, 500), help="How many papers.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table")
@click.option(
    "--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
    help="Language of the list's own words, notes and reasons (table, markdown; JSON keeps English + values).",
)  # fmt: skip
@pass_app
def daily(
    app: AppContext, radar_name: str | None, day: dt.datetime | None, size: int | None, fmt: str, lang: str
) -> None:
    """The Curated Daily: the day's papers ranked for a radar, numbered, with why each was picked."""
    target = default_radar(app.store, radar_name)
    when = day.date() if day else latest_day(app.store)
    embedder = embedder_named(app.settings.embedder)
    with Progress(transient=True, disable=fmt != "table") as progress:
        task = progress.add_task("embedding new papers", total=None)
        digest = build_digest(
            app.store, embedder, target, when, size=size,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )  # fmt: skip
    if fmt == "json":
        print_json(digest_json(digest))
    elif fmt == "markdown":
        click.echo(digest_markdown(digest, lang))
    else:
        print_digest(Console(), digest, lang)


@click.command()
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Only papers announced on this day.")
@click.option("--limit", type=click.IntRange(1, 10_000_000), default=100_000, show_default=True)
@pass_app
def embed(app: AppContext, day: dt.datetime | None, limit: int) -> None:
    """Compute the embedding of every stored paper that has none yet (each paper is embedded once)."""
    papers = app.store.list_papers(day=day.date() if day else None, limit=limit)
    embedder = embedder_named(app.settings.embedder)
    with Progress() as progress:
        task = progress.add_task(f"embedding with {embedder.name}", total=len(papers))
        vectors = embed_papers(
            app.store, embedder, papers, progress=lambda done, total: progress.update(task, completed=done)
        )
        progress.update(task, completed=len(papers))
    click.echo(f"{len(vectors)} papers have vectors ({embedder.name}).")


def _save(store: Store, base: Radar, fields: dict[str, object]) -> Radar:
    updates = {k: v for k, v in fields.items() if k != "imports" and v not in (None, ())}
    if "seeds" in updates:
        updates["seeds"] = tuple(_seed_key(store, str(s)) for s in updates["seeds"])  # type: ignore[attr-defined]
    radar = replace(base, **updates)  # type: ignore[arg-type]
    for path in fields.get("imports") or ():  # type: ignore[attr-defined]
        radar = _import_library(store, radar, Path(str(path)))
    problems = radar_problems(radar)
    if problems:
        raise InputError("; ".join(problems))
    return store.save_radar(radar)


def _import_library(store: Store, radar: Radar, path: Path) -> Radar:
    library = read_library(path)
    for problem in library.problems:
        click.echo(f"{path.name}: {problem}", err=True)
    click.echo(f"Imported {len(library.entries)} entries from {path.name} ({library.format}).", err=True)
    return seeds_from_library(store, radar, library)


def _seed_key(store: Store, ref: str) -> str:
    key = key_for_reference(ref)
    if key is None:
        raise InputError(f"seed {ref!r} is not an arXiv id or a DOI")
    if store.paper_by_key(key) is None:
        click.echo(f"note: seed {ref} is not stored yet; it will count once it is ingested", err=True)
    return key
