"""Full-text search over every stored paper: filters (source, category, date range), pages, highlighted snippets.

Each request ranks at most the newest store.search_pages.RANKED_MATCHES_MAX matches, so its cost does not
grow with the collection; the page says "N+ matches" when more match.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from academichub.errors import SearchSyntaxError
from academichub.store import SearchFilters, Store
from academichub.store.search_pages import RANKED_MATCHES_MAX
from academichub.web.deps import StoreDep, UserDep, render
from academichub.web.paper_view import highlight_snippet, paper_card, source_kind
from academichub.web.routes.daily import parse_day

router = APIRouter()
PAGE_SIZE = 20
MAX_PAGE = RANKED_MATCHES_MAX // PAGE_SIZE  # pages beyond the ranked matches are always empty
MAX_QUERY_CHARS = 500
MAX_FILTER_CHARS = 100
FACETS_TTL_S = 300.0  # the filter menus scan the tables; they change only when papers arrive


def search_facets(request: Request, store: Store) -> tuple[list[str], list[str]]:
    """(source kinds, categories) for the filter menus, cached per process for FACETS_TTL_S."""
    cached: tuple[float, list[str], list[str]] | None = getattr(request.app.state, "search_facets", None)
    if cached is None or time.monotonic() - cached[0] > FACETS_TTL_S:
        sources, categories = store.search_facets()
        cached = (time.monotonic(), sorted({source_kind(s) for s in sources}), categories)
        request.app.state.search_facets = cached
    return cached[1], cached[2]


@router.get("/search")
def search_page(
    request: Request,
    store: StoreDep,
    user: UserDep,
    q: str = "",
    page: int = 1,
    source: str = "",
    category: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    """User words are quoted term by term, so FTS syntax (`"`, `NEAR(`, `*`) is searched for, never run."""
    query = q.strip()[:MAX_QUERY_CHARS]
    page = min(max(page, 1), MAX_PAGE)
    source, category = source.strip()[:MAX_FILTER_CHARS], category.strip()[:MAX_FILTER_CHARS]
    start, end = parse_day(since.strip()), parse_day(until.strip())
    filters = {"source": source, "category": category, "since": start.isoformat() if start else "",
               "until": end.isoformat() if end else ""}  # fmt: skip
    sources, categories = search_facets(request, store)
    page_query = urlencode({"q": query, **{k: v for k, v in filters.items() if v}})
    context: dict[str, object] = {"q": query, "page": page, "results": [], "has_next": False, "error": None,
                                  "filters": filters, "sources": sources, "categories": categories,
                                  "page_query": page_query}  # fmt: skip
    if (since.strip() and start is None) or (until.strip() and end is None):
        return render(request, "search.html", {**context, "error": "search_bad_date"}, status_code=400)
    if not query:
        return render(request, "search.html", context)
    try:
        found = store.search_page(
            query, SearchFilters(source or None, category or None, start, end),
            limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE,
        )  # fmt: skip
    except SearchSyntaxError:
        return render(request, "search.html", {**context, "error": "search_bad"}, status_code=400)
    results = [
        (paper_card(hit.paper, (page - 1) * PAGE_SIZE + n, None), highlight_snippet(hit.snippet))
        for n, hit in enumerate(found.hits[:PAGE_SIZE], start=1)
    ]
    more = len(found.hits) > PAGE_SIZE and page < MAX_PAGE
    counted = {"matches": found.matches, "is_capped": found.is_capped}
    return render(request, "search.html", {**context, **counted, "results": results, "has_next": more})
