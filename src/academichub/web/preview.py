"""A radar's preview: today's best papers for an unsaved radar, ranked without saving any picks.

Mirrors pipeline.digest.build_digest minus feedback and the stored picks; it
belongs in pipeline/ (a `preview_digest`) once that module offers one.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from academichub.models import Radar, ScoredPaper
from academichub.pipeline.digest import MAX_CANDIDATES, embed_papers, embed_texts, may_show
from academichub.rank.embed import Embedder
from academichub.rank.radar import RadarQuery, index_day, rank_radars
from academichub.store import Store

PREVIEW_SIZE = 8


def preview_radar(store: Store, embedder: Embedder, radar: Radar, day: dt.date) -> list[ScoredPaper]:
    """The radar's top PREVIEW_SIZE papers of `day`, best first (nothing is written but cached vectors)."""
    papers = [p for p in store.list_papers(day=day, limit=MAX_CANDIDATES) if p.id is not None]
    if not papers:
        return []
    vectors = embed_papers(store, embedder, papers)
    matrix = np.vstack([vectors[p.id or 0] for p in papers]).astype(np.float32)
    description = " ".join(x for x in [radar.description, *radar.keywords] if x.strip())
    seeds = [p for key in radar.seeds if (p := store.paper_by_key(key)) is not None]
    seed_vectors = embed_papers(store, embedder, seeds)
    rows = [seed_vectors[p.id] for p in seeds if p.id is not None and p.id in seed_vectors]
    query = RadarQuery(
        radar=radar,
        description_vector=embed_texts(store, embedder, [description], "query")[0] if description else None,
        seed_vectors=np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), dtype=np.float32),
        seed_titles=[p.title for p in seeds],
        seed_texts=[f"{p.title}. {p.abstract}" for p in seeds],
        allowed=np.array([may_show(p, radar, day) for p in papers], dtype=bool),
    )
    return rank_radars(index_day(papers, matrix), [query], top_k=PREVIEW_SIZE)[0]
