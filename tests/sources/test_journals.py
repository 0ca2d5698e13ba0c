"""Journal RSS/RDF/Atom feeds: real Nature and bioRxiv feeds, bad bodies, charsets, live fetch."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from academichub.errors import ConfigError, ParseError
from academichub.models import RunStatus
from academichub.sources.base import SourceSpec, file_formats
from academichub.sources.journal_feeds import JournalFeedSource, parse_journal_feed, preset, presets

NATURE = "nature-rss/nature_rss_2023-12-01T0012Z.rdf"
BIORXIV_RSS = "biorxiv-rss/rss_1.0_biorxiv_genomics.xml"


def _rss(items: str, *, encoding: str = "utf-8", declared: str | None = None) -> bytes:
    doc = (
        f'<?xml version="1.0" encoding="{declared or encoding}"?>\n'
        '<rss version="2.0"><channel><title>Test Journal</title><link>https://journal.example/</link>'
        f"<description>d</description>{items}</channel></rss>"
    )
    return doc.encode(encoding)


def _item(title: str, guid: str = "https://journal.example/a/1", doi: str = "10.9999/abc.1") -> str:
    return (
        f"<item><title>{title}</title><link>{guid}</link><guid>{guid}</guid>"
        f"<description>doi:{doi}</description><pubDate>Thu, 30 Nov 2023 08:00:00 +0000</pubDate></item>"
    )


def test_nature_feed_items_have_dois_authors_and_no_teaser(repo_fixtures: Path) -> None:
    data = (repo_fixtures / NATURE).read_bytes()
    feed = parse_journal_feed(data)
    assert feed.title == "Nature" and not feed.salvaged
    assert len(feed.items) == 75
    assert all(item.doi and item.doi.startswith("10.1038/") for item in feed.items)
    items_with_creator = sum(1 for m in re.findall(rb"<item .*?</item>", data, re.DOTALL) if b"<dc:creator>" in m)
    assert sum(1 for item in feed.items if item.authors) == items_with_creator
    first = feed.items[0]
    assert first.doi == "10.1038/s41586-023-06881-0"
    assert first.authors[0].name == "Tal Givony" and first.authors[-1].name == "Jakub Abramson"
    assert len(first.authors) == 22
    assert first.announced == dt.date(2023, 11, 30)
    assert first.venue == "Nature" and first.listing == "Nature"
    assert all(item.abstract == "" for item in feed.items)  # "Published online" teaser + standfirst dropped
    assert {item.item_type for item in feed.items} == {"news", "article"}
    for item in feed.items:
        assert item.item_type == ("news" if item.doi and item.doi.startswith("10.1038/d41586") else "article")


def test_markup_in_titles_is_kept_for_ingest_to_sanitise(shared_fixtures: Path) -> None:
    feed = parse_journal_feed((shared_fixtures / "nature-rss/nature_rss_2023-04-10T1220Z.rdf").read_bytes())
    assert len(feed.items) == 75
    assert any("<sub>" in item.title or "<i>" in item.title for item in feed.items)
    assert all(item.abstract == "" for item in feed.items)


def test_biorxiv_rss_keeps_the_full_abstract_and_splits_authors(repo_fixtures: Path) -> None:
    feed = parse_journal_feed((repo_fixtures / BIORXIV_RSS).read_bytes())
    (item,) = feed.items
    assert item.doi == "10.1101/2023.12.16.571984"
    assert item.version == 1
    assert item.venue == "bioRxiv" and item.listing == "Genomics"
    assert item.abstract.startswith("Colletotrichum destructivum (Cd) is a phytopathogenic fungus")
    assert [a.name for a in item.authors][:3] == ["LAPALU, N.", "SIMON, A.", "Lu, A."]
    assert item.authors[-1].name == "O'Connell, R. J." and len(item.authors) == 10
    assert item.title.startswith("Complete genome of the Medicago") and "\n" not in item.title


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>",
        b'{"error": "feed moved"}',
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3",
        b"",
        b"   \n",
        b"<?xml version='1.0'?><note><to>Tove</to></note>",
    ],
)
def test_bodies_that_are_not_feeds_are_errors(body: bytes) -> None:
    with pytest.raises(ParseError, match="not a feed"):
        parse_journal_feed(body)


def test_billion_laughs_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9))
        + b']><rss version="2.0"><channel><title>&j;</title></channel></rss>'
    )
    with pytest.raises(ParseError, match="entities"):
        parse_journal_feed(bomb)


CHINESE = "量子計算"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_rss(_item(CHINESE), encoding="big5"), CHINESE),
        (_rss(_item(CHINESE), encoding="utf-16"), CHINESE),  # with BOM
        (_rss(_item("Квантовая"), encoding="koi8-r"), "Квантовая"),
        (_rss(_item(CHINESE), encoding="big5", declared="utf-8"), None),  # wrong charset declared
        (_rss(_item("caf\u00e9")).replace(b"caf\xc3\xa9", b"caf\xe9\xff"), None),  # invalid UTF-8 bytes
        (_rss(_item("nul\x00 and \x07bell")), None),  # NUL and C0 control characters
    ],
)
def test_any_charset_comes_out_as_valid_utf8(data: bytes, expected: str | None) -> None:
    feed = parse_journal_feed(data)
    (item,) = feed.items
    item.title.encode("utf-8")  # never raises: no surrogates
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", item.title)
    if expected is not None:
        assert item.title == expected
    assert item.doi == "10.9999/abc.1"


def test_utf16_entity_bomb_is_refused_too() -> None:
    bomb = '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE r [<!ENTITY a "x">]><rss><channel/></rss>'
    with pytest.raises(ParseError):
        parse_journal_feed(bomb.encode("utf-16"))


def test_duplicate_items_are_reported_once() -> None:
    items = _item("One", guid="https://j.example/1") + _item("One again", guid="https://j.example/1b")
    items += _item("Other", guid="https://j.example/2", doi="10.9999/abc.2")
    feed = parse_journal_feed(_rss(items))
    assert [item.doi for item in feed.items] == ["10.9999/abc.1", "10.9999/abc.2"]


def test_atom_feed() -> None:
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Journal</title>'
        b"<id>urn:x</id><updated>2024-05-02T10:00:00Z</updated><entry><title>A result</title><id>urn:y</id>"
        b'<link href="https://doi.org/10.5555/XYZ.9"/><updated>2024-05-02T10:00:00Z</updated>'
        b"<author><name>Ada Lovelace</name></author><author><name>Alan Turing</name></author>"
        b"<summary>Short.</summary></entry></feed>"
    )
    (item,) = parse_journal_feed(atom).items
    assert item.doi == "10.5555/xyz.9"
    assert [a.name for a in item.authors] == ["Ada Lovelace", "Alan Turing"]
    assert item.announced == dt.date(2024, 5, 2)
    assert item.listing == "Atom Journal" or item.listing is None


def test_truncated_feed_is_salvaged_and_flagged(repo_fixtures: Path) -> None:
    data = (repo_fixtures / NATURE).read_bytes()
    cut = data[: len(data) // 2]
    feed = parse_journal_feed(cut)
    assert feed.salvaged
    assert 10 < len(feed.items) < 75


def test_presets() -> None:
    names = {p.name for p in presets()}
    assert {"nature", "nature-communications", "science", "cell", "pnas", "prl", "nejm", "lancet"} <= names
    assert preset("nature").url == "https://www.nature.com/nature.rss"
    assert preset("nature").issn == "0028-0836"
    assert all(p.url.startswith("https://") and re.fullmatch(r"\d{4}-\d{3}[\dX]", p.issn) for p in presets())
    with pytest.raises(ConfigError):
        preset("journal-of-nothing")


def test_recorded_feed_files_are_ingestable(repo_fixtures: Path) -> None:
    for name in (NATURE, BIORXIV_RSS):
        path = repo_fixtures / name
        data = path.read_bytes()
        names = [f.name for f in file_formats() if f.sniff(path, data)]
        assert "journal-feed" in names


# --- live source over loopback ---------------------------------------------------------------


def test_fetch_then_not_modified(loopback, http_client, repo_fixtures: Path) -> None:
    loopback.add_etag("/nature.rss", (repo_fixtures / NATURE).read_bytes(), '"v1"', last_modified="Fri, 01 Dec 2023")
    spec = SourceSpec("journal:nature", "journal", loopback.url("/nature.rss"), "Nature")
    source = JournalFeedSource()
    first = source.fetch(spec, http_client, None)
    assert len(first.items) == 75 and first.status == RunStatus.OK
    assert first.etag == '"v1"'
    second = source.fetch(spec, http_client, None, etag=first.etag, last_modified=first.last_modified)
    assert second.status == RunStatus.NOT_MODIFIED and second.items == ()
    assert loopback.requests[-1].headers["if-none-match"] == '"v1"'


def test_fetch_of_html_or_empty_feed_is_an_error_not_zero_items(loopback, http_client) -> None:
    loopback.add("/moved", b"<html><body>We moved!</body></html>", headers={"Content-Type": "text/html"})
    loopback.add("/empty", _rss(""), headers={"Content-Type": "application/rss+xml"})
    source = JournalFeedSource()
    with pytest.raises(ParseError, match="not a feed"):
        source.fetch(SourceSpec("feed:x", "journal", loopback.url("/moved")), http_client, None)
    with pytest.raises(ParseError, match="no items"):
        source.fetch(SourceSpec("feed:y", "journal", loopback.url("/empty")), http_client, None)
