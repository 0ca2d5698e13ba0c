"""Briefings and per-paper TL;DRs in SQL: one row per cache key, rewritten on retry, costs summed per day.

The briefing's sections, citations and grounding report are one JSON document; what is queried (day, status,
model, tokens, cost) has its own column.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from academichub.models import Briefing, BriefingSection, Citation, GroundingReport

_COLUMNS = (
    "cache_key, radar, day, language, provider, model, prompt_version, status, error, paper_ids, prompt_tokens, "
    "completion_tokens, tokens_estimated, cost_usd, cost_cny, calls, document"
)


def _document(briefing: Briefing) -> str:
    return json.dumps(
        {
            "sections": [asdict(s) for s in briefing.sections],
            "citations": [asdict(c) for c in briefing.citations],
            "grounding": asdict(briefing.grounding),
            "tldrs": [list(t) for t in briefing.tldrs],
        },
        ensure_ascii=False,
    )


def save_briefing(conn: sqlite3.Connection, briefing: Briefing, now: str) -> None:
    """Insert, or replace the row with the same cache key (a retry after a failure, or --refresh)."""
    values = (
        briefing.cache_key, briefing.radar, briefing.day.isoformat() if briefing.day else None, briefing.language,
        briefing.provider, briefing.model, briefing.prompt_version, briefing.status, briefing.error,
        json.dumps(list(briefing.paper_ids)), briefing.prompt_tokens, briefing.completion_tokens,
        int(briefing.tokens_estimated), briefing.cost_usd, briefing.cost_cny, briefing.calls, _document(briefing),
    )  # fmt: skip
    conn.execute(
        f"INSERT INTO briefings ({_COLUMNS}, created_at, updated_at) VALUES ({', '.join('?' * 17)}, ?, ?) "
        "ON CONFLICT (cache_key) DO UPDATE SET radar = excluded.radar, day = excluded.day, "
        "status = excluded.status, error = excluded.error, prompt_tokens = excluded.prompt_tokens, "
        "completion_tokens = excluded.completion_tokens, tokens_estimated = excluded.tokens_estimated, "
        "cost_usd = excluded.cost_usd, cost_cny = excluded.cost_cny, calls = excluded.calls, "
        "document = excluded.document, attempts = attempts + 1, updated_at = excluded.updated_at",
        (*values, now, now),
    )


def briefing_by_key(conn: sqlite3.Connection, cache_key: str) -> Briefing | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM briefings WHERE cache_key = ?", (cache_key,)).fetchone()
    return _from_row(row) if row else None


def briefings_for_day(conn: sqlite3.Connection, day: dt.date) -> list[Briefing]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM briefings WHERE day = ? ORDER BY id", (day.isoformat(),)).fetchall()
    return [_from_row(r) for r in rows]


def briefing_attempts(conn: sqlite3.Connection, cache_key: str) -> int:
    row = conn.execute("SELECT attempts FROM briefings WHERE cache_key = ?", (cache_key,)).fetchone()
    return int(row[0]) if row else 0


def _from_row(row: tuple[Any, ...]) -> Briefing:
    (key, radar, day, language, provider, model, version, status, error, paper_ids, p_tok, c_tok, est, usd, cny,
     calls, document) = row  # fmt: skip
    doc: dict[str, Any] = json.loads(document)
    grounding: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in doc["grounding"].items()}
    return Briefing(
        cache_key=key, status=status, language=language, provider=provider, model=model, prompt_version=version,
        sections=tuple(BriefingSection(s["kind"], tuple(s["items"])) for s in doc["sections"]),
        citations=tuple(Citation(**c) for c in doc["citations"]),
        grounding=GroundingReport(**grounding),
        paper_ids=tuple(json.loads(paper_ids)), day=dt.date.fromisoformat(day) if day else None, radar=radar,
        error=error, prompt_tokens=p_tok, completion_tokens=c_tok, tokens_estimated=bool(est), cost_usd=usd,
        cost_cny=cny, calls=calls, tldrs=tuple((int(k), str(t)) for k, t in doc.get("tldrs", [])),
    )  # fmt: skip


def tldrs_for(
    conn: sqlite3.Connection, paper_ids: Sequence[int], model: str, language: str, prompt_version: str
) -> dict[int, str]:
    if not paper_ids:
        return {}
    marks = ", ".join("?" * len(paper_ids))
    rows = conn.execute(
        f"SELECT paper_id, text FROM paper_tldrs WHERE paper_id IN ({marks}) AND model = ? AND language = ? "
        "AND prompt_version = ?",
        (*paper_ids, model, language, prompt_version),
    ).fetchall()
    return {int(pid): str(text) for pid, text in rows}


def save_tldrs(
    conn: sqlite3.Connection, rows: Sequence[tuple[int, str]], model: str, language: str, prompt_version: str, now: str
) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO paper_tldrs (paper_id, model, language, prompt_version, text, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(pid, model, language, prompt_version, text, now) for pid, text in rows],
    )
