"""RELIABILITY.md §C1 and §B5 at ingest: hostile markup leaves only text; huge and deeply nested text stays bounded."""

from __future__ import annotations

import re

import pytest

from academichub.ingest.normalize import normalize_item
from academichub.ingest.sanitize import MAX_TITLE_CHARS, TRUNCATION_MARK, clean_text
from academichub.models import RawItem

TAG = re.compile(r"<\s*/?\s*(script|img|svg|iframe|a|base|meta|form|noscript|style)\b", re.IGNORECASE)


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<base href="https://evil.example/">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        '<form action="https://evil.example/"><input name=q></form>',
        "<style><style/><img src=x onerror=alert(1)>",
        "<noscript><img src=x onerror=alert(1)></noscript>",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
        "<noembed><img src=x onerror=alert(1)></noembed>",
        "<xmp><img src=x onerror=alert(1)></xmp>",
        "<template><img src=x onerror=alert(1)></template>",
    ],
)
def test_markup_payloads_leave_no_tags_in_stored_text(payload: str) -> None:
    cleaned = clean_text(f"Before {payload} after")
    assert not TAG.search(cleaned), cleaned
    assert cleaned.startswith("Before")  # text around the payload survives (an unclosed <style> may eat the rest)


def test_a_megabyte_title_is_cut_with_a_marker() -> None:
    paper = normalize_item(RawItem(source="journal", title="word " * 200_000, doi="10.9999/long.1"))
    assert paper is not None
    assert len(paper.title) <= MAX_TITLE_CHARS and paper.title.endswith(TRUNCATION_MARK)


def test_html_nested_ten_thousand_deep_comes_out_as_text() -> None:
    nested = "<div>" * 10_000 + "deep text" + "</div>" * 10_000
    assert clean_text(nested) == "deep text"
