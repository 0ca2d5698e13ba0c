"""rss.arxiv.org daily feeds: what a user would see from real (trimmed) feeds and their broken variants."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from lxml import etree

from academichub.errors import ParseError
from academichub.models import AnnounceType, RunStatus
from academichub.sources.arxiv_rss import ArxivRssSource, parse_arxiv_rss, result_from_feed
from academichub.sources.base import SourceSpec
from academichub.sources.files import parse_file
from academichub.sources.http import HttpClient
from loopback import LoopbackServer, RecordedRequest

ARXIV_NS = "http://arxiv.org/schemas/atom"


def read(repo_fixtures: Path, name: str) -> bytes:
    return (repo_fixtures / "arxiv" / name).read_bytes()


@pytest.fixture
def cs_lg(repo_fixtures: Path) -> bytes:
    return read(repo_fixtures, "rss_cs.LG_2026-04-27_trimmed3.xml")


@pytest.fixture
def cs_cl(repo_fixtures: Path) -> bytes:
    return read(repo_fixtures, "rss_cs.CL_2026-04-27_trimmed3.xml")


def edit_feed(data: bytes, edit: object) -> bytes:
    """A variant of a real feed, changed in code (fixtures on disk are never hand-edited)."""
    root = etree.fromstring(data)
    edit(root.find("channel"))  # type: ignore[operator]
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def test_real_feed_items_have_clean_abstracts_ids_and_dates(cs_lg: bytes) -> None:
    items, meta = parse_arxiv_rss(cs_lg)
    assert meta.listing == "cs.LG"
    assert meta.announced == dt.date(2026, 4, 27)
    assert meta.skip_days == ("Saturday", "Sunday")
    assert meta.last_build == dt.datetime(2026, 4, 27, 4, 0, 1, tzinfo=dt.UTC)
    assert [i.arxiv_id for i in items] == ["2604.21952", "2604.21953", "2604.21956"]
    for item in items:
        assert item.version == 1
        assert not item.abstract.startswith("arXiv:")
        assert "Announce Type" not in item.abstract
        assert item.abstract.startswith(("This work", "Anti-doping", "Timely"))
        assert item.announce_type is AnnounceType.NEW
        assert item.announced == dt.date(2026, 4, 27)
        assert item.listing == "cs.LG"
        assert item.authors and item.authors_raw
        assert item.primary_category == item.categories[0]
        assert {link.kind for link in item.links} == {"abs", "pdf"}
    first = items[0]
    assert first.categories == ("cs.LG", "cs.AI", "cs.AR", "cs.NE", "cs.RO")
    assert [a.name for a in first.authors][:2] == ["Muhammad Shafique", "Abdul Basit"]
    assert first.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert "visual resolution & stride" in first.abstract  # XML-escaped &amp; decoded, nothing else changed
    assert items[2].license == "http://creativecommons.org/licenses/by/4.0/"


def test_mononym_and_double_space_in_creator(cs_cl: bytes) -> None:
    items, _ = parse_arxiv_rss(cs_cl)
    item = next(i for i in items if "Deepti" in i.authors_raw)
    assert "Ratna Kandala,  Deepti" in item.authors_raw  # raw string kept as arXiv sent it
    assert [a.name for a in item.authors][:4] == ["Anamta Khan", "Ratna Kandala", "Deepti", "Sheza Munir"]


def test_announce_types_doi_journal_ref_from_elements_and_prefix(cs_lg: bytes) -> None:
    def edit(channel: etree._Element) -> None:
        items = channel.findall("item")
        items[0].find(f"{{{ARXIV_NS}}}announce_type").text = "replace-cross"  # type: ignore[union-attr]
        items[0].find("guid").text = "oai:arXiv.org:2009.13987v3"  # type: ignore[union-attr]
        items[0].find("description").text = "arXiv:2009.13987v3 Announce Type: replace-cross \nAbstract: Old."  # type: ignore[union-attr]
        doi = etree.SubElement(items[0], f"{{{ARXIV_NS}}}DOI")
        doi.text = "10.5802/JEP.257"
        ref = etree.SubElement(items[0], f"{{{ARXIV_NS}}}journal_reference")
        ref.text = "Journal de l'\\'Ecole polytechnique 11 (2024)"
        items[1].remove(items[1].find(f"{{{ARXIV_NS}}}announce_type"))  # type: ignore[arg-type]
        items[1].find("description").text = "arXiv:2604.21953v2 Announce Type: cross \nAbstract: Text."  # type: ignore[union-attr]
        items[2].find(f"{{{ARXIV_NS}}}announce_type").text = "replace"  # type: ignore[union-attr]

    items, _ = parse_arxiv_rss(edit_feed(cs_lg, edit))
    assert [i.announce_type for i in items] == [AnnounceType.REPLACE_CROSS, AnnounceType.CROSS, AnnounceType.REPLACE]
    assert (items[0].arxiv_id, items[0].version) == ("2009.13987", 3)
    assert items[0].abstract == "Old."
    assert items[0].doi == "10.5802/jep.257"
    assert items[0].journal_ref == "Journal de l'\\'Ecole polytechnique 11 (2024)"
    assert items[1].abstract == "Text."


def test_same_paper_twice_in_one_feed_is_emitted_once(cs_lg: bytes) -> None:
    def edit(channel: etree._Element) -> None:
        channel.append(etree.fromstring(etree.tostring(channel.find("item"))))

    items, meta = parse_arxiv_rss(edit_feed(cs_lg, edit))
    assert [i.arxiv_id for i in items] == ["2604.21952", "2604.21953", "2604.21956"]
    assert meta.duplicates == 1


def _without_items(channel: etree._Element, pub_date: str) -> None:
    for item in channel.findall("item"):
        channel.remove(item)
    channel.find("pubDate").text = pub_date  # type: ignore[union-attr]


def test_weekend_empty_feed_is_no_announcement_not_an_error(cs_lg: bytes) -> None:
    data = edit_feed(cs_lg, lambda ch: _without_items(ch, "Sat, 25 Apr 2026 00:00:00 -0400"))
    items, meta = parse_arxiv_rss(data)
    assert items == []
    assert meta.announced is None
    result = result_from_feed(items, meta)
    assert result.status is RunStatus.NO_ANNOUNCEMENT
    assert result.note.startswith("no announcement:")
    assert "weekend" in result.note and "cs.LG" in result.note


def test_weekday_empty_feed_is_a_holiday_not_no_papers(cs_lg: bytes) -> None:
    data = edit_feed(cs_lg, lambda ch: _without_items(ch, "Thu, 25 Dec 2025 00:00:00 -0500"))
    result = result_from_feed(*parse_arxiv_rss(data))
    assert result.status is RunStatus.NO_ANNOUNCEMENT
    assert "holiday" in result.note


def test_truncated_feed_keeps_the_complete_items_and_says_so(cs_lg: bytes) -> None:
    cut = cs_lg[: cs_lg.index(b"Timely detection") + 40]  # mid-way through the third item's abstract
    items, meta = parse_arxiv_rss(cut)
    assert meta.salvaged
    assert [i.arxiv_id for i in items] == ["2604.21952", "2604.21953"]
    result = result_from_feed(items, meta)
    assert result.status is RunStatus.OK
    assert "salvaged truncated feed" in result.note


def test_feed_cut_before_any_item_closed_is_an_error(cs_lg: bytes) -> None:
    cut = cs_lg[: cs_lg.index(b"<item>") + 200]
    items, meta = parse_arxiv_rss(cut)
    assert items == [] and meta.salvaged
    with pytest.raises(ParseError, match="truncated"):
        result_from_feed(items, meta)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<!DOCTYPE html><html><body>Just a moment...</body></html>", "not a feed: got an HTML page"),
        (b'{"error": "rate limited"}', "not a feed: got JSON"),
        (b"<?xml version='1.0'?><OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'/>", "not a feed"),
        (b"", "empty"),
    ],
)
def test_html_json_and_other_documents_are_not_a_feed(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_arxiv_rss(body)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>
<rss version="2.0"><channel><title>&f;</title><item><title>&f;</title></item></channel></rss>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title>
<guid>oai:arXiv.org:2604.00001v1</guid></item></channel></rss>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE, BILLION_LAUGHS[:-40]])
def test_entity_attacks_are_refused_quickly(body: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(ParseError, match="entities"):
        parse_arxiv_rss(body)
    assert time.monotonic() - started < 1.0


ATOM_FEED = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"
      xmlns:dc="http://purl.org/dc/elements/1.1/">
  <id>http://rss.arxiv.org/atom/math.OC</id>
  <title>math.OC updates on arXiv.org</title>
  <updated>2024-08-23T04:08:30.941605+00:00</updated>
  <link href="http://rss.arxiv.org/atom/math.OC" rel="self" type="application/atom+xml"/>
  <entry>
    <id>oai:arXiv.org:2203.01250v3</id>
    <title>Mass concentration in rescaled first order integral functionals</title>
    <updated>2024-08-23T04:08:30.942190+00:00</updated>
    <link href="https://arxiv.org/abs/2203.01250" rel="alternate" type="text/html"/>
    <summary>arXiv:2203.01250v3 Announce Type: replace-cross \nAbstract: We consider $\\min \\int f(u)$.</summary>
    <category term="math.AP"/>
    <category term="math.OC"/>
    <published>2024-08-23T00:00:00-04:00</published>
    <arxiv:announce_type>replace-cross</arxiv:announce_type>
    <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>
    <arxiv:journal_reference>Journal de l'\\'Ecole polytechnique, Tome 11 (2024)</arxiv:journal_reference>
    <arxiv:DOI>10.5802/jep.257</arxiv:DOI>
    <dc:creator>Antonin Monteil, Paul Pegon</dc:creator>
  </entry>
</feed>
"""  # shape from arXiv's help/atom_specifications.md (no real Atom-feed sample exists)


def test_atom_variant_parses_like_rss() -> None:
    items, meta = parse_arxiv_rss(ATOM_FEED.encode())
    assert meta.feed_format == "atom" and meta.listing == "math.OC"
    assert meta.announced == dt.date(2024, 8, 23)
    (item,) = items
    assert (item.arxiv_id, item.version) == ("2203.01250", 3)
    assert item.announce_type is AnnounceType.REPLACE_CROSS
    assert item.abstract == "We consider $\\min \\int f(u)$."
    assert [a.name for a in item.authors] == ["Antonin Monteil", "Paul Pegon"]
    assert item.categories == ("math.AP", "math.OC")
    assert item.doi == "10.5802/jep.257"
    assert item.announced == dt.date(2024, 8, 23)


def test_ingest_recognises_a_recorded_feed_file(repo_fixtures: Path) -> None:
    (parsed,) = parse_file(repo_fixtures / "arxiv" / "rss_cs.CL_2026-04-27_trimmed3.xml")
    assert parsed.format == "arxiv-rss" and parsed.error == ""
    assert len(parsed.items) == 3


def test_shared_feeds_all_parse(shared_fixtures: Path) -> None:
    files = sorted((shared_fixtures / "arxiv-rss").rglob("*.xml"))
    assert files
    for path in files:
        items, meta = parse_arxiv_rss(path.read_bytes())
        assert items and meta.listing and meta.announced
        assert all("Announce Type" not in i.abstract and i.authors for i in items)


# --- live fetching against the loopback server ---


def test_fetch_sends_validators_and_maps_304_to_not_modified(
    loopback: LoopbackServer, http_client: HttpClient, cs_lg: bytes
) -> None:
    def reply(request: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        if request.headers.get("if-none-match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Last-Modified": "Mon, 27 Apr 2026 04:00:01 GMT"}, cs_lg

    loopback.add_handler("/rss/cs.LG", reply)
    source = ArxivRssSource(base_url=loopback.url("/rss/"))
    spec = SourceSpec("arxiv-rss:cs.LG", "arxiv-rss", "cs.LG")
    first = source.fetch(spec, http_client, None)
    assert first.status is RunStatus.OK and len(first.items) == 3
    assert first.etag == '"v1"' and first.last_modified == "Mon, 27 Apr 2026 04:00:01 GMT"
    second = source.fetch(spec, http_client, None, etag=first.etag, last_modified=first.last_modified)
    assert second.status is RunStatus.NOT_MODIFIED and second.items == ()
    assert second.etag == '"v1"'
    assert loopback.requests[-1].headers["if-modified-since"] == "Mon, 27 Apr 2026 04:00:01 GMT"


def test_fetch_of_combined_categories_and_an_empty_weekend_feed(
    loopback: LoopbackServer, http_client: HttpClient, cs_lg: bytes
) -> None:
    empty = edit_feed(cs_lg, lambda ch: _without_items(ch, "Sun, 26 Apr 2026 00:00:00 -0400"))
    loopback.add("/rss/cs.LG+cs.AI", empty)
    source = ArxivRssSource(base_url=loopback.url("/rss/"))
    result = source.fetch(SourceSpec("arxiv-rss:cs.LG+cs.AI", "arxiv-rss", "cs.LG+cs.AI"), http_client, None)
    assert result.status is RunStatus.NO_ANNOUNCEMENT
    assert result.note.startswith("no announcement:")
    assert loopback.requests[-1].path == "/rss/cs.LG+cs.AI"


def test_fetch_of_an_html_page_raises_not_a_feed(loopback: LoopbackServer, http_client: HttpClient) -> None:
    loopback.add("/rss/cs.LG", b"<html><body>Service unavailable</body></html>", headers={"Content-Type": "text/html"})
    source = ArxivRssSource(base_url=loopback.url("/rss/"))
    with pytest.raises(ParseError, match="not a feed"):
        source.fetch(SourceSpec("arxiv-rss:cs.LG", "arxiv-rss", "cs.LG"), http_client, None)


def test_combined_feed_items_get_the_requested_category_they_are_in(cs_lg: bytes) -> None:
    def edit(channel: etree._Element) -> None:
        channel.find("link").text = "http://rss.arxiv.org/rss/cs.AI+cs.CY"  # type: ignore[union-attr]

    items, meta = parse_arxiv_rss(edit_feed(cs_lg, edit))
    assert meta.listing == "cs.AI+cs.CY"
    assert [i.listing for i in items] == ["cs.AI", "cs.CY", "cs.AI+cs.CY"]
