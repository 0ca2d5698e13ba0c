"""Sentence vectors of papers and free texts for the aspect signal (rank.aspects): each encoded once and stored.

A paper's sentences are its abstract split by rank.sentences (its title when it has no abstract); they are kept
with the paper's other vectors under the embedder's name + SUFFIX, as one float16 [sentences, dim] block per paper,
and re-encoded only when the text changes. Blocks of papers no longer announced are pruned after a while (seeds'
stay). Seed texts imported from a library are cached by text hash the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from academichub.models import Paper, Radar
from academichub.rank.embed import Embedder, ProgressFn, offset_progress
from academichub.rank.sentences import paper_sentences, split_sentences
from academichub.store import Store

SUFFIX = ":sentences"
SAVE_EVERY = 64  # papers whose sentences are encoded between saves (a killed run loses at most these)
Matrix = NDArray[np.float32]
log = logging.getLogger(__name__)


def _digest(sentences: Sequence[str]) -> str:
    return hashlib.blake2b("\n".join(sentences).encode(), digest_size=12).hexdigest()


def embed_paper_sentences(
    store: Store,
    embedder: Embedder,
    papers: Sequence[Paper],
    *,
    progress: ProgressFn | None = None,
    encode: bool = True,
) -> dict[int, Matrix]:
    """Per paper id, its sentence vectors [sentences, dim]: stored blocks reused, the rest encoded and saved
    (left out when not `encode`: a caller that must answer now, such as a preview)."""
    model = embedder.name + SUFFIX
    stored = store.vectors_for([p.id for p in papers if p.id is not None], model)
    out: dict[int, Matrix] = {}
    todo: list[tuple[int, list[str], str]] = []
    for paper in papers:
        if paper.id is None:
            continue
        sentences = paper_sentences(paper.title, paper.abstract)
        digest = _digest(sentences)
        known = stored.get(paper.id)
        if known is not None and known[1] == digest:
            out[paper.id] = known[0].reshape(-1, embedder.dim)
        elif sentences:
            todo.append((paper.id, sentences, digest))
    if not encode:
        return out
    done, total = 0, sum(len(sentences) for _, sentences, _ in todo)
    for first in range(0, len(todo), SAVE_EVERY):  # saved as it goes: a killed run keeps what it encoded
        part = todo[first : first + SAVE_EVERY]
        flat = [s for _, sentences, _ in part for s in sentences]
        encoded = embedder.encode(flat, "passage", progress=offset_progress(progress, done, total))
        done += len(flat)
        rows = []
        start = 0
        for paper_id, sentences, digest in part:
            # as stored (float16), so a ranking from fresh blocks equals one from stored blocks (the preview's)
            block = encoded[start : start + len(sentences)].astype(np.float16).astype(np.float32)
            start += len(sentences)
            out[paper_id] = block
            rows.append((paper_id, block.reshape(-1), digest))
        store.save_vectors(model, rows, half=True)
    return out


def prune_paper_sentences(
    store: Store, embedder: Embedder, radars: Sequence[Radar], day: dt.date, keep_days: int
) -> int:
    """Delete the sentence blocks of papers not announced in the `keep_days` days up to `day`, except the radars'
    seed papers' (0 keeps every block); returns how many went. Whole-paper vectors are never touched."""
    if keep_days <= 0:
        return 0
    seeds = store.ids_for_keys([key for radar in radars for key in radar.seeds])
    since = day - dt.timedelta(days=keep_days)
    pruned = store.prune_vectors(embedder.name + SUFFIX, since=since, keep=set(seeds.values()))
    log.info("pruned %d sentence-vector blocks of papers last announced before %s", pruned, since)
    return pruned


def embed_text_sentences(
    store: Store, embedder: Embedder, texts: Sequence[str], *, encode: bool = True
) -> list[Matrix]:
    """Sentence vectors of free texts (a seed from an imported library that is not a stored paper); empty where a
    text has none, or they are not stored and not `encode`."""
    model = embedder.name + SUFFIX
    splits = [split_sentences(t) for t in texts]
    hashes = [_digest(s) for s in splits]
    known = store.text_vectors(hashes, model)
    todo = [i for i, h in enumerate(hashes) if h not in known and splits[i]]
    if todo and encode:
        encoded = embedder.encode([s for i in todo for s in splits[i]], "passage")
        start, rows = 0, []
        for i in todo:
            block = encoded[start : start + len(splits[i])]
            start += len(splits[i])
            rows.append((hashes[i], block.reshape(-1)))
            known[hashes[i]] = block.reshape(-1)
        store.save_text_vectors(model, rows)
    empty = np.zeros((0, embedder.dim), dtype=np.float32)
    return [known[h].reshape(-1, embedder.dim) if h in known else empty for h in hashes]
