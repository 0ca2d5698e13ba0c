"""RELIABILITY.md §C and §G rows the other web tests leave out: hostile stored text, state-free GETs,
session rotation and revocation, and more `?next=` vectors. In-process app on a real SQLite copy."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import sqlite3

import pytest
from lxml import html as lxml_html
from starlette.testclient import TestClient

import academichub.web.routes as route_package
from academichub.config import Settings
from academichub.models import Author, Link, RawItem
from academichub.pipeline import store_items
from academichub.store import Store
from academichub.web.app import create_app
from academichub.web.briefing_view import CiteTarget, linked_citations
from web_demo_site import PASSWORD, csrf_from, sign_up

PAYLOADS = [
    "<script>alert('s')</script>",
    "&lt;script&gt;alert('e')&lt;/script&gt;",  # entity-encoded: becomes text that looks like a tag
    "<img src=x onerror=alert('i')>",
    "<svg onload=alert('v')>",
    "<iframe srcdoc=\"<script>alert('f')</script>\"></iframe>",
    '<a href="javascript:alert(\'j\')">j</a> <a href="data:text/html,<script>alert(1)</script>">d</a>',
    '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<form action="https://evil.example/"><input name=q></form>',
    "<noscript><p title=\"</noscript><img src=x onerror=alert('m')>\"></noscript>",
    "<style><style/><img src=x onerror=alert('st')>",
]
HOSTILE = " ".join(PAYLOADS)


def executable_markup(page: str) -> list[str]:
    """Every place in the parsed page where something could run or the page could be hijacked."""
    doc = lxml_html.fromstring(page)
    found = [f"inline <script>: {el.text[:60]!r}" for el in doc.iter("script") if not el.get("src")]
    found += [el.tag for el in doc.iter("iframe", "object", "embed", "base", "svg")]
    found += ["meta refresh" for el in doc.iter("meta") if (el.get("http-equiv") or "").lower() == "refresh"]
    found += [f"form to {el.get('action')}" for el in doc.iter("form") if "evil" in (el.get("action") or "")]
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        found += [f"<{el.tag} {name}>" for name in el.attrib if name.lower().startswith("on")]
        for name in ("href", "src", "action", "formaction"):
            if (el.get(name) or "").strip().lower().startswith(("javascript:", "data:text/html")):
                found.append(f"<{el.tag} {name}={el.get(name)}>")
    return found


@pytest.fixture
def hostile_paper(store: Store) -> int:
    item = RawItem(
        source="arxiv-rss",
        title=f"Hostile {HOSTILE}",
        abstract=f"Abstract {HOSTILE}",
        authors=(Author("<img src=x onerror=alert('a')>"), Author("Eve &lt;script&gt;")),
        arxiv_id="2606.99999",
        version=1,
        announced=dt.date(2026, 6, 29),
        categories=("cs.LG",),
        listing="cs.LG",
        links=(Link("abs", "javascript:alert('l')"), Link("pdf", "data:text/html,<script>alert(1)</script>")),
    )
    store_items(store, [item])
    stored = store.paper_by_key("arxiv:2606.99999")
    assert stored is not None and stored.id is not None
    return stored.id


def test_hostile_titles_abstracts_authors_and_links_never_become_markup(client: TestClient, hostile_paper: int) -> None:
    sign_up(client)
    pages = {
        "paper": client.get(f"/papers/{hostile_paper}"),
        "search": client.get("/search", params={"q": "Hostile"}),
        "daily": client.get("/?radar=all&day=2026-06-29"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert executable_markup(response.text) == [], name
    assert "Hostile" in pages["paper"].text and "Hostile" in pages["daily"].text  # the paper is shown, as text


def test_briefing_text_from_a_model_is_escaped_around_its_citation_links() -> None:
    target = CiteTarget("/?radar=1#paper-1", "<script>alert('t')</script>", "<img src=x onerror=alert(1)>")
    rendered = str(linked_citations(f"**Bold** claim [1] and [7]. {HOSTILE}", {1: target}))
    assert executable_markup(f"<div>{rendered}</div>") == []
    assert "<strong>Bold</strong>" in rendered and 'href="/?radar=1#paper-1"' in rendered


# --- G2: no GET changes state ---------------------------------------------------------------------


def user_state(store: Store) -> tuple[object, ...]:
    radars = store.list_radars(user_id=1)
    return (
        store.user_by_id(1),
        radars,
        [store.feedback_for(r.id or 0) for r in radars],
        store.list_tokens(1, "api"),
        store.list_invitations(1),
        store.count_papers(),
    )


def test_no_get_route_changes_what_the_user_owns(client: TestClient, store: Store) -> None:
    sign_up(client)
    radar_id = store.list_radars(user_id=1)[0].id
    paper_id = store.list_papers(limit=1)[0].id
    before = user_state(store)
    paths = sorted(
        {
            route.path
            for info in pkgutil.iter_modules(route_package.__path__)
            for route in importlib.import_module(f"{route_package.__name__}.{info.name}").router.routes
            if "GET" in (getattr(route, "methods", None) or set()) and "{token}" not in route.path
        }
    )
    assert "/settings" in paths and "/radars/{radar_id}" in paths
    for path in paths:
        url = path.replace("{radar_id}", str(radar_id)).replace("{paper_id}", str(paper_id))
        response = client.get(url, follow_redirects=False)
        assert response.status_code < 500, url
    assert user_state(store) == before


# --- G3: sessions rotate at sign-in and die at sign-out and when the account is disabled ----------


def sign_in(client: TestClient, password: str = PASSWORD) -> str:
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"csrf_token": token, "name": "admin", "password": password})
    assert response.status_code == 200
    return csrf_from(response.text)


def test_sign_in_rotates_the_session_and_sign_out_revokes_it(web_settings: Settings) -> None:
    with TestClient(create_app(web_settings)) as client:
        sign_up(client)
        first = client.cookies["ah_session"]
        sign_in(client)  # signing in again while signed in
        second = client.cookies["ah_session"]
        assert second != first
        with TestClient(create_app(web_settings), cookies={"ah_session": first}) as stale:
            assert stale.get("/settings", follow_redirects=False).status_code in (303, 307)
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
        with TestClient(create_app(web_settings), cookies={"ah_session": second}) as replayed:
            assert replayed.get("/settings", follow_redirects=False).status_code in (303, 307)


def test_disabling_an_account_ends_its_live_session(web_settings: Settings) -> None:
    with TestClient(create_app(web_settings)) as client:
        sign_up(client)
        assert client.get("/settings", follow_redirects=False).status_code == 200
        with sqlite3.connect(web_settings.sqlite_path) as conn:  # no admin page for this yet
            conn.execute("UPDATE users SET disabled = 1 WHERE name = 'admin'")
        assert client.get("/settings", follow_redirects=False).status_code in (303, 307)
        token = csrf_from(client.get("/login").text)
        again = client.post("/login", data={"csrf_token": token, "name": "admin", "password": PASSWORD})
        assert again.status_code == 400


def test_session_tokens_carry_at_least_128_bits(client: TestClient) -> None:
    sign_up(client)
    assert len(client.cookies["ah_session"]) >= 22  # url-safe base64: 22 characters hold 128 bits


# --- G6: ?next= accepts same-origin paths only --------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "evil.example/x", ""],
)
def test_next_refuses_anything_but_a_local_path(client: TestClient, target: str) -> None:
    sign_up(client)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    token = csrf_from(client.get("/login").text)
    form = {"csrf_token": token, "name": "admin", "password": PASSWORD, "next": target}
    assert client.post("/login", data=form, follow_redirects=False).headers["location"] == "/"


def test_next_keeps_a_local_path(client: TestClient) -> None:
    sign_up(client)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    token = csrf_from(client.get("/login").text)
    form = {"csrf_token": token, "name": "admin", "password": PASSWORD, "next": "/search?q=x"}
    assert client.post("/login", data=form, follow_redirects=False).headers["location"] == "/search?q=x"
