"""Route tests in-process against create_app(settings) on a real SQLite file seeded from the demo snapshot."""

from __future__ import annotations

import datetime as dt
import re

from starlette.testclient import TestClient

from academichub.config import Settings
from academichub.models import FeedbackKind, FetchRun, Radar, RunStatus
from academichub.pipeline.digest import NO_PAPERS, UNMATCHED_SENTENCES, day_notes, day_unread, seeds_unread
from academichub.store import Store
from academichub.web import security
from academichub.web.app import create_app
from academichub.web.i18n import note_text, translator
from digest_builders import record_day_outcomes
from web_demo_site import PASSWORD, csrf_from, sign_up


def radar_ids(store: Store, user_id: int = 1) -> list[int]:
    return [r.id or 0 for r in store.list_radars(user_id=user_id)]


def first_paper_id(html: str) -> int:
    found = re.search(r'name="paper_id" value="(\d+)"', html)
    assert found, "no feedback buttons on the page"
    return int(found.group(1))


def test_first_visit_goes_to_setup_and_admin_takes_over_existing_radars(client: TestClient, store: Store) -> None:
    assert client.get("/", follow_redirects=True).url.path == "/setup"
    sign_up(client)
    user = store.user_by_id(1)
    assert user is not None and user.name == "admin" and user.is_admin
    page = client.get("/").text
    assert "reasoning" in page and "vision" in page  # the radars made before accounts are the admin's
    # a second setup is refused once an admin exists
    assert client.get("/setup", follow_redirects=False).status_code == 303


def test_daily_lists_the_numbered_papers_with_badges_links_and_reasons(client: TestClient) -> None:
    sign_up(client)
    page = client.get("/?radar=all").text
    assert '<span class="num">1.</span>' in page
    assert "arXiv (cs." in page
    assert 'href="https://arxiv.org/abs/' in page and 'href="https://arxiv.org/pdf/' in page
    ranked = client.get("/").text  # first radar: reasons shown
    assert "Why this paper" in ranked or "推荐理由" in ranked
    assert 'class="fb fb-up' in ranked


def test_day_without_papers_says_so_in_the_readers_language(client: TestClient) -> None:
    token = sign_up(client)
    page = client.get("/?day=2026-06-27").text  # a Saturday with no announcements; the interface starts in Chinese
    assert "这一天没有发布新论文" in page and "no papers were announced" not in page
    client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/"})
    assert "no papers were announced on this day" in client.get("/?day=2026-06-27").text


def test_a_failed_source_is_named_on_its_day_in_the_readers_language(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    day = store.recent_days(limit=1)[0]
    store.ensure_source("arxiv-rss:cs.LG", "arxiv-rss", "cs.LG")
    run = store.start_run(FetchRun("arxiv-rss:cs.LG", dt.datetime.now(dt.UTC)), day)
    run.status, run.error, run.finished_at = RunStatus.FAILED, "HTTP 503", dt.datetime.now(dt.UTC)
    store.finish_run(run)
    chinese = client.get(f"/?radar=all&day={day}").text
    assert "arxiv-rss:cs.LG 抓取失败：HTTP 503" in chinese
    client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/"})
    assert "arxiv-rss:cs.LG failed: HTTP 503" in client.get(f"/?radar=all&day={day}").text


def test_csrf_missing_or_wrong_is_refused(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    radar_id = radar_ids(store)[0]
    paper_id = first_paper_id(client.get(f"/?radar={radar_id}").text)
    form = {"radar_id": str(radar_id), "paper_id": str(paper_id), "kind": "up"}
    assert client.post("/feedback", data=form).status_code == 403
    assert client.post("/feedback", data={**form, "csrf_token": "x" * 43}).status_code == 403
    foreign = client.post("/feedback", data={**form, "csrf_token": token}, headers={"origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert store.feedback_for(radar_id)[FeedbackKind.UP] == []
    assert client.post("/logout").status_code == 403  # even sign-out needs the token


def test_feedback_post_updates_store_and_returns_buttons(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    radar_id = radar_ids(store)[0]
    paper_id = first_paper_id(client.get(f"/?radar={radar_id}").text)
    form = {"radar_id": str(radar_id), "paper_id": str(paper_id), "kind": "up"}
    response = client.post("/feedback", data=form, headers={"x-csrf-token": token, "hx-request": "true"})
    assert response.status_code == 200
    assert 'class="fb fb-up active"' in response.text and "<html" not in response.text
    assert store.feedback_for(radar_id)[FeedbackKind.UP] == [paper_id]
    client.post("/feedback", data={**form, "csrf_token": token}, headers={"hx-request": "true"})  # toggles off
    assert store.feedback_for(radar_id)[FeedbackKind.UP] == []


def test_a_radar_can_be_named_in_the_address_and_an_unknown_one_is_said_to_be_missing(
    web_settings: Settings, store: Store
) -> None:
    client = TestClient(create_app(web_settings))
    sign_up(client)
    second = store.radar_by_id(radar_ids(store)[1], user_id=1)
    assert second is not None
    named = client.get("/", params={"radar": second.name})
    assert named.status_code == 200 and f'<option value="{second.id}" selected>' in named.text
    assert "你没有这个雷达：它可能已被删除或改名。" in client.get("/?radar=99999").text  # the account reads Chinese
    store.set_language(1, "en")
    for wanted in ("99999", "no-such-name"):  # a deleted radar's id, a mistyped name
        page = client.get("/", params={"radar": wanted})
        assert page.status_code == 404
        assert "You have no such radar: it may have been deleted or renamed." in page.text
        assert '<a href="/radars">' in page.text
    client.close()


def test_a_radar_named_with_digits_is_found_by_name_unless_they_are_another_radars_id(
    web_settings: Settings, store: Store
) -> None:
    client = TestClient(create_app(web_settings))
    sign_up(client)
    first = store.radar_by_id(radar_ids(store)[0], user_id=1)
    assert first is not None and first.id is not None
    year = store.save_radar(Radar(name="2024", description="papers of a year", user_id=1))
    twin = store.save_radar(Radar(name=str(first.id), description="named like the first radar's id", user_id=1))
    page = client.get("/", params={"radar": "2024"})
    assert page.status_code == 200 and f'<option value="{year.id}" selected>' in page.text
    page = client.get("/", params={"radar": str(first.id)})  # an id first: the page's own links use ids
    assert page.status_code == 200 and f'<option value="{first.id}" selected>' in page.text
    assert f'<option value="{twin.id}" selected>' in client.get("/", params={"radar": str(twin.id)}).text
    for odd in ("9" * 40, "²", "٣"):  # digits no id can be (too long, not ASCII): a missing radar, not an error
        assert client.get("/", params={"radar": odd}).status_code == 404
    client.close()


def test_a_saved_curated_daily_says_again_how_many_papers_it_chose_from(web_settings: Settings, store: Store) -> None:
    client = TestClient(create_app(web_settings))
    sign_up(client)
    header = re.compile(r"从 (\d+) 篇候选中精选 (\d+) 篇")
    first = header.search(client.get("/").text)  # ranked and saved on this first view
    assert first is not None
    restarted = TestClient(create_app(web_settings), cookies=client.cookies)  # no cached page: the saved picks
    again = header.search(restarted.get("/").text)
    assert again is not None and again.groups() == first.groups()
    client.close()
    restarted.close()


def test_another_users_radar_is_not_found(web_settings: Settings, store: Store) -> None:
    admin = TestClient(create_app(web_settings))
    sign_up(admin)
    mine = radar_ids(store)[0]
    other = store.create_user("mallory", security.hash_password(PASSWORD), "en")
    intruder = TestClient(create_app(web_settings))
    token = csrf_from(intruder.get("/login").text)
    intruder.post("/login", data={"csrf_token": token, "name": "mallory", "password": PASSWORD})
    page = intruder.get("/")
    assert page.status_code == 200 and f'<option value="{mine}"' not in page.text  # none of the admin's radars
    assert intruder.get(f"/?radar={mine}").status_code == 404
    assert intruder.get(f"/radars/{mine}").status_code == 404
    token = csrf_from(page.text)
    paper_id = store.list_papers(limit=1)[0].id
    form = {"csrf_token": token, "radar_id": str(mine), "paper_id": str(paper_id), "kind": "up"}
    assert intruder.post("/feedback", data=form).status_code == 404
    assert intruder.post(f"/radars/{mine}/delete", data={"csrf_token": token}).status_code == 404
    edit = {"csrf_token": token, "name": "stolen", "description": "x"}
    assert intruder.post(f"/radars/{mine}", data=edit).status_code == 404
    assert store.radar_by_id(mine, user_id=1) is not None
    assert store.list_radars(user_id=other.id) == []
    admin.close()
    intruder.close()


def test_security_headers_and_cookie_flags(client: TestClient) -> None:
    response = client.get("/setup")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<script>" not in response.text and " on" + "click=" not in response.text
    token = csrf_from(response.text)
    signed = client.post(
        "/setup",
        data={"csrf_token": token, "name": "admin", "password": PASSWORD, "password_again": PASSWORD},
        follow_redirects=False,
    )
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie  # plain HTTP here


def test_https_gives_secure_host_cookie_and_hsts(web_settings: Settings) -> None:
    with TestClient(create_app(web_settings), base_url="https://testserver") as secure_client:
        response = secure_client.get("/setup")
        assert "strict-transport-security" in response.headers
        token = csrf_from(response.text)
        signed = secure_client.post(
            "/setup",
            data={"csrf_token": token, "name": "admin", "password": PASSWORD, "password_again": PASSWORD},
            follow_redirects=False,
        )
        cookie = signed.headers["set-cookie"]
        assert cookie.startswith("__Host-ah_session=") and "Secure" in cookie


def test_search_syntax_is_never_a_server_error(client: TestClient) -> None:
    sign_up(client)
    for query in ['"', "NEAR(", "*", 'title:"unclosed', "a AND OR b", "))"]:
        response = client.get("/search", params={"q": query})
        assert response.status_code in (200, 400), query
    hits = client.get("/search", params={"q": "transformer"})
    assert hits.status_code == 200 and "<mark>" in hits.text


def test_search_escapes_untrusted_text(client: TestClient) -> None:
    sign_up(client)
    response = client.get("/search", params={"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in response.text


def test_login_is_rate_limited_without_revealing_accounts(client: TestClient) -> None:
    sign_up(client)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    token = csrf_from(client.get("/login").text)
    unknown = client.post("/login", data={"csrf_token": token, "name": "nobody", "password": "wrong-password"})
    known = client.post("/login", data={"csrf_token": token, "name": "admin", "password": "wrong-password"})
    assert unknown.status_code == known.status_code == 400
    statuses = [
        client.post("/login", data={"csrf_token": token, "name": "admin", "password": "wrong-password"}).status_code
        for _ in range(12)
    ]
    assert statuses[-1] == 429
    limited = client.post("/login", data={"csrf_token": token, "name": "admin", "password": PASSWORD})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0


def test_weak_passwords_are_refused(client: TestClient) -> None:
    token = csrf_from(client.get("/setup").text)
    for password in ("short", "password", "12345678"):
        response = client.post(
            "/setup", data={"csrf_token": token, "name": "admin", "password": password, "password_again": password}
        )
        assert response.status_code == 400
    long_password = "x" * 80 + "y"  # > 72 bytes: accepted and not truncated (argon2id)
    response = client.post(
        "/setup",
        data={"csrf_token": token, "name": "admin", "password": long_password, "password_again": long_password},
    )
    assert response.status_code == 200
    client.post("/logout", data={"csrf_token": csrf_from(response.text)})
    token = csrf_from(client.get("/login").text)
    truncated = client.post("/login", data={"csrf_token": token, "name": "admin", "password": "x" * 80})
    assert truncated.status_code == 400


def test_next_parameter_only_accepts_local_paths(client: TestClient) -> None:
    sign_up(client)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    token = csrf_from(client.get("/login").text)
    form = {"csrf_token": token, "name": "admin", "password": PASSWORD, "next": "//evil.example/x"}
    response = client.post("/login", data=form, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_language_follows_accept_language_then_the_switch(client: TestClient, store: Store) -> None:
    assert "每日精选" in client.get("/setup", headers={"accept-language": "zh-CN,zh;q=0.9"}).text
    assert "Welcome" in client.get("/setup", headers={"accept-language": "en-GB,en;q=0.8"}).text
    token = sign_up(client)
    client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/search"})
    assert "Search" in client.get("/search", headers={"accept-language": "zh"}).text
    user = store.user_by_id(1)
    assert user is not None and user.language == "en"


def test_radar_editor_creates_edits_and_previews(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    form = {"csrf_token": token, "name": "graphs", "description": "graph neural networks", "keywords": "graph\nGNN"}
    created = client.post("/radars", data={**form, "size": "7", "threshold": ""}, follow_redirects=False)
    assert created.status_code == 303
    radar = store.radar_by_name("graphs", user_id=1)
    assert radar is not None and radar.keywords == ("graph", "GNN") and radar.size == 7
    edit = {**form, "description": "protein structure", "excludes": "survey", "include_replacements": "true"}
    client.post(f"/radars/{radar.id}", data=edit)
    changed = store.radar_by_id(radar.id or 0, user_id=1)
    assert changed is not None and changed.excludes == ("survey",) and changed.include_replacements
    preview = client.post("/radars/preview", data={**form, "description": "vision transformer equivariant"})
    assert preview.status_code == 200 and 'id="preview-results"' in preview.text and "<html" not in preview.text
    assert 'class="paper"' in preview.text
    bad = client.post("/radars", data={"csrf_token": token, "name": "", "description": ""})
    assert bad.status_code == 400


def test_paper_and_sources_pages(client: TestClient, store: Store) -> None:
    sign_up(client)
    client.get("/")  # builds the first radar's picks
    paper = store.list_papers(limit=1)[0]
    page = client.get(f"/papers/{paper.id}")
    assert page.status_code == 200 and (paper.identifier("arxiv") or "") in page.text
    assert client.get("/papers/999999").status_code == 404
    assert client.get("/sources").status_code == 200


def test_catalogue_has_every_key_the_templates_use() -> None:
    from importlib.resources import files

    from academichub.web.i18n import MESSAGES

    used: set[str] = set()
    for template in files("academichub.web").joinpath("templates").iterdir():
        paths = [template] if template.is_file() else list(template.iterdir())
        for path in paths:
            used |= set(re.findall(r"t\('([a-z_]+)'\)", path.read_text()))
    assert used, "no catalogue keys found"
    used |= {f"fb_{kind}" for kind in FeedbackKind} | {f"link_{kind}" for kind in ("abs", "pdf", "doi", "html")}
    used |= {f"status_{status}" for status in RunStatus}
    for lang, table in MESSAGES.items():
        assert used <= set(table), (lang, sorted(used - set(table)))
    assert set(MESSAGES["en"]) == set(MESSAGES["zh"])


def test_every_note_reads_in_english_as_its_pipeline_text_and_in_chinese_otherwise(store: Store) -> None:
    """The English of a note is written twice (the pipeline's Note text for CLI, e-mail and JSON; the catalogue for
    the pages): they must not drift apart."""
    day = dt.date(2026, 6, 27)
    record_day_outcomes(store, day)
    notes = [*day_notes(store, day), NO_PAPERS, UNMATCHED_SENTENCES, seeds_unread(7), day_unread(16, 200)]
    assert sorted(n.key for n in notes) == sorted(
        ["source_failed", "source_said", "source_quiet", "no_papers", "unmatched_sentences", "seeds_unread",
         "day_unread"]
    )  # fmt: skip
    english, chinese = translator("en"), translator("zh")
    for note in notes:
        assert note_text(english, note) == str(note)
        assert note_text(chinese, note) != str(note)
    assert note_text(chinese, "a plain text note") == "a plain text note"
