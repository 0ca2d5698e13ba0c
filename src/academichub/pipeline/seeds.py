"""A radar's seed papers as the ranking needs them: their vectors and, for the first ASPECT_SEEDS, their sentence
vectors. Stored ones are reused; the rest are encoded and stored: all of them after a web import, by `daily`
and by run-daily's last stage; at most daily_seed_budget when run-daily ranks and PAGE_SEED_BUDGET for a page that
must answer now (the others are left out and counted).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from academichub.models import Paper, Radar
from academichub.pipeline.paper_vectors import Progress, embed_papers, text_vectors
from academichub.pipeline.sentence_vectors import embed_paper_sentences, embed_text_sentences
from academichub.rank.embed import Embedder
from academichub.rank.sentences import paper_sentences, split_sentences
from academichub.store import Store

PAGE_SEED_BUDGET = 3  # seeds a page (preview, first view) encodes at most: ~1-3 s each; an imported library waits
ASPECT_SEEDS = 20  # seeds matched sentence by sentence at most (a whole imported library would cost minutes)
Matrix = NDArray[np.float32]


def seed_papers(store: Store, radar: Radar) -> list[Paper]:
    """The radar's seeds that are stored papers, in its order."""
    return [p for key in radar.seeds if (p := store.paper_by_key(key)) is not None]


def read_radar_seeds(store: Store, embedder: Embedder, radar: Radar) -> SeedsRead:
    """Everything the radar's seeds need encoded and stored, so pages rank with all of them (an imported library
    of hundreds of papers takes minutes: run it where nobody waits, as after a web import)."""
    return read_seeds(store, embedder, seed_papers(store, radar), radar.seed_texts)


@dataclass(frozen=True)
class SeedsRead:
    """A radar's seeds that have vectors, stored papers first, then imported texts: row k of `vectors`, title k and
    (for the first ASPECT_SEEDS) sentence block k are one seed."""

    vectors: Matrix
    titles: list[str]
    sentences: list[Matrix]
    unread: int  # seeds left out, or matched without their sentences, for want of vectors (over the budget)


def read_seeds(
    store: Store,
    embedder: Embedder,
    papers: Sequence[Paper],
    texts: Sequence[str],
    *,
    budget: int | None = None,
    progress: Progress | None = None,
) -> SeedsRead:
    """The seeds' vectors and (the first ASPECT_SEEDS') sentence vectors: stored ones reused, the rest encoded and
    saved; at most `budget` seeds' vectors and `budget` seeds' sentences are encoded now (None: all), the seeds
    still without them are left out (or matched without sentences) and counted."""
    by_id = embed_papers(store, embedder, papers, encode=False)
    rows = text_vectors(store, embedder, texts, "passage", encode=False)
    lacking = [p for p in papers if p.id is not None and p.id not in by_id]
    lacking_texts = [i for i, v in enumerate(rows) if v is None]
    room = len(lacking) + len(lacking_texts) if budget is None else budget
    by_id.update(embed_papers(store, embedder, lacking[:room], progress=progress))
    now = lacking_texts[: max(0, room - len(lacking))]
    read_now = text_vectors(store, embedder, [texts[i] for i in now], "passage", progress=progress)
    for i, vector in zip(now, read_now, strict=True):
        rows[i] = vector
    read_papers = [p for p in papers if p.id in by_id]
    read_texts = [(t, v) for t, v in zip(texts, rows, strict=True) if v is not None]
    vectors = [by_id[p.id or 0] for p in read_papers] + [v for _, v in read_texts]
    titles = [p.title for p in read_papers] + [t.split(". ", 1)[0][:120] for t, _ in read_texts]
    sentences, unmatched = _seed_sentences(
        store, embedder, read_papers[:ASPECT_SEEDS], [t for t, _ in read_texts][: ASPECT_SEEDS - len(read_papers)],
        budget, progress,
    )  # fmt: skip
    unread = len(papers) - len(read_papers) + len(texts) - len(read_texts) + unmatched
    matrix = np.vstack(vectors).astype(np.float32) if vectors else np.zeros((0, 0), dtype=np.float32)
    return SeedsRead(matrix, titles, sentences, unread)


def _seed_sentences(
    store: Store,
    embedder: Embedder,
    papers: Sequence[Paper],
    texts: Sequence[str],
    budget: int | None,
    progress: Progress | None,
) -> tuple[list[Matrix], int]:
    """Sentence vectors of these seeds (papers, then texts), at most `budget` seeds' encoded now; and how many
    seeds that have sentences are left without their vectors."""
    blocks = embed_paper_sentences(store, embedder, papers, encode=False)
    lacking = [p for p in papers if p.id not in blocks and paper_sentences(p.title, p.abstract)]
    text_blocks = embed_text_sentences(store, embedder, texts, encode=False)
    lacking_texts = [i for i, b in enumerate(text_blocks) if not len(b) and split_sentences(texts[i])]
    room = len(lacking) + len(lacking_texts) if budget is None else budget
    blocks.update(embed_paper_sentences(store, embedder, lacking[:room], progress=progress))
    now = lacking_texts[: max(0, room - len(lacking))]
    for i, block in zip(now, embed_text_sentences(store, embedder, [texts[i] for i in now]), strict=True):
        text_blocks[i] = block
    empty = np.zeros((0, embedder.dim), dtype=np.float32)
    out = [blocks.get(p.id or 0, empty) for p in papers] + text_blocks
    return out, max(0, len(lacking) + len(lacking_texts) - room)
