"""The Settings page: interface language, default daily size, the LLM in use (never its key), API tokens,
and the password change (which ends every other session of the user)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from academichub.brief.providers import provider_named, resolve_provider_name
from academichub.config import Settings
from academichub.errors import ConfigError
from academichub.store import Store, User
from academichub.web import security
from academichub.web.deps import PathId, SettingsDep, StoreDep, UserDep, render
from academichub.web.i18n import LANGUAGES
from academichub.web.routes.auth import start_session, too_many_logins
from academichub.web.throttle import LoginThrottle

router = APIRouter()
DEFAULT_DAILY_SIZE = 20
MAX_DAILY_SIZE = 200
MAX_TOKENS_PER_USER = 20
API_TOKEN_PREFIX = "ahk_"


def daily_size_default(store: Store, user_id: int) -> int:
    """The size new radars start with (the user's choice on this page, else 20)."""
    value = store.user_prefs(user_id).get("daily_size", "")
    return int(value) if value.isdigit() and 1 <= int(value) <= MAX_DAILY_SIZE else DEFAULT_DAILY_SIZE


def llm_facts(settings: Settings) -> dict[str, str | bool]:
    """Provider and model in use, whether a key is set — the key itself is never read here."""
    name = resolve_provider_name(settings)
    try:
        model = provider_named(settings).model
    except ConfigError as exc:
        model = f"({exc})"
    return {"provider": name, "model": model, "has_key": bool(settings.llm_api_key.get_secret_value())}


def settings_page_response(request: Request, store: Store, settings: Settings, user: User, **extra: object) -> Response:
    """The Settings page; `extra` adds one-time values (a new API token, a new invitation link)."""
    context: dict[str, object] = {
        "llm": llm_facts(settings),
        "daily_size": daily_size_default(store, user.id),
        "email": store.user_emails().get(user.id, ""),
        "tokens": store.list_tokens(user.id, "api"),
        "schedule": settings.daily_schedule,
        "new_token": None,
        "new_invitation": None,
        "invitations": store.list_invitations(user.id) if user.is_admin else [],
        "now": dt.datetime.now(dt.UTC),
        "open_registration": settings.web_open_registration,
        "saved": False,
        "password_changed": False,
        **extra,
    }
    return render(request, "settings.html", context)


EMAIL_SHAPE = re.compile(r"[^@\s<>\r\n]+@[^@\s<>\r\n]+\.[^@\s<>\r\n]+")


@router.get("/settings")
def settings_page(request: Request, store: StoreDep, settings: SettingsDep, user: UserDep) -> Response:
    query = request.query_params
    return settings_page_response(
        request,
        store,
        settings,
        user,
        saved=query.get("saved") == "1",
        password_changed=query.get("password") == "changed",
    )


@router.post("/settings")
def save_settings(
    store: StoreDep,
    user: UserDep,
    language: Annotated[str, Form()],
    daily_size: Annotated[int, Form(ge=1, le=MAX_DAILY_SIZE)] = DEFAULT_DAILY_SIZE,
    email: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    if language not in LANGUAGES:
        raise HTTPException(400, "unknown language")
    email = email.strip()
    if email and not EMAIL_SHAPE.fullmatch(email):
        raise HTTPException(400, "that does not look like an e-mail address")
    store.set_email(user.id, email)
    store.set_language(user.id, language)
    store.set_user_pref(user.id, "daily_size", str(daily_size))
    return RedirectResponse("/settings?saved=1", status_code=303)


@router.post("/settings/tokens")
def create_api_token(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    label: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """A new API token, shown this once (only its hash is kept)."""
    if len(store.list_tokens(user.id, "api")) >= MAX_TOKENS_PER_USER:
        raise HTTPException(400, f"at most {MAX_TOKENS_PER_USER} API tokens; revoke one first")
    token = API_TOKEN_PREFIX + security.new_token()
    store.create_token(user.id, security.token_hash(token), "api", label=label.strip() or "script")
    return settings_page_response(request, store, settings, user, new_token=token)


@router.post("/settings/tokens/{token_id}/delete")
def revoke_api_token(store: StoreDep, user: UserDep, token_id: PathId) -> Response:
    if not store.delete_token(user.id, token_id):
        raise HTTPException(404, "no such token")
    return RedirectResponse("/settings", status_code=303)


@router.get("/settings/password")
def password_form(request: Request, user: UserDep) -> Response:
    return render(request, "password.html", {"error": None})


@router.post("/settings/password")
def change_password(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    user: UserDep,
    current_password: Annotated[str, Form()],
    password: Annotated[str, Form()],
    password_again: Annotated[str, Form()],
) -> Response:
    """Needs the current password (throttled like a sign-in); ends every session of the user, then starts a new one."""
    throttle: LoginThrottle = request.app.state.login_throttle
    attempt = throttle.begin(store, request.client.host if request.client else None, user.name)
    if attempt.wait_s:
        return too_many_logins(request, "password.html", {}, attempt.wait_s)
    record = store.login_record(user.name)
    if record is None or not security.verify_password(record[1], current_password):
        return render(request, "password.html", {"error": "wrong_current_password"}, status_code=400)
    throttle.succeeded(store, attempt)
    problem = "passwords_differ" if password != password_again else security.password_problem(password, user.name)
    if problem:
        return render(request, "password.html", {"error": problem}, status_code=400)
    new_hash = security.hash_password(password)  # before the transaction: hashing is slow, the write lock is not
    with store.transaction():
        store.set_password_hash(user.id, new_hash)  # also deletes every session of the user, this one included
        return start_session(request, settings, store, user, "/settings?password=changed#security")
