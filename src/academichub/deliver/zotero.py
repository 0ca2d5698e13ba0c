"""Pushing papers to a Zotero library through the Zotero web API (v3): POST …/items in batches of ≤ 50.

Each batch carries a Zotero-Write-Token fixed by its content, so a retried or rerun batch that
Zotero already stored answers 412 and is not created twice. 429/5xx wait (Retry-After, capped)
via PostClient; a `Backoff` header pauses before the next batch. The API key never appears in errors.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from academichub.config import Settings
from academichub.deliver.http_post import PostClient
from academichub.deliver.names import split_name
from academichub.errors import DeliveryError
from academichub.models import Paper
from academichub.sources.http import parse_retry_after_s as retry_after_s

ZOTERO_BATCH_ITEMS = 50
ZOTERO_API_VERSION = "3"


@dataclass(frozen=True, slots=True)
class ZoteroReport:
    created: int = 0
    unchanged: int = 0
    already_written: int = 0  # batches Zotero had from an earlier attempt (412 on the write token)
    failed: tuple[str, ...] = field(default=())  # "title: code message"
    keys: tuple[str, ...] = field(default=())  # Zotero item keys of created items


def zotero_item(paper: Paper) -> dict[str, Any]:
    """A Zotero item: `preprint` for arXiv/bioRxiv-style preprints, else `journalArticle`."""
    arxiv_id = paper.identifier("arxiv")
    is_preprint = paper.item_type == "preprint" or (arxiv_id is not None and not paper.journal_ref)
    creators = []
    for author in paper.authors:
        name = split_name(author.name)
        if name.literal or not name.given:
            creators.append({"creatorType": "author", "name": name.literal or name.family})
        else:
            creators.append({"creatorType": "author", "firstName": name.given, "lastName": name.family})
    when = paper.published or min((a.day for a in paper.announcements), default=None)
    links = {link.kind: link.url for link in paper.links}
    doi = paper.identifier("doi")
    item: dict[str, Any] = {
        "itemType": "preprint" if is_preprint else "journalArticle",
        "title": " ".join(paper.title.split()),
        "creators": creators,
        "abstractNote": " ".join(paper.abstract.split()),
        "date": when.isoformat() if when else "",
        "url": links.get("abs") or (f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else "") or "",
        "DOI": doi or "",
        "tags": [{"tag": c} for c in paper.categories],
    }
    if is_preprint:
        item["repository"] = "arXiv" if arxiv_id else (paper.venue or paper.source_label)
        item["archiveID"] = f"arXiv:{arxiv_id}" if arxiv_id else ""
    else:
        item["publicationTitle"] = paper.venue or ""
    return item


def zotero_items_url(settings: Settings) -> str:
    """…/users/<id>/items or …/groups/<id>/items. Raises: DeliveryError when no library is configured."""
    library = settings.zotero_library_id.strip()
    if not library.isdigit() or not settings.zotero_api_key.get_secret_value():
        raise DeliveryError("set zotero_library_id (a number) and zotero_api_key to push to Zotero", permanent=True)
    kind = "users" if settings.zotero_library_type == "user" else "groups"
    return f"{settings.zotero_api_url.rstrip('/')}/{kind}/{library}/items"


def _write_token(batch: Sequence[dict[str, Any]]) -> str:
    text = "\n".join(f"{i.get('title')}|{i.get('DOI')}|{i.get('archiveID', '')}" for i in batch)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def push_to_zotero(
    settings: Settings,
    papers: Sequence[Paper],
    *,
    client: PostClient | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> ZoteroReport:
    """Create the papers as items in the configured Zotero library.

    Raises: DeliveryError (no library configured, bad key or other 4xx, retries spent).
    """
    url = zotero_items_url(settings)
    items = [zotero_item(p) for p in papers]
    own = client is None
    poster = client or PostClient(settings, sleep=sleep)
    created = unchanged = already = 0
    failed: list[str] = []
    keys: list[str] = []
    try:
        for start in range(0, len(items), ZOTERO_BATCH_ITEMS):
            batch = items[start : start + ZOTERO_BATCH_ITEMS]
            headers = {
                "Zotero-API-Key": settings.zotero_api_key.get_secret_value(),
                "Zotero-API-Version": ZOTERO_API_VERSION,
                "Zotero-Write-Token": _write_token(batch),
            }
            reply = poster.post_json(url, batch, headers=headers, accept=frozenset({412}))
            if reply.status == 412:
                already += 1
                continue
            data = reply.json()
            if not isinstance(data, dict):
                raise DeliveryError(f"Zotero answered HTTP {reply.status} without a JSON result", permanent=True)
            successful = data.get("successful") or {}
            keys += [str(v.get("key", "")) for v in successful.values() if isinstance(v, dict)]
            created += len(successful)
            unchanged += len(data.get("unchanged") or {})
            failed += [_refused(batch, start, str(index), problem) for index, problem in _failed(data).items()]
            backoff = retry_after_s(reply.headers.get("backoff"))
            if backoff and start + ZOTERO_BATCH_ITEMS < len(items):
                sleep(min(backoff, settings.retry_after_cap_s))
    finally:
        if own:
            poster.close()
    return ZoteroReport(created, unchanged, already, tuple(failed), tuple(keys))


def _failed(data: dict[str, Any]) -> dict[str, Any]:
    failed = data.get("failed") or {}
    return failed if isinstance(failed, dict) else {"?": failed}


def _refused(batch: list[dict[str, Any]], start: int, index: str, problem: object) -> str:
    """An item Zotero refused, as the user reads it: its title (else its number in the push) and Zotero's code and
    message. `index` is its position in the batch as Zotero names it; an answer naming none gets its text."""
    position = int(index) if index.isascii() and index.isdigit() and int(index) < len(batch) else None
    if position is None:
        title = f"item {index!r}"
    else:
        title = str(batch[position].get("title") or "")[:80] or f"item {start + position + 1}"
    said = problem if isinstance(problem, dict) else {"message": str(problem)}
    return f"{title}: {said.get('code', '?')} {said.get('message', '')}".strip()
