"""arXiv OAI-PMH: real ListRecords pages (arXivRaw, arXiv, oai_dc), protocol errors, and harvesting over loopback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from academichub.errors import ParseError
from academichub.sources.arxiv_oai import (
    OaiBadResumptionTokenError,
    OaiError,
    harvest,
    parse_oai_page,
)
from academichub.sources.files import parse_file
from academichub.sources.http import HttpClient
from loopback import LoopbackServer, RecordedRequest

OAI_DIR = "arxiv-oai-pmh"


def oai_page(records: list[str], *, token: str | None = "", size: int | None = None, cursor: int = 0) -> bytes:
    """An OAI-PMH ListRecords response around the given <record> elements (protocol shape from the real pages)."""
    token_el = ""
    if token is not None:
        attrs = f" completeListSize='{size}' cursor='{cursor}'" if size is not None else ""
        token_el = f"<resumptionToken{attrs}>{token}</resumptionToken>"
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'>\n"
        "<responseDate>2026-04-28T03:00:00Z</responseDate>\n"
        "<request verb='ListRecords'>https://oaipmh.arxiv.org/oai</request>\n"
        f"<ListRecords>{''.join(records)}{token_el}</ListRecords></OAI-PMH>"
    ).encode()


def raw_record(arxiv_id: str, *, datestamp: str = "2026-04-27", versions: int = 1) -> str:
    version_els = "".join(
        f"<version version='v{n}'><date>Mon, {n} Apr 2026 10:00:00 GMT</date><size>10kb</size></version>"
        for n in range(1, versions + 1)
    )
    return (
        f"<record><header><identifier>oai:arXiv.org:{arxiv_id}</identifier><datestamp>{datestamp}</datestamp>"
        "<setSpec>cs</setSpec></header><metadata>"
        "<arXivRaw xmlns='http://arxiv.org/OAI/arXivRaw/'>"
        f"<id>{arxiv_id}</id><submitter>A. Person</submitter>{version_els}<title>Paper {arxiv_id}</title>"
        "<authors>Ann Author (MIT) and Bob Builder</authors><categories>cs.LG stat.ML</categories>"
        "<abstract>  An abstract.\n</abstract></arXivRaw></metadata></record>"
    )


def deleted_record(arxiv_id: str) -> str:
    return (
        f"<record><header status='deleted'><identifier>oai:arXiv.org:{arxiv_id}</identifier>"
        "<datestamp>2026-04-27</datestamp></header></record>"
    )


def oai_error(code: str, message: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8'?><OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'>"
        "<responseDate>2026-04-28T03:00:00Z</responseDate><request verb='ListRecords'>x</request>"
        f"<error code='{code}'>{message}</error></OAI-PMH>"
    ).encode()


# --- real pages ---


def test_arxivraw_page_versions_authors_and_token(shared_fixtures: Path) -> None:
    data = (
        shared_fixtures / OAI_DIR / "scirate" / "arXivRaw_ListRecords_2014-01-16_token496549-95001.xml"
    ).read_bytes()
    page = parse_oai_page(data)
    assert (page.records_seen, len(page.items)) == (1000, 1000)
    assert (page.resumption_token, page.complete_list_size, page.cursor) == ("496549|96001", 907096, 95000)
    assert page.deleted_ids == ()
    first = page.items[0]
    assert (first.arxiv_id, first.version) == ("0811.3648", 2)
    assert [(v.number, v.date) for v in first.versions] == [(1, dt.date(2008, 11, 21)), (2, dt.date(2009, 4, 9))]
    assert (first.published, first.updated) == (dt.date(2008, 11, 21), dt.date(2009, 4, 9))
    assert [a.name for a in first.authors] == ["Daniel M. Kane", "Jelani Nelson", "David P. Woodruff"]
    assert first.categories == ("cs.DS", "cs.CC") and first.primary_category == "cs.DS"
    assert first.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert first.abstract.startswith("  The problem of estimating")
    kang = next(i for i in page.items if i.authors_raw.startswith("Zhong-Bo Kang"))
    assert [(a.name, a.affiliations) for a in kang.authors] == [
        ("Zhong-Bo Kang", ("Iowa State U.",)),
        ("Jian-Wei Qiu", ("Iowa State U.",)),
        ("Werner Vogelsang", ("BNL",)),
    ]
    assert all(i.authors for i in page.items)
    assert all(i.version == max(v.number for v in i.versions) for i in page.items)


def test_arxiv_format_page_has_structured_authors_and_dates(shared_fixtures: Path) -> None:
    data = (shared_fixtures / OAI_DIR / "scirate" / "arXiv_ListRecords_2013-05-24_token436115-95001.xml").read_bytes()
    page = parse_oai_page(data)
    first = page.items[0]
    assert first.arxiv_id == "0811.3648"
    assert (first.published, first.updated) == (dt.date(2008, 11, 21), dt.date(2009, 4, 8))
    assert [a.name for a in first.authors] == ["Daniel M. Kane", "Jelani Nelson", "David P. Woodruff"]
    assert page.resumption_token == "436115|96001"


def test_every_shared_oai_page_parses_with_authors_and_no_junk_names(shared_fixtures: Path) -> None:
    files = sorted((shared_fixtures / OAI_DIR).rglob("*.xml"))
    assert len(files) == 5
    for path in files:
        page = parse_oai_page(path.read_bytes())
        assert page.items and page.resumption_token and page.latest_datestamp
        assert len(page.items) == page.records_seen
        for item in page.items:
            assert item.arxiv_id and item.title and item.categories
            assert all(any(ch.isalnum() for ch in a.name) for a in item.authors)
        assert sum(1 for i in page.items if i.authors) / len(page.items) > 0.99


def test_oai_dc_cassette_is_read_through_ingest(shared_fixtures: Path) -> None:
    path = shared_fixtures / OAI_DIR / "scrapi-vcr" / "arxiv_oai_dc_ListRecords_2014-12-24.yaml"
    (parsed,) = parse_file(path)
    assert parsed.format == "arxiv-oai-dc" and parsed.error == ""
    first = parsed.items[0]
    assert first.arxiv_id == "0709.2184"
    assert [a.name for a in first.authors][:3] == ["David Burt", "Sam Donow", "Steven J. Miller"]
    assert first.comment and first.comment.startswith("Version 4.0")
    assert not first.abstract.lstrip().startswith("Comment:")
    assert (first.published, first.updated) == (dt.date(2007, 9, 13), dt.date(2014, 12, 22))
    assert any(i.doi == "10.4236/jamp.2014.213134" for i in parsed.items)


def test_arxiv_format_record_reads_nested_markup_affiliations_and_first_fields() -> None:
    record = (
        "<record><header><identifier>oai:arXiv.org:2604.00001</identifier><datestamp>2026-04-27</datestamp>"
        "</header><metadata><arXiv xmlns='http://arxiv.org/OAI/arXiv/'>"
        "<id>2604.00001</id><created>2026-04-20</created>"
        "<authors><author><keyname>Gödel</keyname><!-- a comment --><forenames>Kurt</forenames>"
        "<affiliation>IAS</affiliation><affiliation> </affiliation><suffix></suffix></author>"
        "<author><keyname>L\\'eon</keyname><forenames>Marie</forenames><forenames>Second</forenames></author>"
        "<author><keyname>)</keyname></author></authors>"
        "<title>On <i>formally</i> undecidable propositions</title><categories>math.LO cs.LO</categories>"
        "<comments>  12 pages </comments><license/><doi>10.1000/XYZ 10.1000/other</doi>"
        "<abstract>  First line\n  second line </abstract><title>a second title is ignored</title>"
        "</arXiv></metadata></record>"
    )
    (item,) = parse_oai_page(oai_page([record])).items
    assert item.title == "On formally undecidable propositions"
    assert [(a.name, a.affiliations) for a in item.authors] == [("Kurt Gödel", ("IAS",)), ("Marie Léon", ())]
    assert item.categories == ("math.LO", "cs.LO") and item.primary_category == "math.LO"
    assert (item.comment, item.license, item.doi) == ("12 pages", None, "10.1000/xyz")
    assert item.abstract == "  First line\n  second line "
    assert (item.published, item.updated) == (dt.date(2026, 4, 20), dt.date(2026, 4, 20))


def test_arxivraw_version_dates_are_utc_days() -> None:
    record = raw_record("2604.00002", versions=2).replace(
        "Mon, 2 Apr 2026 10:00:00 GMT", "Thu, 02 Apr 2026 23:30:00 -0300"
    )
    (item,) = parse_oai_page(oai_page([record])).items
    assert [(v.number, v.date) for v in item.versions] == [(1, dt.date(2026, 4, 1)), (2, dt.date(2026, 4, 3))]
    assert (item.published, item.updated, item.version) == (dt.date(2026, 4, 1), dt.date(2026, 4, 3), 2)


# --- protocol ---


def test_deleted_headers_are_collected_not_emitted() -> None:
    page = parse_oai_page(oai_page([raw_record("2604.00001"), deleted_record("2604.00002")], token="t1", size=2))
    assert [i.arxiv_id for i in page.items] == ["2604.00001"]
    assert page.deleted_ids == ("2604.00002",)
    assert page.records_seen == 2
    assert page.latest_datestamp == dt.date(2026, 4, 27)


def test_empty_token_element_means_the_list_is_complete() -> None:
    page = parse_oai_page(oai_page([raw_record("2604.00001")], token="", size=1001, cursor=1000))
    assert page.resumption_token is None and page.complete_list_size == 1001 and page.cursor == 1000
    assert parse_oai_page(oai_page([raw_record("2604.00001")], token=None)).resumption_token is None


def test_no_records_match_is_an_empty_page_not_an_error() -> None:
    page = parse_oai_page(oai_error("noRecordsMatch", "No records match"))
    assert page.items == () and page.resumption_token is None


def test_bad_resumption_token_is_a_distinct_error() -> None:
    with pytest.raises(OaiBadResumptionTokenError, match="badResumptionToken") as info:
        parse_oai_page(oai_error("badResumptionToken", "The token expired"))
    assert info.value.code == "badResumptionToken"


def test_other_protocol_errors_carry_their_code() -> None:
    with pytest.raises(OaiError, match="cannotDisseminateFormat") as info:
        parse_oai_page(oai_error("cannotDisseminateFormat", "arXivRawX is not supported"))
    assert info.value.code == "cannotDisseminateFormat"
    assert not isinstance(info.value, OaiBadResumptionTokenError)


def test_truncated_page_is_refused_because_its_token_would_be_lost() -> None:
    data = oai_page([raw_record("2604.00001"), raw_record("2604.00002")], token="t1")
    with pytest.raises(ParseError):
        parse_oai_page(data[: len(data) // 2])


def test_not_an_oai_response() -> None:
    with pytest.raises(ParseError, match="not an OAI-PMH response"):
        parse_oai_page(b"<rss version='2.0'><channel/></rss>")


# --- harvesting against the loopback server ---


class OaiServer:
    """Two pages chained by a token; tokens listed in `expired` answer badResumptionToken."""

    def __init__(self, expired: frozenset[str] = frozenset()) -> None:
        self.expired = expired

    def __call__(self, request: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        token = request.query.get("resumptionToken")
        if token in self.expired:
            return 200, {}, oai_error("badResumptionToken", f"token {token} has expired")
        if token == "page2":
            records = [raw_record("2604.00003", datestamp="2026-04-28"), deleted_record("2604.00004")]
            return 200, {}, oai_page(records, token="")
        return 200, {}, oai_page([raw_record("2604.00001"), raw_record("2604.00002", versions=3)], token="page2")


def test_harvest_follows_the_token_across_two_pages(loopback: LoopbackServer, http_client: HttpClient) -> None:
    loopback.add_handler("/oai", OaiServer())
    pages = list(
        harvest(
            http_client,
            metadata_prefix="arXivRaw",
            set_spec="cs:cs:LG",
            from_date=dt.date(2026, 4, 27),
            until=None,
            base_url=loopback.url("/oai"),
        )
    )
    assert [[i.arxiv_id for i in p.items] for p in pages] == [["2604.00001", "2604.00002"], ["2604.00003"]]
    assert [p.resumption_token for p in pages] == ["page2", None]
    assert pages[1].deleted_ids == ("2604.00004",)
    assert pages[1].latest_datestamp == dt.date(2026, 4, 28)
    first, second = loopback.requests
    assert first.query == {"verb": "ListRecords", "metadataPrefix": "arXivRaw", "set": "cs:cs:LG", "from": "2026-04-27"}
    assert second.query == {"verb": "ListRecords", "resumptionToken": "page2"}


def test_killed_harvest_resumes_from_the_last_committed_token(
    loopback: LoopbackServer, http_client: HttpClient
) -> None:
    loopback.add_handler("/oai", OaiServer())
    url = loopback.url("/oai")
    committed: list[str] = []
    saved_token: str | None = None
    run = harvest(http_client, from_date=dt.date(2026, 4, 27), base_url=url)
    page = next(run)
    committed += [i.arxiv_id for i in page.items if i.arxiv_id]
    saved_token = page.resumption_token  # persisted after the commit
    run.close()  # the process dies here
    resumed = list(harvest(http_client, from_date=dt.date(2026, 4, 27), resume_token=saved_token, base_url=url))
    committed += [i.arxiv_id for p in resumed for i in p.items if i.arxiv_id]
    assert committed == ["2604.00001", "2604.00002", "2604.00003"]
    assert loopback.requests[-1].query == {"verb": "ListRecords", "resumptionToken": "page2"}


def test_expired_token_restarts_from_the_from_datestamp(loopback: LoopbackServer, http_client: HttpClient) -> None:
    loopback.add_handler("/oai", OaiServer(expired=frozenset({"stale"})))
    pages = list(
        harvest(http_client, from_date=dt.date(2026, 4, 27), resume_token="stale", base_url=loopback.url("/oai"))
    )
    assert [p.restarted for p in pages] == [True, False]
    assert [i.arxiv_id for p in pages for i in p.items] == ["2604.00001", "2604.00002", "2604.00003"]
    assert [r.query.get("resumptionToken") for r in loopback.requests] == ["stale", None, "page2"]
    assert loopback.requests[1].query["from"] == "2026-04-27"


def test_token_expiring_again_after_a_restart_is_raised(loopback: LoopbackServer, http_client: HttpClient) -> None:
    loopback.add_handler("/oai", OaiServer(expired=frozenset({"stale", "page2"})))
    run = harvest(http_client, from_date=dt.date(2026, 4, 27), resume_token="stale", base_url=loopback.url("/oai"))
    assert next(run).restarted
    with pytest.raises(OaiBadResumptionTokenError):
        next(run)


def test_oai_error_sent_with_http_400_is_still_understood(loopback: LoopbackServer, http_client: HttpClient) -> None:
    loopback.add("/oai", oai_error("badArgument", "Illegal argument: set"), status=400)
    with pytest.raises(OaiError, match="badArgument"):
        next(harvest(http_client, set_spec="nope", base_url=loopback.url("/oai")))
