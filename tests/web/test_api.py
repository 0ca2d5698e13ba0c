"""The JSON API under /api/v1: bearer tokens made on the Settings page, per-user scoping, OpenAPI docs."""

from __future__ import annotations

from starlette.testclient import TestClient

from academichub.config import Settings
from academichub.store import Store
from academichub.web import security
from academichub.web.app import create_app
from web_demo_site import PASSWORD, csrf_from, make_token, sign_up


def test_tokens_are_stored_hashed_shown_once_and_revocable(client: TestClient, store: Store) -> None:
    csrf = sign_up(client)
    token = make_token(client, csrf)
    assert token not in client.get("/settings").text  # shown once
    [row] = store.list_tokens(1, "api")
    assert store.token_by_hash(security.token_hash(token), "api") is not None
    assert token not in str(row)
    auth = {"authorization": f"Bearer {token}"}
    assert client.get("/api/v1/radars", headers=auth).status_code == 200
    client.post(f"/settings/tokens/{row.id}/delete", data={"csrf_token": csrf})
    revoked = client.get("/api/v1/radars", headers=auth)
    assert revoked.status_code == 401 and revoked.json()["detail"]


def test_api_reads_papers_search_daily_and_briefing(client: TestClient, store: Store) -> None:
    auth = {"authorization": f"Bearer {make_token(client, sign_up(client))}"}
    assert client.get("/api/v1/radars").status_code == 401  # the session cookie is not enough
    radars = client.get("/api/v1/radars", headers=auth).json()
    assert [r["name"] for r in radars] == ["reasoning", "vision"]
    daily = client.get(f"/api/v1/radars/{radars[0]['id']}/daily", headers=auth).json()
    assert [i["rank"] for i in daily["items"]] == list(range(1, len(daily["items"]) + 1))
    reasons = [r for i in daily["items"] for r in i["reasons"]]
    assert reasons and all(set(r) == {"kind", "text", "weight", "values"} and r["values"] for r in reasons)
    paper = daily["items"][0]["paper"]
    assert client.get(f"/api/v1/papers/{paper['id']}", headers=auth).json()["title"] == paper["title"]
    assert "arxiv" in paper["identifiers"]
    listed = client.get("/api/v1/papers", params={"day": daily["day"], "limit": 5}, headers=auth).json()
    assert len(listed) == 5
    hits = client.get("/api/v1/search", params={"q": "transformer"}, headers=auth).json()
    assert hits and "[[" in hits[0]["snippet"]
    briefing = client.get(f"/api/v1/radars/{radars[0]['id']}/briefing", params={"lang": "en"}, headers=auth).json()
    assert briefing["status"] == "ok" and briefing["provider"] == "offline" and briefing["sections"]
    assert client.get("/api/v1/papers/999999", headers=auth).status_code == 404


def test_api_creates_updates_deletes_radars_and_sets_feedback(client: TestClient, store: Store) -> None:
    auth = {"authorization": f"Bearer {make_token(client, sign_up(client))}"}
    created = client.post(
        "/api/v1/radars",
        json={"name": "graphs", "description": "graph neural networks", "keywords": ["GNN"]},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    radar = created.json()
    assert radar["size"] == 20 and radar["keywords"] == ["GNN"]
    changed = client.patch(f"/api/v1/radars/{radar['id']}", json={"size": 3}, headers=auth).json()
    assert changed["size"] == 3 and changed["description"] == "graph neural networks"
    assert client.post("/api/v1/radars", json={"name": "graphs"}, headers=auth).status_code in (409, 422)
    assert client.post("/api/v1/radars", json={"name": "x", "seeds": ["not an id"]}, headers=auth).status_code == 422
    pick = client.get(f"/api/v1/radars/{radar['id']}/daily", headers=auth).json()["items"][0]["paper"]["id"]
    body = {"radar_id": radar["id"], "paper_id": pick, "kind": "up"}
    assert client.post("/api/v1/feedback", json=body, headers=auth).json()["up"] == [pick]
    assert client.post("/api/v1/feedback", json={**body, "on": False}, headers=auth).json()["up"] == []
    assert client.delete(f"/api/v1/radars/{radar['id']}", headers=auth).status_code == 204
    assert store.radar_by_name("graphs", user_id=1) is None


def test_another_users_ids_are_404_through_the_api(web_settings: Settings, store: Store) -> None:
    admin = TestClient(create_app(web_settings))
    sign_up(admin)
    mine = store.list_radars(user_id=1)[0].id
    store.create_user("mallory", security.hash_password(PASSWORD), "en")
    intruder = TestClient(create_app(web_settings))
    intruder.post(
        "/login", data={"csrf_token": csrf_from(intruder.get("/login").text), "name": "mallory", "password": PASSWORD}
    )
    auth = {"authorization": f"Bearer {make_token(intruder, csrf_from(intruder.get('/settings').text))}"}
    assert intruder.get("/api/v1/radars", headers=auth).json() == []
    paper_id = store.list_papers(limit=1)[0].id
    for method, path, body in [
        ("GET", f"/api/v1/radars/{mine}/daily", None),
        ("GET", f"/api/v1/radars/{mine}/briefing", None),
        ("GET", f"/api/v1/radars/{mine}/feedback", None),
        ("PATCH", f"/api/v1/radars/{mine}", {"name": "stolen"}),
        ("DELETE", f"/api/v1/radars/{mine}", None),
        ("POST", "/api/v1/feedback", {"radar_id": mine, "paper_id": paper_id, "kind": "up"}),
    ]:
        assert intruder.request(method, path, json=body, headers=auth).status_code == 404, (method, path)
    assert store.radar_by_id(mine or 0, user_id=1) is not None and store.feedback_for(mine or 0)["up"] == []
    admin.close()
    intruder.close()


def test_openapi_docs_are_served_without_a_cdn(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert "/api/v1/radars" in spec["paths"] and "/settings" not in spec["paths"]
    assert {"PaperPublic", "RadarCreate", "RadarUpdate", "BriefingPublic"} <= set(spec["components"]["schemas"])
    docs = client.get("/api/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert "<script>" not in docs


def test_numbers_no_row_can_have_are_refused_as_bad_input_not_a_server_error(web_settings: Settings) -> None:
    """A paper, radar, token or invitation number beyond SQLite's integers (or below zero) in an address, a form or a
    JSON body: a clear refusal (the page's 400, the API's 422), never a 500 from the database."""
    client = TestClient(create_app(web_settings))
    token = sign_up(client)
    auth = {"authorization": f"Bearer {make_token(client, token)}"}
    page_token = csrf_from(client.get("/settings").text)
    for big in ("9" * 30, "-" + "9" * 30, "9223372036854775808"):
        for path in (f"/papers/{big}", f"/radars/{big}", f"/radars/{big}/map"):
            page = client.get(path)
            assert page.status_code == 400, path
            assert "less than or equal to" in page.text or "greater than or equal to" in page.text, path
        for path in (f"/radars/{big}/feed", f"/settings/tokens/{big}/delete", f"/settings/invitations/{big}/delete"):
            assert client.post(path, data={"csrf_token": page_token}).status_code == 400, path
        form = {"csrf_token": page_token, "radar_id": big, "paper_id": "1", "kind": "up"}
        assert client.post("/feedback", data=form).status_code == 400
        for method, path, body in [
            ("GET", f"/api/v1/papers/{big}", None),
            ("GET", f"/api/v1/radars/{big}/daily", None),
            ("DELETE", f"/api/v1/radars/{big}", None),
            ("POST", "/api/v1/feedback", {"radar_id": 1, "paper_id": int(big), "kind": "up"}),
            ("GET", f"/api/v1/papers?offset={big}", None),
        ]:
            assert client.request(method, path, json=body, headers=auth).status_code == 422, (method, path)
    assert client.get("/papers/9223372036854775807").status_code == 404  # the largest number is a missing paper
    client.close()
