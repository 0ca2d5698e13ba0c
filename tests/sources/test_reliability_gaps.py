"""RELIABILITY.md §A, §B and §E rows the other source tests leave out, against the real loopback server.

Each test names its checklist row. Only stdlib name resolution is replaced (DNS rebinding);
everything of ours runs for real.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from academichub.config import Settings
from academichub.errors import BlockedAddressError, FetchError, ParseError, TooLargeError
from academichub.sources import arxiv_api, arxiv_oai, arxiv_rss, pubmed
from academichub.sources.arxiv_oai import OAI_BASE_URL, harvest
from academichub.sources.base import SourceSpec
from academichub.sources.biorxiv import BiorxivSource
from academichub.sources.http import HttpClient
from academichub.sources.journal_feeds import MAX_ITEMS, JournalFeedSource, parse_journal_feed
from academichub.sources.xml import MAX_DEPTH, parse_xml
from loopback import LoopbackServer

MIB = 1024 * 1024
REPO = Path(__file__).resolve().parents[2]


def rss(items: str, *, encoding: str = "utf-8") -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>Test Journal</title>'
        f"<link>https://journal.example/</link><description>d</description>{items}</channel></rss>"
    ).encode(encoding)


def item(title: str, *, guid: str = "https://journal.example/a/1", doi: str = "10.9999/abc.1") -> str:
    return (
        f"<item><title>{title}</title><link>{guid}</link><guid>{guid}</guid>"
        f"<description>doi:{doi}</description><pubDate>Thu, 30 Nov 2023 08:00:00 +0000</pubDate></item>"
    )


# --- A1: the private-network opt-in defaults off -------------------------------------------------


def test_default_settings_refuse_a_local_server(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.add("/feed", b"<feed/>")
    with HttpClient(Settings(home=tmp_path)) as client, pytest.raises(BlockedAddressError):
        client.get(loopback.url("/feed"))
    assert loopback.connections == 0


# --- A2: DNS rebinding: the checked answer is the one connected to --------------------------------


@pytest.fixture
def rebinding_dns(monkeypatch: pytest.MonkeyPatch) -> Callable[[list[str]], list[str]]:
    """Make `rebind.test` resolve to each address of `answers` in turn; returns the list of lookups made."""
    real = socket.getaddrinfo

    def install(answers: list[str]) -> list[str]:
        lookups: list[str] = []
        replies: Iterator[str] = iter(answers)

        def fake(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
            if host != "rebind.test":
                return real(host, port, *args, **kwargs)
            lookups.append(host)
            address = next(replies)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

        monkeypatch.setattr(socket, "getaddrinfo", fake)
        return lookups

    return install


def test_rebinding_to_a_forbidden_address_after_the_check_cannot_happen(
    loopback: LoopbackServer, http_client: HttpClient, rebinding_dns: Callable[[list[str]], list[str]]
) -> None:
    lookups = rebinding_dns(["127.0.0.1", "169.254.169.254", "169.254.169.254"])
    loopback.add("/feed", b"<feed/>")
    response = http_client.get(f"http://rebind.test:{loopback.port}/feed")
    assert response.content == b"<feed/>"  # connected to the address that was checked ...
    assert lookups == ["rebind.test"]  # ... because the name was resolved only once


def test_a_forbidden_first_answer_is_refused_before_connecting(
    loopback: LoopbackServer, http_client: HttpClient, rebinding_dns: Callable[[list[str]], list[str]]
) -> None:
    rebinding_dns(["169.254.169.254", "127.0.0.1"])
    loopback.add("/feed", b"<feed/>")
    with pytest.raises(BlockedAddressError):
        http_client.get(f"http://rebind.test:{loopback.port}/feed")
    assert loopback.connections == 0


# --- A4: encodings the cap cannot count are refused; a deflate bomb stops at the cap ---------------


def test_brotli_body_is_refused_rather_than_read_unbounded(loopback: LoopbackServer, http_client: HttpClient) -> None:
    loopback.add("/feed", b"\x1b\x00\xf8\xff" * 1000, headers={"Content-Encoding": "br"})
    with pytest.raises(FetchError, match="unsupported content-encoding"):
        http_client.get(loopback.url("/feed"))


def test_deflate_bomb_stops_at_the_cap(loopback: LoopbackServer, settings: Settings) -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    bomb = b"".join(compressor.compress(bytes(MIB)) for _ in range(32)) + compressor.flush()
    loopback.add("/feed", bomb, headers={"Content-Encoding": "deflate"})
    with HttpClient(settings.model_copy(update={"max_body_bytes": MIB})) as client, pytest.raises(TooLargeError):
        client.get(loopback.url("/feed"))


# --- A5: a blackholed connect hits the connect timeout; defaults sit in the checklist's ranges ----


def test_blackholed_connect_hits_the_connect_timeout(settings: Settings) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):  # fill the accept queue: further SYNs are dropped, as by a blackhole
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    quick = settings.model_copy(update={"connect_timeout_s": 0.5, "fetch_timeout_s": 30.0, "max_retries": 0})
    started = time.monotonic()
    try:
        with HttpClient(quick) as client, pytest.raises(FetchError, match="ConnectTimeout"):
            client.get(f"http://127.0.0.1:{port}/feed")
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
    assert time.monotonic() - started < 10  # the connect timeout fired, not the 30 s total deadline


def test_default_timeouts_are_within_the_checklist_ranges(tmp_path: Path) -> None:
    defaults = Settings(home=tmp_path)
    assert defaults.connect_timeout_s <= 15
    assert 20 <= defaults.fetch_timeout_s <= 45
    assert 15 * MIB <= defaults.max_body_bytes <= 16 * MIB
    assert defaults.refetch_unconditional_after_s <= 12 * 3600


# --- B1: quadratic blowup and large tokens ----------------------------------------------------------

QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + b"x" * 50_000 + b'">]>'
    b'<rss version="2.0"><channel><title>' + b"&a;" * 20_000 + b"</title></channel></rss>"
)
HUGE_TEXT = rss(item("x" * (12 * MIB)))
HUGE_ATTRIBUTE = rss(item("t").replace("<item>", '<item a="' + "y" * (12 * MIB) + '">'))


# Journal feeds go through feedparser (seconds on 12 MiB tokens), so feed_guard refuses huge tokens first.
@pytest.mark.parametrize(
    ("parse", "body"),
    [
        (arxiv_rss.parse_arxiv_rss, QUADRATIC),
        (arxiv_rss.parse_arxiv_rss, HUGE_TEXT),
        (arxiv_rss.parse_arxiv_rss, HUGE_ATTRIBUTE),
        (parse_journal_feed, QUADRATIC),
        (parse_journal_feed, HUGE_TEXT),
        (parse_journal_feed, HUGE_ATTRIBUTE),
    ],
    ids=["rss-quadratic", "rss-text", "rss-attribute", "journal-quadratic", "journal-text", "journal-attribute"],
)
def test_blowups_and_huge_tokens_end_quickly(parse: Callable[[bytes], object], body: bytes) -> None:
    started = time.monotonic()
    try:
        parse(body)
    except ParseError:
        pass  # refusing is as good as finishing
    assert time.monotonic() - started < 2.0  # checklist: < 1 s; doubled for a shared 2-core machine


# --- B2: external DTDs and parameter entities never reach the network -----------------------------


def _canary_documents(server: LoopbackServer) -> list[bytes]:
    dtd = server.url("/evil.dtd")
    body = (
        '<rss version="2.0"><channel><title>x</title><link>https://j.example/</link><description>d</description>'
        "<item><title>A</title><guid>oai:arXiv.org:2604.00001v1</guid><link>https://j.example/1</link>"
        "<description>doi:10.1/x</description></item></channel></rss>"
    )
    return [
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{dtd}">{body}'.encode(),
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % d SYSTEM "{dtd}"> %d;]>{body}'.encode(),
        f'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//X//EN" "{dtd}">{body}'.encode(),
    ]


PARSERS = {
    "arxiv-rss": arxiv_rss.parse_arxiv_rss,
    "journal": parse_journal_feed,
    "arxiv-api": arxiv_api.parse_arxiv_api,
    "oai-pmh": arxiv_oai.parse_oai_page,
    "pubmed": pubmed.parse_pubmed_efetch,
}


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_external_dtds_never_reach_a_canary_server(loopback: LoopbackServer, name: str) -> None:
    loopback.add("/evil.dtd", f'<!ENTITY % leak SYSTEM "{loopback.url("/leak")}">'.encode())
    for document in _canary_documents(loopback):
        try:
            PARSERS[name](document)
        except ParseError:
            pass
    time.sleep(0.1)  # a request in flight would have landed by now
    assert loopback.requests == [] and loopback.connections == 0


# --- B3 / B4 / B5 -------------------------------------------------------------------------------------


def test_bare_ampersand_and_broken_cdata_are_salvaged_and_flagged() -> None:
    broken = item("Fish & Chips") + item("<![CDATA[never closed", guid="https://j.example/2", doi="10.9999/abc.2")
    feed = parse_journal_feed(rss(broken))
    assert feed.salvaged
    assert feed.items[0].title == "Fish & Chips" and feed.items[0].doi == "10.9999/abc.1"


def test_shift_jis_feed_comes_out_as_utf8() -> None:
    (found,) = parse_journal_feed(rss(item("量子計算の誤り訂正"), encoding="shift_jis")).items
    assert found.title == "量子計算の誤り訂正"


def test_huge_journal_tokens_are_refused_naming_the_limit() -> None:
    for body in (HUGE_TEXT, HUGE_ATTRIBUTE):
        with pytest.raises(ParseError, match="MAX_TOKEN_BYTES"):
            parse_journal_feed(body)


def test_feed_over_the_item_cap_is_cut_and_flagged(loopback: LoopbackServer, http_client: HttpClient) -> None:
    items = "".join(item(f"T{i}", guid=f"https://j.example/{i}", doi=f"10.9999/x.{i}") for i in range(MAX_ITEMS + 1))
    loopback.add("/long.rss", rss(items))
    spec = SourceSpec("journal:long", "journal", loopback.url("/long.rss"))
    result = JournalFeedSource().fetch(spec, http_client, None)
    assert len(result.items) == MAX_ITEMS and result.items[-1].doi == f"10.9999/x.{MAX_ITEMS - 1}"
    assert f"feed had {MAX_ITEMS + 1} items; 1 past the first {MAX_ITEMS} were dropped" in result.note
    assert "malformed" not in result.note  # the cut document still parses strictly


def test_xml_nested_past_the_depth_cap_is_refused() -> None:
    deep = b"<a>" * (MAX_DEPTH + 10) + b"</a>" * (MAX_DEPTH + 10)
    with pytest.raises(ParseError, match="deep|depth"):
        parse_xml(deep)


# --- D1: one GUID on every item ----------------------------------------------------------------------


def test_the_same_guid_on_every_item_loses_none() -> None:
    items = "".join(item(f"Paper {i}", guid="https://j.example/same", doi=f"10.9999/x.{i}") for i in range(3))
    feed = parse_journal_feed(rss(items))
    assert [found.doi for found in feed.items] == ["10.9999/x.0", "10.9999/x.1", "10.9999/x.2"]


# --- E3: OAI-PMH 503 + Retry-After --------------------------------------------------------------------


def _oai_page(arxiv_ids: list[str], token: str) -> bytes:
    records = "".join(
        f"<record><header><identifier>oai:arXiv.org:{i}</identifier><datestamp>2026-04-27</datestamp></header>"
        f"<metadata><arXivRaw xmlns='http://arxiv.org/OAI/arXivRaw/'><id>{i}</id>"
        "<version version='v1'><date>Mon, 27 Apr 2026 10:00:00 GMT</date></version>"
        f"<title>Paper {i}</title><authors>Ann Author</authors><categories>cs.LG</categories>"
        "<abstract>An abstract.</abstract></arXivRaw></metadata></record>"
        for i in arxiv_ids
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?><OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'>"
        f"<ListRecords>{records}<resumptionToken>{token}</resumptionToken></ListRecords></OAI-PMH>"
    ).encode()


def test_oai_503_with_retry_after_is_waited_out_and_the_harvest_goes_on(
    loopback: LoopbackServer, settings: Settings
) -> None:
    sleeps: list[float] = []
    pages = {None: _oai_page(["2604.00001"], "page2"), "page2": _oai_page(["2604.00002"], "")}
    busy = iter([True, False])

    def server(request):  # type: ignore[no-untyped-def]
        token = request.query.get("resumptionToken")
        if token == "page2" and next(busy, False):
            return 503, {"Retry-After": "1"}, b"busy"
        return 200, {}, pages[token]

    loopback.add_handler("/oai", server)
    with HttpClient(settings, clock=time.time, sleep=sleeps.append) as client:
        got = list(harvest(client, from_date=dt.date(2026, 4, 27), base_url=loopback.url("/oai")))
    assert [i.arxiv_id for p in got for i in p.items] == ["2604.00001", "2604.00002"]
    assert sleeps == [1.0]
    assert [r.query.get("resumptionToken") for r in loopback.requests] == [None, "page2", "page2"]


# --- E4: bioRxiv cursor paging -----------------------------------------------------------------------


def _biorxiv_records(repo_fixtures: Path, n: int) -> list[dict[str, object]]:
    real = json.loads(
        (repo_fixtures / "biorxiv-api" / "biorxiv_details_2020-01-01_2022-12-31_cursor0.json").read_text()
    )
    records = real["collection"]
    return [{**records[i % len(records)], "doi": f"{records[i % len(records)]['doi']}.{i}"} for i in range(n)]


def _serve_biorxiv(loopback: LoopbackServer, records: list[dict[str, object]], *, total: int, page: int) -> None:
    def handler(request):  # type: ignore[no-untyped-def]
        cursor = int(request.path.rstrip("/").split("/")[-2])
        chunk = records[cursor : cursor + page]
        message = {"status": "ok", "cursor": cursor, "count": len(chunk), "total": str(total)}
        return (
            200,
            {"Content-Type": "application/json"},
            json.dumps({"messages": [message], "collection": chunk}).encode(),
        )

    for cursor in range(0, total + page, 10):
        loopback.add_handler(f"/details/biorxiv/2024-05-01/2024-05-02/{cursor}/json", handler)


def test_biorxiv_cursor_steps_by_the_records_returned(
    loopback: LoopbackServer, http_client: HttpClient, repo_fixtures: Path
) -> None:
    records = _biorxiv_records(repo_fixtures, 200)
    _serve_biorxiv(loopback, records, total=200, page=70)  # a server serving 70, not 100, per page
    result = BiorxivSource(base_url=loopback.url("/details")).fetch(
        SourceSpec("biorxiv", "biorxiv", "biorxiv"), http_client, dt.date(2024, 5, 2)
    )
    assert [r.path.split("/")[-2] for r in loopback.requests] == ["0", "70", "140"]
    assert len({found.doi for found in result.items}) == 200 and result.note == ""


def test_biorxiv_empty_collection_stops_and_the_shortfall_is_said(
    loopback: LoopbackServer, http_client: HttpClient, repo_fixtures: Path
) -> None:
    records = _biorxiv_records(repo_fixtures, 150)
    _serve_biorxiv(loopback, records, total=300, page=100)  # messages promise 300; the collection runs dry at 150
    result = BiorxivSource(base_url=loopback.url("/details")).fetch(
        SourceSpec("biorxiv", "biorxiv", "biorxiv"), http_client, dt.date(2024, 5, 2)
    )
    assert [r.path.split("/")[-2] for r in loopback.requests] == ["0", "100", "150"]
    assert len(result.items) == 150 and "got 150 of 300" in result.note


# --- E5 and the provider rules: pacing across processes, published defaults ----------------------

_PACED_FETCH = """
import sys
from pathlib import Path
from academichub.config import Settings
from academichub.sources.http import HttpClient
settings = Settings(home=Path(sys.argv[1]), allow_private_networks=True, host_intervals_s={"127.0.0.1": 0.5})
with HttpClient(settings) as client:
    for _ in range(2):
        client.get(sys.argv[2])
"""


def test_pacing_holds_across_processes(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.add("/api/query", b"<feed/>")
    command = [sys.executable, "-c", _PACED_FETCH, str(tmp_path), loopback.url("/api/query")]
    workers = [subprocess.Popen(command, cwd=REPO) for _ in range(2)]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0]
    times = sorted(r.at for r in loopback.requests)
    assert len(times) == 4
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.45


def test_published_provider_limits_are_the_defaults(tmp_path: Path) -> None:
    intervals = Settings(home=tmp_path).host_intervals_s
    for host in ("export.arxiv.org", "rss.arxiv.org", "oaipmh.arxiv.org"):
        assert intervals[host] >= 3.0  # arXiv: one request every three seconds
    assert intervals["api.biorxiv.org"] >= 1.0  # ours: at most one request a second
    assert OAI_BASE_URL == "https://oaipmh.arxiv.org/oai"  # the endpoint since March 2025
