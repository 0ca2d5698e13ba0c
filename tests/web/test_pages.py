"""Route tests for re-ranking after feedback, the briefing page, saved papers and exports, settings, Atom feeds."""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree
from pydantic import SecretStr
from starlette.testclient import TestClient

from academichub.config import Settings
from academichub.models import FeedbackKind
from academichub.store import Store
from academichub.web import security
from academichub.web.app import create_app
from web_demo_site import PASSWORD, csrf_from, sign_up

ATOM = "{http://www.w3.org/2005/Atom}"


def ranked_ids(html: str) -> list[int]:
    """Paper ids in the order the daily page numbers them."""
    return [int(x) for x in re.findall(r'<article class="paper" id="paper-(\d+)"', html)]


def first_radar(store: Store) -> int:
    return store.list_radars(user_id=1)[0].id or 0


def test_thumbs_up_re_ranks_today_but_not_earlier_days(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    radar_id = first_radar(store)
    before = ranked_ids(client.get(f"/?radar={radar_id}").text)
    assert len(before) >= 3
    earlier = dt.date(2026, 6, 1)
    store.save_digest(radar_id, earlier, [(before[0], 1, 0.5, ())])
    low = before[-1]
    form = {"radar_id": str(radar_id), "paper_id": str(low), "kind": "up", "csrf_token": token}
    assert client.post("/feedback", data=form, headers={"hx-request": "true"}).status_code == 200
    after = ranked_ids(client.get(f"/?radar={radar_id}").text)
    assert low in after and after.index(low) < before.index(low), (before, after)
    assert [row[0] for row in store.digest_items(radar_id, earlier)] == [before[0]]  # shown as it was


def test_briefing_page_links_citations_to_the_daily_page(client: TestClient, store: Store) -> None:
    sign_up(client)
    radar_id = first_radar(store)
    page = client.get(f"/briefing?radar={radar_id}&lang=en")
    assert page.status_code == 200
    html = page.text
    assert "Highlights" in html and 'class="cite"' in html
    link = re.search(r'<a class="cite" href="([^"]+)">\[(\d+)\]<span class="cite-card"', html)
    assert link, "no linked citation"
    href = link.group(1).replace("&amp;", "&")
    assert href.startswith(f"/?radar={radar_id}&day=") and "#paper-" in href
    paper_id = href.rsplit("#paper-", 1)[1]
    assert f'id="paper-{paper_id}"' in client.get(href.split("#")[0]).text  # the anchor exists on the daily page
    assert "offline" in html and "有效引用" in html and "¥" in html  # grounding report and cost (zh interface)
    assert "<script>" not in html
    zh = client.get(f"/briefing?radar={radar_id}&lang=zh").text
    assert "要点" in zh or "亮点" in zh or "主题" in zh


def test_regenerate_needs_csrf_and_is_rate_limited(web_settings: Settings, store: Store) -> None:
    settings = web_settings.model_copy(update={"web_regenerate_limit": 2})
    with TestClient(create_app(settings)) as client:
        token = sign_up(client)
        radar_id = first_radar(store)
        day = store.announcement_days(limit=1)[0][0].isoformat()
        form = {"radar_id": str(radar_id), "day": day, "lang": "en"}
        assert client.post("/briefing/regenerate", data=form).status_code == 403
        statuses = [
            client.post("/briefing/regenerate", data={**form, "csrf_token": token}, follow_redirects=False).status_code
            for _ in range(3)
        ]
        assert statuses == [303, 303, 429]


def test_saved_page_and_exports_download(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    radar_id = first_radar(store)
    paper_id = ranked_ids(client.get(f"/?radar={radar_id}").text)[0]
    client.post(
        "/feedback", data={"radar_id": str(radar_id), "paper_id": str(paper_id), "kind": "save", "csrf_token": token}
    )
    saved = client.get("/saved").text
    assert f'id="paper-{paper_id}"' in saved and "/saved/export?format=ris" in saved
    bib = client.get("/saved/export?format=bibtex")
    assert bib.status_code == 200 and bib.text.lstrip().startswith("@")
    assert bib.headers["content-disposition"] == 'attachment; filename="academichub-saved.bib"'
    ris = client.get("/saved/export?format=ris")
    assert "TY  - " in ris.text and ris.headers["content-disposition"].endswith('.ris"')
    csl = client.get("/saved/export?format=csl-json").json()
    assert len(csl) == 1 and csl[0]["title"]
    day = store.announcement_days(limit=1)[0][0].isoformat()
    daily = client.get(f"/export?radar={radar_id}&day={day}&format=bibtex")
    assert daily.status_code == 200 and daily.text.count("\n@") + 1 >= 3
    assert f"academichub-{radar_id}-{day}.bib" in daily.headers["content-disposition"]
    assert client.get("/saved/export?format=docx").status_code == 404


def test_settings_language_size_and_llm_without_key(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    page = client.get("/settings").text
    assert "offline" in page
    client.post("/settings", data={"csrf_token": token, "language": "en", "daily_size": "7"})
    user = store.user_by_id(1)
    assert user is not None and user.language == "en"
    assert 'value="7"' in client.get("/radars/new").text  # new radars start with the chosen size


def test_settings_email_is_where_the_daily_goes(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    form = {"csrf_token": token, "language": "zh", "daily_size": "10"}
    assert client.post("/settings", data={**form, "email": "me@example.org"}).status_code in (200, 303)
    assert store.user_emails() == {1: "me@example.org"}
    bad = client.post("/settings", data={**form, "email": "me@example.org\r\nBcc: evil@example.org"})
    assert bad.status_code == 400 and store.user_emails() == {1: "me@example.org"}
    client.post("/settings", data={**form, "email": ""})
    assert store.user_emails() == {}


def test_settings_never_shows_the_llm_key(web_settings: Settings) -> None:
    secret = "sk-test-should-never-appear-0123456789"
    settings = web_settings.model_copy(update={"llm_api_key": SecretStr(secret), "llm_provider": "deepseek"})
    with TestClient(create_app(settings)) as client:
        sign_up(client)
        page = client.get("/settings").text
        assert secret not in page and "deepseek" in page


def test_atom_feed_per_radar_parses_and_can_be_revoked(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    radar_id = first_radar(store)
    client.get(f"/briefing?radar={radar_id}&lang=zh")  # the admin's language: the briefing goes in the feed
    made = client.post(f"/radars/{radar_id}/feed", data={"csrf_token": token})
    url = re.search(r'<code class="feed-url">([^<]+)</code>', made.text)
    assert url, "no feed URL shown"
    path = url.group(1).replace("http://testserver", "")
    anonymous = TestClient(create_app(client.app.state.settings))  # a feed reader has no session
    response = anonymous.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    root = etree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) >= 3
    for entry in entries:
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    titles = [e.findtext(f"{ATOM}title") or "" for e in entries]
    assert titles[0].startswith("Briefing") and titles[1].startswith("1. ")
    client.post(f"/radars/{radar_id}/feed/revoke", data={"csrf_token": token})
    assert anonymous.get(path).status_code == 404
    assert anonymous.get("/feeds/ahf_guess.atom").status_code == 404
    anonymous.close()


def test_another_users_briefing_saved_and_feed_are_out_of_reach(web_settings: Settings, store: Store) -> None:
    admin = TestClient(create_app(web_settings))
    admin_token = sign_up(admin)
    mine = first_radar(store)
    paper_id = ranked_ids(admin.get(f"/?radar={mine}").text)[0]
    form = {"radar_id": str(mine), "paper_id": str(paper_id), "kind": "save", "csrf_token": admin_token}
    admin.post("/feedback", data=form)
    store.create_user("mallory", security.hash_password(PASSWORD), "en")
    intruder = TestClient(create_app(web_settings))
    intruder.post(
        "/login", data={"csrf_token": csrf_from(intruder.get("/login").text), "name": "mallory", "password": PASSWORD}
    )
    assert intruder.get(f"/briefing?radar={mine}").status_code == 404
    assert f'id="paper-{paper_id}"' not in intruder.get("/saved").text
    token = csrf_from(intruder.get("/settings").text)
    assert intruder.post(f"/radars/{mine}/feed", data={"csrf_token": token}).status_code == 404
    day = store.announcement_days(limit=1)[0][0].isoformat()
    assert (
        intruder.post("/briefing/regenerate", data={"csrf_token": token, "radar_id": str(mine), "day": day}).status_code
        == 404
    )
    assert store.feedback_for(mine)[FeedbackKind.SAVE] == [paper_id]
    admin.close()
    intruder.close()


def test_an_old_paper_on_the_daily_page_says_when_it_first_appeared(client: TestClient, store: Store) -> None:
    """The day's arXiv snapshot holds 2411.19594, listed again in June 2026: its card says it first appeared in
    2024-11 (in the reader's language), and a paper from the day's own month says nothing of the kind."""
    token = sign_up(client)
    radar_id = first_radar(store)
    ids = store.ids_for_keys(["arxiv:2411.19594", "arxiv:2606.28127"])
    old, new = ids["arxiv:2411.19594"], ids["arxiv:2606.28127"]
    store.save_digest(radar_id, dt.date(2026, 6, 29), [(new, 1, 2.0, ()), (old, 2, 1.0, ())])

    def cards() -> dict[int, str]:
        html = client.get(f"/?radar={radar_id}&day=2026-06-29").text
        found = re.finditer(r'<article class="paper" id="paper-(\d+)".*?</article>', html, re.S)
        return {int(m.group(1)): m.group(0) for m in found}

    chinese = cards()
    assert "首次出现于 2024-11" in chinese[old] and "首次出现于" not in chinese[new]
    client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/"})
    english = cards()
    assert "first appeared 2024-11" in english[old] and "first appeared" not in english[new]
