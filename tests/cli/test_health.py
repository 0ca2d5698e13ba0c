"""Startup checks a user sees (RELIABILITY B1): an Expat older than 2.6.0 is named once, by the CLI and the web app."""

from __future__ import annotations

import os
import pyexpat
import subprocess
import sys
from pathlib import Path

OLD_EXPAT = tuple(pyexpat.version_info) < (2, 6, 0)  # 2.5.0 on this Debian: the warning must show
VERSION = ".".join(str(n) for n in pyexpat.version_info)
WARNING = f"Expat {VERSION} is older than 2.6.0"


def academichub(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ACADEMICHUB_HOME": str(home)}
    env.pop("ACADEMICHUB_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "academichub", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_cli_warns_once_about_an_old_expat_and_sources_shows_it(tmp_path: Path) -> None:
    feed = Path(__file__).resolve().parents[1] / "fixtures" / "nature-rss" / "nature_rss_2023-12-01T0012Z.rdf"
    ingested = academichub(tmp_path, "ingest", str(feed))
    assert ingested.returncode == 0, ingested.stderr
    assert ingested.stderr.count(WARNING) == (1 if OLD_EXPAT else 0)  # logged once by a command that parses XML
    listed = academichub(tmp_path, "papers")
    assert WARNING not in listed.stderr  # commands that parse no XML stay quiet
    result = academichub(tmp_path, "sources")
    assert result.returncode == 0, result.stderr
    shown = [line for line in result.stdout.splitlines() if WARNING in line]
    assert len(shown) == (1 if OLD_EXPAT else 0)
    if OLD_EXPAT:
        assert "documents that declare entities are refused" in shown[0]


def test_the_web_app_logs_it_once_however_many_apps_start(tmp_path: Path) -> None:
    code = (
        "import logging; logging.basicConfig(level=logging.INFO)\n"
        "from academichub.config import Settings\nfrom academichub.web.app import create_app\n"
        f"create_app(Settings(home={str(tmp_path)!r})); create_app(Settings(home={str(tmp_path)!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(WARNING) == (1 if OLD_EXPAT else 0)
    if OLD_EXPAT:
        assert "WARNING:academichub.sources.xml:" in result.stderr
