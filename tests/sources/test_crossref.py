"""Crossref works: real cassettes (JSON and unixsd XML), dates, abstracts, enrichment, ISSN listing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from academichub.config import Settings
from academichub.errors import ParseError
from academichub.models import RunStatus
from academichub.sources.base import SourceSpec, enrichers
from academichub.sources.crossref import (
    CrossrefEnricher,
    CrossrefSource,
    date_parts,
    parse_crossref,
    parse_crossref_unixsd,
)
from academichub.sources.files import parse_file
from academichub.sources.recordings import unwrap_cassette


def _bodies(path: Path) -> list[bytes]:
    return [r.body for r in unwrap_cassette(path.read_bytes()) if r.is_success]


def test_single_work_from_habanero_cassette(repo_fixtures: Path) -> None:
    (body,) = _bodies(repo_fixtures / "crossref-works/test_works_with_one_id.yaml")
    page = parse_crossref(body)
    (item,) = page.items
    assert item.doi == "10.1371/journal.pone.0033693"
    assert item.venue == "PLoS ONE"
    assert item.title.startswith("Methylphenidate")
    assert item.authors and all(a.name for a in item.authors)
    assert item.published is not None and item.date_flag is None
    assert item.links[0].url == "https://doi.org/10.1371/journal.pone.0033693"


def test_work_list_with_cursor_and_year_only_dates(repo_fixtures: Path) -> None:
    (body,) = _bodies(repo_fixtures / "crossref-works/test_cursor.yaml")
    page = parse_crossref(body)
    assert len(page.items) == 20 and page.total == 454
    assert page.next_cursor and page.next_cursor.startswith("DnF1ZXJ5")
    flagged = [item for item in page.items if item.date_flag]
    assert {item.date_flag for item in flagged} <= {"year-only date", "month-only date"}
    assert any(item.date_flag == "year-only date" for item in flagged)


def test_every_shared_crossref_response_parses(shared_fixtures: Path) -> None:
    works = 0
    for path in sorted((shared_fixtures / "crossref-works").glob("*/*.y*ml")):
        for body in _bodies(path):
            items = parse_crossref_unixsd(body) if body.startswith(b"<?xml") else parse_crossref(body).items
            works += len(items)
            for item in items:
                assert item.doi and item.doi == item.doi.lower()
                assert "<jats:" not in item.abstract and "<p>" not in item.abstract
    assert works > 150


def test_jats_abstracts_come_out_as_clean_text(shared_fixtures: Path) -> None:
    items = [
        i
        for b in _bodies(shared_fixtures / "crossref-works/rcrossref-vcr/cr_works.yml")
        for i in parse_crossref(b).items
    ]
    feline = next(i for i in items if i.abstract.startswith("Feline foamy virus (FFV)"))
    assert "Abstract" not in feline.abstract[:20]
    assert "<" not in feline.abstract
    renear = next(i for i in items if i.abstract.startswith("Strategic Reading: Scanning the scientific literature"))
    assert "Renear and Palmer" in renear.abstract
    orcid_authors = [a for i in items for a in i.authors if a.orcid]
    assert orcid_authors and all(len(a.orcid or "") == 19 for a in orcid_authors)


def test_unixsd_xml_abstract(repo_fixtures: Path) -> None:
    (body,) = _bodies(repo_fixtures / "crossref-works/cr_abstract.yml")
    (item,) = parse_crossref_unixsd(body)
    assert item.doi == "10.1175//2572.1"
    assert item.venue == "Monthly Weather Review"
    assert item.published == dt.date(2003, 8, 1)
    assert [a.name for a in item.authors] == ["Da-Lin Zhang", "Wei-Zhong Zheng", "Yong-Kang Xue"]
    assert item.abstract.startswith("The Pennsylvania State University–NCAR Mesoscale Model (MM5)")
    assert "\n\nA 30-day integration of June 1998" in item.abstract


def test_cassette_file_ingests_through_files(repo_fixtures: Path) -> None:
    (parsed,) = list(parse_file(repo_fixtures / "crossref-works/test_works_with_one_id.yaml"))
    assert parsed.format == "crossref-json" and parsed.error == ""
    assert parsed.items[0].doi == "10.1371/journal.pone.0033693"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"date-parts": [[2020, 1, 31]]}, (dt.date(2020, 1, 31), "day")),
        ({"date-parts": [[2020, 5]]}, (dt.date(2020, 5, 1), "month")),
        ({"date-parts": [[2019]]}, (dt.date(2019, 1, 1), "year")),
        ({"date-parts": [[None]]}, (None, "")),
        ({"date-parts": [[2019, 2, 30]]}, (None, "")),
        (None, (None, "")),
    ],
)
def test_date_parts(value: object, expected: tuple[dt.date | None, str]) -> None:
    assert date_parts(value) == expected


def test_error_bodies_are_parse_errors() -> None:
    with pytest.raises(ParseError, match="not Crossref JSON"):
        parse_crossref(b"Resource not found.")
    failure = {"status": "failed", "message-type": "validation-failure", "message": [{"message": "bad filter"}]}
    with pytest.raises(ParseError, match="bad filter"):
        parse_crossref(json.dumps(failure).encode())


def _work_list(items: list[dict[str, object]], cursor: str | None = "next") -> bytes:
    message: dict[str, object] = {"total-results": 3, "items": items}
    if cursor:
        message["next-cursor"] = cursor
    return json.dumps({"status": "ok", "message-type": "work-list", "message": message}).encode()


def _work(n: int) -> dict[str, object]:
    return {
        "DOI": f"10.1038/S41586-024-0000{n}",
        "title": [f"Work {n}"],
        "container-title": ["Nature"],
        "created": {"date-parts": [[2024, 5, 1]]},
        "published-online": {"date-parts": [[2024, 5, 1]]},
        "author": [{"given": "Ada", "family": "Lovelace", "ORCID": "http://orcid.org/0000-0002-1825-0097"}],
    }


def test_enricher_batches_dois_and_sends_mailto(loopback, http_client) -> None:
    loopback.add("/works", _work_list([_work(1), _work(2)], cursor=None))
    enricher = CrossrefEnricher("me@example.org", base_url=loopback.url(""))
    items = enricher.lookup_dois(http_client, ["10.1038/s41586-024-00001", "10.1038/S41586-024-00002"])
    assert [i.doi for i in items] == ["10.1038/s41586-024-00001", "10.1038/s41586-024-00002"]
    assert items[0].authors[0].orcid == "0000-0002-1825-0097"
    (request,) = loopback.requests
    assert request.query["mailto"] == "me@example.org"
    assert request.query["filter"] == "doi:10.1038/s41586-024-00001,doi:10.1038/s41586-024-00002"
    built = enrichers(Settings(contact_email="me@example.org"))
    assert [e.name for e in built][:1] == ["crossref"]


def test_issn_listing_pages_until_items_run_out(loopback, http_client) -> None:
    pages = [_work_list([_work(1), _work(2)], "c2"), _work_list([_work(3)], "c3"), _work_list([], "c4")]
    served = iter(pages)
    loopback.add_handler("/works", lambda request: (200, {"Content-Type": "application/json"}, next(served)))
    source = CrossrefSource(CrossrefEnricher(base_url=loopback.url("")))
    result = source.fetch(SourceSpec("crossref:0028-0836", "crossref", "0028-0836"), http_client, dt.date(2024, 5, 2))
    assert [i.title for i in result.items] == ["Work 1", "Work 2", "Work 3"]
    assert result.status == RunStatus.OK and result.note == ""
    assert [r.query["cursor"] for r in loopback.requests] == ["*", "c2", "c3"]
    assert loopback.requests[0].query["filter"] == "issn:0028-0836,from-index-date:2024-05-01"
    assert "mailto" not in loopback.requests[0].query
    assert result.items[0].announced == dt.date(2024, 5, 1)
