"""Route tests for the radar editor's library import and map, search filters, related papers and the body cap."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path

from starlette.testclient import TestClient

from academichub.pipeline.seeds import read_seeds
from academichub.rank.embedders import HashingEmbedder
from academichub.store import Store
from academichub.web.limits import MAX_REQUEST_BODY_BYTES
from web_demo_site import sign_up

LIBRARY = Path(__file__).resolve().parents[1] / "fixtures" / "library" / "zotero.bib"


def first_radar(store: Store) -> int:
    return store.list_radars(user_id=1)[0].id or 0


def upload(client: TestClient, token: str, radar_id: int, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        f"/radars/{radar_id}/import", data={"csrf_token": token}, files={"library": (name, data, "text/plain")}
    )


def test_import_bibtex_adds_stored_papers_as_seeds_and_others_as_texts(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    radar_id = first_radar(store)
    stored = store.list_papers(limit=1)[0]
    arxiv_id = stored.identifier("arxiv")
    entry = f"@misc{{ours, title = {{{stored.title}}}, eprint = {{{arxiv_id}}}, archiveprefix = {{arXiv}}}}\n"
    response = upload(client, token, radar_id, "mine.bib", LIBRARY.read_bytes() + b"\n" + entry.encode())
    assert response.status_code == 200, response.text[:300]
    radar = store.radar_by_id(radar_id)
    assert radar is not None and f"arxiv:{arxiv_id}" in radar.seeds
    assert any(text.startswith("Attention Is All You Need") for text in radar.seed_texts)
    assert re.search(r"mine\.bib[（(]bibtex[）)]", response.text)
    problems = re.findall(r"<li>(line \d+: [^<]*)</li>", response.text)
    assert problems, "the fixture's malformed entries are reported by line"
    assert all(p.startswith("line ") for p in problems)


def test_import_csl_json_reports_skipped_items_by_line(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    radar_id = first_radar(store)
    items = [{"type": "article", "title": "Graph neural networks for molecules"}, 42, {"type": "article"}]
    response = upload(client, token, radar_id, "lib.json", json.dumps(items, indent=1).encode())
    assert response.status_code == 200
    assert re.search(r"<li>line \d+: not a CSL-JSON item — skipped</li>", response.text)
    assert re.search(r"<li>line \d+: entry has no title", response.text)
    radar = store.radar_by_id(radar_id)
    assert radar is not None and "Graph neural networks for molecules." in radar.seed_texts


def test_import_of_a_non_library_file_says_why(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    radar_id = first_radar(store)
    before = store.radar_by_id(radar_id)
    response = upload(client, token, radar_id, "notes.txt", b"just some notes\nnothing bibliographic\n")
    assert response.status_code == 400
    assert "not a BibTeX, RIS or CSL-JSON file" in response.text
    assert store.radar_by_id(radar_id) == before


def test_a_50_mb_upload_is_refused_with_a_clear_message(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    radar_id = first_radar(store)
    response = upload(client, token, radar_id, "huge.bib", b"%" * (50 * 2**20))
    assert response.status_code == 413
    assert "The upload is 50.0 MiB; the limit is 21 MiB" in response.text
    assert response.headers["content-security-policy"]
    assert MAX_REQUEST_BODY_BYTES < 50 * 2**20

    def chunks():  # no Content-Length: counted as it streams
        for _ in range(50):
            yield b"%" * 2**20

    streamed = client.post(
        f"/radars/{radar_id}/import",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=xyz", "x-csrf-token": token},
    )
    assert streamed.status_code == 413 and "the limit is 21 MiB" in streamed.text


def test_import_needs_csrf_and_ownership(client: TestClient, store: Store) -> None:
    token = sign_up(client)
    radar_id = first_radar(store)
    no_token = client.post(f"/radars/{radar_id}/import", files={"library": ("a.bib", LIBRARY.read_bytes())})
    assert no_token.status_code == 403
    assert upload(client, token, 9999, "a.bib", LIBRARY.read_bytes()).status_code == 404


def test_radar_map_draws_the_days_papers_with_picks_and_seeds(client: TestClient, store: Store) -> None:
    sign_up(client)
    radar_id = first_radar(store)
    client.get(f"/?radar={radar_id}")  # builds the day's picks
    seed = store.list_papers(limit=1)[0]
    radar = store.radar_by_id(radar_id)
    assert radar is not None
    store.save_radar(replace(radar, seeds=(f"arxiv:{seed.identifier('arxiv')}",)))
    page = client.get(f"/radars/{radar_id}/map", headers={"hx-request": "true"})
    assert page.status_code == 200 and "<html" not in page.text
    assert page.text.count('class="pt pt-pick"') == radar.size
    assert page.text.count('class="pt pt-seed"') == 1
    assert page.text.count('class="pt pt-paper"') > 50
    assert f'<a href="/papers/{seed.id}" class="map-link">' in page.text
    assert "<title>" in page.text and "<script" not in page.text and "style=" not in page.text
    full = client.get(f"/radars/{radar_id}/map")
    assert full.status_code == 200 and "<html" in full.text and "<svg" in full.text
    assert 'hx-get="/radars/' in client.get(f"/radars/{radar_id}").text


def test_search_filters_by_source_category_and_dates_and_pages_keep_them(client: TestClient, store: Store) -> None:
    sign_up(client)
    everything = client.get("/search", params={"q": "learning"}).text
    assert "<mark>" in everything
    by_category = client.get("/search", params={"q": "learning", "category": "cs.CV"})
    ids = re.findall(r'<article class="paper[^"]*" id="paper-(\d+)"', by_category.text)
    assert ids and all("cs.CV" in store.papers_by_ids([int(i)])[int(i)].categories for i in ids)
    none = client.get("/search", params={"q": "learning", "source": "biorxiv"}).text
    assert 'id="paper-' not in none  # the test database holds only the arXiv day
    future = client.get("/search", params={"q": "learning", "since": "2030-01-01"}).text
    assert 'id="paper-' not in future
    day = client.get("/search", params={"q": "learning", "since": "2026-06-29", "until": "2026-06-29"}).text
    assert 'id="paper-' in day
    many = client.get("/search", params={"q": "model", "source": "arxiv"}).text
    assert "source=arxiv" in many and "page=2" in many  # the next-page link keeps the filter
    bad = client.get("/search", params={"q": "x", "since": "yesterday"})
    assert bad.status_code == 400
    assert 'option value="arxiv"' in everything


def test_paper_page_lists_related_papers_nearest_in_embedding_space(client: TestClient, store: Store) -> None:
    sign_up(client)
    client.get("/?radar=all")
    client.get(f"/?radar={first_radar(store)}")  # the day's papers get vectors
    paper = store.list_papers(day=dt.date(2026, 6, 29), limit=1)[0]
    page = client.get(f"/papers/{paper.id}").text
    related = re.findall(r'<li><a href="/papers/(\d+)" class="math">', page)
    assert len(related) == 8 and str(paper.id) not in related
    scores = [float(s) for s in re.findall(r"(?:similarity|相似度) (-?\d\.\d\d)", page)]
    assert scores == sorted(scores, reverse=True)


def test_an_imported_library_is_read_after_the_response_and_then_ranks(client: TestClient, store: Store) -> None:
    """A page never waits to encode a library: the import answers at once, the seeds are read after the response
    (TestClient runs that task before returning) and the latest day is ranked again with all of them."""
    token = sign_up(client)
    radar_id = first_radar(store)
    client.get("/")  # the day's picks, built before the import
    day = store.announcement_days(limit=1)[0][0]
    assert store.digest_items(radar_id, day)
    texts = [f"Sparse attention study {n}. We prune attention heads in transformer number {n}." for n in range(12)]
    entries = "".join(f"@article{{k{n}, title = {{{t.split('. ')[0]}}}, abstract = {{{t.split('. ')[1]}}}}}\n"
                      for n, t in enumerate(texts))  # fmt: skip
    assert upload(client, token, radar_id, "lib.bib", entries.encode()).status_code == 200
    radar = store.radar_by_id(radar_id)
    assert radar is not None and len(radar.seed_texts) == 12
    read = read_seeds(store, HashingEmbedder(), [], radar.seed_texts, budget=0)  # what is stored now, nothing encoded
    assert read.unread == 0 and len(read.titles) == 12  # every text has its vector and sentences
    assert store.digest_items(radar_id, day) == []  # ranked again on the next view, with them
    page = client.get("/").text
    assert "尚未读取的种子论文" not in page and store.digest_items(radar_id, day)
