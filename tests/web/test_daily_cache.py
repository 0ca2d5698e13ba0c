"""The Curated Daily's rendered list is cached; every change the list shows must reach the next view."""

from __future__ import annotations

import re
from dataclasses import replace

from starlette.testclient import TestClient

from academichub.config import Settings
from academichub.store import Store
from academichub.web.app import create_app
from web_demo_site import PASSWORD, csrf_from, sign_up


def ranked_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<article class="paper" id="paper-(\d+)"', html)]


def form_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', html))


def pressed(html: str, paper_id: int, kind: str) -> bool:
    card = html.split(f'id="paper-{paper_id}"', 1)[1].split("</article>", 1)[0]
    return bool(re.search(rf'class="fb fb-{kind} active"\s+aria-pressed="true"', card))


def first_radar(store: Store) -> int:
    return store.list_radars(user_id=1)[0].id or 0


def feedback(client: TestClient, token: str, radar_id: int, paper_id: int, kind: str) -> None:
    form = {"radar_id": str(radar_id), "paper_id": str(paper_id), "kind": kind, "csrf_token": token}
    assert client.post("/feedback", data=form, headers={"hx-request": "true"}).status_code == 200


def test_repeat_view_is_the_same_list_with_this_sessions_token(web_settings: Settings, store: Store) -> None:
    client = TestClient(create_app(web_settings))
    token = sign_up(client)
    radar_id = first_radar(store)
    first = client.get(f"/?radar={radar_id}").text
    again = client.get(f"/?radar={radar_id}").text
    assert ranked_ids(first) == ranked_ids(again) and len(ranked_ids(again)) >= 3
    assert form_tokens(again) == {token}
    other = TestClient(client.app)  # a second session of the same user: its own token in every cached form
    login = csrf_from(other.get("/login").text)
    other.post("/login", data={"csrf_token": login, "name": "admin", "password": PASSWORD})
    theirs = other.get(f"/?radar={radar_id}").text
    assert ranked_ids(theirs) == ranked_ids(first)
    (their_token,) = form_tokens(theirs)
    assert their_token != token
    feedback(other, their_token, radar_id, ranked_ids(theirs)[0], "save")  # the cached form's token is accepted


def test_feedback_and_dismiss_show_on_the_next_view(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    radar_id = first_radar(store)
    before = ranked_ids(client.get(f"/?radar={radar_id}").text)
    feedback(client, token, radar_id, before[1], "save")
    saved = client.get(f"/?radar={radar_id}").text
    assert before[1] in ranked_ids(saved) and pressed(saved, before[1], "save")
    feedback(client, token, radar_id, before[0], "dismiss")
    assert before[0] not in ranked_ids(client.get(f"/?radar={radar_id}").text)
    feedback(client, token, radar_id, before[1], "save")  # toggled off again
    assert not pressed(client.get(f"/?radar={radar_id}").text, before[1], "save")


def test_radar_edit_shows_on_the_next_view(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    radar = store.list_radars(user_id=1)[0]
    assert len(ranked_ids(client.get(f"/?radar={radar.id}").text)) == radar.size
    form = {"csrf_token": token, "name": radar.name, "description": radar.description, "size": "2"}
    assert client.post(f"/radars/{radar.id}", data=form, follow_redirects=False).status_code == 303
    assert len(ranked_ids(client.get(f"/?radar={radar.id}").text)) == 2


def test_new_ingest_shows_on_the_next_view(client: TestClient, store: Store) -> None:
    sign_up(client)
    radar_id = first_radar(store)
    top = ranked_ids(client.get(f"/?radar={radar_id}").text)[0]
    every = client.get("/?radar=all").text
    paper = store.paper_by_id(top)
    assert paper is not None
    store.save_papers([replace(paper, title="A corrected title from a new version")])
    assert "A corrected title from a new version" in client.get(f"/?radar={radar_id}").text
    assert "A corrected title from a new version" in client.get("/?radar=all").text
    fresh = replace(paper, id=None, keys=("arxiv:2606.99999",), matches=(), title="A paper that arrived later")
    store.save_papers([fresh])
    later = client.get("/?radar=all").text
    assert "A paper that arrived later" in later and len(ranked_ids(later)) == len(ranked_ids(every)) + 1


def test_language_and_source_filter_are_their_own_lists(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    radar_id = first_radar(store)
    client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/"})
    english = client.get(f"/?radar={radar_id}").text
    client.post("/lang", data={"csrf_token": token, "lang": "zh", "next": "/"})
    chinese = client.get(f"/?radar={radar_id}").text
    assert "Why this paper" in english and "推荐理由" in chinese and "Why this paper" not in chinese
    assert ranked_ids(client.get(f"/?radar={radar_id}&source=journal").text) == []
    assert ranked_ids(client.get(f"/?radar={radar_id}").text) == ranked_ids(english)
