"""The web search page's bounded search: ranks at most the newest N matches, snippets for the page only,
withdrawn papers never shown, filters applied before the bound, and the page says how many matched."""

from __future__ import annotations

import datetime as dt
import re

from starlette.testclient import TestClient

from academichub.store import SearchFilters, Store
from academichub.store.search_pages import search_page
from web_demo_site import sign_up


def test_under_the_bound_the_page_is_the_whole_collection_ranking(store: Store) -> None:
    found = store.search_page("model", SearchFilters(), limit=10)
    everything = store.search("model", limit=10_000)
    assert not found.is_capped and found.matches == len(everything) > 10
    assert [(h.paper.id, h.snippet) for h in found.hits] == [(h.paper.id, h.snippet) for h in everything[:10]]
    assert any("[[" in h.snippet for h in found.hits)
    second = store.search_page("model", SearchFilters(), limit=10, offset=10)
    assert [h.paper.id for h in second.hits] == [h.paper.id for h in everything[10:20]]


def test_over_the_bound_only_the_newest_matches_are_ranked(store: Store) -> None:
    everything = store.search("model", limit=10_000)
    newest = sorted((h.paper.id or 0 for h in everything), reverse=True)[:5]
    with store.transaction():
        found = search_page(store._conn, "model", SearchFilters(), limit=20, ranked_max=5)
    assert found.is_capped and found.matches == 5
    assert sorted(h.paper.id or 0 for h in found.hits) == sorted(newest)
    assert [h.score for h in found.hits] == sorted(h.score for h in found.hits)  # best (lowest bm25) first


def test_withdrawn_papers_are_never_shown(store: Store) -> None:
    top = store.search_page("model", SearchFilters(), limit=3).hits
    store.mark_deleted([top[0].paper.keys[0]])
    for filters in (SearchFilters(), SearchFilters(source="arxiv")):
        shown = [h.paper.id for h in store.search_page("model", filters, limit=50).hits]
        assert top[0].paper.id not in shown and top[1].paper.id in shown


def test_filters_apply_before_the_bound(store: Store) -> None:
    category = store.search_facets()[1][-1]  # the least used category offered
    found = store.search_page("the", SearchFilters(category=category), limit=50)
    assert found.hits and all(category in h.paper.categories for h in found.hits)
    day = dt.date(2026, 6, 29)
    dated = store.search_page("model", SearchFilters(since=day, until=day), limit=50).hits
    assert dated and all(min(a.day for a in h.paper.announcements) == day for h in dated)


def test_search_page_says_how_many_papers_match(client: TestClient, store: Store) -> None:
    sign_up(client)
    page = client.get("/search", params={"q": "model"}).text
    count = re.search(r'<p class="search-count">\D*([\d,]+)', page)
    assert count and int(count.group(1).replace(",", "")) == len(store.search("model", limit=10_000)) > 20
    assert page.count("<mark>") >= 20 and 'rel="next"' in page
    assert 'class="search-count"' not in client.get("/search", params={"q": "zzzqqqxxy"}).text
