"""Radar list and editor: create, edit every field, delete, and a live preview as the description changes."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.responses import RedirectResponse, Response

from academichub.errors import InputError, NotReadYet
from academichub.ingest.normalize import key_for_reference
from academichub.models import Digest, Radar
from academichub.pipeline.digest import day_unread, preview_digest
from academichub.rank.radar_checks import radar_problems
from academichub.sources.library import MAX_LIBRARY_BYTES
from academichub.store import Store
from academichub.web.deps import NO_SUCH_RADAR, EmbedderDep, PathId, StoreDep, UserDep, render, request_language
from academichub.web.i18n import note_text, translator
from academichub.web.paper_view import paper_card
from academichub.web.radar_map import build_radar_map
from academichub.web.routes.daily import parse_day
from academichub.web.routes.settings import daily_size_default

router = APIRouter()
MAX_RADAR_SIZE = 200
MAX_LIST_ITEMS = 200
PREVIEW_SIZE = 8  # the preview shows the head of the Curated Daily the radar would get


class RadarForm(BaseModel):
    """The editor's fields as posted; list fields are one entry per line."""

    name: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=20_000)
    keywords: str = ""
    excludes: str = ""
    watch: str = ""
    authors: str = ""
    seeds: str = ""
    size: int = Field(default=20, ge=1, le=MAX_RADAR_SIZE)
    threshold: str = ""
    include_replacements: bool = False


RadarFormDep = Annotated[RadarForm, Form()]


def _lines(text: str) -> tuple[str, ...]:
    items = [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]
    return tuple(dict.fromkeys(items))[:MAX_LIST_ITEMS]


def radar_from_form(form: RadarForm, base: Radar) -> tuple[Radar, list[str]]:
    """The edited radar and what is wrong with it (messages shown beside the form)."""
    problems: list[str] = []
    seeds = []
    for ref in _lines(form.seeds):
        key = key_for_reference(ref)
        if key is None:
            problems.append(f"seed {ref!r} is not an arXiv id or a DOI")
        else:
            seeds.append(key)
    threshold = None
    if form.threshold.strip():
        try:
            threshold = float(form.threshold)
        except ValueError:
            problems.append(f"minimum score {form.threshold!r} is not a number")
    radar = replace(
        base,
        name=form.name.strip(),
        description=form.description.strip(),
        keywords=_lines(form.keywords),
        excludes=_lines(form.excludes),
        watch=_lines(form.watch),
        authors=tuple(line.strip() for line in form.authors.splitlines() if line.strip())[:MAX_LIST_ITEMS],
        seeds=tuple(seeds),
        size=form.size,
        threshold=threshold,
        include_replacements=form.include_replacements,
    )
    return radar, problems + radar_problems(radar)


def owned_radar(store: Store, user_id: int, radar_id: int) -> Radar:
    radar = store.radar_by_id(radar_id, user_id=user_id)
    if radar is None:
        raise HTTPException(404, NO_SUCH_RADAR)
    return radar


@router.get("/radars")
def radar_list(request: Request, store: StoreDep, user: UserDep) -> Response:
    return render(request, "radars.html", {"radars": store.list_radars(user_id=user.id)})


@router.get("/radars/new")
def radar_new(request: Request, store: StoreDep, user: UserDep) -> Response:
    size = daily_size_default(store, user.id)
    return render(request, "radar_edit.html", {"radar": Radar(name="", user_id=user.id, size=size), "problems": []})


def editor_context(store: Store, radar: Radar, user_id: int) -> dict[str, object]:
    """What the editor page of a saved radar shows besides the form."""
    feeds = store.list_tokens(user_id, "feed", radar_id=radar.id) if radar.id is not None else []
    return {"radar": radar, "problems": [], "feeds": feeds, "max_library_mib": MAX_LIBRARY_BYTES // 2**20}


@router.get("/radars/{radar_id}")
def radar_edit(request: Request, store: StoreDep, user: UserDep, radar_id: PathId) -> Response:
    return render(request, "radar_edit.html", editor_context(store, owned_radar(store, user.id, radar_id), user.id))


@router.get("/radars/{radar_id}/map")
def radar_map(
    request: Request, store: StoreDep, user: UserDep, embedder: EmbedderDep, radar_id: PathId, day: str | None = None
) -> Response:
    """The day's papers in 2-D with the radar's picks and seeds marked: a partial for htmx, else a page."""
    radar = owned_radar(store, user.id, radar_id)
    days = store.announcement_days(limit=1)
    wanted = parse_day(day) or (days[0][0] if days else None)
    context = {"radar": radar, "map": build_radar_map(store, embedder, radar, wanted)}
    is_htmx = request.headers.get("hx-request") == "true"
    return render(request, "_partials/radar_map.html" if is_htmx else "radar_map.html", context)


def _save(request: Request, store: Store, base: Radar, form: RadarForm) -> Response:
    radar, problems = radar_from_form(form, base)
    if not problems:
        try:
            saved = store.save_radar(radar)
        except InputError as exc:
            problems = [str(exc)]
        else:
            days = store.announcement_days(limit=1)
            if days and saved.id is not None:  # the latest day is rebuilt with the new settings on next view
                store.save_digest(saved.id, days[0][0], [])
            return RedirectResponse(f"/?radar={saved.id}", status_code=303)
    return render(request, "radar_edit.html", {"radar": radar, "problems": problems}, status_code=400)


@router.post("/radars")
def radar_create(request: Request, store: StoreDep, user: UserDep, form: RadarFormDep) -> Response:
    return _save(request, store, Radar(name="", user_id=user.id), form)


@router.post("/radars/preview")
def radar_preview(
    request: Request, store: StoreDep, user: UserDep, embedder: EmbedderDep, form: RadarFormDep
) -> Response:
    """The htmx partial beside the editor: today's top papers for the radar as currently typed."""
    radar, _problems = radar_from_form(form, Radar(name="preview", user_id=user.id))
    days = store.announcement_days(limit=1)
    has_query = bool(radar.description or radar.keywords or radar.seeds or radar.authors)
    try:
        digest = preview_digest(store, embedder, radar, days[0][0]) if days and has_query else None
    except NotReadYet as exc:  # the daily job is still reading the day
        digest = Digest(radar, days[0][0], (), 0, (day_unread(exc.read, exc.total),))
    picks = digest.items[:PREVIEW_SIZE] if digest else ()
    cards = [paper_card(s.paper, n, days[0][0], s.reasons, s.score) for n, s in enumerate(picks, start=1)]
    context = {"cards": cards, "day": days[0][0] if days else None, "empty": not has_query}
    t = translator(request_language(request))
    return render(
        request,
        "_partials/preview.html",
        context | {"notes": [note_text(t, n) for n in digest.notes] if digest else []},
    )


@router.post("/radars/{radar_id}")
def radar_update(request: Request, store: StoreDep, user: UserDep, radar_id: PathId, form: RadarFormDep) -> Response:
    return _save(request, store, owned_radar(store, user.id, radar_id), form)


@router.post("/radars/{radar_id}/delete")
def radar_delete(store: StoreDep, user: UserDep, radar_id: PathId) -> Response:
    store.delete_radar(owned_radar(store, user.id, radar_id).id or 0, user_id=user.id)
    return RedirectResponse("/radars", status_code=303)
