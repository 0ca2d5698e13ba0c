"""`academichub serve`: one or several uvicorn workers, each building the app from the command's own Settings."""

from __future__ import annotations

import os
import pickle
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner
from fastapi import FastAPI

from academichub.cli import cli
from academichub.cli.serve import uvicorn_config
from academichub.config import Settings

START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_worker_builds_the_app_from_the_settings_it_was_sent(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, embedder="hashing", web_open_registration=True, daily_schedule="")
    config = uvicorn_config(settings, "127.0.0.1", 8123, workers=2)
    worker_copy = pickle.loads(pickle.dumps(config))  # what spawning a worker process does with it
    worker_copy.load()
    app = worker_copy.loaded_app
    while not isinstance(app, FastAPI):  # uvicorn wraps the app in its proxy-headers middleware
        app = app.app
    assert app.state.settings == settings and app.state.settings.web_open_registration
    assert (tmp_path / "academichub.db").exists()


def test_help_names_workers_and_what_each_keeps_to_itself() -> None:
    text = CliRunner().invoke(cli, ["serve", "--help"]).output
    assert "--workers" in text and "database" in text


def test_two_workers_serve_the_same_data_directory(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "ACADEMICHUB_HOME": str(tmp_path), "ACADEMICHUB_EMBEDDER": "hashing",
           "ACADEMICHUB_DAILY_SCHEDULE": ""}  # fmt: skip
    env.pop("ACADEMICHUB_CONFIG", None)
    command = [sys.executable, "-m", "academichub", "serve", "--port", str(port), "--workers", "2"]
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while log_path.read_text().count("Application startup complete") < 2:
                assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
            pages = [httpx.get(f"http://127.0.0.1:{port}/setup", timeout=30) for _ in range(8)]
        finally:
            process.terminate()
            process.wait(timeout=20)
    assert all(p.status_code == 200 and 'name="csrf_token"' in p.text for p in pages)
    text = log_path.read_text()
    assert "2 workers" in text and text.count("Started server process") == 2
