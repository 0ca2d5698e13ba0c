"""`export` (BibTeX / RIS / CSL-JSON, or a push to Zotero) and `deliver-test` (a sample digest by email or webhook)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import cast

import click
from pydantic import SecretStr

from academichub.cli.context import AppContext, pass_app
from academichub.cli.lookup import paper_from_reference, radar_named
from academichub.config import WebhookKind, WebhookSpec
from academichub.deliver import (
    EXPORT_FORMATS,
    compose_digest_email,
    deliver_webhook,
    export_papers,
    guess_kind,
    push_to_zotero,
    send_digest_email,
)
from academichub.deliver.sample import SAMPLE_BRIEFING, sample_digest
from academichub.deliver.webhook_formats import PLATFORMS
from academichub.errors import DeliveryError, InputError
from academichub.models import Paper
from academichub.pipeline.digest import stored_digest
from academichub.store import Store


@click.command("export")
@click.option("--radar", "radar_name", help="Export a radar's Curated Daily (with --date).")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Day of the Curated Daily.")
@click.option("--search", "query", help="Export the papers a full-text search finds.")
@click.option("--ids", "refs", multiple=True, help="Paper ids, arXiv ids or DOIs (repeatable or comma-separated).")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True, help="Most search hits.")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="bibtex", show_default=True)
@click.option("--ascii", "ascii_only", is_flag=True, help="BibTeX: accents as LaTeX macros (CJK stays UTF-8).")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
@click.option("--zotero", "to_zotero", is_flag=True, help="Push the papers to your Zotero library instead.")
@pass_app
def export(
    app: AppContext,
    radar_name: str | None,
    day: dt.datetime | None,
    query: str | None,
    refs: tuple[str, ...],
    limit: int,
    fmt: str,
    ascii_only: bool,
    output: Path | None,
    to_zotero: bool,
) -> None:
    """Export papers as BibTeX, RIS or CSL-JSON: a Curated Daily, a search result, or papers by id."""
    papers = _papers_to_export(app.store, radar_name, day.date() if day else None, query, refs, limit)
    if to_zotero:
        report = push_to_zotero(app.settings, papers)
        click.echo(f"Zotero: {report.created} created, {report.unchanged} unchanged, {len(report.failed)} failed.")
        for problem in report.failed:
            click.echo(f"  failed: {problem}", err=True)
        return
    text = export_papers(papers, fmt, ascii_only=ascii_only)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(papers)} papers to {output} ({fmt}).", err=True)


def _papers_to_export(
    store: Store, radar_name: str | None, day: dt.date | None, query: str | None, refs: tuple[str, ...], limit: int
) -> list[Paper]:
    chosen = sum(bool(x) for x in (radar_name or day, query, refs))
    if chosen != 1:
        raise InputError("choose one of: --radar NAME --date D, --search QUERY, --ids ID…")
    if query:
        return [hit.paper for hit in store.search(query, limit=limit)]
    if refs:
        return [paper_from_reference(store, ref) for value in refs for ref in value.split(",") if ref.strip()]
    if not radar_name or not day:
        raise InputError("a Curated Daily export needs both --radar NAME and --date YYYY-MM-DD")
    radar = radar_named(store, radar_name)
    items = stored_digest(store, radar, day)
    if not items:
        raise InputError(
            f"no Curated Daily saved for {radar_name!r} on {day}: run `academichub daily --radar {radar_name} "
            f"--date {day}` first"
        )
    return [item.paper for item in items]


@click.command("deliver-test")
@click.option("--email", "address", help="Send a sample digest email to this address (SMTP settings).")
@click.option("--webhook", "target", help="Post a sample digest to this webhook URL or configured webhook name.")
@click.option("--kind", type=click.Choice(sorted(PLATFORMS)), help="Webhook platform (default: guessed from the URL).")
@click.option("--secret", help="Signing secret (DingTalk, Feishu) for a webhook given by URL.")
@click.option(
    "--lang", type=click.Choice(["zh", "en"]),
    help="Language of the message's own words (default: llm_language for email, as your daily mail; the "
    "webhook's `language`, English for a URL).",
)  # fmt: skip
@pass_app
def deliver_test(
    app: AppContext, address: str | None, target: str | None, kind: str | None, secret: str | None, lang: str | None
) -> None:
    """Send a sample Curated Daily by email or to a chat webhook, to check the delivery settings."""
    if bool(address) == bool(target):
        raise InputError("give exactly one of --email ADDRESS or --webhook URL")
    digest = sample_digest()
    if address:
        settings = app.settings
        sender = settings.email_from or (f"AcademicHub <{settings.smtp_user}>" if "@" in settings.smtp_user else "")
        if not sender:
            raise InputError("set email_from (the sender address) to send email")
        message = compose_digest_email(
            [digest],
            sender=sender,
            recipient=address,
            unsubscribe_url=f"mailto:{sender.split('<')[-1].rstrip('>')}?subject=unsubscribe",
            briefing_markdown=SAMPLE_BRIEFING,
            language=lang or settings.llm_language,
        )
        send_digest_email(settings, message)
        click.echo(f"Sent a sample digest to {address} via {settings.smtp_host}:{settings.smtp_port}.")
        return
    spec = _webhook_spec(app, str(target), kind, secret)
    if lang:
        spec = spec.model_copy(update={"language": lang})
    report = deliver_webhook(app.settings, spec, digest, briefing_markdown=SAMPLE_BRIEFING)
    if report.error:
        raise DeliveryError(report.error)
    click.echo(f"Posted {report.sent} {spec.kind} message(s) to webhook {spec.name}.")


def _webhook_spec(app: AppContext, target: str, kind: str | None, secret: str | None) -> WebhookSpec:
    configured = {w.name: w for w in app.settings.webhooks}
    if target in configured:
        return configured[target]
    if not target.startswith(("https://", "http://")):
        names = ", ".join(configured) or "none configured"
        raise InputError(f"--webhook takes an http(s) URL or a configured webhook name ({names})")
    chosen = cast(WebhookKind, kind or guess_kind(target))
    return WebhookSpec(
        name=f"{chosen} (command line)", kind=chosen, url=SecretStr(target), secret=SecretStr(secret or "")
    )
