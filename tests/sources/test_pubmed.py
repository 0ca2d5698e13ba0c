"""PubMed efetch/esearch: structured abstracts, MathML, dates, ids; DOI enrichment round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from academichub.errors import ParseError
from academichub.sources.pubmed import PubmedEnricher, parse_esearch, parse_pubmed_efetch

MATHML_1 = "pubmed-efetch/pubmed6_efetch_id30108519_mathml.xml"
MATHML_2 = "pubmed-efetch/pubmed7_efetch_id29963580_mathml.xml"
STRUCTURED = "pubmed-efetch/pubmed4_efetch_id29106400.xml"


def test_mathml_abstract_keeps_the_math_as_tex(repo_fixtures: Path) -> None:
    (item,) = parse_pubmed_efetch((repo_fixtures / MATHML_1).read_bytes())
    assert item.pmid == "30108519"
    assert item.doi == "10.3389/fphys.2018.01034"
    assert r"\dot{V}" in item.abstract and "_{2max}" in item.abstract
    assert "maximal oxygen uptake ( $" in item.abstract
    assert "LEmin" in item.abstract  # <sub> text kept inline
    assert item.title.startswith('A "Blood Relationship" Between')
    assert item.published == dt.date(2018, 7, 31)  # ArticleDate, not the year-only PubDate
    assert item.venue == "Frontiers in physiology"


def test_prescripts_become_tex(repo_fixtures: Path) -> None:
    (item,) = parse_pubmed_efetch((repo_fixtures / MATHML_2).read_bytes())
    assert "${}^{3}{He}/{}^{129}{Xe}" in item.abstract
    assert "<mml" not in item.abstract


def test_structured_abstract_keeps_labels(repo_fixtures: Path) -> None:
    (item,) = parse_pubmed_efetch((repo_fixtures / STRUCTURED).read_bytes())
    sections = item.abstract.split("\n\n")
    assert [s.split(":")[0] for s in sections] == ["OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"]
    assert item.authors[0].name == "Ying Bao"
    assert item.authors[0].affiliations[0].startswith("Channing Division of Network Medicine")
    assert item.pmcid and item.pmcid.startswith("PMC")


def test_fifty_article_efetch(shared_fixtures: Path) -> None:
    items = parse_pubmed_efetch((shared_fixtures / "pubmed-efetch/findpapers/efetch_50_ml_nlp.xml").read_bytes())
    assert len(items) == 50
    assert sum(1 for i in items if i.doi) == 45
    assert sum(1 for i in items if i.pmcid) >= 20
    assert sum(1 for i in items if i.abstract) == 49
    assert all(i.published for i in items)
    assert all(a.name.strip() for i in items for a in i.authors)
    assert any(a.orcid for i in items for a in i.authors)


def test_all_pubmed_fixture_files_parse(shared_fixtures: Path) -> None:
    for path in sorted((shared_fixtures / "pubmed-efetch").glob("*/*.xml")):
        items = parse_pubmed_efetch(path.read_bytes())
        assert items and all(i.title and i.pmid for i in items), path


def test_esearch(repo_fixtures: Path) -> None:
    result = parse_esearch((repo_fixtures / "pubmed-efetch/esearch_ml_nlp_retmax50.json").read_bytes())
    assert result.count == 1834 and len(result.ids) == 50 and result.ids[0] == "36006759"
    with pytest.raises(ParseError):
        parse_esearch(b'{"esearchresult": {"ERROR": "Invalid query"}}')


def test_not_pubmed_xml() -> None:
    with pytest.raises(ParseError):
        parse_pubmed_efetch(b"<eFetchResult><ERROR>Empty id list</ERROR></eFetchResult>")


def test_enricher_searches_by_doi_then_fetches(loopback, http_client, repo_fixtures: Path) -> None:
    loopback.add("/esearch.fcgi", b'{"esearchresult": {"count": "1", "idlist": ["30108519"]}}')
    loopback.add("/efetch.fcgi", (repo_fixtures / MATHML_1).read_bytes())
    enricher = PubmedEnricher("me@example.org", "KEY123", base_url=loopback.url(""))
    items = enricher.lookup_dois(http_client, ["10.3389/FPHYS.2018.01034", "10.1/none"])
    assert [i.pmid for i in items] == ["30108519"]
    search, fetch = loopback.requests
    assert search.query["term"] == "10.3389/fphys.2018.01034[doi] OR 10.1/none[doi]"
    assert search.query["tool"] == "academichub" and search.query["email"] == "me@example.org"
    assert search.query["api_key"] == "KEY123"
    assert fetch.query["id"] == "30108519" and fetch.query["db"] == "pubmed"


def test_enricher_skips_efetch_when_nothing_found(loopback, http_client) -> None:
    loopback.add("/esearch.fcgi", b'{"esearchresult": {"count": "0", "idlist": []}}')
    assert PubmedEnricher(base_url=loopback.url("")).lookup_dois(http_client, ["10.1/none"]) == []
    assert len(loopback.requests) == 1
