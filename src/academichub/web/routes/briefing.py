"""The briefing page for a radar and day: sections with linked `[n]` citations, grounding and cost, regenerate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from academichub.brief.prompts import SECTION_KINDS, heading
from academichub.brief.providers import resolve_provider_name
from academichub.web.briefing_view import cite_targets, linked_citations, make_briefing, radar_picks, stored_briefing
from academichub.web.deps import EmbedderDep, FormId, SettingsDep, StoreDep, UserDep, render, request_language
from academichub.web.i18n import LANGUAGES
from academichub.web.routes.daily import parse_day, pick_radar

router = APIRouter()


def _language(request: Request, wanted: str | None) -> str:
    return wanted if wanted in LANGUAGES else request_language(request)


@router.get("/briefing")
def briefing_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    embedder: EmbedderDep,
    radar: str | None = None,
    day: str | None = None,
    lang: str | None = None,
) -> Response:
    """Shows the stored briefing; writes it first when there is none (a failed one waits for Regenerate)."""
    radars = store.list_radars(user_id=user.id)
    chosen = pick_radar(store, user.id, radars[0].id if radars else None, radar)
    days = store.announcement_days(limit=1)
    when = parse_day(day) or (days[0][0] if days else None)
    language = _language(request, lang)
    context: dict[str, object] = {"radars": radars, "radar": chosen, "day": when, "briefing_lang": language}
    if chosen is None or when is None:
        return render(request, "briefing.html", {**context, "briefing": None})
    picks = radar_picks(store, embedder, chosen, when)
    briefing = stored_briefing(store, settings, picks, language)
    if briefing is None and picks:
        briefing = make_briefing(store, settings, embedder, chosen, when, picks, language)
    targets = cite_targets(picks, chosen, when)
    sections = []
    if briefing is not None and briefing.status == "ok":
        by_kind = {s.kind: s for s in briefing.sections}
        for kind in (*SECTION_KINDS, "uncovered"):
            if kind in by_kind:
                items = [linked_citations(item, targets) for item in by_kind[kind].items]
                sections.append((kind, heading(kind, language), items))
    context |= {"briefing": briefing, "sections": sections, "picks": picks, "provider": resolve_provider_name(settings)}
    return render(request, "briefing.html", context)


@router.post("/briefing/regenerate")
def regenerate(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    embedder: EmbedderDep,
    radar_id: FormId,
    day: Annotated[str, Form()],
    lang: Annotated[str, Form()] = "",
) -> Response:
    """Write the briefing again (ignoring the cache); a few times per user per window, as it may cost money."""
    radar = store.radar_by_id(radar_id, user_id=user.id)
    when = parse_day(day)
    if radar is None or when is None:
        raise HTTPException(404, "no such radar or day")
    wait = request.app.state.regenerate_limit.take(store, f"regenerate:user:{user.id}")  # every one counts
    if wait:
        response = render(request, "error.html", {"message_key": "regenerate_limited", "detail": None}, status_code=429)
        response.headers["retry-after"] = str(wait)
        return response
    language = _language(request, lang)
    picks = radar_picks(store, embedder, radar, when)
    make_briefing(store, settings, embedder, radar, when, picks, language, refresh=True)
    target = f"/briefing?radar={radar.id}&day={when.isoformat()}&lang={language}"
    return RedirectResponse(target, status_code=303)
