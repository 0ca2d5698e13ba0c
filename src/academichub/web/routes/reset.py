"""Password reset: the "forgot password" page (only with SMTP set up) and the one-time link that sets a new password.

The forgot page answers the same whether or not an account uses the address, and the lookup and
mail happen after the answer is sent, so neither the page nor its timing tells who has an account.
Requests are rate-limited per client network and per address. Using a link ends every session.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from academichub.config import Settings
from academichub.errors import InputError
from academichub.store import Store, open_store
from academichub.web import security
from academichub.web.deps import SettingsDep, StoreDep, render
from academichub.web.password_reset import can_mail_resets, mail_reset_links
from academichub.web.throttle import RateLimit, client_network

router = APIRouter()
MAX_EMAIL_CHARS = 254
TextField = Annotated[str, Form()]


def _mail_in_background(settings: Settings, address: str, base_url: str) -> None:
    with open_store(settings.resolved_database_url) as store:
        mail_reset_links(settings, store, address, base_url)


@router.get("/forgot")
def forgot_form(request: Request, settings: SettingsDep) -> Response:
    if not can_mail_resets(settings):
        raise HTTPException(404, "password reset by e-mail is not set up")
    return render(request, "forgot.html", {"sent": False})


@router.post("/forgot")
def forgot(
    request: Request,
    background: BackgroundTasks,
    settings: SettingsDep,
    store: StoreDep,
    email: Annotated[str, Form(max_length=MAX_EMAIL_CHARS)],
) -> Response:
    """Always the same page (or the same 429): whether the address has an account is never said."""
    if not can_mail_resets(settings):
        raise HTTPException(404, "password reset by e-mail is not set up")
    limit: RateLimit = request.app.state.reset_limit
    address = email.strip().lower()
    network = client_network(request.client.host if request.client else None)
    wait = limit.take(store, f"reset:net:{network}") or limit.take(store, f"reset:addr:{address}")
    if wait:
        response = render(request, "forgot.html", {"sent": False, "wait_s": wait}, status_code=429)
        response.headers["retry-after"] = str(wait)
        return response
    if "@" in address:
        background.add_task(_mail_in_background, settings, address, str(request.base_url))
    return render(request, "forgot.html", {"sent": True})


def _reset_gone(request: Request) -> Response:
    return render(request, "error.html", {"message_key": "reset_gone", "detail": None}, status_code=400)


@router.get("/reset/{token}")
def reset_form(request: Request, store: StoreDep, token: str) -> Response:
    user = store.open_password_reset(security.token_hash(token))
    if user is None:
        return _reset_gone(request)
    return render(request, "reset.html", {"token": token, "name": user.name, "error": None})


@router.post("/reset/{token}")
def reset_password(
    request: Request, store: StoreDep, token: str, password: TextField, password_again: TextField
) -> Response:
    """Same strength rules as sign-up; spends the link and ends every session of the account."""
    return _reset(request, store, token, password, password_again)


def _reset(request: Request, store: Store, token: str, password: str, password_again: str) -> Response:
    digest = security.token_hash(token)
    user = store.open_password_reset(digest)
    if user is None:
        return _reset_gone(request)
    problem = "passwords_differ" if password != password_again else security.password_problem(password, user.name)
    if problem:
        context = {"token": token, "name": user.name, "error": problem}
        return render(request, "reset.html", context, status_code=400)
    try:
        store.reset_password(digest, security.hash_password(password))
    except InputError:  # spent by a concurrent request a moment ago
        return _reset_gone(request)
    return RedirectResponse("/login?reset=done", status_code=303)
