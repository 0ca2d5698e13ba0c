"""The radar editor's library upload: a BibTeX/RIS/CSL-JSON file becomes seed papers and seed texts.

Parsing is sources.library's, the seed matching pipeline.library_seeds'; this
route reads the upload (bounded by web.limits), saves the radar and shows what
happened, with every skipped entry reported by its line.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Request, UploadFile
from starlette.responses import Response

from academichub.config import Settings
from academichub.errors import AcademicHubError, InputError
from academichub.models import Radar
from academichub.pipeline.library_seeds import seeds_from_library
from academichub.pipeline.seeds import read_radar_seeds
from academichub.sources.library import MAX_LIBRARY_BYTES, parse_library
from academichub.web.deps import PathId, SettingsDep, StoreDep, UserDep, app_embedder, render
from academichub.web.routes.radars import editor_context, owned_radar
from academichub.web.store_pool import StorePool

router = APIRouter()
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an upload did, for the page."""

    filename: str
    format: str
    entries: int
    seeds_added: int
    texts_added: int
    problems: tuple[str, ...]
    repaired_encoding: str | None = None


async def read_upload(upload: UploadFile, max_bytes: int = MAX_LIBRARY_BYTES) -> bytes:
    """The uploaded file's bytes. Raises: InputError when it is larger than `max_bytes`."""
    data = await upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"{upload.filename or 'the file'} is over the limit of {max_bytes / 2**20:g} MiB")
    return data


@router.post("/radars/{radar_id}/import")
async def import_library(
    request: Request,
    background: BackgroundTasks,
    settings: SettingsDep,
    store: StoreDep,
    user: UserDep,
    radar_id: PathId,
    library: Annotated[UploadFile, File()],
) -> Response:
    """Add a library export's papers to the radar's seeds; the editor shows counts and per-line problems. The new
    seeds are read (encoded) after the response: pages rank without the ones not read yet, and say so."""
    radar = owned_radar(store, user.id, radar_id)
    name = library.filename or "library"
    try:
        parsed = parse_library(await read_upload(library), name=name)
    except InputError as exc:
        context = editor_context(store, radar, user.id)
        return render(request, "radar_edit.html", {**context, "import_error": str(exc)}, status_code=400)
    updated = seeds_from_library(store, radar, parsed)
    saved = store.save_radar(updated)
    days = store.announcement_days(limit=1)
    latest = days[0][0] if days else None
    if latest is not None and saved.id is not None:  # the latest day is re-ranked with the new seeds on its next view
        store.save_digest(saved.id, latest, [])
    background.add_task(_read_in_background, request.app, settings, saved, latest)
    report = ImportReport(
        filename=name,
        format=parsed.format,
        entries=len(parsed.entries),
        seeds_added=len(saved.seeds) - len(radar.seeds),
        texts_added=len(saved.seed_texts) - len(radar.seed_texts),
        problems=tuple(parsed.problems),
        repaired_encoding=parsed.encoding if parsed.encoding != "utf-8" else None,
    )
    return render(request, "radar_edit.html", {**editor_context(store, saved, user.id), "import_report": report})


def _read_in_background(app: Any, settings: Settings, radar: Radar, latest: dt.date | None) -> None:
    """Encode the radar's seeds (minutes for a large library), then have the latest day ranked again with them."""
    pool: StorePool = app.state.store_pool
    with pool.lent() as store:
        try:
            read = read_radar_seeds(store, app_embedder(app, settings), radar)
            if latest is not None and radar.id is not None:
                store.save_digest(radar.id, latest, [])
        except AcademicHubError as exc:  # the daily run reads what is left
            log.warning("reading the seeds of radar %s failed: %s", radar.id, exc)
            return
    log.info("read the seeds of radar %s: %d with vectors, %d without", radar.id, len(read.titles), read.unread)
