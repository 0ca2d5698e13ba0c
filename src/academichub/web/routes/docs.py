"""/api/docs: the OpenAPI docs (Swagger UI served from the package; started by a script file, as the CSP wants)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from academichub.web.deps import render

router = APIRouter()


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    return render(request, "api_docs.html")
