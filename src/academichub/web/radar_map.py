"""The radar map: the day's papers laid out in 2-D by their vectors, with the radar's picks and seeds marked.

Gathers papers and vectors through the store and pipeline, projects them with
rank.projection.project_2d, and returns points in SVG coordinates for the
template (which draws them; no script is involved).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from academichub.errors import NotReadYet
from academichub.models import Radar, ScoredPaper
from academichub.pipeline.digest import build_digest, stored_digest
from academichub.pipeline.paper_vectors import embed_papers, text_vectors
from academichub.rank.embed import Embedder
from academichub.rank.projection import project_2d
from academichub.store import Store

MAX_MAP_PAPERS = 1500  # points beyond this make the SVG heavy and the picture no clearer
MAP_WIDTH = 960
MAP_HEIGHT = 540
MAP_MARGIN = 24
MAX_LABEL_CHARS = 160


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One dot: where, what kind ('paper' | 'pick' | 'seed'), its hover label and where it links (if stored)."""

    x: float
    y: float
    kind: str
    label: str
    paper_id: int | None = None
    rank: int | None = None


@dataclass(frozen=True, slots=True)
class RadarMap:
    day: dt.date | None
    points: tuple[MapPoint, ...]
    papers: int
    picks: int
    seeds: int
    width: int = MAP_WIDTH
    height: int = MAP_HEIGHT


def _label(title: str) -> str:
    return title if len(title) <= MAX_LABEL_CHARS else title[: MAX_LABEL_CHARS - 1] + "…"


def build_radar_map(store: Store, embedder: Embedder, radar: Radar, day: dt.date | None) -> RadarMap:
    """The map of `day` (None: an empty map) for a saved radar; builds the day's picks if none are stored."""
    if day is None:
        return RadarMap(None, (), 0, 0, 0)
    picks = stored_digest(store, radar, day) or _built(store, embedder, radar, day)
    ranks: dict[int, int] = {s.paper.id: s.rank for s in picks if s.paper.id is not None}
    seeds = [p for key in radar.seeds if (p := store.paper_by_key(key)) is not None and p.id is not None]
    seed_ids = {p.id or 0 for p in seeds}
    day_papers = store.list_papers(day=day, limit=MAX_MAP_PAPERS)
    papers = list({p.id: p for p in [*day_papers, *(s.paper for s in picks), *seeds] if p.id is not None}.values())
    vectors = embed_papers(store, embedder, papers, encode=False)  # a page: only what has been read
    papers = [p for p in papers if p.id in vectors]
    stored = text_vectors(store, embedder, radar.seed_texts, "passage", encode=False)
    read = [(t, v) for t, v in zip(radar.seed_texts, stored, strict=True) if v is not None]
    texts = [t for t, _ in read]
    rows = [vectors[p.id or 0] for p in papers] + [v for _, v in read]
    if not rows:
        return RadarMap(day, (), 0, 0, 0)
    coords = project_2d(np.vstack(rows))
    points = [
        _point(coords[i], _kind(p.id or 0, ranks, seed_ids), p.title, p.id, ranks.get(p.id or 0))
        for i, p in enumerate(papers)
    ]
    points += [_point(coords[len(papers) + n], "seed", text, None, None) for n, text in enumerate(texts)]
    order = {"paper": 0, "pick": 1, "seed": 2}  # drawn last = on top
    points.sort(key=lambda pt: (order[pt.kind], -(pt.rank or 0)))
    return RadarMap(day, tuple(points), len(papers), len(ranks), len(seed_ids) + len(texts))


def _built(store: Store, embedder: Embedder, radar: Radar, day: dt.date) -> list[ScoredPaper]:
    """The day's picks built now; none while the daily job is still reading the day (the map shows what is read)."""
    try:
        return list(build_digest(store, embedder, radar, day, encode=False).items)
    except NotReadYet:
        return []


def _kind(paper_id: int, ranks: dict[int, int], seed_ids: set[int]) -> str:
    return "seed" if paper_id in seed_ids else ("pick" if paper_id in ranks else "paper")


def _point(xy: np.ndarray, kind: str, title: str, paper_id: int | None, rank: int | None) -> MapPoint:
    x = MAP_MARGIN + float(xy[0]) * (MAP_WIDTH - 2 * MAP_MARGIN)
    y = MAP_MARGIN + (1.0 - float(xy[1])) * (MAP_HEIGHT - 2 * MAP_MARGIN)
    return MapPoint(round(x, 1), round(y, 1), kind, _label(title), paper_id, rank)
