"""Source health: each source's last fetch, status, error and recent new-item counts; for the administrator,
also a stale or shrunken backup and an old XML parser."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import Response

from academichub.config import Settings
from academichub.sources.xml import expat_problem
from academichub.store.backup import backup_alert
from academichub.web.deps import SettingsDep, StoreDep, UserDep, render

router = APIRouter()
RECENT_RUNS = 14
CHART_HEIGHT_PX = 24


def health_problems(settings: Settings, store_path: Path) -> list[str]:
    """The newest backup's state and an old XML parser: shown to the administrator above the sources."""
    found = backup_alert(
        store_path,
        settings.backups_dir,
        max_age_h=settings.backup_max_age_h,
        min_paper_ratio=settings.backup_min_paper_ratio,
    )
    return [p for p in (found, expat_problem()) if p]


@router.get("/sources")
def sources_page(request: Request, settings: SettingsDep, store: StoreDep, user: UserDep) -> Response:
    rows = []
    for state, run in store.latest_runs():
        recent = list(reversed(store.runs_for(state.name, limit=RECENT_RUNS)))
        peak = max((r.items_new for r in recent), default=0) or 1
        bars = [(n, r, max(1, round(CHART_HEIGHT_PX * r.items_new / peak))) for n, r in enumerate(recent)]
        rows.append((state, run, bars))
    problems = health_problems(settings, store.path) if user.is_admin else []
    return render(request, "sources.html", {"rows": rows, "chart_height": CHART_HEIGHT_PX, "problems": problems})
