"""The Source protocol and the registry every adapter, built-in or not, registers in.

A source turns the outside world into `RawItem`s and nothing more: no SQL, no
dedupe. `fetch` raises SourceError subclasses; the caller records them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from academichub.errors import ConfigError
from academichub.models import FetchResult, RawItem

if TYPE_CHECKING:  # annotations only: ingesting files (ingest_files) loads neither pydantic-settings nor httpx
    from academichub.config import Settings
    from academichub.sources.http import HttpClient


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A configured source instance: adapter kind + name + its argument (category, URL, server)."""

    name: str  # unique, e.g. "arxiv-rss:cs.LG", "biorxiv", "journal:nature"
    kind: str  # adapter kind, e.g. "arxiv-rss"
    target: str  # what to fetch: a category, a server, a URL
    label: str = ""  # display label, e.g. "Nature"
    min_interval_s: float = 0.0  # a source fetched successfully more recently than this is not asked again


class Source(Protocol):
    """A live source: fetches one day (or the latest listing) into RawItems."""

    kind: str

    def fetch(
        self,
        spec: SourceSpec,
        client: HttpClient,
        day: dt.date | None,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult: ...


@dataclass(frozen=True, slots=True)
class FileFormat:
    """A recorded-response or dump format `academichub ingest` can read.

    `sniff(path, data)` says whether `data` (the unwrapped body) is this format;
    `parse(path, data)` yields its RawItems and raises ParseError when it cannot.
    """

    name: str
    sniff: Callable[[Path, bytes], bool]
    parse: Callable[[Path, bytes], Iterator[RawItem]]


class Enricher(Protocol):
    """Fills missing metadata (authors, abstracts, dates, venue) for papers with a DOI."""

    name: str

    def lookup_dois(self, client: HttpClient, dois: list[str]) -> list[RawItem]: ...


_SOURCES: dict[str, Source] = {}
_FILE_FORMATS: dict[str, FileFormat] = {}
_ENRICHERS: dict[str, Callable[[Settings], Enricher]] = {}


def register_source(source: Source) -> None:
    _SOURCES[source.kind] = source


def register_file_format(fmt: FileFormat) -> None:
    """Register a parser for recorded responses and dumps (`academichub ingest`)."""
    _FILE_FORMATS[fmt.name] = fmt


def register_enricher(name: str, factory: Callable[[Settings], Enricher]) -> None:
    """Register an enricher by a factory that builds it from Settings (keys, contact e-mail)."""
    _ENRICHERS[name] = factory


def source_for(kind: str) -> Source:
    """Raises: ConfigError for an unknown adapter kind."""
    load_builtins()
    try:
        return _SOURCES[kind]
    except KeyError:
        known = ", ".join(sorted(_SOURCES))
        raise ConfigError(f"unknown source kind {kind!r} (known: {known})") from None


def file_formats() -> list[FileFormat]:
    load_builtins()
    return list(_FILE_FORMATS.values())


def enrichers(settings: Settings) -> list[Enricher]:
    """Every registered enricher, built for these settings, in registration order."""
    load_builtins()
    return [factory(settings) for factory in _ENRICHERS.values()]


def source_kinds() -> list[str]:
    load_builtins()
    return sorted(_SOURCES)


def load_builtins() -> None:
    """Import the built-in adapters; each registers itself exactly as an extension would."""
    from academichub.sources import builtins  # noqa: F401  (import registers)


def configured_specs(settings: Settings) -> list[SourceSpec]:
    """The source instances the settings enable, in a stable order."""
    from academichub.sources.builtins import specs_from_settings

    return specs_from_settings(settings)
