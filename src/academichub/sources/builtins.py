"""Built-in adapters: importing each module registers it, exactly as an extension would."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    for name in settings.journals:
        preset = journal_feeds.preset(name)
        specs.append(SourceSpec(f"journal:{name}", "journal", preset.url, preset.label))
    specs += [SourceSpec(f"feed:{url}", "journal", url, "") for url in settings.feeds]
    return specs
