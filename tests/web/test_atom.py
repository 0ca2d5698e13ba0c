"""deliver.atom: the feed document is well-formed Atom with the required elements, whatever the titles hold."""

from __future__ import annotations

import datetime as dt

from lxml import etree

from academichub.deliver.atom import AtomEntry, atom_feed
from academichub.sources.xml import parse_xml

ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_has_required_elements_and_survives_control_characters_and_markup() -> None:
    entry = AtomEntry(
        id="urn:academichub:radar:1:2026-06-29:paper:7", title="1. Bad \x0b title <b>&</b> $\\mathcal{O}(n)$",
        updated=dt.datetime(2026, 6, 29, tzinfo=dt.UTC), link="https://example.org/?radar=1#paper-7",
        content_html="<p>abstract &amp; more</p>", authors=("张三", "Ada Lovelace"), categories=("cs.LG",),
    )  # fmt: skip
    body = atom_feed(
        feed_id="urn:academichub:radar:1", title="AcademicHub · 推理", self_url="https://example.org/feeds/x.atom",
        site_url="https://example.org/", updated=dt.datetime(2026, 6, 29, tzinfo=dt.UTC), entries=[entry],
    )  # fmt: skip
    root = parse_xml(body)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}updated") == "2026-06-29T00:00:00Z"
    [parsed] = root.findall(f"{ATOM}entry")
    assert parsed.findtext(f"{ATOM}title") == "1. Bad  title <b>&</b> $\\mathcal{O}(n)$"
    assert parsed.find(f"{ATOM}content").get("type") == "html"  # type: ignore[union-attr]
    assert [a.findtext(f"{ATOM}name") for a in parsed.findall(f"{ATOM}author")] == ["张三", "Ada Lovelace"]
    assert etree.fromstring(body).find(f"{ATOM}link[@rel='self']") is not None
