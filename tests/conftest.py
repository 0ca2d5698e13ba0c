"""Shared fixtures: the loopback HTTP server, test Settings, an HttpClient, fixture paths.

Keep these at the top; add your package's fixtures below.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from academichub.config import Settings
from academichub.sources.http import HttpClient
from loopback import LoopbackServer

REPO = Path(__file__).resolve().parents[1]
REPO_FIXTURES = REPO / "tests" / "fixtures"
# CI checks shared/ out beside the repo clone; locally it is /work/shared.
FIXTURES = REPO.parent / "shared" / "fixtures"


@pytest.fixture(scope="session")
def loopback_server() -> Iterator[LoopbackServer]:
    """One real server for the session; use `loopback` in tests (fresh routes each test)."""
    with LoopbackServer() as server:
        yield server


@pytest.fixture
def loopback(loopback_server: LoopbackServer) -> Iterator[LoopbackServer]:
    loopback_server.reset()
    yield loopback_server
    loopback_server.reset()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings that may reach loopback, with no pacing and tiny backoffs."""
    return Settings(
        home=tmp_path,
        allow_private_networks=True,
        host_intervals_s={},
        backoff_base_s=0.01,
        retry_after_cap_s=2.0,
        fetch_timeout_s=3.0,
        connect_timeout_s=2.0,
    )


@pytest.fixture
def http_client(settings: Settings) -> Iterator[HttpClient]:
    with HttpClient(settings) as client:
        yield client


@pytest.fixture
def shared_fixtures() -> Path:
    """<repo>/../shared/fixtures (large recorded responses); skips when that checkout is absent."""
    if not FIXTURES.is_dir():
        pytest.skip(f"shared fixtures not found at {FIXTURES} (check out shared/ beside the repo)")
    return FIXTURES


@pytest.fixture
def repo_fixtures() -> Path:
    return REPO_FIXTURES
