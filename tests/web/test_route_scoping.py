"""Every route that takes an owned id, enumerated from the routers, called by another user with the owner's id:
nothing is shown or changed (RELIABILITY G1). Papers are shared by the whole instance and are the only exception."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from starlette.testclient import TestClient

import academichub.web.routes as route_package
from academichub.config import Settings
from academichub.store import Store
from academichub.web import security
from academichub.web.app import create_app
from web_demo_site import PASSWORD, csrf_from, sign_up

SHARED = {"paper_id"}  # stored papers are visible to every account of the instance
TOKEN_PARAMS = {"token"}  # secret-token URLs: a guess must not work (checked with a wrong token)


def owned_routes() -> list[tuple[str, str, str]]:
    """(method, path, parameter) for every route whose path names an owned object."""
    found = []
    for info in pkgutil.iter_modules(route_package.__path__):
        router = getattr(importlib.import_module(f"{route_package.__name__}.{info.name}"), "router", None)
        for route in getattr(router, "routes", []):
            for param in re.findall(r"\{(\w+)\}", getattr(route, "path", "")):
                if param not in SHARED:
                    found += [(method, route.path, param) for method in route.methods if method != "HEAD"]
    return sorted(set(found))


def test_the_enumeration_sees_the_owned_routes() -> None:
    paths = {p for _, p, _ in owned_routes()}
    assert {"/radars/{radar_id}", "/api/v1/radars/{radar_id}", "/settings/tokens/{token_id}/delete"} <= paths


@pytest.fixture
def two_users(web_settings: Settings, store: Store):
    owner = TestClient(create_app(web_settings))
    owner_csrf = sign_up(owner)
    radar_id = store.list_radars(user_id=1)[0].id
    owner.post("/settings/tokens", data={"csrf_token": owner_csrf, "label": "script"})
    owner.post("/settings/invitations", data={"csrf_token": owner_csrf, "note": "x"})
    ids = {
        "radar_id": radar_id,
        "token_id": store.list_tokens(1, "api")[0].id,
        "invitation_id": store.list_invitations(1)[0].id,
    }
    assert owner.get(f"/radars/{radar_id}").status_code == 200  # the owner reaches it: the 404s below mean something
    store.create_user("mallory", security.hash_password(PASSWORD), "en")
    intruder = TestClient(create_app(web_settings))
    login = csrf_from(intruder.get("/login").text)
    intruder.post("/login", data={"csrf_token": login, "name": "mallory", "password": PASSWORD})
    intruder_csrf = csrf_from(intruder.get("/").text)
    api_token = security.new_token()
    store.create_token(2, security.token_hash("ahk_" + api_token), "api", label="mallory")
    assert intruder.get("/api/v1/radars", headers={"authorization": f"Bearer ahk_{api_token}"}).status_code == 200
    yield owner, intruder, intruder_csrf, "ahk_" + api_token, ids
    owner.close()
    intruder.close()


@pytest.mark.parametrize(("method", "path", "param"), owned_routes())
def test_another_user_cannot_reach_or_change_it(two_users, store: Store, method: str, path: str, param: str) -> None:
    owner, intruder, csrf, api_token, ids = two_users
    before = (
        store.list_radars(user_id=1), store.list_tokens(1, "api"), store.feedback_for(ids["radar_id"]),
        store.list_invitations(1),
    )  # fmt: skip
    value = "ahf_guessed-token" if param in TOKEN_PARAMS else str(ids.get(param, 1))
    url = path.replace("{" + param + "}", value)
    headers = {"authorization": f"Bearer {api_token}"} if path.startswith("/api/") else {}
    data = None if method == "GET" or path.startswith("/api/") else {"csrf_token": csrf}
    json_body = {"name": "stolen"} if method == "PATCH" else None
    response = intruder.request(method, url, data=data, json=json_body, headers=headers, follow_redirects=False)
    assert response.status_code in {400, 401, 403, 404, 410}, f"{method} {url} → {response.status_code}"
    after = (
        store.list_radars(user_id=1), store.list_tokens(1, "api"), store.feedback_for(ids["radar_id"]),
        store.list_invitations(1),
    )  # fmt: skip
    assert after == before
