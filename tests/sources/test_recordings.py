"""Unwrapping recorded responses: VCR cassettes with plain and gzip `!!binary` bodies."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from academichub.errors import ParseError
from academichub.sources.recordings import is_cassette, recorded_bodies, unwrap_cassette


def test_habanero_cassette_bodies_are_gunzipped(repo_fixtures: Path) -> None:
    (rec,) = unwrap_cassette((repo_fixtures / "crossref-works/test_works_with_one_id.yaml").read_bytes())
    assert rec.url == "https://api.crossref.org/works/10.1371/journal.pone.0033693"
    assert rec.status == 200 and rec.is_success
    assert rec.headers["content-type"].startswith("application/json")
    assert json.loads(rec.body)["message"]["DOI"] == "10.1371/journal.pone.0033693"


def test_rcrossref_cassette_has_plain_bodies_despite_gzip_header(repo_fixtures: Path) -> None:
    (rec,) = unwrap_cassette((repo_fixtures / "crossref-works/cr_abstract.yml").read_bytes())
    assert rec.headers["content-encoding"] == "gzip"
    assert rec.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_every_shared_cassette_unwraps(shared_fixtures: Path) -> None:
    paths = sorted((shared_fixtures / "crossref-works").glob("*/*.y*ml"))
    paths += sorted((shared_fixtures / "nature-rss/scrapi-vcr").glob("*.yaml"))
    assert len(paths) >= 10
    for path in paths:
        recordings = unwrap_cassette(path.read_bytes())
        assert recordings, path
        for rec in recordings:
            assert rec.url.startswith("http")
            if rec.is_success:
                assert rec.body.lstrip()[:1] in (b"{", b"<"), (path, rec.body[:40])


def test_error_responses_are_left_out_of_bodies(shared_fixtures: Path) -> None:
    path = shared_fixtures / "crossref-works/rcrossref-vcr/cr_works.yml"
    recordings = unwrap_cassette(path.read_bytes())
    assert any(r.status == 404 for r in recordings)
    bodies = recorded_bodies(path, path.read_bytes())
    assert bodies is not None
    assert len(bodies) == sum(1 for r in recordings if r.is_success)
    assert b"Resource not found." not in bodies


def test_not_a_cassette() -> None:
    assert recorded_bodies(Path("x.json"), b'{"status": "ok"}') is None
    assert not is_cassette(b"<rss/>")
    with pytest.raises(ParseError):
        unwrap_cassette(b"interactions: [unclosed")


def test_generated_vcrpy_cassette_with_binary_body() -> None:
    import base64

    body = gzip.compress(b'{"ok": true}')
    doc = (
        "interactions:\n- request: {method: GET, uri: 'https://x.example/a', body: null, headers: {}}\n"
        "  response:\n    status: {code: 200, message: OK}\n"
        "    headers: {Content-Encoding: [gzip], Content-Type: [application/json]}\n"
        f"    body: {{string: !!binary '{base64.b64encode(body).decode()}'}}\nversion: 1\n"
    )
    (rec,) = unwrap_cassette(doc.encode())
    assert rec.body == b'{"ok": true}'
    assert rec.headers == {"content-encoding": "gzip", "content-type": "application/json"}


def test_corrupt_gzip_body_is_a_parse_error() -> None:
    doc = (
        "http_interactions:\n- request: {method: get, uri: 'https://x.example/a'}\n"
        "  response:\n    status: {status_code: '200'}\n    body: {string: !!binary 'H4sIAAAA'}\n"
    )
    with pytest.raises(ParseError, match="decompress"):
        unwrap_cassette(doc.encode())
