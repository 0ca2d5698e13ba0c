"""Journal feeds bounded before feedparser (RELIABILITY B1/B5) and unusable item dates flagged (D4)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from academichub.errors import ParseError
from academichub.sources.feed_guard import MAX_ATTRIBUTE_BYTES, MAX_TOKEN_BYTES, bound_feed
from academichub.sources.journal_feeds import parse_journal_feed

NATURE = "nature-rss/nature_rss_2023-12-01T0012Z.rdf"
GOOD_DATE = "Thu, 30 Nov 2023 08:00:00 +0000"


def rss(items: str, *, tail: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test Journal</title>'
        f"<link>https://journal.example/</link><description>d</description>{items}{tail}</channel></rss>"
    ).encode()


def item(n: int, *, title: str = "", dates: str = f"<pubDate>{GOOD_DATE}</pubDate>") -> str:
    return (
        f"<item><title>{title or f'Result {n}'}</title><link>https://j.example/{n}</link>"
        f"<guid>https://j.example/{n}</guid><description>doi:10.9999/x.{n}</description>{dates}</item>"
    )


def rdf(count: int) -> bytes:
    items = "".join(
        f'<item rdf:about="https://j.example/{n}"><title>R{n}</title><link>https://j.example/{n}</link></item>'
        for n in range(count)
    )
    return (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://j.example/"><title>RDF Journal</title>'
        f"<link>https://j.example/</link><description>d</description></channel>{items}"
        '<textinput rdf:about="https://j.example/search"><title>Search</title></textinput></rdf:RDF>'
    ).encode()


def atom(count: int) -> bytes:
    entries = "".join(
        f"<entry><title>A{n}</title><id>urn:a:{n}</id><updated>2024-05-02T10:00:00Z</updated>"
        f'<link href="https://doi.org/10.5555/a.{n}"/><source><id>urn:s</id></source></entry>'
        for n in range(count)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Journal</title>'
        f"<id>urn:x</id><updated>2024-05-02T10:00:00Z</updated>{entries}</feed>"
    ).encode()


# --- B5: the document is cut to the cap before feedparser parses it --------------------------------


@pytest.mark.parametrize(
    ("document", "titles"),
    [
        (rss("".join(item(n) for n in range(10)), tail="<copyright>CC</copyright>"), ["Result 0", "Result 1"]),
        (rdf(10), ["R0", "R1"]),
        (atom(10), ["A0", "A1"]),
    ],
    ids=["rss2", "rss1-rdf", "atom"],
)
def test_the_cut_document_is_still_well_formed_and_keeps_the_first_items(document: bytes, titles: list[str]) -> None:
    bounded = bound_feed(document, max_items=2)
    assert (bounded.items_total, bounded.items_kept, bounded.truncated) == (10, 2, True)
    etree.fromstring(bounded.data)  # strict parse: the closing tags survived the cut
    parsed = feedparser.parse(bounded.data)
    assert [entry.title for entry in parsed.entries] == titles
    assert not parsed.bozo


def test_what_follows_the_items_survives_the_cut() -> None:
    bounded = bound_feed(rss("".join(item(n) for n in range(5)), tail="<copyright>CC BY</copyright>"), max_items=1)
    assert feedparser.parse(bounded.data).feed.rights == "CC BY"


def test_a_feed_within_the_cap_is_passed_on_unchanged() -> None:
    document = rss("".join(item(n) for n in range(3)))
    bounded = bound_feed(document, max_items=3)
    assert bounded.data is document and not bounded.truncated and bounded.items_total == 3


def test_broken_xml_over_the_cap_is_still_cut() -> None:
    items = [item(n) for n in range(8)]
    items[1] = item(1, title="Fish & Chips")  # a bare ampersand: the strict pass stops here
    bounded = bound_feed(rss("".join(items)), max_items=3)
    assert (bounded.items_total, bounded.items_kept) == (8, 3)
    parsed = feedparser.parse(bounded.data)
    assert [entry.title for entry in parsed.entries] == ["Result 0", "Fish & Chips", "Result 2"]


# --- B1: oversized tokens are refused, naming the limit ------------------------------------------------


@pytest.mark.parametrize(
    ("document", "limit"),
    [
        (rss(item(0, title="x" * (MAX_TOKEN_BYTES + 1))), "MAX_TOKEN_BYTES"),
        (rss(item(0).replace("<item>", f'<item a="{"y" * (MAX_TOKEN_BYTES + 1)}">')), "MAX_TOKEN_BYTES"),
        (rss(item(0).replace("<item>", f'<item a="{"y" * (MAX_ATTRIBUTE_BYTES + 1)}">')), "MAX_ATTRIBUTE_BYTES"),
        (rss(item(0, title="<![CDATA[" + "<b>x</b>" * (MAX_TOKEN_BYTES // 8 + 1) + "]]>")), "MAX_TOKEN_BYTES"),
    ],
    ids=["text", "huge-attribute", "attribute", "cdata-markup"],
)
def test_oversized_tokens_are_refused_with_the_limit_named(document: bytes, limit: str) -> None:
    with pytest.raises(ParseError, match=limit):
        parse_journal_feed(document)


def test_a_long_title_under_the_limit_is_kept() -> None:
    (found,) = parse_journal_feed(rss(item(0, title="x" * (MAX_TOKEN_BYTES // 2)))).items
    assert len(found.title) == MAX_TOKEN_BYTES // 2


def test_entity_declarations_are_refused_before_the_size_checks() -> None:
    _, body = rss(item(0, title="&a;" * (MAX_TOKEN_BYTES // 3))).split(b"?>", 1)
    bomb = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "x">]>' + body
    with pytest.raises(ParseError, match="entities"):
        parse_journal_feed(bomb)


# --- D4: dates are read without feedparser's deprecated alias, and replaced ones are flagged -------------

BAD_DATES = [
    "nonsense",
    "Thu, 30 Nov 2099 08:00:00 +0000",
    "Thu, 01 Jan 1970 00:00:00 +0000",
    "Thu, 30 Nov 23 08:00:00 +0000",
    "Do, 30 Nov 2023 08:00:00 +0100",
    "2023-11-30T08:00:00",
    "Sat, 31 Dec 2016 23:59:60 +0000",
    "2024-02-30T00:00:00Z",
]


@pytest.mark.parametrize("date", BAD_DATES)
def test_odd_dates_parse_without_a_deprecation_warning(date: str) -> None:
    (found,) = parse_journal_feed(rss(item(0, dates=f"<pubDate>{date}</pubDate>"))).items  # warnings are errors
    assert (found.announced is None) == (found.date_flag is not None)


def test_an_unparseable_date_leaves_the_item_undated_and_flagged() -> None:
    (found,) = parse_journal_feed(rss(item(0, dates="<pubDate>Sat, 31 Dec 2016 23:59:60 +0000</pubDate>"))).items
    assert found.announced is None and found.published is None
    assert found.date_flag == "no usable date: published 'Sat, 31 Dec 2016 23:59:60 +0000'"


def test_a_date_from_a_later_field_says_which_one_was_passed_over() -> None:
    dates = '<pubDate>nonsense</pubDate><dc:date xmlns:dc="http://purl.org/dc/elements/1.1/">2023-12-01</dc:date>'
    (found,) = parse_journal_feed(rss(item(0, dates=dates))).items
    assert found.announced == dt.date(2023, 12, 1)
    assert found.date_flag is not None and "published 'nonsense'" in found.date_flag


def test_an_item_without_any_date_is_flagged() -> None:
    (found,) = parse_journal_feed(rss(item(0, dates=""))).items
    assert found.announced is None and found.date_flag == "no date in the feed"


def test_good_dates_carry_no_flag(repo_fixtures: Path) -> None:
    feed = parse_journal_feed((repo_fixtures / NATURE).read_bytes())
    assert feed.undated == 0 and all(found.announced for found in feed.items)
    (found,) = parse_journal_feed(rss(item(0))).items
    assert found.announced == dt.date(2023, 11, 30) and found.date_flag is None
