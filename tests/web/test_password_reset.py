"""Password reset (RELIABILITY G5): links from `academichub user reset-link` and from the "forgot password" page
mailed through a real SMTP server on loopback; the in-process app on a real SQLite copy."""

from __future__ import annotations

import base64
import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from starlette.testclient import TestClient

from academichub.cli import cli
from academichub.config import Settings
from academichub.store import open_store
from academichub.web import security
from academichub.web.app import create_app
from smtp_loopback import RecordingHandler, free_port
from web_demo_site import PASSWORD, csrf_from, sign_up

NEW_PASSWORD = "a brand new passphrase for the lab"
ADDRESS = "admin@lab.example"
LINK = re.compile(r"https?://\S+/reset/([A-Za-z0-9_-]+)")


@pytest.fixture
def smtp() -> Iterator[tuple[int, RecordingHandler]]:
    """A real SMTP server on loopback: its port and the messages it accepted."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, handler
    controller.stop()


def with_mail(settings: Settings, port: int, **more: object) -> Settings:
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_security": "none",
            "email_from": "AcademicHub <hub@lab.example>",
            "public_url": "https://hub.lab.example",
            "delivery_retries": 0,
            **more,
        }
    )


def admin_with_email(client: TestClient) -> str:
    csrf = sign_up(client)
    client.post("/settings", data={"csrf_token": csrf, "language": "en", "email": ADDRESS, "daily_size": "20"})
    return csrf


def reset_link(settings: Settings, who: str = ADDRESS) -> str:
    result = CliRunner().invoke(cli, ["user", "reset-link", who], env={"ACADEMICHUB_HOME": str(settings.home)})
    assert result.exit_code == 0, result.output
    found = LINK.search(result.output)
    assert found, result.output
    return found.group(1)


def use_link(client: TestClient, token: str, password: str = NEW_PASSWORD, again: str | None = None):
    page = client.get(f"/reset/{token}")
    csrf = csrf_from(page.text) if page.status_code == 200 else csrf_from(client.get("/login").text)
    data = {"csrf_token": csrf, "password": password, "password_again": again or password}
    return client.post(f"/reset/{token}", data=data, follow_redirects=False)


def signs_in(settings: Settings, password: str) -> bool:
    with TestClient(create_app(settings)) as fresh:
        csrf = csrf_from(fresh.get("/login").text)
        answer = fresh.post("/login", data={"csrf_token": csrf, "name": "admin", "password": password})
        return answer.status_code == 200 and "ah_session" in fresh.cookies


def test_the_link_sets_a_new_password_once_and_ends_every_session(web_settings: Settings) -> None:
    with TestClient(create_app(web_settings)) as browser, TestClient(create_app(web_settings)) as laptop:
        admin_with_email(browser)
        csrf = csrf_from(laptop.get("/login").text)
        laptop.post("/login", data={"csrf_token": csrf, "name": "admin", "password": PASSWORD})
        assert laptop.get("/settings", follow_redirects=False).status_code == 200
        token = reset_link(web_settings)
        assert len(base64.urlsafe_b64decode(token + "==")) * 8 >= 128

        done = use_link(TestClient(create_app(web_settings)), token)
        assert done.status_code == 303 and done.headers["location"] == "/login?reset=done"
        for device in (browser, laptop):  # both signed-in sessions are gone
            assert device.get("/settings", follow_redirects=False).status_code in (303, 307)
    assert signs_in(web_settings, NEW_PASSWORD) and not signs_in(web_settings, PASSWORD)
    with TestClient(create_app(web_settings), headers={"accept-language": "en"}) as other:
        again = use_link(other, token, "yet another long passphrase")
        assert again.status_code == 400 and "unknown, used or expired" in again.text
    assert signs_in(web_settings, NEW_PASSWORD)


def test_only_the_hash_of_the_token_is_stored(web_settings: Settings) -> None:
    with TestClient(create_app(web_settings)) as client:
        admin_with_email(client)
    token = reset_link(web_settings, "admin")  # by account name too
    with sqlite3.connect(web_settings.sqlite_path) as conn:
        stored = [row[0] for row in conn.execute("SELECT token_hash FROM password_resets")]
    assert stored == [security.token_hash(token)]


def test_an_expired_link_does_not_work(web_settings: Settings) -> None:
    with TestClient(create_app(web_settings)) as client:
        admin_with_email(client)
    token = reset_link(web_settings)
    with sqlite3.connect(web_settings.sqlite_path) as conn:  # an hour and a second later
        past = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)).isoformat()
        conn.execute("UPDATE password_resets SET expires_at = ?", (past,))
    with TestClient(create_app(web_settings)) as client:
        assert client.get(f"/reset/{token}").status_code == 400
        assert use_link(client, token).status_code == 400
    assert signs_in(web_settings, PASSWORD)


def test_the_lifetime_is_a_setting_defaulting_to_an_hour(web_settings: Settings) -> None:
    assert Settings(home=web_settings.home).web_reset_lifetime_s == 3600
    with TestClient(create_app(web_settings)) as client:
        admin_with_email(client)
    reset_link(web_settings)
    with open_store(web_settings.resolved_database_url) as store:
        row = store._conn.execute("SELECT created_at, expires_at FROM password_resets").fetchone()
    created, expires = (dt.datetime.fromisoformat(v) for v in row)
    assert expires - created == dt.timedelta(hours=1)


@pytest.mark.parametrize("token", ["", "x" * 43, "not-a-token", "A" * 200])
def test_a_wrong_token_does_nothing(web_settings: Settings, token: str) -> None:
    with TestClient(create_app(web_settings)) as client:
        admin_with_email(client)
        real = reset_link(web_settings)
        assert token != real
        answer = use_link(client, token)
        assert answer.status_code in (400, 404, 405)
        assert client.get("/settings", follow_redirects=False).status_code == 200  # still signed in
    assert signs_in(web_settings, PASSWORD)


def test_a_new_password_meets_the_sign_up_rules(web_settings: Settings) -> None:
    with TestClient(create_app(web_settings)) as client:
        admin_with_email(client)
        token = reset_link(web_settings)
        for weak, again in (("short", None), ("password123", None), ("admin", None), (NEW_PASSWORD, "different!!")):
            answer = use_link(client, token, weak, again)
            assert answer.status_code == 400
        assert use_link(client, token).status_code == 303  # the link was not spent by the refusals


def test_a_newer_link_voids_the_older_one(web_settings: Settings) -> None:
    with TestClient(create_app(web_settings)) as client:
        admin_with_email(client)
    first, second = reset_link(web_settings), reset_link(web_settings)
    with TestClient(create_app(web_settings)) as client:
        assert use_link(client, first).status_code == 400
        assert use_link(client, second).status_code == 303


def test_the_forgot_page_needs_smtp(web_settings: Settings) -> None:
    with TestClient(create_app(web_settings)) as client:
        sign_up(client)
        assert client.get("/forgot").status_code == 404
        client.cookies.clear()
        assert "/forgot" not in client.get("/login").text


def received_links(smtp: RecordingHandler) -> list[str]:
    texts = [message_from_bytes(e.original_content, policy=policy.default) for e in smtp.envelopes]
    return [LINK.search(m.get_body(("plain",)).get_content()).group(1) for m in texts]  # type: ignore[union-attr]


def test_forgot_answers_the_same_for_any_address_and_mails_only_real_ones(
    web_settings: Settings, smtp: tuple[int, RecordingHandler]
) -> None:
    port, mailbox = smtp
    settings = with_mail(web_settings, port)
    with TestClient(create_app(settings)) as owner:
        admin_with_email(owner)
    with TestClient(create_app(settings)) as visitor:
        login = visitor.get("/login").text
        assert 'href="/forgot"' in login
        answers = []
        for address in (ADDRESS, "nobody@lab.example", ADDRESS.upper()):
            csrf = csrf_from(visitor.get("/forgot").text)
            answer = visitor.post("/forgot", data={"csrf_token": csrf, "email": address})
            page = re.sub(r'nonce="[^"]+"', "", answer.text.replace(csrf, ""))  # the CSP nonce is per response
            answers.append((answer.status_code, page))
    assert answers[0] == answers[1] == answers[2] and answers[0][0] == 200
    assert [e.rcpt_tos for e in mailbox.envelopes] == [[ADDRESS], [ADDRESS]]  # nothing to the unknown address
    links = received_links(mailbox)
    with TestClient(create_app(settings)) as client:
        assert use_link(client, links[0]).status_code == 400  # voided by the second request
        assert use_link(client, links[1]).status_code == 303
    assert signs_in(settings, NEW_PASSWORD)


def test_forgot_is_rate_limited_alike_for_known_and_unknown_addresses(
    web_settings: Settings, smtp: tuple[int, RecordingHandler]
) -> None:
    port, mailbox = smtp
    settings = with_mail(web_settings, port, web_reset_limit=2)
    with TestClient(create_app(settings)) as owner:
        admin_with_email(owner)
    for address in (ADDRESS, "nobody@lab.example"):
        with TestClient(create_app(settings)) as visitor:
            codes = []
            for _ in range(3):
                csrf = csrf_from(visitor.get("/forgot").text)
                answer = visitor.post("/forgot", data={"csrf_token": csrf, "email": address})
                codes.append(answer.status_code)
            assert codes == [200, 200, 429] and int(answer.headers["retry-after"]) > 0
        with sqlite3.connect(settings.sqlite_path) as conn:
            conn.execute("DELETE FROM throttle_hits WHERE key LIKE 'reset:net:%'")  # another network, same address
    assert len(mailbox.envelopes) == 2
