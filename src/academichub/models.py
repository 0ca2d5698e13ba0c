"""Typed records passed between pipeline stages.

Sources produce `RawItem`s; ingest turns them into canonical `Paper`s; the
store persists `Paper`s and `FetchRun`s. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class AnnounceType(StrEnum):
    """How a paper appeared in a daily listing (arXiv's four kinds, plus journal/preprint posts)."""

    NEW = "new"
    CROSS = "cross"
    REPLACE = "replace"
    REPLACE_CROSS = "replace-cross"


class RunStatus(StrEnum):
    """Outcome of one fetch of one source. `NO_ANNOUNCEMENT` is a normal empty day, never a failure."""

    RUNNING = "running"
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    NO_ANNOUNCEMENT = "no_announcement"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    affiliations: tuple[str, ...] = ()
    orcid: str | None = None


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a preprint: arXiv v1..vN or a bioRxiv version."""

    number: int
    date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Link:
    kind: str  # "abs" | "pdf" | "doi" | "html" | "jats"
    url: str


@dataclass(frozen=True, slots=True)
class RawItem:
    """One record as a source delivered it, parsed into named fields but not yet cleaned.

    `source` is the adapter kind that produced it ("arxiv-rss", "arxiv-api",
    "arxiv-oai", "arxiv-dump", "biorxiv", "medrxiv", "journal", "crossref",
    "pubmed", "openalex"). Identifiers are as found (versioned arXiv ids and
    DOI URLs allowed); ingest normalises them.
    """

    source: str
    title: str
    abstract: str = ""
    authors: tuple[Author, ...] = ()
    authors_raw: str = ""
    arxiv_id: str | None = None
    version: int | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    openalex_id: str | None = None
    categories: tuple[str, ...] = ()  # primary first when the source says which
    primary_category: str | None = None
    listing: str | None = None  # the feed/listing it came from: "cs.LG", "Genomics", "Nature"
    announce_type: AnnounceType | None = None
    announced: dt.date | None = None  # the day it was listed/announced by this source
    published: dt.date | None = None  # first public version / publication date
    updated: dt.date | None = None  # latest version date
    versions: tuple[Version, ...] = ()
    venue: str | None = None  # journal or server name: "Nature", "bioRxiv"
    journal_ref: str | None = None
    published_doi: str | None = None  # a preprint's journal-article DOI
    license: str | None = None
    links: tuple[Link, ...] = ()
    comment: str | None = None
    item_type: str | None = None  # "preprint", "article", "news", ...
    date_flag: str | None = None  # why a date was dropped ("nonsense date", ...)


@dataclass(frozen=True, slots=True)
class Announcement:
    """A paper listed by a source on a day: the unit of "today's papers"."""

    day: dt.date
    source: str
    listing: str = ""
    announce_type: AnnounceType = AnnounceType.NEW


@dataclass(frozen=True, slots=True)
class Paper:
    """One canonical work after normalisation and dedupe.

    `keys` are identity keys ("arxiv:2604.22002", "doi:10.1038/s41586-024-1"),
    the first one being the most specific. `id` is None until stored.
    """

    keys: tuple[str, ...]
    title: str
    abstract: str = ""
    authors: tuple[Author, ...] = ()
    categories: tuple[str, ...] = ()
    primary_category: str | None = None
    source: str = ""
    source_label: str = ""
    venue: str | None = None
    journal_ref: str | None = None
    license: str | None = None
    published: dt.date | None = None
    updated: dt.date | None = None
    version: int | None = None
    versions: tuple[Version, ...] = ()
    links: tuple[Link, ...] = ()
    comment: str | None = None
    item_type: str | None = None
    announcements: tuple[Announcement, ...] = ()
    matches: tuple[tuple[str, str], ...] = ()  # (merged key, reason) for joined records
    date_flag: str | None = None  # why a date the source gave was dropped or taken elsewhere (RELIABILITY D4)
    id: int | None = None

    def identifier(self, scheme: str) -> str | None:
        """The value of the first key with this scheme ("arxiv", "doi", ...), or None."""
        prefix = scheme + ":"
        for key in self.keys:
            if key.startswith(prefix):
                return key[len(prefix) :]
        return None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch of a source gave: items, plus the facts the fetch run records."""

    items: tuple[RawItem, ...] = ()
    status: RunStatus = RunStatus.OK
    http_status: int | None = None
    note: str = ""  # e.g. "weekend: arXiv makes no announcement"
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class FetchRun:
    """One attempt to fetch one source; stored so a failure is never shown as "no new papers"."""

    source: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    status: RunStatus = RunStatus.RUNNING
    http_status: int | None = None
    error: str = ""
    items_seen: int = 0
    items_new: int = 0
    items_updated: int = 0
    note: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class IngestCounts:
    seen: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[str, ...] = field(default=())


class FeedbackKind(StrEnum):
    UP = "up"
    DOWN = "down"
    SAVE = "save"
    DISMISS = "dismiss"


@dataclass(frozen=True, slots=True)
class Radar:
    """A researcher's research radar: what they want to see each day.

    `seeds` are paper keys ("arxiv:2604.22002", "doi:10.1038/…"); `seed_texts`
    hold imported library entries that are not stored papers (title + abstract).
    `watch` names categories, bioRxiv subjects or journals to restrict to.
    """

    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    watch: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    seeds: tuple[str, ...] = ()
    seed_texts: tuple[str, ...] = ()
    size: int = 20
    threshold: float | None = None
    include_replacements: bool = False
    user_id: int = 1
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason a paper was picked, shown as "why this paper"."""

    kind: str  # "description" | "seed" | "aspect" | "classifier" | "keyword" | "author" | "category"
    text: str  # in English, as the CLI, e-mail and JSON show it
    weight: float = 0.0
    # the names and figures in `text`, for a page in another language; "variant" names another wording of the kind
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ScoredPaper:
    paper: Paper
    score: float
    reasons: tuple[Reason, ...] = ()
    rank: int = 0


@dataclass(frozen=True, slots=True)
class Digest:
    """One radar's Curated Daily for one day, with the state of the day's sources."""

    radar: Radar
    day: dt.date
    items: tuple[ScoredPaper, ...] = ()
    candidates: int = 0
    notes: tuple[str, ...] = ()  # "source X failed: …", "no papers were announced …" (Note objects from the pipeline)


class Note(str):
    """A note on a day or a digest ("source X failed: …"). It reads as its English text everywhere (CLI, e-mail,
    JSON); `key` and `values` let an interface say it in the reader's language."""

    key: str
    values: dict[str, str]

    def __new__(cls, key: str, text: str, **values: str) -> Note:
        note = super().__new__(cls, text)
        note.key, note.values = key, values
        return note


@dataclass(frozen=True, slots=True)
class Citation:
    """A briefing key `[n]`: the paper's number on the daily page and the paper it stands for."""

    key: int
    paper_id: int | None
    paper_key: str  # "arxiv:2606.00001", "doi:…"
    title: str


@dataclass(frozen=True, slots=True)
class BriefingSection:
    """One section of a briefing; `items` are bullets or paragraphs whose claims end in `[n]` citations."""

    kind: str  # "highlights" | "themes" | "connections" | "methods" | "questions" | "uncovered"
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GroundingReport:
    """What the code check of a briefing found: nothing here is taken from the model's word."""

    citations_total: int = 0  # [n] markers the model wrote
    citations_valid: int = 0  # of those, keys that were supplied (only these remain in the text)
    invalid_keys: tuple[str, ...] = ()  # removed: keys not supplied, "[n]" placeholders
    claims: int = 0  # claim sentences that remain
    cited_claims: int = 0
    uncited_claims: tuple[str, ...] = ()  # flagged, kept
    dropped_sentences: tuple[str, ...] = ()  # "reason: sentence" — unsupported number/quote/identifier, injection echo
    covered_keys: tuple[int, ...] = ()
    uncovered_keys: tuple[int, ...] = ()
    verdict: str = "ok"  # "ok" | "unwritable" (too little survived) | "empty" (no papers)


@dataclass(frozen=True, slots=True)
class Briefing:
    """A written briefing over a set of papers, with what it cost and how it was checked.

    `status` is "ok", "unwritable" (the check left too little: the briefing says so) or "failed" (provider fault:
    `error` says why; nothing half-written is kept and the next run retries).
    """

    cache_key: str
    status: str
    language: str
    provider: str
    model: str
    prompt_version: str
    sections: tuple[BriefingSection, ...] = ()
    citations: tuple[Citation, ...] = ()
    grounding: GroundingReport = field(default_factory=GroundingReport)
    paper_ids: tuple[int, ...] = ()
    day: dt.date | None = None
    radar: str = ""
    error: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tokens_estimated: bool = False
    cost_usd: float = 0.0
    cost_cny: float = 0.0
    calls: int = 0
    cached: bool = False
    tldrs: tuple[tuple[int, str], ...] = ()  # (key, one-line TL;DR) when asked for
