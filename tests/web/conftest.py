"""Web fixtures: a seeded SQLite home per test (copied from one built per session) and an in-process client."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from academichub.config import Settings
from academichub.store import Store, open_store
from academichub.web.app import create_app
from web_demo_site import seed_demo_home


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded database, built once per session and copied per test."""
    home = tmp_path_factory.mktemp("web-demo")
    seed_demo_home(home, all_files=False)
    return home / "academichub.db"


@pytest.fixture
def web_settings(tmp_path: Path, demo_template: Path) -> Settings:
    """A fresh copy of the seeded database for each test (SQLite's online backup, so WAL content comes along)."""
    with (
        closing(sqlite3.connect(demo_template)) as source,
        closing(sqlite3.connect(tmp_path / "academichub.db")) as target,
    ):
        source.backup(target)
    return Settings(home=tmp_path, embedder="hashing")


@pytest.fixture
def client(web_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(web_settings)) as test_client:
        yield test_client


@pytest.fixture
def store(web_settings: Settings) -> Iterator[Store]:
    with open_store(web_settings.resolved_database_url) as opened:
        yield opened
