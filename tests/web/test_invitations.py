"""Admin invitations: a one-time, expiring sign-up link while open registration stays off."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

from starlette.testclient import TestClient

from academichub.config import Settings
from academichub.store import Store
from academichub.web import security
from academichub.web.app import create_app
from web_demo_site import PASSWORD, csrf_from, sign_up

INVITE = re.compile(r'<code class="invite-url">http://testserver/invite/([A-Za-z0-9_-]+)</code>')


def invite(client: TestClient, token: str, note: str = "alice") -> str:
    page = client.post("/settings/invitations", data={"csrf_token": token, "note": note})
    assert page.status_code == 200, page.text[:300]
    found = INVITE.search(page.text)
    assert found, "the new link is shown once"
    return found.group(1)


def accept(web_settings: Settings, link_token: str, name: str) -> TestClient:
    guest = TestClient(create_app(web_settings))
    form = guest.get(f"/invite/{link_token}")
    assert form.status_code == 200
    data = {"csrf_token": csrf_from(form.text), "name": name, "password": PASSWORD, "password_again": PASSWORD}
    guest.post(f"/invite/{link_token}", data=data)
    return guest


def test_invited_person_signs_up_once_while_registration_is_closed(
    client: TestClient, web_settings: Settings, store: Store
) -> None:
    token = sign_up(client)
    assert client.get("/register").status_code == 403  # open registration stays off
    link_token = invite(client, token)
    assert len(link_token) >= 22  # ≥128 bits of randomness, URL-safe
    with sqlite3.connect(store.path) as conn:
        stored = [r[0] for r in conn.execute("SELECT token_hash FROM invitations")]
    assert stored == [security.token_hash(link_token)]  # only the hash is kept
    guest = accept(web_settings, link_token, "alice")
    home = guest.get("/")
    assert home.status_code == 200 and "alice" in home.text
    alice = store.login_record("alice")
    assert alice is not None and not alice[0].is_admin
    again = TestClient(create_app(web_settings))
    assert again.get(f"/invite/{link_token}").status_code == 404  # single use
    assert store.list_invitations(1)[0].used_by_name == "alice"
    assert "alice" in client.get("/settings").text
    guest.close()
    again.close()


def test_expired_unknown_and_withdrawn_invitations_do_not_work(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    store.create_invitation(security.token_hash("old-token"), 1, dt.timedelta(days=7), now=past)
    assert client.get("/invite/old-token").status_code == 404
    assert client.get("/invite/never-issued").status_code == 404
    link_token = invite(client, token)
    invitation = store.list_invitations(1)[0]
    assert client.post(f"/settings/invitations/{invitation.id}/delete", data={"csrf_token": token}).status_code == 200
    assert client.get(f"/invite/{link_token}").status_code == 404


def test_only_the_admin_can_invite(client: TestClient, web_settings: Settings, store: Store) -> None:
    token = sign_up(client)
    member = accept(web_settings, invite(client, token), "bob")
    member_token = csrf_from(member.get("/settings").text)
    assert 'action="/settings/invitations"' not in member.get("/settings").text
    refused = member.post("/settings/invitations", data={"csrf_token": member_token})
    assert refused.status_code == 403
    assert client.post("/settings/invitations", data={}).status_code == 403  # CSRF needed
    member.close()


def test_a_taken_name_keeps_the_invitation_open(client: TestClient, web_settings: Settings, store: Store) -> None:
    token = sign_up(client)
    link_token = invite(client, token)
    guest = TestClient(create_app(web_settings))
    form = csrf_from(guest.get(f"/invite/{link_token}").text)
    taken = {"csrf_token": form, "name": "admin", "password": PASSWORD, "password_again": PASSWORD}
    assert guest.post(f"/invite/{link_token}", data=taken).status_code == 400
    assert store.open_invitation(security.token_hash(link_token)) is not None
    guest.close()
