"""A demo-like site for web tests: the bundled real snapshot ingested into a real SQLite home, and sign-up steps."""

from __future__ import annotations

import re
from importlib.resources import as_file, files
from pathlib import Path

from starlette.testclient import TestClient

from academichub.config import Settings
from academichub.models import Radar
from academichub.pipeline import ingest_files
from academichub.store import open_store

PASSWORD = "correct horse battery staple"
SAMPLE_RADARS = (
    Radar(name="reasoning", description="用大语言模型做数学推理和定理证明", keywords=("reasoning",), size=5),
    Radar(
        name="vision", description="vision transformers, diffusion models, 3D scenes", keywords=("diffusion",), size=5
    ),
)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def seed_demo_home(home: Path, *, all_files: bool = True) -> Settings:
    """Ingest the bundled real snapshot (optionally only the arXiv day) and add two radars owned by user 1."""
    settings = Settings(home=home, embedder="hashing")
    with open_store(settings.resolved_database_url) as store, as_file(files("academichub.demo")) as snapshot:
        paths = sorted(Path(snapshot).glob("*.gz"))
        ingest_files(store, paths if all_files else [p for p in paths if p.name.startswith("2026-06-29")])
        for radar in SAMPLE_RADARS:
            store.save_radar(radar)
    return settings


def csrf_from(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "page has no CSRF field"
    return found.group(1)


def sign_up(client: TestClient, name: str = "admin", password: str = PASSWORD) -> str:
    """Create the first (admin) account; returns the session's CSRF token."""
    token = csrf_from(client.get("/setup").text)
    response = client.post(
        "/setup", data={"csrf_token": token, "name": name, "password": password, "password_again": password}
    )
    assert response.status_code == 200, response.text[:500]
    return csrf_from(response.text)


def make_token(client: TestClient, csrf: str, label: str = "script") -> str:
    page = client.post("/settings/tokens", data={"csrf_token": csrf, "label": label}).text
    found = re.search(r'<code class="token">([^<]+)</code>', page)
    assert found, "the new token is not shown"
    return found.group(1)
