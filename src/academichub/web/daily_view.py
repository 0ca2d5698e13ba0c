"""The Curated Daily's numbered list as rendered HTML, cached per process and keyed by what it shows.

A radar's list is reused until its picks, the picked papers, its feedback or the radar itself change
(`Store.digest_state`); the unranked "all papers" list until the day's papers change (`Store.day_state`).
The session's CSRF token is put in after the cache, so one entry serves every session. Holds no SQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from jinja2 import Environment
from markupsafe import Markup, escape

from academichub.errors import NotReadYet
from academichub.models import Radar, ScoredPaper
from academichub.pipeline.digest import build_digest, day_unread, own_notes, stored_digest, stored_said
from academichub.rank.embed import Embedder
from academichub.store import Store
from academichub.web.paper_view import PaperCard, paper_card

MAX_DAY_PAPERS = 500  # the unranked list of a day without a radar
CACHE_MAX_CHARS = 48_000_000  # ≈ 1,000 twenty-paper lists, or ~50 unranked 500-paper days
LIST_TEMPLATE = "_partials/card_list.html"
# Stands in for the session's CSRF token inside cached HTML; random per process, so no paper text can carry it.
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"

CacheKey = tuple[int, dt.date, str, str, str]  # radar id (0: all papers), day, source filter, language, state hash


@dataclass(frozen=True, slots=True)
class DayList:
    """One rendered list and what the page says around it."""

    html: str  # the <ol>, with CSRF_PLACEHOLDER where the token goes; "" when nothing is shown
    shown: int  # entries after the source filter
    total: int  # entries before it
    sources: tuple[str, ...]  # source kinds present, for the filter menu
    candidates: int | None = None  # papers the radar's picks were chosen from (None: every paper, or not known)
    notes: tuple[str, ...] | None = None  # the radar's own notes (None: every paper of the day is listed)

    def with_token(self, csrf_token: str) -> Markup:
        return Markup(self.html.replace(CSRF_PLACEHOLDER, str(escape(csrf_token))))


class ListCache:
    """Rendered lists, least recently used dropped once their total size passes `max_chars`; thread-safe."""

    def __init__(self, max_chars: int = CACHE_MAX_CHARS) -> None:
        self._max_chars = max_chars
        self._chars = 0
        self._entries: OrderedDict[CacheKey, DayList] = OrderedDict()
        self._lock = threading.Lock()
        self.build_lock = threading.Lock()  # one pick build at a time: a second viewer waits, then reads the picks

    def get(self, key: CacheKey) -> DayList | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: CacheKey, entry: DayList) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            self._chars += len(entry.html) - (len(old.html) if old else 0)
            self._entries[key] = entry
            while self._chars > self._max_chars and len(self._entries) > 1:
                _, dropped = self._entries.popitem(last=False)
                self._chars -= len(dropped.html)

    def __len__(self) -> int:
        return len(self._entries)


def list_state(store: Store, radar: Radar | None, day: dt.date) -> str:
    """A short hash of everything the list shows; a new one means the cached list is stale."""
    state = store.digest_state(radar.id or 0, day) if radar else store.day_state(day)
    return hashlib.blake2b(state.encode(), digest_size=16).hexdigest()


def day_cards(
    store: Store, embedder: Callable[[], Embedder], cache: ListCache, radar: Radar | None, day: dt.date
) -> tuple[list[PaperCard], int | None, tuple[str, ...] | None]:
    """The day's cards, and for a radar's picks how many papers they were chosen from and the radar's own notes
    (the day's are read afresh by the page); the picks are ranked and saved on their first view."""
    if radar is None:
        papers = store.list_papers(day=day, limit=MAX_DAY_PAPERS)
        return [paper_card(p, n, day) for n, p in enumerate(papers, start=1)], None, None
    picks = stored_digest(store, radar, day)
    if not picks:
        with cache.build_lock:
            picks = stored_digest(store, radar, day)  # another request may have built them meanwhile
            if not picks:
                try:
                    digest = build_digest(store, embedder(), radar, day, encode=False)  # a page answers now
                except NotReadYet as exc:  # the daily job is still reading the day: list it unranked, say so
                    papers = store.list_papers(day=day, limit=MAX_DAY_PAPERS)
                    cards = [paper_card(p, n, day) for n, p in enumerate(papers, start=1)]
                    return cards, None, (day_unread(exc.read, exc.total),)
                return _cards(digest.items, day), digest.candidates, own_notes(digest.notes)
    candidates, notes = stored_said(store, radar, day)  # as the saved picks' first showing said
    return _cards(picks, day), candidates, notes


def _cards(picks: Iterable[ScoredPaper], day: dt.date) -> list[PaperCard]:
    return [paper_card(s.paper, s.rank, day, s.reasons, s.score) for s in picks]


def day_list(
    store: Store,
    embedder: Callable[[], Embedder],  # called only when picks must be built
    cache: ListCache,
    env: Environment,
    radar: Radar | None,
    day: dt.date,
    source: str,
    lang: str,
    t: Callable[..., str],
) -> DayList:
    """The rendered list for this radar (None: every paper of the day), day, source filter and language."""
    key: CacheKey = (radar.id or 0 if radar else 0, day, source, lang, list_state(store, radar, day))
    found = cache.get(key)
    if found is not None:
        return found
    cards, candidates, notes = day_cards(store, embedder, cache, radar, day)
    shown = [c for c in cards if not source or c.source_kind == source]
    feedback = {kind: set(ids) for kind, ids in store.feedback_for(radar.id or 0).items()} if radar else {}
    html = "" if not shown else env.get_template(LIST_TEMPLATE).render(
        t=t, cards=shown, radar_id=radar.id if radar else None, feedback=feedback, csrf_token=CSRF_PLACEHOLDER
    )  # fmt: skip
    entry = DayList(html, len(shown), len(cards), tuple(sorted({c.source_kind for c in cards})), candidates, notes)
    unranked = radar is not None and candidates is None and bool(notes)  # the day is still being read
    if cards and not unranked:  # an empty radar list is rebuilt on every view, as before: papers may still arrive
        cache.put((*key[:4], list_state(store, radar, day)), entry)  # this request may have saved the picks
    return entry
