"""Numbered schema migrations, each applied in its own transaction at startup.

Each `mNNN_name()` returns its SQL script. Append new ones to MIGRATIONS;
never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from academichub.errors import StoreError


def m001_papers_sources_runs() -> str:
    return """
        CREATE TABLE papers (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            abstract TEXT NOT NULL DEFAULT '',
            authors_text TEXT NOT NULL DEFAULT '',
            primary_category TEXT,
            source TEXT NOT NULL,
            source_label TEXT NOT NULL,
            venue TEXT,
            journal_ref TEXT,
            license TEXT,
            published TEXT,
            updated TEXT,
            version INTEGER,
            comment TEXT,
            item_type TEXT,
            first_announced TEXT,
            fingerprint TEXT NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0,
            enrich_tried_at TEXT,
            created_at TEXT NOT NULL,
            changed_at TEXT NOT NULL
        );
        CREATE INDEX papers_first_announced ON papers(first_announced);

        -- Every identifier of a paper: 'arxiv:2604.22002', 'doi:10.1101/…', 'pmid:…', 'openalex:W…'
        CREATE TABLE paper_keys (
            key TEXT PRIMARY KEY,
            scheme TEXT NOT NULL,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            position INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX paper_keys_paper ON paper_keys(paper_id);

        CREATE TABLE paper_authors (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            affiliations TEXT NOT NULL DEFAULT '',  -- newline-separated
            orcid TEXT,
            PRIMARY KEY (paper_id, position)
        ) WITHOUT ROWID;

        CREATE TABLE paper_categories (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            category TEXT NOT NULL,
            is_primary INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (paper_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX paper_categories_category ON paper_categories(category);

        CREATE TABLE paper_versions (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            date TEXT,
            PRIMARY KEY (paper_id, version)
        ) WITHOUT ROWID;

        CREATE TABLE paper_links (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            url TEXT NOT NULL,
            PRIMARY KEY (paper_id, kind)
        ) WITHOUT ROWID;

        -- Why two records were joined into one paper (DOI, published DOI, fuzzy title + author)
        CREATE TABLE paper_matches (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (paper_id, key)
        ) WITHOUT ROWID;

        -- A paper listed by a source on a day: the unit of "today's papers"
        CREATE TABLE announcements (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            source TEXT NOT NULL,
            listing TEXT NOT NULL DEFAULT '',
            announce_type TEXT NOT NULL,
            PRIMARY KEY (paper_id, day, source, listing)
        ) WITHOUT ROWID;
        CREATE INDEX announcements_day ON announcements(day, source);

        -- Papers merged into another keep a pointer, so old ids still resolve
        CREATE TABLE paper_redirects (
            old_id INTEGER PRIMARY KEY,
            new_id INTEGER NOT NULL
        );

        CREATE VIRTUAL TABLE papers_fts USING fts5(
            title, abstract, authors_text, content='papers', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER papers_ai AFTER INSERT ON papers BEGIN
            INSERT INTO papers_fts(rowid, title, abstract, authors_text)
            VALUES (new.id, new.title, new.abstract, new.authors_text);
        END;
        CREATE TRIGGER papers_ad AFTER DELETE ON papers BEGIN
            INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors_text)
            VALUES ('delete', old.id, old.title, old.abstract, old.authors_text);
        END;
        CREATE TRIGGER papers_au AFTER UPDATE OF title, abstract, authors_text ON papers BEGIN
            INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors_text)
            VALUES ('delete', old.id, old.title, old.abstract, old.authors_text);
            INSERT INTO papers_fts(rowid, title, abstract, authors_text)
            VALUES (new.id, new.title, new.abstract, new.authors_text);
        END;

        CREATE TABLE sources (
            name TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            target TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            enabled INTEGER NOT NULL DEFAULT 1,
            etag TEXT,
            last_modified TEXT,
            last_unconditional_at TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT
        );

        CREATE TABLE fetch_runs (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL REFERENCES sources(name),
            for_day TEXT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('running','ok','not_modified','no_announcement','failed')),
            http_status INTEGER,
            error TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            items_seen INTEGER NOT NULL DEFAULT 0,
            items_new INTEGER NOT NULL DEFAULT 0,
            items_updated INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX fetch_runs_source ON fetch_runs(source, started_at);

        -- Resumable long jobs: OAI-PMH resumption tokens, per-file ingest checkpoints
        CREATE TABLE checkpoints (
            job TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (job, key)
        ) WITHOUT ROWID;
        """


def m002_users_radars_feedback_vectors() -> str:
    return """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            language TEXT NOT NULL DEFAULT 'zh',
            created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
        );
        INSERT INTO users (id, name) VALUES (1, 'local');

        -- A radar's settings live in one JSON document so new fields need no migration
        CREATE TABLE radars (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            config TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (user_id, name)
        );

        CREATE TABLE feedback (
            radar_id INTEGER NOT NULL REFERENCES radars(id) ON DELETE CASCADE,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('up','down','save','dismiss')),
            at TEXT NOT NULL,
            PRIMARY KEY (radar_id, paper_id, kind)
        ) WITHOUT ROWID;

        -- One vector per paper and model, float32 little-endian, computed once
        CREATE TABLE paper_vectors (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            vector BLOB NOT NULL,
            text_hash TEXT NOT NULL,
            PRIMARY KEY (paper_id, model)
        ) WITHOUT ROWID;

        -- What each radar showed on each day: never shown twice, and the page can be rebuilt
        CREATE TABLE digest_items (
            radar_id INTEGER NOT NULL REFERENCES radars(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            rank INTEGER NOT NULL,
            score REAL NOT NULL,
            reasons TEXT NOT NULL,
            PRIMARY KEY (radar_id, day, paper_id)
        ) WITHOUT ROWID;
        CREATE INDEX digest_items_paper ON digest_items(radar_id, paper_id);

        -- Vectors of texts that are not stored papers (radar descriptions, imported seed entries)
        CREATE TABLE text_vectors (
            text_hash TEXT NOT NULL,
            model TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (text_hash, model)
        ) WITHOUT ROWID;
    """


def m003_briefings() -> str:
    """LLM briefings (one row per cache key: papers, model, language, prompt version) and per-paper TL;DRs."""
    return """
        CREATE TABLE briefings (
            id INTEGER PRIMARY KEY,
            cache_key TEXT NOT NULL UNIQUE,
            radar TEXT NOT NULL DEFAULT '',
            day TEXT,
            language TEXT NOT NULL,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok','unwritable','failed','empty')),
            error TEXT NOT NULL DEFAULT '',
            paper_ids TEXT NOT NULL,            -- JSON list, in key order
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            tokens_estimated INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL NOT NULL DEFAULT 0,
            cost_cny REAL NOT NULL DEFAULT 0,
            calls INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 1,
            document TEXT NOT NULL,             -- JSON: sections, citations, grounding report, TL;DRs
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX briefings_day ON briefings(day);

        CREATE TABLE paper_tldrs (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            language TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (paper_id, model, language, prompt_version)
        ) WITHOUT ROWID;
    """


def m004_accounts() -> str:
    """Web accounts: password hashes on users, server-side sessions (token hashes only)."""
    return """
        ALTER TABLE users ADD COLUMN password_hash TEXT;
        ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

        CREATE TABLE web_sessions (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            csrf_token TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX web_sessions_user ON web_sessions(user_id);
    """


def m005_api_tokens() -> str:
    """Secret tokens (hashes only): API tokens for scripts, Atom-feed tokens per radar; per-user preferences."""
    return """
        CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('api','feed')),
            radar_id INTEGER REFERENCES radars(id) ON DELETE CASCADE,
            label TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            last_used_at TEXT
        );
        CREATE INDEX api_tokens_user ON api_tokens(user_id, kind);

        CREATE TABLE user_prefs (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (user_id, key)
        ) WITHOUT ROWID;
    """


def m006_user_email() -> str:
    """Where each user's Curated Daily is mailed (empty: not by email)."""
    return """
        ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
    """


def m007_invitations() -> str:
    """One-time sign-up links made by an admin: only the token's SHA-256 is kept; used once, then spent."""
    return """
        CREATE TABLE invitations (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            created_by INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT,
            used_by INTEGER REFERENCES users(id) ON DELETE SET NULL
        );
    """


def m008_bulk_fts() -> str:
    """Bulk writers index a whole batch in one FTS statement; updates reindex only changed text.

    While `fts_deferred` holds a row (only ever inside the bulk writer's own transaction), the
    insert trigger stands aside and that writer indexes the inserted rows itself. A trigger per
    row makes FTS5 flush its pending terms at every statement, which costs more than the rest of
    the ingest. Every other write keeps FTS in sync through the triggers as before.
    """
    return """
        CREATE TABLE fts_deferred (only_row INTEGER PRIMARY KEY CHECK (only_row = 1));
        DROP TRIGGER papers_ai;
        CREATE TRIGGER papers_ai AFTER INSERT ON papers WHEN NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN
            INSERT INTO papers_fts(rowid, title, abstract, authors_text)
            VALUES (new.id, new.title, new.abstract, new.authors_text);
        END;
        DROP TRIGGER papers_au;
        CREATE TRIGGER papers_au AFTER UPDATE OF title, abstract, authors_text ON papers
        WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract OR old.authors_text IS NOT new.authors_text
        BEGIN
            INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors_text)
            VALUES ('delete', old.id, old.title, old.abstract, old.authors_text);
            INSERT INTO papers_fts(rowid, title, abstract, authors_text)
            VALUES (new.id, new.title, new.abstract, new.authors_text);
        END;
    """


def m009_throttle_hits() -> str:
    """Sign-in throttling and rate limits counted in the database, so every web process shares them."""
    return """
        CREATE TABLE throttle_hits (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            expires_at REAL NOT NULL  -- unix seconds
        );
        CREATE INDEX throttle_hits_key ON throttle_hits(key, expires_at);
        CREATE INDEX throttle_hits_expiry ON throttle_hits(expires_at);
    """


def m010_password_resets() -> str:
    """One-time password-reset links: only the token's SHA-256 is kept, with its expiry and when it was used."""
    return """
        CREATE TABLE password_resets (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        CREATE INDEX password_resets_user ON password_resets(user_id);
    """


def m011_paper_date_flag() -> str:
    """Why a paper's date is missing or not the one its source wrote (RELIABILITY D4); NULL when as given."""
    return """
        ALTER TABLE papers ADD COLUMN date_flag TEXT;
    """


def m012_vector_dtype() -> str:
    """Vectors may be stored as float16 ('f2': sentence blocks); older rows and whole-paper vectors are 'f4'.
    A column with a default and no CHECK neither rewrites nor scans the table: instant on any database."""
    return """
        ALTER TABLE paper_vectors ADD COLUMN dtype TEXT NOT NULL DEFAULT 'f4';
    """


def m013_digest_notes() -> str:
    """What a saved Curated Daily said beside its picks: how many papers it chose from, and its own notes (seeds
    left unread, sentences not matched; the day's source notes are read afresh), so a page re-read says it again."""
    return """
        CREATE TABLE digest_notes (
            radar_id INTEGER NOT NULL REFERENCES radars(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            candidates INTEGER NOT NULL,
            notes TEXT NOT NULL,
            PRIMARY KEY (radar_id, day)
        ) WITHOUT ROWID;
    """


MIGRATIONS: list[Callable[[], str]] = [
    m001_papers_sources_runs,
    m002_users_radars_feedback_vectors,
    m003_briefings,
    m004_accounts,
    m005_api_tokens,
    m006_user_email,
    m007_invitations,
    m008_bulk_fts,
    m009_throttle_hits,
    m010_password_resets,
    m011_paper_date_flag,
    m012_vector_dtype,
    m013_digest_notes,
]


def migrate(conn: sqlite3.Connection, migrations: list[Callable[[], str]] | None = None) -> int:
    """Apply pending migrations; returns the schema version. Raises: StoreError."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
    )
    steps = MIGRATIONS if migrations is None else migrations
    applied = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    newest = max(applied, default=0)
    if newest > len(steps):
        raise StoreError(
            f"database schema version {newest} is newer than this AcademicHub knows ({len(steps)}): upgrade it"
        )
    for number, step in enumerate(steps, start=1):
        if number in applied:
            continue
        # One script, one transaction: executescript would commit an outer BEGIN, so BEGIN goes inside it.
        script = (
            f"BEGIN IMMEDIATE;\n{step()}\n"
            f"INSERT INTO schema_migrations (version, name) VALUES ({number}, '{step.__name__}');\nCOMMIT;"
        )
        try:
            conn.executescript(script)
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"migration {step.__name__} failed and was rolled back: {exc}") from exc
    return len(steps)
