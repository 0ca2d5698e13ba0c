"""Store: the only package that holds SQL.

`open_store(url)` gives a `Store`; its methods are the whole storage
interface the rest of AcademicHub uses (a PostgreSQL backend would provide the
same methods). Writes that belong together go inside `store.transaction()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from academichub.models import Briefing, FeedbackKind, FetchRun, Note, Paper, Radar, Reason
from academichub.store import (
    accounts,
    briefings,
    invitations,
    listing,
    page_state,
    papers,
    radars,
    resets,
    runs,
    search_pages,
    throttle,
    tokens,
    vector_retention,
)
from academichub.store.accounts import Pick, User, WebSession
from academichub.store.db import Connection, connect_sqlite
from academichub.store.invitations import Invitation
from academichub.store.listing import SearchHit
from academichub.store.paper_cache import SavedPapers
from academichub.store.papers import SaveOutcome
from academichub.store.runs import SourceState
from academichub.store.search_pages import SearchFilters, SearchPage
from academichub.store.tokens import ApiToken

if TYPE_CHECKING:  # numpy is imported by the vector methods only: an ingest never pays for it
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "ApiToken",
    "Invitation",
    "MAX_ROW_ID",
    "Pick",
    "SaveOutcome",
    "SavedPapers",
    "SearchFilters",
    "SearchHit",
    "SearchPage",
    "SourceState",
    "Store",
    "User",
    "WebSession",
    "open_store",
    "row_id",
]

MAX_ROW_ID = 2**63 - 1  # SQLite's (and PostgreSQL's bigint) largest integer


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """Papers, sources, fetch runs and checkpoints in one database."""

    def __init__(self, db: Connection) -> None:
        self._db = db
        self._conn = db.conn

    @property
    def path(self) -> Path:
        return self._db.path

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._db.transaction():
            yield

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # papers
    def ids_for_keys(self, keys: Sequence[str]) -> dict[str, int]:
        return papers.ids_for_keys(self._conn, keys)

    def papers_by_ids(self, ids: Sequence[int], *, saved: SavedPapers | None = None) -> dict[int, Paper]:
        """Papers by id; with `saved` (a bulk writer's cache), held papers whose row is untouched come from it."""
        if saved is None:
            return papers.papers_by_ids(self._conn, ids)
        with self._db.transaction() as conn:
            return papers.papers_by_ids(conn, ids, saved)

    def paper_by_id(self, paper_id: int) -> Paper | None:
        return self.papers_by_ids([papers.resolve_id(self._conn, paper_id)]).get(
            papers.resolve_id(self._conn, paper_id)
        )

    def paper_by_key(self, key: str) -> Paper | None:
        found = self.ids_for_keys([key])
        return self.paper_by_id(found[key]) if key in found else None

    def save_papers(
        self, items: Sequence[Paper], *, saved: SavedPapers | None = None
    ) -> tuple[list[Paper], SaveOutcome]:
        with self._db.transaction() as conn:
            return papers.save_papers(conn, items, _now(), saved)

    def fold_papers(self, keep_id: int, folded_ids: Sequence[int]) -> None:
        with self._db.transaction() as conn:
            papers.fold_papers(conn, keep_id, folded_ids)

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        offset: int = 0,
        raw: bool = False,
        source: str | None = None,
        category: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> list[SearchHit]:
        return listing.search_papers(
            self._conn, query, limit=limit, offset=offset, raw=raw,
            source=source, category=category, since=since, until=until,
        )  # fmt: skip

    def search_facets(self, *, max_categories: int = 200) -> tuple[list[str], list[str]]:
        return listing.search_facets(self._conn, max_categories=max_categories)

    def recent_days(self, *, limit: int = 30) -> list[dt.date]:
        return listing.recent_days(self._conn, limit=limit)

    def newest_paper_id(self) -> int:
        return listing.newest_paper_id(self._conn)

    def vector_count(self, model: str) -> int:
        return listing.vector_count(self._conn, model)

    def all_vectors(self, model: str) -> tuple[list[int], NDArray[np.float32]]:
        return listing.all_vectors(self._conn, model)

    def title_candidates(self, title: str, *, limit: int = 5) -> list[Paper]:
        return listing.title_candidates(self._conn, title, limit=limit)

    def list_papers(
        self,
        *,
        day: dt.date | None = None,
        source: str | None = None,
        category: str | None = None,
        limit: int = 100,
        offset: int = 0,
        saved: SavedPapers | None = None,
    ) -> list[Paper]:
        """`saved`: papers read before (SavedPapers), taken again while their stored fingerprint is unchanged."""
        with self._db.snapshot():  # the ids, fingerprints and rows of one state of the database
            return listing.list_papers(
                self._conn, day=day, source=source, category=category, limit=limit, offset=offset, saved=saved
            )

    def announcement_days(self, *, limit: int = 30) -> list[tuple[dt.date, int]]:
        return listing.announcement_days(self._conn, limit=limit)

    def papers_to_enrich(self, *, retry_after: dt.datetime, limit: int = 200) -> list[Paper]:
        return listing.papers_to_enrich(self._conn, retry_after=retry_after.isoformat(timespec="seconds"), limit=limit)

    def mark_enrich_tried(self, ids: list[int]) -> None:
        with self._db.transaction() as conn:
            listing.mark_enrich_tried(conn, ids, _now())

    def mark_deleted(self, keys: list[str]) -> int:
        with self._db.transaction() as conn:
            return listing.mark_deleted(conn, keys)

    def count_papers(self) -> int:
        return listing.count_papers(self._conn)

    # sources and runs
    def ensure_source(self, name: str, kind: str, target: str, label: str = "") -> None:
        with self._db.transaction() as conn:
            runs.ensure_source(conn, name, kind, target, label)

    def source_state(self, name: str) -> SourceState | None:
        return runs.source_state(self._conn, name)

    def save_validators(self, name: str, etag: str | None, last_modified: str | None, *, unconditional: bool) -> None:
        with self._db.transaction() as conn:
            runs.save_validators(conn, name, etag, last_modified, unconditional_at=_now() if unconditional else None)

    def start_run(self, run: FetchRun, for_day: dt.date | None) -> FetchRun:
        with self._db.transaction() as conn:
            run.id = runs.start_run(conn, run, for_day)
        return run

    def finish_run(self, run: FetchRun) -> None:
        with self._db.transaction() as conn:
            runs.finish_run(conn, run)

    def latest_runs(self) -> list[tuple[SourceState, FetchRun | None]]:
        return runs.latest_runs(self._conn)

    def runs_for(self, source: str, *, limit: int = 20) -> list[FetchRun]:
        return runs.runs_for(self._conn, source, limit=limit)

    # checkpoints for resumable jobs
    def checkpoint(self, job: str, key: str) -> str | None:
        return runs.checkpoint(self._conn, job, key)

    def set_checkpoint(self, job: str, key: str, value: str) -> None:
        with self._db.transaction() as conn:
            runs.set_checkpoint(conn, job, key, value, _now())

    def clear_checkpoint(self, job: str, key: str) -> None:
        with self._db.transaction() as conn:
            runs.clear_checkpoint(conn, job, key)

    def clear_checkpoints(self, job: str) -> None:
        with self._db.transaction() as conn:
            runs.clear_checkpoints(conn, job)

    # radars, feedback, vectors, picks
    def save_radar(self, radar: Radar) -> Radar:
        with self._db.transaction() as conn:
            return radars.save_radar(conn, radar, _now())

    def radar_by_name(self, name: str, *, user_id: int = 1) -> Radar | None:
        return radars.radar_by_name(self._conn, user_id, name)

    def radar_by_id(self, radar_id: int, *, user_id: int = 1) -> Radar | None:
        return radars.radar_by_id(self._conn, user_id, radar_id)

    def list_radars(self, *, user_id: int = 1) -> list[Radar]:
        return radars.list_radars(self._conn, user_id)

    def list_all_radars(self) -> list[Radar]:
        return radars.list_all_radars(self._conn)

    def delete_radar(self, radar_id: int, *, user_id: int = 1) -> None:
        with self._db.transaction() as conn:
            radars.delete_radar(conn, user_id, radar_id)

    def set_feedback(self, radar_id: int, paper_id: int, kind: FeedbackKind) -> None:
        with self._db.transaction() as conn:
            radars.set_feedback(conn, radar_id, paper_id, kind, _now())

    def clear_feedback(self, radar_id: int, paper_id: int, kind: FeedbackKind) -> None:
        with self._db.transaction() as conn:
            radars.clear_feedback(conn, radar_id, paper_id, kind)

    def feedback_for(self, radar_id: int) -> dict[FeedbackKind, list[int]]:
        return radars.feedback_for(self._conn, radar_id)

    def vectors_for(self, ids: Sequence[int], model: str) -> dict[int, tuple[NDArray[np.float32], str]]:
        return radars.vectors_for(self._conn, ids, model)

    def save_vectors(
        self, model: str, rows: Sequence[tuple[int, NDArray[np.float32], str]], *, half: bool = False
    ) -> None:
        """Store vectors (float16 when `half`: sentence blocks); vectors_for reads either back as float32."""
        with self._db.transaction() as conn:
            radars.save_vectors(conn, model, rows, half=half)

    def prune_vectors(self, model: str, *, since: dt.date, keep: Collection[int] = ()) -> int:
        """Delete `model` vectors of papers not announced since `since` (or never), except `keep`'s; how many went.
        Commits in batches: safe to kill and to rerun."""
        return vector_retention.prune_vectors(self._db, model, since.isoformat(), set(keep))

    def vector_storage(self, model: str) -> tuple[int, int]:
        """(rows, bytes) of `model`'s stored vectors."""
        return vector_retention.vector_storage(self._conn, model)

    def text_vectors(self, hashes: Sequence[str], model: str) -> dict[str, NDArray[np.float32]]:
        return radars.text_vectors(self._conn, hashes, model)

    def save_text_vectors(self, model: str, rows: Sequence[tuple[str, NDArray[np.float32]]]) -> None:
        with self._db.transaction() as conn:
            radars.save_text_vectors(conn, model, rows)

    def runs_for_day(self, day: dt.date) -> list[FetchRun]:
        return runs.runs_for_day(self._conn, day)

    def shown_before(self, radar_id: int, day: dt.date) -> set[int]:
        return radars.shown_before(self._conn, radar_id, day)

    def save_digest(
        self,
        radar_id: int,
        day: dt.date,
        items: Sequence[tuple[int, int, float, tuple[Reason, ...]]],
        said: tuple[int, Sequence[Note]] | None = None,
    ) -> None:
        with self._db.transaction() as conn:
            radars.save_digest(conn, radar_id, day, items, said)

    def digest_items(self, radar_id: int, day: dt.date) -> list[tuple[int, int, float, tuple[Reason, ...]]]:
        return radars.digest_items(self._conn, radar_id, day)

    def digest_said(self, radar_id: int, day: dt.date) -> tuple[int, tuple[Note, ...]] | None:
        return radars.digest_said(self._conn, radar_id, day)

    # cheap reads for the web pages' caches and navigation
    def digest_state(self, radar_id: int, day: dt.date) -> str:
        return page_state.digest_state(self._conn, radar_id, day)

    def day_state(self, day: dt.date) -> str:
        return page_state.day_state(self._conn, day)

    def days_around(self, day: dt.date) -> tuple[dt.date | None, dt.date | None]:
        return page_state.days_around(self._conn, day)

    def radar_names(self, *, user_id: int) -> list[tuple[int, str]]:
        return page_state.radar_names(self._conn, user_id)

    # web accounts and sessions (hashing happens in the web layer; only hashes are stored)
    def has_accounts(self) -> bool:
        return accounts.has_accounts(self._conn)

    def create_first_admin(self, name: str, password_hash: str, language: str) -> User:
        with self._db.transaction() as conn:
            return accounts.create_first_admin(conn, name, password_hash, language)

    def create_user(self, name: str, password_hash: str, language: str, *, is_admin: bool = False) -> User:
        with self._db.transaction() as conn:
            return accounts.create_user(conn, name, password_hash, language, is_admin=is_admin)

    def user_by_id(self, user_id: int) -> User | None:
        return accounts.user_by_id(self._conn, user_id)

    def login_record(self, name: str) -> tuple[User, str] | None:
        return accounts.login_record(self._conn, name)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self._db.transaction() as conn:
            accounts.set_password_hash(conn, user_id, password_hash)

    def set_email(self, user_id: int, email: str) -> None:
        with self._db.transaction() as conn:
            accounts.set_email(conn, user_id, email)

    def user_emails(self) -> dict[int, str]:
        return accounts.user_emails(self._conn)

    def set_language(self, user_id: int, language: str) -> None:
        with self._db.transaction() as conn:
            accounts.set_language(conn, user_id, language)

    def create_session(self, token_hash: str, user_id: int, csrf_token: str, lifetime: dt.timedelta) -> None:
        now = dt.datetime.now(dt.UTC)
        with self._db.transaction() as conn:
            accounts.create_session(conn, token_hash, user_id, csrf_token, now, now + lifetime)

    def session_by_token_hash(self, token_hash: str) -> WebSession | None:
        return accounts.session_by_token_hash(self._conn, token_hash, dt.datetime.now(dt.UTC))

    def delete_session(self, token_hash: str) -> None:
        with self._db.transaction() as conn:
            accounts.delete_session(conn, token_hash)

    # throttle hits shared by every process (the web layer decides the keys and limits; see web/throttle.py)
    def throttle_hits(self, keys: Sequence[str], now: float) -> dict[str, list[float]]:
        """Each key's live hits as expiry times, oldest first; read inside `transaction()` to decide atomically."""
        return throttle.live_hits(self._conn, keys, now)

    def add_throttle_hits(self, keys: Sequence[str], now: float, window_s: float) -> list[int]:
        with self._db.transaction() as conn:
            return throttle.add_hits(conn, keys, now, window_s)

    def delete_throttle_hits(self, ids: Sequence[int]) -> None:
        with self._db.transaction() as conn:
            throttle.delete_hits(conn, ids)

    def clear_throttle_key(self, key: str) -> None:
        with self._db.transaction() as conn:
            throttle.clear_key(conn, key)

    # invitations (the web layer makes tokens; only hashes are stored)
    def create_invitation(
        self,
        token_hash: str,
        created_by: int,
        lifetime: dt.timedelta,
        *,
        note: str = "",
        now: dt.datetime | None = None,
    ) -> Invitation:
        moment = now or dt.datetime.now(dt.UTC)
        with self._db.transaction() as conn:
            return invitations.create_invitation(conn, token_hash, created_by, note, moment, moment + lifetime)

    def open_invitation(self, token_hash: str, *, now: dt.datetime | None = None) -> Invitation | None:
        return invitations.open_invitation(self._conn, token_hash, now or dt.datetime.now(dt.UTC))

    def list_invitations(self, created_by: int, *, limit: int = 50) -> list[Invitation]:
        return invitations.list_invitations(self._conn, created_by, limit=limit)

    def redeem_invitation(
        self, token_hash: str, name: str, password_hash: str, language: str, *, now: dt.datetime | None = None
    ) -> User:
        """Spend the invitation and create its account atomically. Raises: InputError (spent/expired/name taken)."""
        with self._db.transaction() as conn:
            moment = now or dt.datetime.now(dt.UTC)
            return invitations.redeem_invitation(conn, token_hash, moment, name, password_hash, language)

    def delete_invitation(self, created_by: int, invitation_id: int) -> bool:
        with self._db.transaction() as conn:
            return invitations.delete_invitation(conn, created_by, invitation_id)

    # password resets (the web layer makes tokens; only hashes are stored)
    def users_by_email(self, email: str) -> list[User]:
        return resets.users_by_email(self._conn, email)

    def user_by_name(self, name: str) -> User | None:
        return resets.user_by_name(self._conn, name)

    def create_password_reset(
        self, user_id: int, token_hash: str, lifetime: dt.timedelta, *, now: dt.datetime | None = None
    ) -> None:
        moment = now or dt.datetime.now(dt.UTC)
        with self._db.transaction() as conn:
            resets.create_reset(conn, user_id, token_hash, moment, moment + lifetime)

    def open_password_reset(self, token_hash: str, *, now: dt.datetime | None = None) -> User | None:
        return resets.open_reset(self._conn, token_hash, now or dt.datetime.now(dt.UTC))

    def reset_password(self, token_hash: str, password_hash: str, *, now: dt.datetime | None = None) -> User:
        """Spend the link, set the password and end every session at once. Raises: InputError."""
        with self._db.transaction() as conn:
            return resets.redeem_reset(conn, token_hash, now or dt.datetime.now(dt.UTC), password_hash)

    def picks_for_paper(self, paper_id: int, *, user_id: int) -> list[Pick]:
        return accounts.picks_for_paper(self._conn, user_id, paper_id)

    # briefings and TL;DRs
    def save_briefing(self, briefing: Briefing) -> Briefing:
        """Keep a briefing under its cache key (replacing a failed or refreshed one); returns it."""
        with self._db.transaction() as conn:
            briefings.save_briefing(conn, briefing, _now())
        return briefing

    def briefing_by_key(self, cache_key: str) -> Briefing | None:
        return briefings.briefing_by_key(self._conn, cache_key)

    def briefings_for_day(self, day: dt.date) -> list[Briefing]:
        return briefings.briefings_for_day(self._conn, day)

    def briefing_attempts(self, cache_key: str) -> int:
        return briefings.briefing_attempts(self._conn, cache_key)

    def tldrs_for(self, paper_ids: Sequence[int], model: str, language: str, prompt_version: str) -> dict[int, str]:
        return briefings.tldrs_for(self._conn, paper_ids, model, language, prompt_version)

    def save_tldrs(self, rows: Sequence[tuple[int, str]], model: str, language: str, prompt_version: str) -> None:
        with self._db.transaction() as conn:
            briefings.save_tldrs(conn, rows, model, language, prompt_version, _now())

    # API and feed tokens (hashes only), user preferences
    def create_token(
        self, user_id: int, token_hash: str, kind: str, *, label: str = "", radar_id: int | None = None
    ) -> ApiToken:
        with self._db.transaction() as conn:
            return tokens.create_token(conn, user_id, token_hash, kind, label, _now(), radar_id)

    def token_by_hash(self, token_hash: str, kind: str) -> ApiToken | None:
        found = tokens.token_by_hash(self._conn, token_hash, kind)
        if found is not None:
            with self._db.transaction() as conn:
                tokens.mark_token_used(conn, found.id, dt.datetime.now(dt.UTC))
        return found

    def list_tokens(self, user_id: int, kind: str, *, radar_id: int | None = None) -> list[ApiToken]:
        return tokens.list_tokens(self._conn, user_id, kind, radar_id)

    def delete_token(self, user_id: int, token_id: int) -> bool:
        with self._db.transaction() as conn:
            return tokens.delete_tokens(conn, user_id, token_id=token_id) > 0

    def delete_feed_tokens(self, user_id: int, radar_id: int) -> int:
        with self._db.transaction() as conn:
            return tokens.delete_tokens(conn, user_id, radar_id=radar_id)

    def user_prefs(self, user_id: int) -> dict[str, str]:
        return tokens.user_prefs(self._conn, user_id)

    def set_user_pref(self, user_id: int, key: str, value: str) -> None:
        with self._db.transaction() as conn:
            tokens.set_user_pref(conn, user_id, key, value)

    def integrity_ok(self) -> bool:
        return bool(self._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    # the web search page and the related-papers index (bounded per request)
    def search_page(self, query: str, filters: SearchFilters, *, limit: int = 20, offset: int = 0) -> SearchPage:
        return search_pages.search_page(self._conn, query, filters, limit=limit, offset=offset)

    def vector_chunks(self, model: str) -> Iterator[tuple[NDArray[np.int64], NDArray[np.float32]]]:
        from academichub.store import vector_chunks  # imports numpy

        return vector_chunks.vector_chunks(self._conn, model)


def row_id(text: str) -> int | None:
    """`text` as a stored row's id (a paper's, a radar's number), or None when it cannot be one: not ASCII digits
    ("²" is a digit to str.isdigit, not to int), or beyond the database's integers."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ROW_ID)):
        return None
    value = int(text)
    return value if value <= MAX_ROW_ID else None


def open_store(url: str) -> Store:
    """Open (creating and migrating if needed) the database at `url`. Raises: StoreError."""
    return Store(connect_sqlite(url))
