"""The paper page: every piece of metadata, identifier and version, related papers, and which radars picked it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from academichub.web.deps import EmbedderDep, PathId, StoreDep, UserDep, render
from academichub.web.paper_view import paper_card
from academichub.web.related import VectorIndex, related_papers

router = APIRouter()


@router.get("/papers/{paper_id}")
def paper_page(request: Request, store: StoreDep, user: UserDep, embedder: EmbedderDep, paper_id: PathId) -> Response:
    paper = store.paper_by_id(paper_id)
    if paper is None:
        raise HTTPException(404, "no such paper")
    if paper.id != paper_id:  # merged into another record: one canonical address
        return RedirectResponse(f"/papers/{paper.id}", status_code=301)
    index: VectorIndex = request.app.state.vector_index
    context = {
        "paper": paper,
        "card": paper_card(paper, 0, None),
        "announcements": sorted(paper.announcements, key=lambda a: a.day, reverse=True),
        "picks": store.picks_for_paper(paper.id, user_id=user.id),
        "related": [(paper_card(p, n, None), score) for n, (p, score) in enumerate(
            related_papers(store, embedder, index, paper), start=1)],
    }  # fmt: skip
    return render(request, "paper.html", context)
