"""The personal Atom feed per radar at a secret-token URL, and making / revoking that URL from the radar editor."""

from __future__ import annotations

import datetime as dt
from functools import partial

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from academichub.brief.prompts import SECTION_KINDS, heading
from academichub.deliver.atom import ATOM_MEDIA_TYPE, atom_feed, briefing_entry, pick_entries
from academichub.models import Radar, ScoredPaper
from academichub.pipeline.digest import stored_digest
from academichub.store import Store
from academichub.web import security
from academichub.web.briefing_view import radar_picks, stored_briefing
from academichub.web.deps import EmbedderDep, PathId, SettingsDep, StoreDep, UserDep, render
from academichub.web.routes.radars import owned_radar

router = APIRouter()
FEED_DAYS = 5  # announcement days a feed carries
FEED_TOKEN_PREFIX = "ahf_"


def feed_path(token: str) -> str:
    return f"/feeds/{token}.atom"


@router.post("/radars/{radar_id}/feed")
def create_feed(request: Request, store: StoreDep, user: UserDep, radar_id: PathId) -> Response:
    """A new secret feed URL for the radar (any older one stops working); shown once in the editor."""
    radar = owned_radar(store, user.id, radar_id)
    store.delete_feed_tokens(user.id, radar_id)
    token = FEED_TOKEN_PREFIX + security.new_token()
    store.create_token(user.id, security.token_hash(token), "feed", label=radar.name, radar_id=radar_id)
    feed_url = str(request.base_url).rstrip("/") + feed_path(token)
    context = {"radar": radar, "problems": [], "feeds": store.list_tokens(user.id, "feed", radar_id=radar_id)}
    return render(request, "radar_edit.html", {**context, "feed_url": feed_url})


@router.post("/radars/{radar_id}/feed/revoke")
def revoke_feed(store: StoreDep, user: UserDep, radar_id: PathId) -> Response:
    owned_radar(store, user.id, radar_id)
    store.delete_feed_tokens(user.id, radar_id)
    return RedirectResponse(f"/radars/{radar_id}#feed", status_code=303)


def _feed_radar(store: Store, token: str) -> tuple[Radar, str]:
    found = store.token_by_hash(security.token_hash(token), "feed")
    radar = store.radar_by_id(found.radar_id or 0, user_id=found.user_id) if found else None
    user = store.user_by_id(radar.user_id) if radar else None
    if radar is None or user is None:
        raise HTTPException(404, "no such feed")
    return radar, user.language


def _suffixed(prefix: str, pick: ScoredPaper) -> str:
    return f"{prefix}{pick.paper.id}"


@router.get("/feeds/{token}.atom")
def radar_feed(request: Request, store: StoreDep, settings: SettingsDep, embedder: EmbedderDep, token: str) -> Response:
    """The radar's numbered picks of the last few announcement days, each day's briefing first when written."""
    radar, language = _feed_radar(store, token)
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    days = [d for d, _ in store.announcement_days(limit=FEED_DAYS)]
    entries = []
    for n, day in enumerate(days):
        picks = radar_picks(store, embedder, radar, day) if n == 0 else stored_digest(store, radar, day)
        briefing = stored_briefing(store, settings, picks, language)
        if briefing is not None and briefing.status == "ok":
            entries.append(
                briefing_entry(
                    briefing, entry_id=f"{base}/briefing?radar={radar.id}&day={day.isoformat()}",
                    link=f"{base}/briefing?radar={radar.id}&day={day.isoformat()}",
                    title=f"Briefing · {radar.name} · {day.isoformat()}",
                    headings={k: heading(k, briefing.language) for k in (*SECTION_KINDS, "uncovered")},
                )
            )  # fmt: skip
        urn = f"urn:academichub:radar:{radar.id}:{day.isoformat()}:paper:"
        page = f"{base}/?radar={radar.id}&day={day.isoformat()}#paper-"
        entries += pick_entries(picks, day, entry_id=partial(_suffixed, urn), link=partial(_suffixed, page))
    updated = dt.datetime.combine(days[0], dt.time(0, 1), tzinfo=dt.UTC) if days else dt.datetime.now(dt.UTC)
    body = atom_feed(
        feed_id=f"urn:academichub:radar:{radar.id}", title=f"AcademicHub · {radar.name}",
        subtitle=radar.description[:200], self_url=str(request.url), site_url=f"{base}/?radar={radar.id}",
        updated=updated, entries=entries,
    )  # fmt: skip
    headers = {"cache-control": "private, max-age=300", "x-robots-tag": "noindex"}
    return Response(body, media_type=ATOM_MEDIA_TYPE, headers=headers)
