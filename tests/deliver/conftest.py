"""Fixtures for delivery tests: a real SMTP server on loopback, POST-enabled settings, a store."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from academichub.config import Settings
from academichub.store import open_store
from smtp_loopback import RecordingHandler, free_port


@pytest.fixture
def smtp_server():
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    if handler.hold_data is not None:
        handler.hold_data.set()
    controller.stop()


@pytest.fixture
def mail_settings(tmp_path, smtp_server) -> Settings:
    controller, _ = smtp_server
    return Settings(
        home=tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_security="none",
        smtp_timeout_s=5.0,
        email_from="AcademicHub 学术日报 <digest@academichub.example>",
        delivery_retries=2,
        delivery_backoff_s=0.01,
    )


@pytest.fixture
def post_settings(tmp_path) -> Settings:
    """May POST to loopback (explicit opt-in), tiny backoffs."""
    return Settings(
        home=tmp_path,
        webhook_allow_private_networks=True,
        delivery_retries=2,
        delivery_backoff_s=0.01,
        retry_after_cap_s=0.05,
        fetch_timeout_s=5.0,
    )


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'deliver.db'}")
    yield s
    s.close()
