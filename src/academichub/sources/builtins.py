"""Built-in adapters: importing each module registers it, exactly as an extension would."""

from __future__ import annotations

from typing import TYPE_CHECKING

from academichub.errors import BlockedAddressError, ConfigError
from academichub.sources import (  # noqa: F401  (imports register the adapters)
    arxiv_api,
    arxiv_dumps,
    arxiv_oai,
    arxiv_rss,
    biorxiv,
    crossref,
    journal_feeds,
    openalex,
    pubmed,
)
from academichub.sources.base import SourceSpec

if TYPE_CHECKING:  # annotations only: ingesting files loads neither pydantic-settings nor httpx
    from academichub.config import Settings


def specs_from_settings(settings: Settings) -> list[SourceSpec]:
    """The sources `academichub fetch` pulls when none is named."""
    specs = [SourceSpec(f"arxiv-rss:{cat}", "arxiv-rss", cat, f"arXiv ({cat})") for cat in settings.arxiv_categories]
    specs += [
        SourceSpec(server, "biorxiv", server, biorxiv.server_label(server)) for server in settings.biorxiv_servers
    ]
    hourly = settings.journal_min_poll_s
    for name in settings.journals:
        preset = journal_feeds.preset(name)
        specs.append(SourceSpec(f"journal:{name}", "journal", preset.url, preset.label, hourly))
    specs += [
        SourceSpec(f"feed:{url}", "journal", _checked_feed_url(url, settings), "", hourly) for url in settings.feeds
    ]
    return specs


def _checked_feed_url(url: str, settings: Settings) -> str:
    """A feed URL a user added, refused before any source row or connection exists when its scheme or literal
    address points inward (RELIABILITY A1); names that resolve inward are refused again at connect time."""
    from academichub.sources.http_guard import check_url  # loads httpx: only when feeds are configured

    try:
        check_url(url, allow_private=settings.allow_private_networks)
    except BlockedAddressError as exc:
        raise ConfigError(f"feeds: {url!r} is not fetched: {exc}") from exc
    return url
