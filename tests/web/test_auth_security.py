"""Account security through the web app: no lockout DoS, password change ending other sessions, common passwords."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from academichub.config import Settings
from academichub.web.app import create_app
from academichub.web.i18n import MESSAGES
from web_demo_site import PASSWORD, csrf_from, sign_up

NEW_PASSWORD = "a violet tram to Kunming at dawn"
ATTACKER = ("10.0.0.66", 40000)
OWNER = ("10.0.0.1", 40000)


def said(key: str, text: str) -> bool:
    """The page shows catalogue entry `key` (in either language)."""
    return any(MESSAGES[lang][key] in text for lang in ("zh", "en"))


def log_in(client: TestClient, name: str = "admin", password: str = PASSWORD) -> int:
    token = csrf_from(client.get("/login").text)
    form = {"csrf_token": token, "name": name, "password": password}
    return client.post("/login", data=form, follow_redirects=False).status_code


def is_signed_in(client: TestClient) -> bool:
    return client.get("/settings", follow_redirects=False).status_code == 200


@pytest.fixture
def admin_site(web_settings: Settings) -> Settings:
    with TestClient(create_app(web_settings)) as client:
        sign_up(client)
    return web_settings


# --- G4: failed sign-ins from one address never lock the owner out ------------------------------


def test_twenty_bad_logins_from_one_address_do_not_lock_the_owner_out(admin_site: Settings) -> None:
    app = create_app(admin_site)
    with TestClient(app, client=ATTACKER) as attacker, TestClient(app, client=OWNER) as owner:
        statuses = [log_in(attacker, password="wrong-password") for _ in range(20)]
        assert statuses[0] == 400 and statuses[-1] == 429
        assert log_in(attacker) == 429  # the attacking address stays refused, even with the right password
        assert log_in(owner) == 303 and is_signed_in(owner)


def test_one_address_guessing_at_many_names_is_throttled_with_retry_after(admin_site: Settings) -> None:
    with TestClient(create_app(admin_site), client=ATTACKER) as attacker:
        statuses = [log_in(attacker, name=f"user{i}", password="wrong-password") for i in range(21)]
        assert set(statuses[:20]) == {400} and statuses[20] == 429
        token = csrf_from(attacker.get("/login").text)
        refused = attacker.post("/login", data={"csrf_token": token, "name": "admin", "password": "x"})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0


def test_failures_counted_by_one_app_are_seen_by_another_on_the_same_database(admin_site: Settings) -> None:
    """Two apps stand for two worker processes: the counts live in the database, not in either of them."""
    with TestClient(create_app(admin_site), client=ATTACKER) as first:
        assert [log_in(first, password="wrong-password") for _ in range(10)] == [400] * 10
    with TestClient(create_app(admin_site), client=ATTACKER) as second:
        assert log_in(second, password="wrong-password") == 429


# --- G3: changing the password ends every other session -----------------------------------------


def change_password(client: TestClient, current: str, new: str, again: str | None = None, **extra: str) -> int:
    token = csrf_from(client.get("/settings/password").text)
    form = {"csrf_token": token, "current_password": current, "password": new, "password_again": again or new}
    return client.post("/settings/password", data={**form, **extra}, follow_redirects=False).status_code


def test_changing_the_password_ends_other_sessions_and_rotates_this_one(admin_site: Settings) -> None:
    app = create_app(admin_site)
    with TestClient(app) as laptop, TestClient(app) as phone:
        assert log_in(laptop) == 303 and log_in(phone) == 303
        before = laptop.cookies["ah_session"]
        token = csrf_from(laptop.get("/settings/password").text)
        form = {"csrf_token": token, "current_password": PASSWORD, "password": NEW_PASSWORD}
        changed = laptop.post("/settings/password", data={**form, "password_again": NEW_PASSWORD})
        assert changed.status_code == 200 and said("password_changed", changed.text)
        assert laptop.cookies["ah_session"] != before and is_signed_in(laptop)
        assert not is_signed_in(phone)
        with TestClient(app, cookies={"ah_session": before}) as replayed:
            assert not is_signed_in(replayed)
        with TestClient(app) as fresh:
            assert log_in(fresh) == 400
            assert log_in(fresh, password=NEW_PASSWORD) == 303


def test_a_wrong_current_password_changes_nothing(admin_site: Settings) -> None:
    app = create_app(admin_site)
    with TestClient(app) as laptop, TestClient(app) as phone:
        assert log_in(laptop) == 303 and log_in(phone) == 303
        token = csrf_from(laptop.get("/settings/password").text)
        form = {"csrf_token": token, "current_password": "not-it", "password": NEW_PASSWORD}
        refused = laptop.post("/settings/password", data={**form, "password_again": NEW_PASSWORD})
        assert refused.status_code == 400 and said("wrong_current_password", refused.text)
        assert is_signed_in(laptop) and is_signed_in(phone)
        with TestClient(app) as fresh:
            assert log_in(fresh, password=NEW_PASSWORD) == 400 and log_in(fresh) == 303


def test_guessing_the_current_password_is_throttled_like_a_sign_in(admin_site: Settings) -> None:
    with TestClient(create_app(admin_site)) as client:
        assert log_in(client) == 303
        statuses = [change_password(client, "wrong-password", NEW_PASSWORD) for _ in range(11)]
        assert statuses[:10] == [400] * 10 and statuses[10] == 429
        assert change_password(client, PASSWORD, NEW_PASSWORD) == 429  # until the window passes


def test_password_change_needs_the_csrf_token_and_a_same_origin_request(admin_site: Settings) -> None:
    with TestClient(create_app(admin_site)) as client:
        assert log_in(client) == 303
        form = {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        assert client.post("/settings/password", data=form).status_code == 403
        assert client.post("/settings/password", data={**form, "csrf_token": "forged"}).status_code == 403
        token = csrf_from(client.get("/settings/password").text)
        foreign = client.post(
            "/settings/password", data={**form, "csrf_token": token}, headers={"origin": "https://evil.example"}
        )
        assert foreign.status_code == 403
        assert log_in(client, password=NEW_PASSWORD) == 400 and is_signed_in(client)


def test_password_change_needs_a_signed_in_user(admin_site: Settings) -> None:
    with TestClient(create_app(admin_site)) as anonymous:
        assert anonymous.get("/settings/password", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    ("new", "again", "problem"),
    [
        ("short", None, "password_too_short"),
        ("qwerty123", None, "password_too_common"),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "passwords_differ"),
    ],
)
def test_the_new_password_is_checked_like_at_sign_up(
    admin_site: Settings, new: str, again: str | None, problem: str
) -> None:
    with TestClient(create_app(admin_site)) as client:
        assert log_in(client) == 303
        token = csrf_from(client.get("/settings/password").text)
        form = {"csrf_token": token, "current_password": PASSWORD, "password": new, "password_again": again or new}
        refused = client.post("/settings/password", data=form)
        assert refused.status_code == 400 and said(problem, refused.text)
        assert is_signed_in(client) and log_in(client) == 303


# --- G5: the common-password list is the top 30,000, not 30 words --------------------------------


def ranked_passwords(*ranks: int) -> list[str]:
    """Entries of 8+ characters at about these ranks of zxcvbn's leaked-password list."""
    ranked = FREQUENCY_LISTS["passwords"]
    return [next(p for p in ranked[rank:] if len(p) >= 8) for rank in ranks]


@pytest.mark.parametrize("password", [*ranked_passwords(2_000, 9_000, 20_000, 29_500), "PassWord1", "Iloveyou2"])
def test_passwords_from_the_leaked_password_list_are_refused_at_sign_up(client: TestClient, password: str) -> None:
    token = csrf_from(client.get("/setup").text)
    form = {"csrf_token": token, "name": "admin", "password": password, "password_again": password}
    refused = client.post("/setup", data=form)
    assert refused.status_code == 400 and said("password_too_common", refused.text)


def test_long_and_uncommon_passwords_are_accepted(client: TestClient) -> None:
    password = "ünïcode passphrase " * 4  # 76 characters, more bytes than bcrypt would keep
    sign_up(client, password=password)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    assert log_in(client, password=password[:72]) == 400 and log_in(client, password=password) == 303
