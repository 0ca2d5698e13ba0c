"""First-run setup, sign-in, sign-out, optional open registration, and the language switch."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from academichub.config import Settings
from academichub.errors import InputError
from academichub.store import Store, User
from academichub.web import security
from academichub.web.deps import LANG_COOKIE, SessionDep, SettingsDep, StoreDep, render, request_language
from academichub.web.i18n import LANGUAGES
from academichub.web.password_reset import can_mail_resets
from academichub.web.throttle import LoginThrottle

router = APIRouter()
NAME_PATTERN = re.compile(r"[\w.\-]{1,64}")
LANG_COOKIE_MAX_AGE_S = 365 * 24 * 3600
TextField = Annotated[str, Form()]


def safe_next(target: str | None) -> str:
    """Only same-origin paths: '/x?y' yes; '//evil', 'https://evil', '/\\evil' no."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def start_session(request: Request, settings: SettingsDep, store: Store, user: User, target: str) -> Response:
    """A fresh session token (rotated at every sign-in) in an HttpOnly, SameSite=Lax cookie."""
    old = request.cookies.get(security.session_cookie_name(request, settings))
    if old:
        store.delete_session(security.token_hash(old))
    token = security.new_token()
    lifetime = dt.timedelta(seconds=settings.web_session_lifetime_s)
    store.create_session(security.token_hash(token), user.id, security.new_token(), lifetime)
    response = RedirectResponse(safe_next(target), status_code=303)
    name = security.session_cookie_name(request, settings)
    security.set_cookie(response, request, settings, name, token, settings.web_session_lifetime_s)
    return response


def _new_account_problem(store: Store, name: str, password: str, password_again: str) -> str | None:
    if not NAME_PATTERN.fullmatch(name):
        return "name_required"
    if password != password_again:
        return "passwords_differ"
    return security.password_problem(password, name)


@router.get("/setup")
def setup_form(request: Request, store: StoreDep) -> Response:
    if store.has_accounts():
        return RedirectResponse("/login", status_code=303)
    return render(request, "setup.html", {"error": None, "name": ""})


@router.post("/setup")
def setup(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    name: TextField,
    password: TextField,
    password_again: TextField,
) -> Response:
    if store.has_accounts():
        raise HTTPException(403, "an administrator already exists")
    return _create_account(
        request, settings, store, (name, password, password_again), store.create_first_admin, "setup.html"
    )


def _create_account(
    request: Request,
    settings: Settings,
    store: Store,
    form: tuple[str, str, str],
    create: Callable[[str, str, str], User],
    template: str,
) -> Response:
    """Check the sign-up form, create the account with `create` and sign it in; else show the form again."""
    name, password, password_again = form[0].strip(), form[1], form[2]
    problem = _new_account_problem(store, name, password, password_again)
    if problem is None:
        try:
            user = create(name, security.hash_password(password), request_language(request))
        except InputError:
            problem = "name_taken"
        else:
            return start_session(request, settings, store, user, "/")
    return render(request, template, {"error": problem, "name": name}, status_code=400)


@router.get("/register")
def register_form(request: Request, settings: SettingsDep) -> Response:
    if not settings.web_open_registration:
        return render(request, "error.html", {"message_key": "registration_closed"}, status_code=403)
    return render(request, "register.html", {"error": None, "name": ""})


@router.post("/register")
def register(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    name: TextField,
    password: TextField,
    password_again: TextField,
) -> Response:
    if not settings.web_open_registration or not store.has_accounts():
        raise HTTPException(403, "registration is closed")
    return _create_account(
        request, settings, store, (name, password, password_again), store.create_user, "register.html"
    )


@router.get("/login")
def login_form(request: Request, settings: SettingsDep, store: StoreDep, next: str = "/", reset: str = "") -> Response:
    if not store.has_accounts():
        return RedirectResponse("/setup", status_code=303)
    context = {"error": None, "name": "", "next": safe_next(next), "reset_done": reset == "done"}
    return render(request, "login.html", {**context, "can_reset": can_mail_resets(settings)})


@router.post("/login")
def login(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    name: TextField,
    password: TextField,
    next: Annotated[str, Form()] = "/",
) -> Response:
    throttle: LoginThrottle = request.app.state.login_throttle
    attempt = throttle.begin(store, request.client.host if request.client else None, name)
    context: dict[str, object] = {"name": name.strip(), "next": safe_next(next)}
    if attempt.wait_s:
        return too_many_logins(request, "login.html", context, attempt.wait_s)
    record = store.login_record(name.strip())
    if not security.verify_password(record[1] if record else None, password) or record is None or record[0].disabled:
        return render(request, "login.html", {**context, "error": "bad_login"}, status_code=400)
    user, stored_hash = record
    throttle.succeeded(store, attempt)
    if security.needs_rehash(stored_hash):
        store.set_password_hash(user.id, security.hash_password(password))
    return start_session(request, settings, store, user, next)


def too_many_logins(request: Request, template: str, context: dict[str, object], wait_s: int) -> Response:
    """429 with Retry-After, the form shown again with how long to wait."""
    response = render(request, template, {**context, "error": "too_many_logins", "wait_s": wait_s}, status_code=429)
    response.headers["retry-after"] = str(wait_s)
    return response


@router.post("/logout")
def logout(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    name = security.session_cookie_name(request, settings)
    token = request.cookies.get(name)
    if token:
        store.delete_session(security.token_hash(token))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(name, path="/", secure=security.is_secure(request, settings), httponly=True)
    return response


@router.post("/lang")
def switch_language(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    session: SessionDep,
    lang: TextField,
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Switch the interface language: saved on the account when signed in, in a cookie otherwise."""
    if lang not in LANGUAGES:
        raise HTTPException(400, "unknown language")
    if session is not None:
        store.set_language(session.user.id, lang)
    response = RedirectResponse(safe_next(next), status_code=303)
    security.set_cookie(response, request, settings, LANG_COOKIE, lang, LANG_COOKIE_MAX_AGE_S)
    return response
