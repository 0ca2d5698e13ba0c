"""Vectors of papers and free texts (descriptions, imported seeds): each encoded once, stored, and reused.

Saved as they are encoded, so a killed run keeps what it encoded; callers that must answer now (pages) ask for the
stored ones only (`encode=False`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from academichub.models import Paper
from academichub.rank.embed import Embedder, offset_progress
from academichub.rank.radar import paper_text
from academichub.store import Store

SAVE_EVERY = 256  # texts encoded between saves (a killed run loses at most this many: about a minute here)
Progress = Callable[[int, int], None]


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def embed_papers(
    store: Store, embedder: Embedder, papers: Sequence[Paper], *, progress: Progress | None = None, encode: bool = True
) -> dict[int, NDArray[np.float32]]:
    """Vectors for these papers: stored ones reused, the rest encoded once and saved (left out when not `encode`)."""
    ids = [p.id for p in papers if p.id is not None]
    stored = store.vectors_for(ids, embedder.name)
    vectors: dict[int, NDArray[np.float32]] = {}
    missing: list[tuple[int, str, str]] = []
    for paper in papers:
        if paper.id is None:
            continue
        text = paper_text(paper)
        digest = text_hash(text)
        known = stored.get(paper.id)
        if known is not None and known[1] == digest:
            vectors[paper.id] = known[0]
        else:
            missing.append((paper.id, text, digest))
    if not encode:
        return vectors
    for start in range(0, len(missing), SAVE_EVERY):  # saved as it goes: a killed run keeps what it encoded
        part = missing[start : start + SAVE_EVERY]
        chunk_progress = offset_progress(progress, start, len(missing))
        encoded = embedder.encode([t for _, t, _ in part], "passage", progress=chunk_progress)
        store.save_vectors(embedder.name, [(pid, encoded[i], h) for i, (pid, _, h) in enumerate(part)])
        vectors.update({pid: encoded[i] for i, (pid, _, _) in enumerate(part)})
    return vectors


def embed_texts(store: Store, embedder: Embedder, texts: Sequence[str], kind: str) -> NDArray[np.float32]:
    """Vectors of free texts (descriptions, imported seeds), cached by text hash."""
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    rows = [v for v in text_vectors(store, embedder, texts, kind) if v is not None]  # all, when encoding
    return np.vstack(rows).astype(np.float32)


def text_vectors(
    store: Store,
    embedder: Embedder,
    texts: Sequence[str],
    kind: str,
    *,
    encode: bool = True,
    progress: Progress | None = None,
) -> list[NDArray[np.float32] | None]:
    """Each text's vector, cached by text hash: the rest encoded and saved (None when not `encode`)."""
    hashes = [text_hash(f"{kind}:{t}") for t in texts]
    known = store.text_vectors(hashes, embedder.name) if texts else {}
    todo = [i for i, h in enumerate(hashes) if h not in known]
    for start in range(0, len(todo) if encode else 0, SAVE_EVERY):  # saved as it goes, like papers
        part = todo[start : start + SAVE_EVERY]
        chunk_progress = offset_progress(progress, start, len(todo))
        encoded = embedder.encode(
            [texts[i] for i in part], "query" if kind == "query" else "passage", progress=chunk_progress
        )
        store.save_text_vectors(embedder.name, [(hashes[i], encoded[n]) for n, i in enumerate(part)])
        known.update({hashes[i]: encoded[n] for n, i in enumerate(part)})
    return [known.get(h) for h in hashes]
