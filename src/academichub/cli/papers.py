"""`papers` and `search`: reading what is stored."""

from __future__ import annotations

import datetime as dt

import click
from rich.console import Console

from academichub.cli.context import AppContext, pass_app
from academichub.cli.render import paper_json, print_json, print_papers

FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)


@click.command()
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Papers announced on this day (YYYY-MM-DD).")
@click.option("--source", help="Only this source or listing, e.g. arxiv-rss, cs.LG, Nature.")
@click.option("--category", help="Only papers in this category, e.g. quant-ph.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@FORMAT
@pass_app
def papers(
    app: AppContext, day: dt.datetime | None, source: str | None, category: str | None, limit: int, fmt: str
) -> None:
    """List stored papers, newest announcements first."""
    found = app.store.list_papers(day=day.date() if day else None, source=source, category=category, limit=limit)
    if fmt == "json":
        print_json([paper_json(p) for p in found])
    elif not found:
        click.echo("No stored papers match." + (" Run `academichub sources` to see why a day is empty." if day else ""))
    else:
        print_papers(Console(), found)


@click.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 1_000), default=20, show_default=True)
@click.option("--raw", is_flag=True, help="Treat QUERY as SQLite FTS5 syntax (AND, OR, NEAR, prefix*).")
@FORMAT
@pass_app
def search(app: AppContext, query: str, limit: int, raw: bool, fmt: str) -> None:
    """Full-text search over titles, abstracts and authors (best match first)."""
    hits = app.store.search(query, limit=limit, raw=raw)
    if fmt == "json":
        print_json([{**paper_json(h.paper), "score": -h.score, "snippet": h.snippet} for h in hits])
    elif not hits:
        click.echo(f"Nothing matches {query!r}.")
    else:
        print_papers(Console(), [h.paper for h in hits])
