"""Full-text search over every stored paper, paginated, with highlighted snippets."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from academichub.errors import SearchSyntaxError
from academichub.web.deps import StoreDep, UserDep, render
from academichub.web.paper_view import highlight_snippet, paper_card

router = APIRouter()
PAGE_SIZE = 20
MAX_PAGE = 500
MAX_QUERY_CHARS = 500


@router.get("/search")
def search_page(request: Request, store: StoreDep, user: UserDep, q: str = "", page: int = 1) -> Response:
    """User words are quoted term by term, so FTS syntax (`"`, `NEAR(`, `*`) is searched for, never run."""
    query = q.strip()[:MAX_QUERY_CHARS]
    page = min(max(page, 1), MAX_PAGE)
    context: dict[str, object] = {"q": query, "page": page, "results": [], "has_next": False, "error": None}
    if not query:
        return render(request, "search.html", context)
    try:
        hits = store.search(query, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    except SearchSyntaxError:
        return render(request, "search.html", {**context, "error": "search_bad"}, status_code=400)
    results = [
        (paper_card(hit.paper, (page - 1) * PAGE_SIZE + n, None), highlight_snippet(hit.snippet))
        for n, hit in enumerate(hits[:PAGE_SIZE], start=1)
    ]
    return render(request, "search.html", {**context, "results": results, "has_next": len(hits) > PAGE_SIZE})
