"""The Curated Daily (home page) and the 👍 / 👎 / save / dismiss buttons that update in place."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from academichub.models import FeedbackKind, Radar
from academichub.pipeline.digest import build_digest, day_notes, stored_digest
from academichub.store import Store
from academichub.web.deps import EmbedderDep, StoreDep, UserDep, render
from academichub.web.paper_view import PaperCard, paper_card

router = APIRouter()
MAX_DAY_PAPERS = 500  # the unranked list of a day without a radar
DAYS_LOOKED_BACK = 400


def parse_day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def pick_radar(store: Store, user_id: int, radars: list[Radar], wanted: str | None) -> Radar | None:
    """The radar named in the query (404 if not the user's), 'all' for none, else the first one."""
    if wanted == "all":
        return None
    if wanted:
        radar = store.radar_by_id(int(wanted), user_id=user_id) if wanted.isdigit() else None
        if radar is None:
            raise HTTPException(404, "no such radar")
        return radar
    return radars[0] if radars else None


def day_cards(
    store: Store, embedder: EmbedderDep, radar: Radar | None, day: dt.date
) -> tuple[list[PaperCard], tuple[str, ...], int | None]:
    """The day's cards, its notes (failed sources, no announcement) and the number of candidates."""
    if radar is None:
        papers = store.list_papers(day=day, limit=MAX_DAY_PAPERS)
        notes = day_notes(store, day) or (() if papers else ("no papers were announced on this day",))
        return [paper_card(p, n, day) for n, p in enumerate(papers, start=1)], notes, None
    picks = stored_digest(store, radar, day)
    notes, candidates = day_notes(store, day), None
    if not picks:
        digest = build_digest(store, embedder, radar, day)
        picks, notes, candidates = list(digest.items), digest.notes, digest.candidates
    return [paper_card(s.paper, s.rank, day, s.reasons, s.score) for s in picks], notes, candidates


@router.get("/")
def daily_page(
    request: Request,
    store: StoreDep,
    user: UserDep,
    embedder: EmbedderDep,
    radar: str | None = None,
    day: str | None = None,
    source: str | None = None,
) -> Response:
    radars = store.list_radars(user_id=user.id)
    chosen = pick_radar(store, user.id, radars, radar)
    days = store.recent_days(limit=DAYS_LOOKED_BACK)
    wanted = parse_day(day) or (days[0] if days else None)
    context: dict[str, object] = {"radars": radars, "radar": chosen, "day": wanted, "days": days, "source": source}
    if wanted is None:
        return render(request, "daily.html", {**context, "cards": [], "notes": (), "sources": []})
    cards, notes, candidates = day_cards(store, embedder, chosen, wanted)
    sources = sorted({c.source_kind for c in cards})
    shown = [c for c in cards if not source or c.source_kind == source]
    feedback = store.feedback_for(chosen.id or 0) if chosen else {}
    context |= {
        "cards": shown,
        "total": len(cards),
        "notes": notes,
        "candidates": candidates,
        "sources": sources,
        "prev_day": next((d for d in days if d < wanted), None),
        "next_day": next((d for d in reversed(days) if d > wanted), None),
        "feedback": {kind: set(ids) for kind, ids in feedback.items()},
    }
    return render(request, "daily.html", context)


def toggle_feedback(store: Store, radar_id: int, paper_id: int, kind: FeedbackKind, *, on: bool) -> None:
    """Set or clear one feedback; the radar's latest day is then re-ranked on its next view (earlier days stay)."""
    if on:
        store.set_feedback(radar_id, paper_id, kind)
    else:
        store.clear_feedback(radar_id, paper_id, kind)
    latest = store.announcement_days(limit=1)
    if latest:
        store.save_digest(radar_id, latest[0][0], [])


@router.post("/feedback")
def post_feedback(
    request: Request,
    store: StoreDep,
    user: UserDep,
    radar_id: Annotated[int, Form()],
    paper_id: Annotated[int, Form()],
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
