"""OpenAlex works: abstracts rebuilt from the inverted index, authorships, ids; DOI enrichment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from academichub.errors import ParseError
from academichub.sources.openalex import OpenAlexEnricher, parse_openalex, rebuild_abstract

WORKS = "openalex-works/findpapers/works_search_ml_nlp_2020-2022_per-page50.json"


def test_works_list(shared_fixtures: Path) -> None:
    data = (shared_fixtures / WORKS).read_bytes()
    items = parse_openalex(data)
    raw = json.loads(data)["results"]
    assert len(items) == 50
    assert sum(1 for i in items if i.abstract) == 49
    first, work = items[0], raw[0]
    assert first.openalex_id == "W4327510205"
    assert first.doi == "10.3126/nelta.v27i1-2.53203"
    assert first.venue == "Journal of NELTA"
    assert first.authors[0].name == "Janpha Thadphoothon"
    assert first.authors[0].orcid == "0000-0002-3723-640X"
    assert first.authors[0].affiliations == ("Dhurakij Pundit University",)
    assert first.abstract.startswith("Since 2016, the development of arti\ufb01cial intelligence (AI)")
    for item, work in zip(items, raw, strict=True):
        index = work.get("abstract_inverted_index") or {}
        words = sorted((p, w) for w, ps in index.items() for p in ps)
        assert item.abstract == " ".join(w for _, w in words)
        assert [a.name for a in item.authors] == [a["author"]["display_name"] for a in work["authorships"]]


def test_single_work_and_rebuild() -> None:
    work = {
        "id": "https://openalex.org/W1",
        "doi": "https://doi.org/10.1/ABC",
        "title": "T",
        "ids": {"pmid": "https://pubmed.ncbi.nlm.nih.gov/123"},
        "publication_date": "2024-05-02",
        "abstract_inverted_index": {"world.": [1], "Hello,": [0], "again": [3], "hello": [2]},
    }
    (item,) = parse_openalex(json.dumps(work).encode())
    assert (item.doi, item.pmid, item.openalex_id) == ("10.1/abc", "123", "W1")
    assert item.abstract == "Hello, world. hello again"
    assert rebuild_abstract(None) == ""


def test_error_body() -> None:
    with pytest.raises(ParseError, match="OpenAlex error"):
        parse_openalex(b'{"error": "Invalid query parameters error.", "message": "bad filter"}')


def test_enricher_filters_by_doi_with_api_key(loopback, http_client) -> None:
    body = {"meta": {"count": 1}, "results": [{"id": "https://openalex.org/W9", "doi": "https://doi.org/10.5/x"}]}
    loopback.add("/works", json.dumps(body).encode())
    enricher = OpenAlexEnricher("SECRET", base_url=loopback.url(""))
    dois = [f"10.5/x{i}" for i in range(60)]
    items = enricher.lookup_dois(http_client, ["https://doi.org/10.5/X", *dois])
    assert len(items) == 2  # two calls: 50 + 11 DOIs
    first, second = loopback.requests
    assert first.query["filter"].startswith("doi:10.5/x|10.5/x0|")
    assert first.query["filter"].count("|") == 49
    assert first.query["api_key"] == "SECRET"
    assert second.query["filter"].count("|") == 10
