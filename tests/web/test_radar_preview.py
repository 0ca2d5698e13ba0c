"""The radar editor's live preview shows the head of the Curated Daily the radar would get, seeds left out."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from academichub.models import Radar
from academichub.pipeline.digest import build_digest
from academichub.rank.embedders import HashingEmbedder
from academichub.store import Store
from academichub.web.routes.radars import PREVIEW_SIZE
from web_demo_site import sign_up


def card_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<a href="/papers/(\d+)">', html)]


def test_the_preview_is_the_head_of_the_daily_of_the_saved_radar(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    day = store.announcement_days(limit=1)[0][0]
    seed = store.list_papers(day=day, limit=1)[0]
    form = {"csrf_token": token, "name": "agents", "description": "LLM agents planning with tools",
            "keywords": "agent", "seeds": seed.keys[0], "size": "10"}  # fmt: skip
    saved = store.save_radar(Radar(name="agents", description=form["description"], keywords=("agent",),
                                   seeds=(seed.keys[0],), size=10, user_id=1))  # fmt: skip
    daily = build_digest(store, HashingEmbedder(), saved, day)  # the daily job has run: the day's sentences exist
    preview = client.post("/radars/preview", data=form)
    assert preview.status_code == 200
    shown = card_ids(preview.text)
    assert len(shown) == PREVIEW_SIZE and seed.id not in shown  # a seed is never suggested to its own radar
    assert shown == [s.paper.id for s in daily.items[:PREVIEW_SIZE]]


def test_a_seeded_preview_before_the_daily_job_says_it_ranks_without_sentence_matching(
    client: TestClient, store: Store
) -> None:
    token = sign_up(client)
    seed = store.list_papers(day=store.announcement_days(limit=1)[0][0], limit=1)[0]
    form = {"csrf_token": token, "name": "agents", "description": "LLM agents", "seeds": seed.keys[0], "size": "10"}
    preview = client.post("/radars/preview", data=form)  # the interface starts in Chinese
    assert preview.status_code == 200 and "没有逐句匹配您的种子论文" in preview.text
    assert len(card_ids(preview.text)) == PREVIEW_SIZE
    client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/"})
    assert "sentence by sentence" in client.post("/radars/preview", data=form).text
