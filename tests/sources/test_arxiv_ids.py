"""arXiv id splitting, listing days and free-text author lists (shared by every arXiv adapter)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from academichub.sources.arxiv_ids import (
    arxiv_id_or_none,
    detex_name,
    eastern_date,
    join_arxiv_id,
    listing_day_or_none,
    parse_rfc822,
    rfc822_utc_date,
    split_arxiv_id,
    split_author_string,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2604.22002v1", ("2604.22002", 1)),
        ("2604.22002", ("2604.22002", None)),
        ("0704.0001", ("0704.0001", None)),
        ("astro-ph/0601001v1", ("astro-ph/0601001", 1)),
        ("cs/0503050v12", ("cs/0503050", 12)),
        ("math.GT/0309136", ("math.GT/0309136", None)),
        ("http://arxiv.org/abs/2301.00306v4", ("2301.00306", 4)),
        ("https://arxiv.org/pdf/2104.12255v1", ("2104.12255", 1)),
        ("https://arxiv.org/abs/astro-ph/0601001v1", ("astro-ph/0601001", 1)),
        ("oai:arXiv.org:2604.22002v1", ("2604.22002", 1)),
        ("oai:arXiv.org:quant-ph/0201082", ("quant-ph/0201082", None)),
        ("arXiv:2604.21952v1", ("2604.21952", 1)),
        ("  2604.21952v2 ", ("2604.21952", 2)),
    ],
)
def test_split_arxiv_id_accepts_every_form_arxiv_uses(text: str, expected: tuple[str, int | None]) -> None:
    assert split_arxiv_id(text) == expected


@pytest.mark.parametrize("text", ["abc", "", "10.1038/nature12373", "https://arxiv.org/api/errors#x", "2604.220"])
def test_non_ids_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        split_arxiv_id(text)
    assert arxiv_id_or_none(text) is None


new_style = st.builds(
    lambda yymm, num, width: f"{yymm:04d}.{num:0{width}d}",
    st.integers(701, 3012),
    st.integers(0, 9999),
    st.sampled_from([4, 5]),
)
old_style = st.builds(
    lambda archive, sub, num: f"{archive}{sub}/{num:07d}",
    st.sampled_from(["astro-ph", "hep-th", "cs", "math", "quant-ph", "cond-mat", "q-bio"]),
    st.sampled_from(["", ".GT", ".AG"]),
    st.integers(0, 9_999_999),
)


@given(
    base=st.one_of(new_style, old_style),
    version=st.one_of(st.none(), st.integers(1, 99)),
    prefix=st.sampled_from(["", "arXiv:", "oai:arXiv.org:", "http://arxiv.org/abs/", "https://arxiv.org/pdf/"]),
)
def test_split_and_join_round_trip(base: str, version: int | None, prefix: str) -> None:
    joined = join_arxiv_id(base, version)
    assert split_arxiv_id(prefix + joined) == (base, version)
    assert join_arxiv_id(*split_arxiv_id(joined)) == joined


def test_weekend_is_never_a_listing_day() -> None:
    assert listing_day_or_none(dt.date(2026, 4, 25)) is None  # Saturday
    assert listing_day_or_none(dt.date(2026, 4, 26)) is None  # Sunday
    assert listing_day_or_none(dt.date(2026, 4, 27)) == dt.date(2026, 4, 27)


def test_eastern_date_uses_us_eastern_time_with_dst() -> None:
    assert eastern_date("Mon, 27 Apr 2026 00:00:00 -0400") == dt.date(2026, 4, 27)
    assert eastern_date("Mon, 27 Apr 2026 03:59:00 +0000") == dt.date(2026, 4, 26)  # 23:59 EDT
    assert eastern_date("Mon, 12 Jan 2026 04:30:00 +0000") == dt.date(2026, 1, 11)  # 23:30 EST
    assert eastern_date("2024-02-23T16:08:30.941605+00:00") == dt.date(2024, 2, 23)
    assert eastern_date("not a date") is None


def test_rss_author_string_with_irregular_spaces_and_a_mononym() -> None:
    authors = split_author_string("Anamta Khan, Ratna Kandala,  Deepti, Sheza Munir, Joyojeet Pal")
    assert [a.name for a in authors] == ["Anamta Khan", "Ratna Kandala", "Deepti", "Sheza Munir", "Joyojeet Pal"]


def test_arxivraw_authors_with_numbered_affiliation_legend_and_line_breaks() -> None:
    raw = (
        "A. Baldi (1), W. Forman (1), C. Jones (1), P. Nulsen (1), L. David\n  (1), R. Kraft (1) and "
        "A. Simionescu (2) ((1) Harvard-Smithsonian Center for\n  Astrophysics, (2) Max Planck Institute "
        "for Extraterrestrial Physics)"
    )
    authors = split_author_string(raw)
    assert [a.name for a in authors] == [
        "A. Baldi", "W. Forman", "C. Jones", "P. Nulsen", "L. David", "R. Kraft", "A. Simionescu",
    ]  # fmt: skip
    assert authors[0].affiliations == ("Harvard-Smithsonian Center for Astrophysics",)
    assert authors[-1].affiliations == ("Max Planck Institute for Extraterrestrial Physics",)


def test_and_with_oxford_comma_suffixes_and_plain_affiliations() -> None:
    authors = split_author_string("Quirino M. Sugon Jr., Carlo B. Fernandez, and Daniel J. McNamara")
    assert [a.name for a in authors] == ["Quirino M. Sugon Jr.", "Carlo B. Fernandez", "Daniel J. McNamara"]
    authors = split_author_string("Michel Broniatowski (LSTA), Amor Keziou (LSTA, LM-Reims)")
    assert [(a.name, a.affiliations) for a in authors] == [
        ("Michel Broniatowski", ("LSTA",)),
        ("Amor Keziou", ("LSTA, LM-Reims",)),
    ]


def test_tex_accents_in_names_become_unicode() -> None:
    assert detex_name("C. Bal\\'azs") == "C. Balázs"
    assert detex_name('J. M\\"uller') == "J. Müller"
    assert detex_name('{\\"O}. G{\\"u}rsey') == "Ö. Gürsey"
    assert detex_name("Bj\\o rn") == "Bjørn"
    assert detex_name("Plain Name") == "Plain Name"


def test_unbalanced_parentheses_do_not_lose_authors() -> None:
    authors = split_author_string("A. One (Inst, B. Two")
    assert authors and authors[0].name.startswith("A. One")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon, 2 Apr 2007 19:18:42 GMT", dt.date(2007, 4, 2)),  # arXivRaw's shape
        ("Tue, 31 Dec 2013 23:59:59 GMT", dt.date(2013, 12, 31)),
        ("Tue, 31 Dec 2013 23:30:00 -0100", dt.date(2014, 1, 1)),  # an offset moves the UTC day
        ("Fri, 21 Nov 08 22:55:07 GMT", dt.date(2008, 11, 21)),  # two-digit year
        ("Mon, 30 Feb 2007 10:00:00 GMT", None),
        ("Mon, 2 Apr 2007 24:00:00 GMT", None),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_rfc822_utc_date(text: str | None, expected: dt.date | None) -> None:
    assert rfc822_utc_date(text) == expected


@given(
    st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 30)),
    st.sampled_from(["GMT", "+0000", "-0400", "+0930"]),
)
def test_rfc822_utc_date_agrees_with_the_general_parser(moment: dt.datetime, zone: str) -> None:
    text = moment.strftime(f"%a, {moment.day} %b {moment.year} %H:%M:%S {zone}")
    general = parse_rfc822(text)
    assert rfc822_utc_date(text) == (general.astimezone(dt.UTC).date() if general else None)
