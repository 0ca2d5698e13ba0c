"""arXiv API (Atom + opensearch): recorded 2016/2026 responses, the error entry, and paging over loopback."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from lxml import etree

from academichub.errors import FetchError
from academichub.models import RunStatus
from academichub.sources.arxiv_api import (
    EMPTY_RETRY_DELAY_S,
    ArxivApiError,
    ArxivApiSource,
    category_query,
    fetch_api_page,
    parse_arxiv_api,
    search,
    unwrap_recording,
)
from academichub.sources.base import SourceSpec
from academichub.sources.files import parse_file
from academichub.sources.http import HttpClient
from loopback import LoopbackServer, RecordedRequest

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def recording(repo_fixtures: Path, name: str) -> tuple[int | None, bytes]:
    return unwrap_recording((repo_fixtures / "arxiv" / name).read_bytes())


def test_old_style_id_with_affiliations_journal_ref_and_dates(repo_fixtures: Path) -> None:
    status, body = recording(repo_fixtures, "id_astro-ph_0601001_s0_m100_3150dca9dc76.json")
    page = parse_arxiv_api(body, http_status=status)
    assert (page.total, page.start, page.per_page) == (1, 0, 100)
    (item,) = page.items
    assert (item.arxiv_id, item.version) == ("astro-ph/0601001", 1)
    assert item.published == item.updated == dt.date(2006, 1, 2)
    assert [(a.name, a.affiliations) for a in item.authors][:2] == [
        ("Andrew Gould", ("Ohio State",)),
        ("Susan Dorsher", ("Ohio State",)),
    ]
    assert item.journal_ref == "ActaAstron.56:1-50,2006"
    assert item.comment and item.comment.startswith("62 pages")
    assert item.categories == ("astro-ph",) and item.primary_category == "astro-ph"
    assert item.abstract.startswith("  We derive")  # whitespace preserved; ingest cleans
    assert "V_max<17.5" in item.abstract


def test_recorded_body_is_re_encoded_from_latin1(repo_fixtures: Path) -> None:
    status, body = recording(repo_fixtures, "id_1707.08567_s0_m100_6a1afebfc6a3.json")
    (item,) = parse_arxiv_api(body, http_status=status).items
    assert "Dirk Wübben" in [a.name for a in item.authors]
    assert "Ã" not in item.authors_raw


def test_error_entry_surfaces_arxivs_message(repo_fixtures: Path) -> None:
    status, body = recording(repo_fixtures, "id_abc_s0_m100_b79c8dcf6bc3.json")
    assert status == 400
    with pytest.raises(ArxivApiError, match="incorrect id format for abc") as info:
        parse_arxiv_api(body, http_status=status)
    assert info.value.http_status == 400


def test_unknown_id_gives_an_empty_page_with_total_zero(repo_fixtures: Path) -> None:
    status, body = recording(repo_fixtures, "id_0000.0000_s0_m100_8b51d9633a68.json")
    page = parse_arxiv_api(body, http_status=status)
    assert page.items == () and page.total == 0


def test_2026_search_page_primary_category_first_and_doi(repo_fixtures: Path) -> None:
    page = parse_arxiv_api((repo_fixtures / "arxiv" / "search_cat_cs.LG_OR_cs.AI_max20.xml").read_bytes())
    assert page.total == 364218 and len(page.items) == 20
    for item in page.items:
        assert item.arxiv_id and item.version and item.authors and item.title
        assert item.primary_category == item.categories[0]
        assert item.published and item.updated and item.published <= item.updated
    with_doi = [i for i in page.items if i.doi]
    assert with_doi and all(i.doi == i.doi.lower() for i in with_doi)
    assert any(link.kind == "doi" for link in with_doi[0].links)


def test_2016_legacy_page_keeps_hard_wrapped_summaries(repo_fixtures: Path) -> None:
    page = parse_arxiv_api((repo_fixtures / "arxiv" / "search_au_del_maestro.xml").read_bytes())
    assert (page.total, page.start, page.per_page) == (31, 0, 10)
    assert len(page.items) == 10
    assert page.items[0].arxiv_id == "1201.4869"
    assert page.items[0].abstract.startswith("  As helium-4") and "\n" in page.items[0].abstract
    assert all(any("Maestro" in a.name for a in i.authors) for i in page.items)


def test_every_shared_api_recording_parses(shared_fixtures: Path) -> None:
    files = sorted((shared_fixtures / "arxiv-api-atom").rglob("*.*"))
    assert len(files) >= 25
    for path in files:
        if path.suffix == ".json":
            status, body = unwrap_recording(path.read_bytes())
        else:
            status, body = None, path.read_bytes()
        if status == 400:
            with pytest.raises(ArxivApiError, match="arXiv API error"):
                parse_arxiv_api(body, http_status=status)
            continue
        page = parse_arxiv_api(body, http_status=status)
        assert page.total is not None and len(page.items) <= (page.per_page or 0)
        assert all(i.arxiv_id and "v" not in i.arxiv_id.split("/")[-1] for i in page.items)


def test_recorded_pages_line_up_with_the_100_result_page(shared_fixtures: Path) -> None:
    folder = shared_fixtures / "arxiv-api-atom" / "arxivpy-2026"
    full = parse_arxiv_api(unwrap_recording(next(folder.glob("q_testing_s0_m100_*.json")).read_bytes())[1])
    ids = [i.arxiv_id for i in full.items]
    for path in folder.glob("q_testing_s*_m*.json"):
        page = parse_arxiv_api(unwrap_recording(path.read_bytes())[1])
        assert page.total == 214881
        assert [i.arxiv_id for i in page.items] == ids[page.start : page.start + len(page.items)]


def test_published_is_v1_even_when_before_the_id_month(shared_fixtures: Path) -> None:
    path = shared_fixtures / "arxiv-api-atom" / "findpapers-2026" / "search_ml_nlp_2020-2022_max50.xml"
    page = parse_arxiv_api(path.read_bytes())
    item = next(i for i in page.items if i.arxiv_id == "2301.00306")
    assert item.version == 4 and item.published == dt.date(2022, 12, 31)
    assert [v.number for v in item.versions] == [1, 4]


def test_ingest_reads_recordings_and_raw_atom(repo_fixtures: Path) -> None:
    (parsed,) = parse_file(repo_fixtures / "arxiv" / "q_testing_s0_m10_bc5a6c384fe9.json")
    assert parsed.format == "arxiv-api-recording" and len(parsed.items) == 10
    (error,) = parse_file(repo_fixtures / "arxiv" / "id_abc_s0_m100_b79c8dcf6bc3.json")
    assert "incorrect id format for abc" in error.error
    (atom,) = parse_file(repo_fixtures / "arxiv" / "search_au_del_maestro.xml")
    assert atom.format == "arxiv-api" and len(atom.items) == 10


def test_category_query_builds_arxiv_syntax() -> None:
    day = dt.date(2026, 4, 27)
    assert category_query(["cs.LG", "cs.AI"], submitted_from=day, submitted_to=day) == (
        "(cat:cs.LG OR cat:cs.AI) AND submittedDate:[202604270000 TO 202604272359]"
    )
    assert category_query(["quant-ph"]) == "cat:quant-ph"


# --- paging against the loopback server ---


class PagedFeed:
    """Serves slices of a real 10-entry page as if the result set had `total` entries."""

    def __init__(self, data: bytes, *, total: int, empty_first: int = 0, empty_at: int | None = None) -> None:
        self.root = etree.fromstring(data)
        self.entries = self.root.findall(f"{ATOM}entry")
        for entry in self.entries:
            self.root.remove(entry)
        self.total = total
        self.empty_first = empty_first  # answer the first N requests with totalResults 0 (RELIABILITY E1)
        self.empty_at = empty_at  # always answer this start with no entries
        self.calls = 0

    def __call__(self, request: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        self.calls += 1
        start, count = int(request.query["start"]), int(request.query["max_results"])
        root = copy.deepcopy(self.root)
        empty = self.calls <= self.empty_first or start == self.empty_at
        root.find(f"{OPENSEARCH}totalResults").text = "0" if self.calls <= self.empty_first else str(self.total)  # type: ignore[union-attr]
        root.find(f"{OPENSEARCH}startIndex").text = str(start)  # type: ignore[union-attr]
        root.find(f"{OPENSEARCH}itemsPerPage").text = str(count)  # type: ignore[union-attr]
        if not empty:
            root.extend(copy.deepcopy(e) for e in self.entries[start : start + count])
        return 200, {"Content-Type": "application/atom+xml"}, etree.tostring(root, xml_declaration=True)


@pytest.fixture
def ten_entries(repo_fixtures: Path) -> bytes:
    return recording(repo_fixtures, "q_testing_s0_m10_bc5a6c384fe9.json")[1]


def test_search_pages_three_times_and_stops_at_total_results(
    loopback: LoopbackServer, http_client: HttpClient, ten_entries: bytes
) -> None:
    loopback.add_handler("/api/query", PagedFeed(ten_entries, total=10))
    pages = list(search(http_client, "all:testing", page_size=4, base_url=loopback.url("/api/query")))
    assert [len(p.items) for p in pages] == [4, 4, 2]
    assert [p.start for p in pages] == [0, 4, 8]
    assert [r.query["start"] for r in loopback.requests] == ["0", "4", "8"]
    assert all(r.query["max_results"] == "4" for r in loopback.requests)
    assert len({i.arxiv_id for p in pages for i in p.items}) == 10


def test_search_stops_at_max_results(loopback: LoopbackServer, http_client: HttpClient, ten_entries: bytes) -> None:
    loopback.add_handler("/api/query", PagedFeed(ten_entries, total=214881))
    pages = list(search(http_client, "all:testing", max_results=7, page_size=4, base_url=loopback.url("/api/query")))
    assert [len(p.items) for p in pages] == [4, 3]
    assert [r.query["max_results"] for r in loopback.requests] == ["4", "3"]


def test_unexpected_empty_answer_is_retried_once(
    loopback: LoopbackServer, http_client: HttpClient, ten_entries: bytes
) -> None:
    loopback.add_handler("/api/query", PagedFeed(ten_entries, total=10, empty_first=1))
    sleeps: list[float] = []
    query = category_query(["cs.LG"], submitted_from=dt.date(2026, 4, 27), submitted_to=dt.date(2026, 4, 27))
    pages = list(
        search(http_client, query, expect_results=True, base_url=loopback.url("/api/query"), sleep=sleeps.append)
    )
    assert sum(len(p.items) for p in pages) == 10
    assert sleeps == [EMPTY_RETRY_DELAY_S]
    assert loopback.requests[0].query["search_query"] == query


def test_persistently_empty_answer_is_an_error_not_no_papers(
    loopback: LoopbackServer, http_client: HttpClient, ten_entries: bytes
) -> None:
    loopback.add_handler("/api/query", PagedFeed(ten_entries, total=10, empty_first=99))
    with pytest.raises(FetchError, match="empty page twice"):
        list(
            search(
                http_client, "cat:cs.LG", expect_results=True, base_url=loopback.url("/api/query"), sleep=lambda s: None
            )
        )
    assert len(loopback.requests) == 2


def test_empty_page_midway_through_the_results_is_an_error(
    loopback: LoopbackServer, http_client: HttpClient, ten_entries: bytes
) -> None:
    loopback.add_handler("/api/query", PagedFeed(ten_entries, total=10, empty_at=4))
    pages = search(http_client, "cat:cs.LG", page_size=4, base_url=loopback.url("/api/query"), sleep=lambda s: None)
    assert len(next(pages).items) == 4
    with pytest.raises(FetchError, match="start=4"):
        next(pages)


def test_zero_results_without_expectation_is_an_empty_page(
    loopback: LoopbackServer, http_client: HttpClient, repo_fixtures: Path
) -> None:
    loopback.add("/api/query", recording(repo_fixtures, "id_0000.0000_s0_m100_8b51d9633a68.json")[1])
    pages = list(search(http_client, id_list=["0000.0000"], base_url=loopback.url("/api/query")))
    assert len(pages) == 1 and pages[0].items == () and pages[0].total == 0
    assert loopback.requests[0].query["id_list"] == "0000.0000"


def test_http_400_error_feed_raises_with_arxivs_message(
    loopback: LoopbackServer, http_client: HttpClient, repo_fixtures: Path
) -> None:
    _, body = recording(repo_fixtures, "id_abc_s0_m100_b79c8dcf6bc3.json")
    loopback.add("/api/query", body, status=400, headers={"Content-Type": "application/atom+xml"})
    with pytest.raises(ArxivApiError, match="incorrect id format for abc") as info:
        fetch_api_page(http_client, {"id_list": "abc"}, base_url=loopback.url("/api/query"))
    assert info.value.http_status == 400
    assert len(loopback.requests) == 1  # a 400 is not retried


def test_api_source_fetches_one_submission_day(
    loopback: LoopbackServer, http_client: HttpClient, ten_entries: bytes
) -> None:
    loopback.add_handler("/api/query", PagedFeed(ten_entries, total=10))
    source = ArxivApiSource(base_url=loopback.url("/api/query"), sleep=lambda s: None)
    result = source.fetch(
        SourceSpec("arxiv-api:cs.LG+cs.AI", "arxiv-api", "cs.LG+cs.AI"), http_client, dt.date(2026, 4, 27)
    )
    assert result.status is RunStatus.OK and len(result.items) == 10
    query = loopback.requests[0].query["search_query"]
    assert query == "(cat:cs.LG OR cat:cs.AI) AND submittedDate:[202604270000 TO 202604272359]"
    assert loopback.requests[0].query["sortBy"] == "submittedDate"


def test_recording_wrapper_is_json(repo_fixtures: Path) -> None:
    doc = json.loads((repo_fixtures / "arxiv" / "id_abc_s0_m100_b79c8dcf6bc3.json").read_text())
    assert set(doc) == {"url", "status_code", "body"}


def test_paging_past_arxivs_30000_limit_is_refused_before_any_request(
    loopback: LoopbackServer, http_client: HttpClient
) -> None:
    with pytest.raises(ValueError, match="30000"):
        next(search(http_client, "all:x", start=30000, base_url=loopback.url("/api/query")))
    assert loopback.requests == []
