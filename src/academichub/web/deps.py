"""Request dependencies: settings, a store per request, the signed-in user, CSRF, language, page rendering.

Routes declare what they need with the Annotated aliases (StoreDep, UserDep,
…); nothing here holds SQL or ranks papers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Form, HTTPException, Path, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from academichub.config import Settings
from academichub.rank.embed import Embedder
from academichub.rank.embedders import embedder_named
from academichub.store import MAX_ROW_ID, Store, User, WebSession
from academichub.web import security
from academichub.web.i18n import LANGUAGES, pick_language, translator
from academichub.web.store_pool import StorePool

LANG_COOKIE = "ah_lang"
NO_SUCH_RADAR = "no such radar"  # a 404's detail: pages say it in the reader's language (app.DETAIL_MESSAGES)


class LoginRequired(Exception):
    """Raised by UserDep for anonymous visitors; the app turns it into a redirect to sign-in or first-run setup."""


async def get_settings(request: Request) -> Settings:  # async: no thread hop for a plain attribute read
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]
# a row's number in the address or a form: beyond the database's integers it is refused as bad input (400, or 422
# from the API), never passed on to fail in the database
PathId = Annotated[int, Path(ge=0, le=MAX_ROW_ID)]
FormId = Annotated[int, Form(ge=0, le=MAX_ROW_ID)]


def get_store(request: Request) -> Iterator[Store]:
    """A pooled store for the request; sqlite3 connections are used by one request at a time, never shared."""
    pool: StorePool = request.app.state.store_pool
    with pool.lent() as store:
        yield store


StoreDep = Annotated[Store, Depends(get_store)]


def get_session(request: Request, settings: SettingsDep, store: StoreDep) -> WebSession | None:
    token = request.cookies.get(security.session_cookie_name(request, settings))
    session = store.session_by_token_hash(security.token_hash(token)) if token else None
    request.state.session = session
    return session


SessionDep = Annotated[WebSession | None, Depends(get_session)]


async def get_user(session: SessionDep) -> User:
    if session is None:
        raise LoginRequired
    return session.user


UserDep = Annotated[User, Depends(get_user)]


async def check_csrf(request: Request, session: SessionDep) -> None:
    """On every unsafe method: same-origin, and the CSRF token of the session (or pre-session cookie). Raises 403."""
    if request.method not in security.UNSAFE_METHODS or request.url.path.startswith("/api/"):
        return  # the JSON API takes bearer tokens only, never cookies: nothing for a foreign page to ride on
    if security.is_foreign_origin(request):
        raise HTTPException(403, "foreign origin")
    given = request.headers.get(security.CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(security.CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not security.tokens_match(csrf_token(request), given):
        raise HTTPException(403, "missing or wrong CSRF token")


def csrf_token(request: Request) -> str:
    session: WebSession | None = getattr(request.state, "session", None)
    return session.csrf_token if session is not None else str(getattr(request.state, "anon_csrf", ""))


def request_language(request: Request) -> str:
    session: WebSession | None = getattr(request.state, "session", None)
    return pick_language(
        session.user.language if session else None,
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )


def app_embedder(app: Any, settings: Settings) -> Embedder:
    """One embedder per process, made on first use (the bundled model loads once)."""
    embedder: Embedder | None = getattr(app.state, "embedder", None)
    if embedder is None:
        embedder = embedder_named(settings.embedder)
        app.state.embedder = embedder
    return embedder


def get_embedder(request: Request, settings: SettingsDep) -> Embedder:
    return app_embedder(request.app, settings)


EmbedderDep = Annotated[Embedder, Depends(get_embedder)]


def render(request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200) -> Response:
    """A page or partial with the catalogue, language, user and CSRF token in its context."""
    templates: Jinja2Templates = request.app.state.templates
    lang = request_language(request)
    session: WebSession | None = getattr(request.state, "session", None)
    base = {
        "t": translator(lang),
        "lang": lang,
        "languages": LANGUAGES,
        "user": session.user if session else None,
        "csrf_token": csrf_token(request),
        "csp_nonce": security.csp_nonce(request),
        "is_htmx": request.headers.get("hx-request") == "true",
    }
    return templates.TemplateResponse(request, name, {**base, **(context or {})}, status_code=status_code)
