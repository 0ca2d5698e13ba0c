"""The Curated Daily (home page) and the 👍 / 👎 / save / dismiss buttons that update in place."""

from __future__ import annotations

import datetime as dt
from functools import partial
from types import SimpleNamespace
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from academichub.models import FeedbackKind, Radar
from academichub.pipeline.digest import NO_PAPERS, day_notes
from academichub.store import Store, row_id
from academichub.web.daily_view import ListCache, day_list
from academichub.web.deps import (
    NO_SUCH_RADAR,
    FormId,
    SettingsDep,
    StoreDep,
    UserDep,
    app_embedder,
    csrf_token,
    render,
    request_language,
)
from academichub.web.i18n import note_text, translator

router = APIRouter()


def parse_day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def pick_radar(store: Store, user_id: int, first_id: int | None, wanted: str | None) -> Radar | None:
    """The radar named in the query by id or name (404 if not the user's), 'all' for none, else the first one
    (`first_id`). Digits are an id first, then a name: a radar named "2024" is found by its name unless the user
    has a radar whose id is 2024 (the page's own links use ids)."""
    if wanted == "all" or (not wanted and first_id is None):
        return None
    if not wanted:
        radar = store.radar_by_id(first_id or 0, user_id=user_id)
    else:
        number = row_id(wanted)
        by_id = store.radar_by_id(number, user_id=user_id) if number is not None else None
        radar = by_id or store.radar_by_name(wanted, user_id=user_id)
    if radar is None:
        raise HTTPException(404, NO_SUCH_RADAR)
    return radar


@router.get("/")
def daily_page(
    request: Request,
    store: StoreDep,
    user: UserDep,
    settings: SettingsDep,
    radar: str | None = None,
    day: str | None = None,
    source: str | None = None,
) -> Response:
    radars = [SimpleNamespace(id=i, name=name) for i, name in store.radar_names(user_id=user.id)]
    chosen = pick_radar(store, user.id, radars[0].id if radars else None, radar)
    latest = store.recent_days(limit=1)
    wanted = parse_day(day) or (latest[0] if latest else None)
    context: dict[str, object] = {"radars": radars, "radar": chosen, "day": wanted, "source": source}
    if wanted is None:
        return render(request, "daily.html", {**context, "listing": None, "notes": (), "sources": []})
    lang = request_language(request)
    cache: ListCache = request.app.state.list_cache
    env = request.app.state.templates.env
    embedder = partial(app_embedder, request.app, settings)
    listing = day_list(store, embedder, cache, env, chosen, wanted, source or "", lang, translator(lang))
    notes = day_notes(store, wanted) + tuple(listing.notes or ())
    if chosen is None and not notes and not listing.total:
        notes = (NO_PAPERS,)
    prev_day, next_day = store.days_around(wanted)
    context |= {
        "listing": listing,
        "cards_html": listing.with_token(csrf_token(request)),
        "notes": [note_text(translator(lang), n) for n in notes],
        "candidates": listing.candidates,
        "sources": listing.sources,
        "prev_day": prev_day,
        "next_day": next_day,
    }
    return render(request, "daily.html", context)


def toggle_feedback(store: Store, radar_id: int, paper_id: int, kind: FeedbackKind, *, on: bool) -> None:
    """Set or clear one feedback; the radar's latest day is then re-ranked on its next view (earlier days stay)."""
    if on:
        store.set_feedback(radar_id, paper_id, kind)
    else:
        store.clear_feedback(radar_id, paper_id, kind)
    latest = store.recent_days(limit=1)
    if latest:
        store.save_digest(radar_id, latest[0], [])


@router.post("/feedback")
def post_feedback(
    request: Request,
    store: StoreDep,
    user: UserDep,
    radar_id: FormId,
    paper_id: FormId,
    kind: Annotated[FeedbackKind, Form()],
) -> Response:
    """Toggle one kind of feedback on a paper for one of the user's radars; returns the updated buttons."""
    radar = store.radar_by_id(radar_id, user_id=user.id)
    if radar is None or store.paper_by_id(paper_id) is None:
        raise HTTPException(404, "no such radar or paper")
    toggle_feedback(store, radar_id, paper_id, kind, on=paper_id not in store.feedback_for(radar_id)[kind])
    if request.headers.get("hx-request") != "true":
        return RedirectResponse(f"/?radar={radar_id}", status_code=303)
    state = {k: set(ids) for k, ids in store.feedback_for(radar_id).items()}
    return render(request, "_partials/feedback.html", {"radar": radar, "paper_id": paper_id, "feedback": state})
