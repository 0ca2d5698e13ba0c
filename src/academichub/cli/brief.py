"""`brief` (the LLM cross-domain briefing over a radar's Curated Daily) and `providers` (which LLMs answer)."""

from __future__ import annotations

import datetime as dt

import click

from academichub.brief import BriefingOptions, known_providers, provider_named, resolve_provider_name, write_briefing
from academichub.cli.context import AppContext, pass_app
from academichub.cli.lookup import default_radar, latest_day
from academichub.cli.render import print_json
from academichub.cli.render_briefing import briefing_json, briefing_markdown
from academichub.config import Settings
from academichub.errors import BriefingError, ConfigError
from academichub.pipeline.digest import build_digest, stored_digest
from academichub.pipeline.paper_vectors import embed_papers
from academichub.rank.embedders import embedder_named


@click.command()
@click.option("--radar", "radar_name", help="Radar whose Curated Daily to brief (default: your only radar).")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Day (default: latest with papers).")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of the briefing (default: llm_language).")
@click.option("--provider", "provider_name", help="LLM provider (see `academichub providers`; default: configured).")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option("--tldr", is_flag=True, help="Add a one-line TL;DR per paper (cached).")
@click.option("--refresh", is_flag=True, help="Write it again even if this briefing is cached.")
@pass_app
def brief(
    app: AppContext,
    radar_name: str | None,
    day: dt.datetime | None,
    lang: str | None,
    provider_name: str | None,
    fmt: str,
    tldr: bool,
    refresh: bool,
) -> None:
    """Write the day's briefing for a radar: highlights, themes, cross-domain links, methods, open questions.

    Every claim cites papers by their number on the daily page; citations are checked by code. Without an LLM
    key the offline extractive provider writes it. A provider fault marks the briefing failed (exit code 1).
    """
    settings = app.settings
    target = default_radar(app.store, radar_name)
    when = day.date() if day else latest_day(app.store)
    embedder = embedder_named(settings.embedder)
    picks = stored_digest(app.store, target, when) or list(build_digest(app.store, embedder, target, when).items)
    papers = [s.paper for s in picks]
    provider = provider_named(settings, provider_name)
    vectors = embed_papers(app.store, embedder, papers) if provider.name == "offline" else None
    options = BriefingOptions(
        language=lang or settings.llm_language,
        max_output_tokens=settings.llm_max_output_tokens,
        prices=settings.llm_prices,
        usd_per_cny=settings.usd_per_cny,
        title=f"Curated Daily · {target.name} · {when.isoformat()}",
        with_tldr=tldr,
        refresh=refresh,
    )
    briefing = write_briefing(
        papers, provider, keys=[s.rank for s in picks], vectors=vectors, day=when, radar=target.name,
        options=options, cache=app.store,
    )  # fmt: skip
    day_briefings = app.store.briefings_for_day(when)
    day_costs = (sum(b.cost_cny for b in day_briefings), sum(b.cost_usd for b in day_briefings))
    if fmt == "json":
        print_json(briefing_json(briefing, day_costs))
    else:
        click.echo(briefing_markdown(briefing, day_costs))
    if briefing.status == "failed":
        raise BriefingError(f"the briefing failed ({briefing.error}); run again to retry")


@click.command()
@click.option("--check/--no-check", default=True, help="Ask the configured provider whether it answers.")
@pass_app
def providers(app: AppContext, check: bool) -> None:
    """List LLM providers: which is configured, and whether it answers (keys are never shown)."""
    settings = app.settings
    active = resolve_provider_name(settings)
    for entry in known_providers():
        mark = "*" if entry.name == active else " "
        state = _state(settings, entry.name, probe=check and entry.name == active)
        click.echo(f"{mark} {entry.name:<18} {entry.description} — {state}")
    click.echo("(* = used by `academichub brief`; set llm_provider, llm_model, llm_base_url, ACADEMICHUB_LLM_API_KEY)")


def _state(settings: Settings, name: str, *, probe: bool) -> str:
    try:
        provider = provider_named(settings, name)
    except ConfigError as exc:
        return f"not configured: {exc}"
    if not probe:
        return f"configured (model {provider.model})"
    try:
        return provider.check()
    except BriefingError as exc:
        return f"does not answer: {exc}"
