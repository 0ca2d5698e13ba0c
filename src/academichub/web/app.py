"""create_app(settings): the FastAPI app — routes, templates, vendored static files, security, error pages.

Errors reach the browser through one set of handlers rendering error.html;
htmx requests that need a sign-in get an HX-Redirect instead of a page.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from academichub import __version__
from academichub.config import Settings
from academichub.errors import AcademicHubError, NotReadYet
from academichub.pipeline.digest import day_unread
from academichub.sources.xml import warn_old_expat
from academichub.store import open_store
from academichub.web import security
from academichub.web.daily_view import ListCache
from academichub.web.deps import NO_SUCH_RADAR, LoginRequired, check_csrf, render, request_language
from academichub.web.i18n import note_text, reason_text, translator
from academichub.web.limits import BodyLimit
from academichub.web.related import VectorIndex
from academichub.web.routes import (
    api,
    auth,
    briefing,
    daily,
    docs,
    feeds,
    invitations,
    papers,
    radar_library,
    radars,
    reset,
    saved,
    search,
    sources,
)
from academichub.web.routes import settings as settings_routes
from academichub.web.store_pool import StorePool
from academichub.web.throttle import LoginThrottle, RateLimit

log = logging.getLogger(__name__)
WEB_PACKAGE = "academichub.web"
STATUS_MESSAGES = {403: "forbidden", 404: "not_found"}
DETAIL_MESSAGES = {NO_SUCH_RADAR: "no_such_radar"}  # errors a page names more precisely than its status
API_PREFIX = "/api/"
NOT_READ_RETRY_S = 300  # Retry-After while a day is still being read
API_DESCRIPTION = (
    "Papers, search, radars, Curated Daily lists, feedback and briefings for scripts. "
    "Authenticate with `Authorization: Bearer <token>`; make tokens on the Settings page."
)


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def create_app(settings: Settings) -> FastAPI:
    """The web app over the database named by `settings` (migrated here, once, before the first request)."""
    warn_old_expat()
    open_store(settings.resolved_database_url).close()
    pool = StorePool(settings.resolved_database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()

    app = FastAPI(
        lifespan=lifespan,
        title="AcademicHub",
        version=__version__,
        description=API_DESCRIPTION,
        dependencies=[Depends(check_csrf)],
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    package = Path(str(files(WEB_PACKAGE)))
    app.state.settings = settings
    app.state.store_pool = pool
    app.state.templates = Jinja2Templates(directory=package / "templates")
    # Templates ship inside the package and never change while serving: skip the per-include mtime checks
    # (a stat for every card's partial) that auto_reload does.
    app.state.templates.env.auto_reload = False
    app.state.templates.env.globals["reason_text"] = reason_text  # for the card macro, imported without context
    app.state.login_throttle = LoginThrottle(settings.web_login_attempts, settings.web_login_window_s)
    app.mount("/static", StaticFiles(directory=package / "static"), name="static")
    app.state.regenerate_limit = RateLimit(settings.web_regenerate_limit, settings.web_regenerate_window_s)
    app.state.reset_limit = RateLimit(settings.web_reset_limit, settings.web_reset_window_s)
    app.state.vector_index = VectorIndex()
    app.state.list_cache = ListCache()
    routers = (auth, reset, invitations, daily, briefing, search, papers, sources, radars, radar_library)
    for module in (*routers, feeds, saved, settings_routes, docs):
        app.include_router(module.router, include_in_schema=False)
    app.include_router(api.router)
    app.add_middleware(BodyLimit)  # inside the security middleware, so its 413 gets the headers too
    app.middleware("http")(security.security_middleware(settings))
    _add_error_handlers(app)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def needs_login(request: Request, exc: LoginRequired) -> Response:
        target = "/login?next=" + request.url.path if request.url.path != "/" else "/login"
        if request.headers.get("hx-request") == "true":
            return Response(status_code=401, headers={"hx-redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        key = DETAIL_MESSAGES.get(str(exc.detail)) or STATUS_MESSAGES.get(exc.status_code, "error_title")
        return render(request, "error.html", {"message_key": key, "detail": exc.detail}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, exc: RequestValidationError) -> Response:
        if is_api(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        first = exc.errors()[0] if exc.errors() else {}
        detail = f"{'.'.join(str(p) for p in first.get('loc', ()))}: {first.get('msg', 'invalid input')}"
        return render(request, "error.html", {"message_key": "error_title", "detail": detail}, status_code=400)

    @app.exception_handler(NotReadYet)
    async def not_read_yet(request: Request, exc: NotReadYet) -> Response:
        retry = {"retry-after": str(NOT_READ_RETRY_S)}  # the daily job reads a few papers a second
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=503, headers=retry)
        said = note_text(translator(request_language(request)), day_unread(exc.read, exc.total))
        response = render(request, "error.html", {"message_key": "error_title", "detail": said}, status_code=503)
        response.headers.update(retry)
        return response

    @app.exception_handler(AcademicHubError)
    async def known_error(request: Request, exc: AcademicHubError) -> Response:
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        return render(request, "error.html", {"message_key": "error_title", "detail": str(exc)}, status_code=400)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        response = render(request, "error.html", {"message_key": "server_error", "detail": None}, status_code=500)
        secure = security.is_secure(request, request.app.state.settings)
        security.add_security_headers(response, secure=secure, nonce=security.csp_nonce(request))
        return response
