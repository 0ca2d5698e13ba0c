"""The JSON API's request and response bodies, named by role (…Public out, …Create / …Update in).

Built from the models with `from_*` functions; nothing here reads the store.
Secrets (LLM keys, SMTP passwords, webhook URLs, token hashes) have no field here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from pydantic import BaseModel, ConfigDict, Field

from academichub.brief.prompts import heading
from academichub.models import Briefing, FeedbackKind, Paper, Radar, ScoredPaper
from academichub.store import MAX_ROW_ID

MAX_LIST_ITEMS = 200


class AuthorPublic(BaseModel):
    name: str
    affiliations: list[str] = []
    orcid: str | None = None


class LinkPublic(BaseModel):
    kind: str
    url: str


class AnnouncementPublic(BaseModel):
    day: dt.date
    source: str
    listing: str
    announce_type: str


class PaperPublic(BaseModel):
    id: int
    title: str
    abstract: str
    authors: list[AuthorPublic]
    identifiers: dict[str, str] = Field(description='scheme → value, e.g. {"arxiv": "2606.27864", "doi": "10.…"}')
    categories: list[str]
    source: str
    source_label: str
    venue: str | None
    published: dt.date | None
    updated: dt.date | None
    links: list[LinkPublic]
    announcements: list[AnnouncementPublic]


class SearchHitPublic(BaseModel):
    paper: PaperPublic
    snippet: str = Field(description="matches wrapped in [[ ]]")


class RadarFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(default="", max_length=20_000)
    keywords: list[str] = Field(default=[], max_length=MAX_LIST_ITEMS)
    excludes: list[str] = Field(default=[], max_length=MAX_LIST_ITEMS)
    watch: list[str] = Field(default=[], max_length=MAX_LIST_ITEMS)
    authors: list[str] = Field(default=[], max_length=MAX_LIST_ITEMS)
    seeds: list[str] = Field(default=[], max_length=MAX_LIST_ITEMS, description="arXiv ids or DOIs")
    threshold: float | None = None
    include_replacements: bool = False


class RadarCreate(RadarFields):
    name: str = Field(min_length=1, max_length=200)
    size: int | None = Field(default=None, ge=1, le=200, description="default: the user's daily size setting")


class RadarUpdate(BaseModel):
    """Only the fields given change."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    keywords: list[str] | None = Field(default=None, max_length=MAX_LIST_ITEMS)
    excludes: list[str] | None = Field(default=None, max_length=MAX_LIST_ITEMS)
    watch: list[str] | None = Field(default=None, max_length=MAX_LIST_ITEMS)
    authors: list[str] | None = Field(default=None, max_length=MAX_LIST_ITEMS)
    seeds: list[str] | None = Field(default=None, max_length=MAX_LIST_ITEMS)
    size: int | None = Field(default=None, ge=1, le=200)
    threshold: float | None = None
    include_replacements: bool | None = None


class RadarPublic(RadarFields):
    id: int
    name: str
    size: int


class ReasonPublic(BaseModel):
    kind: str
    text: str  # in English
    weight: float
    values: dict[str, str] = {}  # the names and figures in `text` ({similarity}, {title}, {keywords}, …)


class DailyItemPublic(BaseModel):
    rank: int
    score: float
    reasons: list[ReasonPublic]
    paper: PaperPublic


class DailyPublic(BaseModel):
    radar_id: int
    day: dt.date
    items: list[DailyItemPublic]


class FeedbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    radar_id: int = Field(ge=0, le=MAX_ROW_ID)
    paper_id: int = Field(ge=0, le=MAX_ROW_ID)
    kind: FeedbackKind
    on: bool = Field(default=True, description="false clears this feedback")


class FeedbackPublic(BaseModel):
    radar_id: int
    up: list[int]
    down: list[int]
    save: list[int]
    dismiss: list[int]


class BriefingSectionPublic(BaseModel):
    kind: str
    heading: str
    items: list[str] = Field(description="each claim cites picks as [n], n = rank on the daily list")


class CitationPublic(BaseModel):
    key: int
    paper_id: int | None
    paper_key: str
    title: str


class BriefingPublic(BaseModel):
    radar_id: int
    day: dt.date
    status: str = Field(description="ok | unwritable | failed | empty")
    error: str
    language: str
    provider: str
    model: str
    prompt_version: str
    cached: bool
    sections: list[BriefingSectionPublic]
    citations: list[CitationPublic]
    grounding: dict[str, object]
    prompt_tokens: int
    completion_tokens: int
    cost_cny: float
    cost_usd: float


def paper_public(paper: Paper) -> PaperPublic:
    identifiers = dict(key.split(":", 1) for key in paper.keys if ":" in key)
    return PaperPublic(
        id=paper.id or 0, title=paper.title, abstract=paper.abstract,
        authors=[AuthorPublic(name=a.name, affiliations=list(a.affiliations), orcid=a.orcid) for a in paper.authors],
        identifiers=identifiers, categories=list(paper.categories), source=paper.source,
        source_label=paper.source_label, venue=paper.venue, published=paper.published, updated=paper.updated,
        links=[LinkPublic(kind=link.kind, url=link.url) for link in paper.links],
        announcements=[
            AnnouncementPublic(day=a.day, source=a.source, listing=a.listing, announce_type=str(a.announce_type))
            for a in paper.announcements
        ],
    )  # fmt: skip


def radar_public(radar: Radar) -> RadarPublic:
    return RadarPublic(
        id=radar.id or 0, name=radar.name, description=radar.description, keywords=list(radar.keywords),
        excludes=list(radar.excludes), watch=list(radar.watch), authors=list(radar.authors), seeds=list(radar.seeds),
        size=radar.size, threshold=radar.threshold, include_replacements=radar.include_replacements,
    )  # fmt: skip


def daily_public(radar: Radar, day: dt.date, picks: list[ScoredPaper]) -> DailyPublic:
    items = [
        DailyItemPublic(
            rank=s.rank, score=s.score, paper=paper_public(s.paper),
            reasons=[ReasonPublic(kind=r.kind, text=r.text, weight=r.weight, values=dict(r.values)) for r in s.reasons],
        )
        for s in picks
    ]  # fmt: skip
    return DailyPublic(radar_id=radar.id or 0, day=day, items=items)


def feedback_public(radar_id: int, state: dict[FeedbackKind, list[int]]) -> FeedbackPublic:
    return FeedbackPublic(
        radar_id=radar_id, up=state[FeedbackKind.UP], down=state[FeedbackKind.DOWN],
        save=state[FeedbackKind.SAVE], dismiss=state[FeedbackKind.DISMISS],
    )  # fmt: skip


def briefing_public(briefing: Briefing, radar_id: int, day: dt.date) -> BriefingPublic:
    return BriefingPublic(
        radar_id=radar_id, day=day, status=briefing.status, error=briefing.error, language=briefing.language,
        provider=briefing.provider, model=briefing.model, prompt_version=briefing.prompt_version,
        cached=briefing.cached,
        sections=[
            BriefingSectionPublic(kind=s.kind, heading=heading(s.kind, briefing.language), items=list(s.items))
            for s in briefing.sections
        ],
        citations=[CitationPublic(**asdict(c)) for c in briefing.citations],
        grounding=asdict(briefing.grounding), prompt_tokens=briefing.prompt_tokens,
        completion_tokens=briefing.completion_tokens, cost_cny=briefing.cost_cny, cost_usd=briefing.cost_usd,
    )  # fmt: skip
