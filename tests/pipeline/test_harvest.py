"""OAI-PMH bulk harvest over a real loopback server serving real arXivRaw pages: kill it, rerun, same papers."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from academichub.pipeline import harvest_oai
from academichub.store import open_store

FINAL = (
    b"<?xml version='1.0' encoding='UTF-8'?><OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'>"
    b"<responseDate>2014-01-16T00:00:00Z</responseDate><request verb='ListRecords'>x</request>"
    b"<ListRecords><resumptionToken completeListSize='907096' cursor='96000'></resumptionToken></ListRecords></OAI-PMH>"
)


class RealPages:
    """Page 1 and 2 are real arXivRaw pages (1,000 records each); their tokens chain them; then the list ends.

    The second page can be held back so a test can kill the harvester while it waits for it."""

    def __init__(self, first: bytes, second: bytes) -> None:
        self.first, self.second = first, second
        self.first_token = re.search(rb"<resumptionToken[^>]*>([^<]+)<", first).group(1).decode()
        self.second_token = re.search(rb"<resumptionToken[^>]*>([^<]+)<", second).group(1).decode()
        self.release = threading.Event()
        self.release.set()

    def __call__(self, request):
        token = request.query.get("resumptionToken")
        if token is None:
            return 200, {"content-type": "text/xml"}, self.first
        if token == self.first_token:
            self.release.wait(30)
            return 200, {"content-type": "text/xml"}, self.second
        if token == self.second_token:
            return 200, {"content-type": "text/xml"}, FINAL
        return 400, {}, b"unknown token"


@pytest.fixture
def pages(shared_fixtures):
    oai = shared_fixtures / "arxiv-oai-pmh"
    return RealPages(
        (oai / "scirate" / "arXivRaw_ListRecords_2014-01-16_token496549-95001.xml").read_bytes(),
        (oai / "arxivsync" / "arXivRaw_ListRecords_2014-01-16_token496549-46001.xml").read_bytes(),
    )


def keys(db):
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT k.key, p.fingerprint FROM paper_keys k JOIN papers p ON p.id = k.paper_id ORDER BY 1")
    out = rows.fetchall()
    conn.close()
    return out


def test_clean_harvest_follows_tokens_and_records_the_run(settings, http_client, loopback, pages):
    loopback.add_handler("/oai", pages)
    store = open_store(settings.resolved_database_url)
    report = harvest_oai(store, http_client, base_url=loopback.url("/oai"))
    assert report.pages == 3 and report.counts.seen == 2000
    assert store.count_papers() > 1900
    [(state, run)] = store.latest_runs()
    assert state.name == "arxiv-oai:all" and run.status == "ok" and run.items_new == report.counts.new
    assert store.checkpoint("oai-harvest", f"last-from|{state.name}") == report.next_from.isoformat()
    store.close()


def test_killed_harvest_resumes_and_ends_like_a_clean_run(tmp_path, settings, http_client, loopback, pages):
    loopback.add_handler("/oai", pages)
    url = loopback.url("/oai")
    clean = open_store(settings.resolved_database_url)
    harvest_oai(clean, http_client, base_url=url)
    clean.close()

    home = tmp_path / "killed"
    env = {**os.environ, "ACADEMICHUB_HOME": str(home), "ACADEMICHUB_ALLOW_PRIVATE_NETWORKS": "true"}
    cmd = [sys.executable, "-m", "academichub", "harvest", "--base-url", url]
    pages.release.clear()  # hold page 2 back: the first page is committed while the harvester waits
    loopback.requests.clear()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not any(r.query.get("resumptionToken") == pages.first_token for r in loopback.requests):
        assert time.monotonic() < deadline and proc.poll() is None, "harvester never asked for page 2"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    pages.release.set()

    loopback.requests.clear()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "resumed at token" in done.stdout
    first = loopback.requests[0]
    assert first.query == {"verb": "ListRecords", "resumptionToken": pages.first_token}
    assert keys(home / "academichub.db") == keys(settings.sqlite_path)
