"""Source health: each source's last fetch, status, error and recent new-item counts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from academichub.web.deps import StoreDep, UserDep, render

router = APIRouter()
RECENT_RUNS = 14
CHART_HEIGHT_PX = 24


@router.get("/sources")
def sources_page(request: Request, store: StoreDep, user: UserDep) -> Response:
    rows = []
    for state, run in store.latest_runs():
        recent = list(reversed(store.runs_for(state.name, limit=RECENT_RUNS)))
        peak = max((r.items_new for r in recent), default=0) or 1
        bars = [(n, r, max(1, round(CHART_HEIGHT_PX * r.items_new / peak))) for n, r in enumerate(recent)]
        rows.append((state, run, bars))
    return render(request, "sources.html", {"rows": rows, "chart_height": CHART_HEIGHT_PX})
