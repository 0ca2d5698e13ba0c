"""The demo snapshot ingested into a home (made with `academichub demo --no-rank` unless it exists), for the tools
that rebuild the demo's shipped vectors."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from academichub.store import Store, open_store


def demo_store(prefix: str) -> Store:
    """The store of --home DIR (default: a fresh temporary home), with the demo snapshot ingested."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix=prefix))
    if not (home / "academichub.db").exists():
        subprocess.run([sys.executable, "-m", "academichub", "demo", "--home", str(home), "--no-rank"], check=True)
    return open_store(f"sqlite:///{home / 'academichub.db'}")


def progress(done: int, total: int) -> None:
    sys.stdout.write(f"\r{done}/{total}")
    sys.stdout.flush()
