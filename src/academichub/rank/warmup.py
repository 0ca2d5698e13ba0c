"""Compile the ranking's loops (rank.kernels) ahead of the first real ranking: `python -m academichub.rank.warmup`.

numba compiles each loop on first use (10–18 s in all on 2 cores) and caches it on disk. Run at install (`make`), this
ranks a small made-up day with every kind of radar input, so each loop is compiled with the argument types the
product passes it, and the first `academichub demo` or `daily` only loads them. Pure apart from numba's cache.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from numpy.typing import NDArray

from academichub.models import Author, Paper, Radar
from academichub.rank.aspects import SentenceRows
from academichub.rank.day import index_day
from academichub.rank.radar import RadarQuery, rank_radars_columnar

WORDS = ("graph", "graphs", "neural", "network", "protein", "diffusion", "model", "models", "real", "world", "agent")
PAPERS = 600  # more than the top-k's sampling threshold needs, so its compiled path runs too
DIM = 8
TOP_K = 60


def warm_up() -> float:
    """Rank a made-up day once (every signal, filter and reason); returns the seconds it took."""
    rng = np.random.default_rng(0)
    papers = [
        Paper(keys=(f"warm:{i}",), title=f"{WORDS[i % 7]} real-world {WORDS[(i * 3) % len(WORDS)]}",
              abstract=" ".join(rng.choice(WORDS, 30)) + (" Schrödinger multi-agent." if i % 5 == 0 else "."),
              authors=(Author(f"Author {i % 9}"),), id=i + 1)
        for i in range(PAPERS)
    ]  # fmt: skip
    sentences = SentenceRows.of([_unit(rng, 2) for _ in papers], DIM)
    day = index_day(papers, _unit(rng, PAPERS), sentences)
    radar = Radar(name="warm", description="graph neural networks", keywords=("graph", "real-world", "schrodinger"),
                  excludes=("protein",), authors=("Author 3",), size=5)  # fmt: skip
    query = RadarQuery(
        radar, _unit(rng, 1)[0], _unit(rng, 2), ("seed one", "seed two"), _unit(rng, 1), _unit(rng, 1),
        seed_texts=("graph diffusion model", "neural agent"), seed_sentences=(_unit(rng, 2), _unit(rng, 3)),
        allowed=np.arange(PAPERS) % 10 > 0,  # as the product's radars: some papers hidden (seen, not watched)
    )  # fmt: skip
    start = time.perf_counter()
    for ranking in rank_radars_columnar(day, [query], top_k=TOP_K):
        list(ranking)  # every pick with its reasons
    return time.perf_counter() - start


def _unit(rng: np.random.Generator, n: int) -> NDArray[np.float32]:
    x = rng.standard_normal((n, DIM)).astype(np.float32)
    unit: NDArray[np.float32] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return unit


if __name__ == "__main__":
    sys.stdout.write(f"compiled the ranking's loops in {warm_up():.1f} s (cached on disk for every later run)\n")
