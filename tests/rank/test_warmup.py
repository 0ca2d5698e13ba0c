"""The install's warm-up compiles the ranking's loops once, so the user's first run only loads them."""

from __future__ import annotations

import os
import subprocess
import sys


def test_after_the_install_warm_up_the_first_demo_compiles_nothing(tmp_path):
    """`make` runs `python -m academichub.rank.warmup`; the offline demo that follows (real papers, a seeded radar
    with the aspect re-rank, keywords, exclusions) loads every loop it ranks with from numba's cache and saves none
    anew, which it would if the warm-up had missed a loop or compiled it for other argument types."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    warm = subprocess.run([sys.executable, "-m", "academichub.rank.warmup"], env=env, capture_output=True, text=True)
    assert warm.returncode == 0 and "compiled the ranking's loops" in warm.stdout, warm.stderr[-2000:]
    demo = subprocess.run(
        [sys.executable, "-m", "academichub", "demo", "--home", str(tmp_path / "home")],
        env={**env, "NUMBA_DEBUG_CACHE": "1"}, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr[-2000:]
    log = demo.stdout + demo.stderr
    assert "data loaded" in log and "kernels._aspect_matches" in log and "kernels._phrase_postings" in log
    assert [line for line in log.splitlines() if "saved" in line] == []
