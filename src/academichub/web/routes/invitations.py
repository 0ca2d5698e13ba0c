"""Invitations: the admin makes one-time sign-up links on the Settings page; the invited person signs up through one.

The link carries a 256-bit random token, shown once; the database keeps only
its SHA-256, an expiry, and when (and by whom) it was used. Open registration
stays as configured: an invitation works while it is off.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from academichub.errors import InputError
from academichub.store import Store
from academichub.web import security
from academichub.web.deps import PathId, SettingsDep, StoreDep, UserDep, render, request_language
from academichub.web.routes.auth import NAME_PATTERN, start_session
from academichub.web.routes.settings import settings_page_response

router = APIRouter()
MAX_OPEN_INVITATIONS = 50
TextField = Annotated[str, Form()]


def invitation_url(request: Request, token: str) -> str:
    return str(request.base_url).rstrip("/") + "/invite/" + token


@router.post("/settings/invitations")
def create_invitation(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    note: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A new one-time sign-up link, shown this once (admins only)."""
    if not user.is_admin:
        raise HTTPException(403, "only the administrator can invite")
    now = dt.datetime.now(dt.UTC)
    if sum(i.is_open(now) for i in store.list_invitations(user.id, limit=500)) >= MAX_OPEN_INVITATIONS:
        raise HTTPException(400, f"at most {MAX_OPEN_INVITATIONS} open invitations; withdraw one first")
    token = security.new_token()
    lifetime = dt.timedelta(seconds=settings.web_invitation_lifetime_s)
    store.create_invitation(security.token_hash(token), user.id, lifetime, note=note.strip())
    return settings_page_response(request, store, settings, user, new_invitation=invitation_url(request, token))


@router.post("/settings/invitations/{invitation_id}/delete")
def withdraw_invitation(store: StoreDep, user: UserDep, invitation_id: PathId) -> Response:
    if not user.is_admin or not store.delete_invitation(user.id, invitation_id):
        raise HTTPException(404, "no such open invitation")
    return RedirectResponse("/settings#invitations", status_code=303)


def _open_or_gone(store: Store, token: str) -> None:
    if store.open_invitation(security.token_hash(token)) is None:
        raise HTTPException(404, "this invitation link is unknown, used or expired")


@router.get("/invite/{token}")
def invitation_form(request: Request, store: StoreDep, token: str) -> Response:
    _open_or_gone(store, token)
    return render(request, "invite.html", {"error": None, "name": "", "token": token})


@router.post("/invite/{token}")
def accept_invitation(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    token: str,
    name: TextField,
    password: TextField,
    password_again: TextField,
) -> Response:
    _open_or_gone(store, token)
    name = name.strip()
    problem = _account_problem(name, password, password_again)
    if problem is None:
        try:
            user = store.redeem_invitation(
                security.token_hash(token), name, security.hash_password(password), request_language(request)
            )
        except InputError:
            problem = "name_taken" if store.open_invitation(security.token_hash(token)) else "invitation_gone"
        else:
            return start_session(request, settings, store, user, "/")
    context = {"error": problem, "name": name, "token": token}
    return render(request, "invite.html", context, status_code=400)


def _account_problem(name: str, password: str, password_again: str) -> str | None:
    if not NAME_PATTERN.fullmatch(name):
        return "name_required"
    if password != password_again:
        return "passwords_differ"
    return security.password_problem(password, name)
