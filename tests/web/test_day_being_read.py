"""While the daily job is still reading (encoding) a day, no page waits minutes on it: the daily page lists the
day unranked and says so, the API answers 503 with Retry-After, and nothing unranked is saved as picks."""

from __future__ import annotations

import datetime as dt
import re

from starlette.testclient import TestClient

from academichub.pipeline import store_items
from academichub.pipeline.digest import PAGE_PAPER_BUDGET
from academichub.rank.embedders import HashingEmbedder
from academichub.store import Store
from digest_builders import arxiv_item
from fake_embedders import Counting
from web_demo_site import make_token, sign_up


def test_a_day_still_being_read_is_listed_unranked_and_said_so(client: TestClient, store: Store) -> None:
    client.app.state.embedder = Counting(seconds_per_text=0.05)  # type: ignore[attr-defined]  # the app's embedder, as made on first use
    token = sign_up(client)
    day = dt.date(2026, 6, 30)  # fetched this morning; the daily job is still reading it
    store_items(
        store, [arxiv_item(50_000 + n, day, f"Reasoning study {n}", "Language models reason.") for n in range(200)]
    )
    assert store.recent_days(limit=1)[0] == day
    radar_id = store.list_radars(user_id=1)[0].id or 0
    papers = store.list_papers(day=day, limit=1000)
    assert not store.vectors_for(
        [p.id or 0 for p in papers], HashingEmbedder().name
    )  # the daily job has not read the day
    chinese = client.get("/").text  # the interface starts in Chinese
    assert "尚未排序：这一天的论文仍在读取中" in chinese and "推荐理由" not in chinese
    assert chinese.count('<span class="num">') == len(papers)  # every paper of the day, unranked
    assert store.digest_items(radar_id, day) == []  # nothing unranked kept as picks
    client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/"})
    english = client.get("/").text  # not a cached list: each view tries again (16 more papers read each time)
    assert re.search(r"not ranked yet: this day&#39;s papers are still being read \((32|48) of 200 so far\)", english)
    briefing = client.get("/briefing")  # its picks cannot be made yet either: said in the reader's language
    assert briefing.status_code == 503 and "not ranked yet: this day&#39;s papers are still being read" in briefing.text
    slow = client.app.state.embedder  # type: ignore[attr-defined]
    before, read = slow.texts, len(store.vectors_for([p.id or 0 for p in papers], HashingEmbedder().name))
    radar_map = client.get(f"/radars/{radar_id}/map")  # drawn from what is read; the rest waits for the daily job
    assert radar_map.status_code == 200 and "<svg" in radar_map.text
    assert slow.texts - before <= PAGE_PAPER_BUDGET  # the try at ranking, nothing for the map itself
    assert read < len(papers)
    auth = {"authorization": f"Bearer {make_token(client, token)}"}
    api = client.get(f"/api/v1/radars/{radar_id}/daily", headers=auth)
    assert api.status_code == 503 and api.headers["retry-after"] == "300"
    assert "still being read" in api.json()["detail"]
