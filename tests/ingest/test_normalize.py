import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from academichub.ingest.normalize import (
    clean_name,
    identity_keys,
    normalize_doi,
    normalize_item,
    sane_date,
    source_label,
    split_arxiv_id,
)
from academichub.ingest.sanitize import clean_abstract, clean_text
from academichub.models import AnnounceType, Author, RawItem


def test_announce_prefix_never_survives_in_an_abstract():
    raw = "arXiv:2603.15495v2 Announce Type: replace \nAbstract: We bound $\\mathcal{O}(n)$ terms."
    assert clean_abstract(raw) == "We bound $\\mathcal{O}(n)$ terms."


def test_latex_is_kept_verbatim_and_whitespace_collapsed():
    assert clean_text("  An  $\\alpha<\\beta$\n  bound  ") == "An $\\alpha<\\beta$ bound"


def test_html_is_reduced_to_text_with_sub_and_sup_as_latex():
    assert clean_text("S<sub>N</sub>2 reactions in H<sub>2</sub>O") == "S$_{N}$2 reactions in H$_{2}$O"
    assert clean_text("<p>x<script>alert(1)</script></p><img src=x onerror=alert(1)>y") == "x y"


def test_control_characters_and_zero_width_text_are_removed():
    assert clean_text("a\x00b\u200bc\x07d") == "abcd"


def test_doi_forms_normalise_to_one():
    for form in ("https://doi.org/10.1038/S41586-024-1", "doi:10.1038/s41586-024-1", " 10.1038/s41586-024-1. "):
        assert normalize_doi(form) == "10.1038/s41586-024-1"
    assert normalize_doi("not a doi") is None


def test_arxiv_doi_becomes_the_arxiv_key():
    item = RawItem(source="crossref", title="t", doi="10.48550/arXiv.2604.22002")
    assert identity_keys(item) == ("arxiv:2604.22002",)


def test_arxiv_id_forms():
    assert split_arxiv_id("oai:arXiv.org:2604.22002v1") == ("2604.22002", 1)
    assert split_arxiv_id("http://arxiv.org/abs/astro-ph/0601001v3") == ("astro-ph/0601001", 3)
    assert split_arxiv_id("https://arxiv.org/pdf/2104.12255v1") == ("2104.12255", 1)
    assert split_arxiv_id("0704.0001") == ("0704.0001", None)
    assert split_arxiv_id("abc") is None


@given(st.from_regex(r"\A[0-9]{4}\.[0-9]{4,5}\Z"), st.integers(1, 40))
def test_arxiv_id_round_trip(base, version):
    assert split_arxiv_id(f"arXiv:{base}v{version}") == (base, version)
    assert split_arxiv_id(f"https://arxiv.org/abs/{base}") == (base, None)


@given(st.dates())
def test_sane_date_keeps_plausible_dates_only(day):
    today = dt.date(2026, 11, 26)
    result = sane_date(day, today=today)
    if result is not None:
        assert dt.date(1900, 1, 1) <= result <= today + dt.timedelta(days=366)
    assert sane_date(dt.date(2099, 1, 1), today=today) is None
    assert sane_date(dt.date(1970, 1, 1), today=today) is None


def test_tex_accents_in_names():
    assert clean_name("L\\'eon Bottou") == "Léon Bottou"
    assert clean_name('J\\"{o}rg   M\\"uller') == "Jörg Müller"


def test_author_string_fallback_splits_and_drops_affiliations():
    item = RawItem(source="arxiv-oai", title="t", arxiv_id="0704.0001", authors_raw="A. One (MIT), B. Two and C. Three")
    paper = normalize_item(item)
    assert paper is not None
    assert [a.name for a in paper.authors] == ["A. One", "B. Two", "C. Three"]


def test_source_labels_match_the_product_page():
    assert source_label("arxiv-rss", primary="quant-ph", listing=None, venue=None) == "arXiv (quant-ph)"
    assert (
        source_label("biorxiv", primary=None, listing="Bioinformatics", venue="bioRxiv") == "bioRxiv (Bioinformatics)"
    )
    assert source_label("journal", primary=None, listing="Nature", venue="Nature") == "Nature"


def test_normalised_item_carries_its_announcement_and_version():
    item = RawItem(
        source="arxiv-rss",
        title="T",
        arxiv_id="2604.22002",
        version=2,
        listing="cs.LG",
        announced=dt.date(2026, 4, 27),
        announce_type=AnnounceType.REPLACE,
        authors=(Author("  Ada   Lovelace "),),
    )
    paper = normalize_item(item)
    assert paper is not None
    assert paper.keys == ("arxiv:2604.22002",)
    assert paper.version == 2 and [v.number for v in paper.versions] == [2]
    assert paper.announcements[0].announce_type == AnnounceType.REPLACE
    assert paper.authors[0].name == "Ada Lovelace"


def test_item_without_title_is_dropped():
    assert normalize_item(RawItem(source="journal", title="   ", doi="10.1/x")) is None


MESSY_CHARS = [
    "a",
    "Z",
    " ",
    "\t",
    "\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x00",
    "\x7f",
    "é",
    "\u00a0",
    "\u200b",
    "$",
    "<",
]


@given(st.text(alphabet=st.sampled_from(MESSY_CHARS), max_size=40))
def test_cleaned_text_is_single_spaced_and_free_of_control_characters(raw):
    text = clean_text(raw)
    assert text == " ".join(text.split())
    assert not any(ch in text for ch in "\x00\x7f\x0b\x0c\x1c\u200b\t\n\r")
    assert clean_text(text) == text


def test_a_control_character_glues_words_but_whitespace_separates_them():
    assert clean_text("data\x0cbase  and\tgraph\nnets") == "database and graph nets"


def test_short_text_is_cleaned_like_long_text():
    """Names, titles and listings take a fast path; it must give what the full cleaning gives."""
    for short in ["Ada Lovelace", " Ada  Lovelace ", "Ada\tLovelace", "Ada &amp; Bob", "H<sub>2</sub>O", "x\x7fy"]:
        assert clean_text(short) == clean_text(short + " " + "w" * 300)[: len(clean_text(short))]
    assert clean_text("Ada Lovelace") == "Ada Lovelace"
    assert clean_text(" Ada  Lovelace ") == "Ada Lovelace"
    assert clean_text("H<sub>2</sub>O") == "H$_{2}$O"
    assert clean_text("abcdefghijkl", max_chars=8) == "abcd […]"
