"""bioRxiv/medRxiv details API: parsing real pages and walking every page of a day."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from academichub.errors import ConfigError, ParseError
from academichub.models import RunStatus
from academichub.sources.base import SourceSpec, file_formats
from academichub.sources.biorxiv import (
    BiorxivSource,
    parse_biorxiv_details,
    parse_target,
    server_label,
    subject_label,
)

DETAILS = "biorxiv-api/biorxiv_details_2020-01-01_2022-12-31_cursor0.json"
BY_DOI = "biorxiv-api/biorxiv_details_by_doi_7papers.json"


def test_date_range_page_gives_paging_facts_and_one_item_per_record(repo_fixtures: Path) -> None:
    page = parse_biorxiv_details((repo_fixtures / DETAILS).read_bytes())
    assert (page.cursor, page.count, page.total) == (0, 100, 152918)
    assert len(page.items) == 50  # the recorder kept 50 of the 100 rows
    first = page.items[0]
    assert first.doi == "10.1101/001768"
    assert first.version == 2
    assert first.versions[0].number == 2 and first.versions[0].date == dt.date(2022, 6, 24)
    assert first.announced == dt.date(2022, 6, 24)
    assert first.venue == "bioRxiv"
    assert first.listing == "Systems Biology"
    assert first.published_doi == "10.1016/j.isci.2022.105906"
    assert first.authors[0].name == "Durrieu, L."
    assert first.authors[-1].affiliations == ("IFIByNE, DFBMC, FCEN, UBA, Buenos Aires, Argentine",)
    assert [link.url for link in first.links][:2] == [
        "https://www.biorxiv.org/content/10.1101/001768v2",
        "https://www.biorxiv.org/content/10.1101/001768v2.full.pdf",
    ]


def test_every_record_keeps_its_version_and_empty_fields_become_none(repo_fixtures: Path) -> None:
    page = parse_biorxiv_details((repo_fixtures / DETAILS).read_bytes())
    dois = [item.doi for item in page.items]
    assert len(set(dois)) < len(dois)  # several versions of one paper are separate records
    assert all(item.version and item.version >= 1 for item in page.items)
    assert any(item.license is None for item in page.items)  # "" licence
    assert any(item.published_doi is None for item in page.items)  # "NA"
    assert all(item.title and item.abstract for item in page.items)


def test_medrxiv_page_is_labelled_medrxiv(shared_fixtures: Path) -> None:
    path = shared_fixtures / "biorxiv-api/findpapers/medrxiv_details_2020-01-01_2022-12-31_cursor0.json"
    page = parse_biorxiv_details(path.read_bytes())
    assert {item.venue for item in page.items} == {"medRxiv"}
    assert all(item.links[0].url.startswith("https://www.medrxiv.org/content/10.1101/") for item in page.items)
    assert "Psychiatry and Clinical Psychology" in {item.listing for item in page.items}


@pytest.mark.parametrize("name", ["biorxiv_details_by_doi_7papers.json", "medrxiv_details_by_doi_5papers.json"])
def test_doi_lookup_responses_have_no_totals(shared_fixtures: Path, name: str) -> None:
    recorded = json.loads((shared_fixtures / "biorxiv-api/findpapers" / name).read_text())
    for entry in recorded:
        page = parse_biorxiv_details(json.dumps(entry["raw_response"]).encode())
        assert page.total is None and page.count is None
        assert {item.doi for item in page.items} == {entry["doi"]}


def test_labels() -> None:
    assert server_label("biorxiv") == "bioRxiv" and server_label("medrxiv") == "medRxiv"
    assert subject_label("bioinformatics") == "Bioinformatics"
    assert subject_label("psychiatry and clinical psychology") == "Psychiatry and Clinical Psychology"
    assert parse_target("biorxiv") == ("biorxiv", None)
    assert parse_target("medrxiv:genomics") == ("medrxiv", "genomics")
    assert parse_target("biorxiv?category=cell_biology") == ("biorxiv", "cell biology")
    with pytest.raises(ConfigError):
        parse_target("arxiv")


def test_not_biorxiv_json_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        parse_biorxiv_details(b"<html>down for maintenance</html>")
    with pytest.raises(ParseError):
        parse_biorxiv_details(b'{"results": []}')


def test_recorded_file_is_ingestable(repo_fixtures: Path) -> None:
    path = repo_fixtures / DETAILS
    data = path.read_bytes()
    fmt = next(f for f in file_formats() if f.sniff(path, data))
    assert fmt.name == "biorxiv-details"
    assert len(list(fmt.parse(path, data))) == 50


# --- cursor paging over loopback ------------------------------------------------------------

TOTAL = 250


def _records(repo_fixtures: Path) -> list[dict[str, object]]:
    """250 distinct records made from the real ones (DOI suffix changed so each is unique)."""
    real = json.loads((repo_fixtures / DETAILS).read_text())["collection"]
    out = []
    for i in range(TOTAL):
        record = copy.deepcopy(real[i % len(real)])
        record["doi"] = f"{record['doi']}.{i}"
        out.append(record)
    return out


def _page(records: list[dict[str, object]], cursor: int, *, answered_cursor: int | None = None) -> bytes:
    chunk = records[cursor : cursor + 100]
    message = {
        "status": "ok",
        "interval": "2024-05-01:2024-05-02",
        "cursor": cursor if answered_cursor is None else answered_cursor,
        "count": len(chunk),
        "count_new_papers": str(TOTAL),
        "total": str(TOTAL),
    }
    return json.dumps({"messages": [message], "collection": chunk}).encode()


def _serve_pages(loopback, records, *, broken: bool = False) -> None:  # type: ignore[no-untyped-def]
    def handler(request):  # type: ignore[no-untyped-def]
        cursor = int(request.path.rstrip("/").split("/")[-2])
        if broken:  # a server that ignores the cursor and always answers page 0
            return 200, {"Content-Type": "application/json"}, _page(records, 0)
        return 200, {"Content-Type": "application/json"}, _page(records, cursor)

    for cursor in (0, 100, 200, 300):
        loopback.add_handler(f"/details/biorxiv/2024-05-01/2024-05-02/{cursor}/json", handler)


def test_fetch_follows_the_cursor_to_the_last_page(loopback, http_client, repo_fixtures: Path) -> None:
    records = _records(repo_fixtures)
    _serve_pages(loopback, records)
    source = BiorxivSource(base_url=loopback.url("/details"))
    result = source.fetch(SourceSpec("biorxiv", "biorxiv", "biorxiv"), http_client, dt.date(2024, 5, 2))
    assert len(result.items) == TOTAL
    assert len({item.doi for item in result.items}) == TOTAL
    assert [r.path.split("/")[-2] for r in loopback.requests] == ["0", "100", "200"]
    assert result.status == RunStatus.OK and result.note == ""


def test_out_of_step_cursor_is_detected(loopback, http_client, repo_fixtures: Path) -> None:
    _serve_pages(loopback, _records(repo_fixtures), broken=True)
    source = BiorxivSource(base_url=loopback.url("/details"))
    result = source.fetch(SourceSpec("biorxiv", "biorxiv", "biorxiv"), http_client, dt.date(2024, 5, 2))
    assert len(result.items) == 100  # only the honest first page is kept
    assert "out of step" in result.note
    assert f"100 of {TOTAL}" in result.note


def test_subject_filter_is_sent_as_category(loopback, http_client, repo_fixtures: Path) -> None:
    _serve_pages(loopback, _records(repo_fixtures))
    source = BiorxivSource(base_url=loopback.url("/details"))
    source.fetch(SourceSpec("biorxiv:genomics", "biorxiv", "biorxiv:genomics"), http_client, dt.date(2024, 5, 2))
    assert loopback.requests[0].query == {"category": "genomics"}


def test_empty_window_is_no_announcement(loopback, http_client) -> None:
    body = json.dumps({"messages": [{"status": "no posts found"}], "collection": []}).encode()
    loopback.add("/details/medrxiv/2024-05-04/2024-05-05/0/json", body)
    source = BiorxivSource(base_url=loopback.url("/details"))
    result = source.fetch(SourceSpec("medrxiv", "biorxiv", "medrxiv"), http_client, dt.date(2024, 5, 5))
    assert result.items == () and result.status == RunStatus.NO_ANNOUNCEMENT
