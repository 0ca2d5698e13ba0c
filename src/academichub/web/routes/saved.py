"""The Saved page (papers the user saved with ★ on any radar) and BibTeX / RIS / CSL-JSON downloads."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from academichub.deliver.export import EXPORT_FORMATS, export_papers
from academichub.models import FeedbackKind, Paper
from academichub.store import Store
from academichub.web.briefing_view import radar_picks
from academichub.web.daily_view import MAX_DAY_PAPERS
from academichub.web.deps import EmbedderDep, StoreDep, UserDep, render
from academichub.web.paper_view import paper_card
from academichub.web.routes.daily import parse_day, pick_radar

router = APIRouter()
DOWNLOADS = {
    "bibtex": ("bib", "application/x-bibtex; charset=utf-8"),
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8"),
    "csl-json": ("json", "application/vnd.citationstyles.csl+json; charset=utf-8"),
}


def saved_papers(store: Store, user_id: int) -> list[tuple[Paper, list[str]]]:
    """Every paper the user saved on any of their radars (newest save first), with the radars' names."""
    by_paper: dict[int, list[str]] = {}
    for radar in store.list_radars(user_id=user_id):
        for paper_id in reversed(store.feedback_for(radar.id or 0)[FeedbackKind.SAVE]):
            by_paper.setdefault(paper_id, []).append(radar.name)
    papers = store.papers_by_ids(list(by_paper))
    return [(papers[pid], names) for pid, names in by_paper.items() if pid in papers]


def download(papers: Sequence[Paper], fmt: str, stem: str) -> Response:
    """The papers as an attachment in one export format. Raises: 404 for an unknown format."""
    if fmt not in EXPORT_FORMATS:
        raise HTTPException(404, f"unknown export format {fmt!r}")
    extension, media_type = DOWNLOADS[fmt]
    body = export_papers(papers, fmt)
    headers = {"content-disposition": f'attachment; filename="{stem}.{extension}"'}
    return Response(body.encode(), media_type=media_type, headers=headers)


@router.get("/saved")
def saved_page(request: Request, store: StoreDep, user: UserDep) -> Response:
    rows = saved_papers(store, user.id)
    cards = [(paper_card(p, n, None), names) for n, (p, names) in enumerate(rows, start=1)]
    return render(request, "saved.html", {"cards": cards, "formats": EXPORT_FORMATS})


@router.get("/saved/export")
def saved_export(store: StoreDep, user: UserDep, format: str = "bibtex") -> Response:
    return download([p for p, _ in saved_papers(store, user.id)], format, "academichub-saved")


@router.get("/export")
def daily_export(
    store: StoreDep,
    user: UserDep,
    embedder: EmbedderDep,
    radar: str | None = None,
    day: str | None = None,
    format: str = "bibtex",
) -> Response:
    """The Curated Daily of a radar and day (or every paper of the day for radar=all), in the order shown."""
    names = store.radar_names(user_id=user.id)
    chosen = pick_radar(store, user.id, names[0][0] if names else None, radar)
    when = parse_day(day)
    if when is None:
        raise HTTPException(404, "no such day")
    if chosen is None:
        papers = store.list_papers(day=when, limit=MAX_DAY_PAPERS)
        stem = f"academichub-{when.isoformat()}"
    else:
        papers = [s.paper for s in radar_picks(store, embedder, chosen, when)]
        stem = f"academichub-{chosen.id}-{when.isoformat()}"
    return download(papers, format, stem)
