"""RELIABILITY G6: a Content-Security-Policy with a fresh nonce per response, carried by every <script> served."""

from __future__ import annotations

import re

from lxml import html as lxml_html
from starlette.testclient import TestClient

from academichub.config import Settings
from academichub.web.app import create_app
from web_demo_site import sign_up

NONCE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{22,})'")
SIGNED_IN_PAGES = [
    "/",
    "/?radar=all",
    "/search?q=protein",
    "/radars",
    "/sources",
    "/saved",
    "/settings",
    "/settings/password",
    "/api/docs",
    "/no-such-page",
]


def nonce_of(response) -> str:
    found = NONCE.search(response.headers["content-security-policy"])
    assert found, response.headers["content-security-policy"]
    return found.group(1)


def script_nonces(page: str) -> list[str | None]:
    return [el.get("nonce") for el in lxml_html.fromstring(page).iter("script")]


def test_two_responses_carry_different_nonces_and_keep_the_other_rules(client: TestClient) -> None:
    first, second = client.get("/login"), client.get("/login")
    assert nonce_of(first) != nonce_of(second)
    csp = first.headers["content-security-policy"]
    for rule in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "default-src 'self'"):
        assert rule in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert nonce_of(client.get("/static/app.js")) != nonce_of(first)  # every response, not only pages


def test_every_script_tag_carries_its_responses_nonce(client: TestClient) -> None:
    anonymous = [client.get("/setup"), client.get("/login")]
    sign_up(client)
    paper = client.get("/?radar=all").text
    first_paper = re.search(r'href="(/papers/\d+)"', paper)
    assert first_paper
    pages = [*anonymous, *(client.get(path) for path in [*SIGNED_IN_PAGES, first_paper.group(1)])]
    for response in pages:
        nonces = script_nonces(response.text)
        assert nonces, f"{response.url} serves no script"
        assert set(nonces) == {nonce_of(response)}, response.url


def test_the_forgot_and_reset_pages_carry_it_too(web_settings: Settings) -> None:
    settings = web_settings.model_copy(update={"smtp_host": "127.0.0.1", "email_from": "hub@lab.example"})
    with TestClient(create_app(settings)) as client:
        sign_up(client)
        client.cookies.clear()
        for path in ("/forgot", "/reset/unknown-token"):
            response = client.get(path)
            assert set(script_nonces(response.text)) == {nonce_of(response)}
