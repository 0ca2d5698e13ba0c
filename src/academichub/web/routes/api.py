"""The JSON API under /api/v1 for scripts: papers, search, radars, daily lists, feedback, briefings.

Authorization: Bearer <token> (made on the Settings page; only its hash is
stored). Cookies are not accepted here, so no CSRF token is needed. Every radar,
feedback and briefing query is scoped to the token's user: another user's ids are 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.responses import Response

from academichub.errors import InputError, SearchSyntaxError
from academichub.ingest.normalize import key_for_reference
from academichub.models import Radar
from academichub.rank.radar_checks import radar_problems
from academichub.store import MAX_ROW_ID, Store, User
from academichub.web import security
from academichub.web.api_schemas import (
    BriefingPublic,
    DailyPublic,
    FeedbackCreate,
    FeedbackPublic,
    PaperPublic,
    RadarCreate,
    RadarPublic,
    RadarUpdate,
    SearchHitPublic,
    briefing_public,
    daily_public,
    feedback_public,
    paper_public,
    radar_public,
)  # fmt: skip
from academichub.web.briefing_view import make_briefing, radar_picks, stored_briefing
from academichub.web.deps import NO_SUCH_RADAR, EmbedderDep, PathId, SettingsDep, StoreDep
from academichub.web.i18n import LANGUAGES
from academichub.web.routes.daily import toggle_feedback
from academichub.web.routes.settings import daily_size_default

router = APIRouter(prefix="/api/v1", tags=["api"])
_bearer = HTTPBearer(auto_error=False, description="An API token from the Settings page")
MAX_PAGE = 200


def api_user(store: StoreDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> User:
    token = store.token_by_hash(security.token_hash(credentials.credentials), "api") if credentials else None
    user = store.user_by_id(token.user_id) if token else None
    if user is None or user.disabled:
        raise HTTPException(401, "a valid API token is required", headers={"www-authenticate": "Bearer"})
    return user


ApiUser = Annotated[User, Depends(api_user)]


def _radar(store: Store, user: User, radar_id: int) -> Radar:
    radar = store.radar_by_id(radar_id, user_id=user.id)
    if radar is None:
        raise HTTPException(404, NO_SUCH_RADAR)
    return radar


def _day(store: Store, day: dt.date | None) -> dt.date:
    if day is not None:
        return day
    days = store.announcement_days(limit=1)
    if not days:
        raise HTTPException(404, "no papers stored yet")
    return days[0][0]


@router.get("/papers/{paper_id}", response_model=PaperPublic)
def get_paper(store: StoreDep, user: ApiUser, paper_id: PathId) -> PaperPublic:
    paper = store.paper_by_id(paper_id)
    if paper is None:
        raise HTTPException(404, "no such paper")
    return paper_public(paper)


@router.get("/papers", response_model=list[PaperPublic])
def list_papers(
    store: StoreDep,
    user: ApiUser,
    day: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ROW_ID)] = 0,
) -> list[PaperPublic]:
    """The papers announced on a day (default: the latest day with papers)."""
    return [paper_public(p) for p in store.list_papers(day=_day(store, day), limit=limit, offset=offset)]


@router.get("/days", response_model=list[dt.date])
def list_days(store: StoreDep, user: ApiUser, limit: Annotated[int, Query(ge=1, le=400)] = 30) -> list[dt.date]:
    return [d for d, _ in store.announcement_days(limit=limit)]


@router.get("/search", response_model=list[SearchHitPublic])
def search(
    store: StoreDep,
    user: ApiUser,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> list[SearchHitPublic]:
    try:
        hits = store.search(q, limit=limit, offset=offset)
    except SearchSyntaxError as exc:
        raise HTTPException(400, str(exc)) from exc
    return [SearchHitPublic(paper=paper_public(h.paper), snippet=h.snippet) for h in hits]


@router.get("/radars", response_model=list[RadarPublic])
def list_radars(store: StoreDep, user: ApiUser) -> list[RadarPublic]:
    return [radar_public(r) for r in store.list_radars(user_id=user.id)]


def _save_radar(store: Store, radar: Radar) -> RadarPublic:
    seeds = []
    for ref in radar.seeds:
        key = key_for_reference(ref)
        if key is None:
            raise HTTPException(422, f"seed {ref!r} is not an arXiv id or a DOI")
        seeds.append(key)
    radar = replace(radar, seeds=tuple(seeds))
    problems = radar_problems(radar)
    if problems:
        raise HTTPException(422, "; ".join(problems))
    try:
        saved = store.save_radar(radar)
    except InputError as exc:
        raise HTTPException(409, str(exc)) from exc
    days = store.announcement_days(limit=1)
    if days and saved.id is not None:  # the latest day is rebuilt with the new settings
        store.save_digest(saved.id, days[0][0], [])
    return radar_public(saved)


@router.post("/radars", response_model=RadarPublic, status_code=201)
def create_radar(store: StoreDep, user: ApiUser, body: RadarCreate) -> RadarPublic:
    data = body.model_dump()
    size = data.pop("size") or daily_size_default(store, user.id)
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    return _save_radar(store, Radar(user_id=user.id, size=size, **fields))


@router.patch("/radars/{radar_id}", response_model=RadarPublic)
def update_radar(store: StoreDep, user: ApiUser, radar_id: PathId, body: RadarUpdate) -> RadarPublic:
    changes: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in body.model_dump(exclude_unset=True).items()
    }
    return _save_radar(store, replace(_radar(store, user, radar_id), **changes))


@router.delete("/radars/{radar_id}", status_code=204)
def delete_radar(store: StoreDep, user: ApiUser, radar_id: PathId) -> Response:
    store.delete_radar(_radar(store, user, radar_id).id or 0, user_id=user.id)
    return Response(status_code=204)


@router.get("/radars/{radar_id}/daily", response_model=DailyPublic)
def get_daily(
    store: StoreDep, user: ApiUser, embedder: EmbedderDep, radar_id: PathId, day: dt.date | None = None
) -> DailyPublic:
    """The radar's numbered Curated Daily for a day (default: the latest), built now if not yet."""
    radar = _radar(store, user, radar_id)
    when = _day(store, day)
    return daily_public(radar, when, radar_picks(store, embedder, radar, when))


@router.get("/radars/{radar_id}/feedback", response_model=FeedbackPublic)
def get_feedback(store: StoreDep, user: ApiUser, radar_id: PathId) -> FeedbackPublic:
    return feedback_public(radar_id, store.feedback_for(_radar(store, user, radar_id).id or 0))


@router.post("/feedback", response_model=FeedbackPublic)
def post_feedback(store: StoreDep, user: ApiUser, body: FeedbackCreate) -> FeedbackPublic:
    """Set (on=true) or clear one feedback; the radar's latest day is re-ranked on its next read."""
    radar = _radar(store, user, body.radar_id)
    if store.paper_by_id(body.paper_id) is None:
        raise HTTPException(404, "no such paper")
    toggle_feedback(store, radar.id or 0, body.paper_id, body.kind, on=body.on)
    return feedback_public(body.radar_id, store.feedback_for(body.radar_id))


@router.get("/radars/{radar_id}/briefing", response_model=BriefingPublic)
def get_briefing(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: ApiUser,
    embedder: EmbedderDep,
    radar_id: PathId,
    day: dt.date | None = None,
    lang: str | None = None,
) -> BriefingPublic:
    """The day's briefing in `lang` (default: the user's language): the stored one, else written now."""
    radar = _radar(store, user, radar_id)
    when = _day(store, day)
    language = lang if lang in LANGUAGES else user.language
    picks = radar_picks(store, embedder, radar, when)
    found = stored_briefing(store, settings, picks, language)
    briefing = found or make_briefing(store, settings, embedder, radar, when, picks, language)
    return briefing_public(briefing, radar.id or 0, when)
