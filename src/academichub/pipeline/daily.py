"""run_daily: the whole day in one function — collect → enrich → embed → rank → brief → deliver → library.

Each stage is recorded (start, end, counts, error) under the day's checkpoint
job, so `academichub runs` can show what happened and a rerun skips stages
that already finished: killing the run at any stage loses nothing. A file lock
keeps two runs from overlapping, across processes. One failing source, LLM
call or delivery is recorded and never stops the rest. Ranking reads at most
`daily_seed_budget` unread seeds of each radar's imported library; the last
stage reads the rest, after the day is delivered, so one large import never
holds up everyone's Curated Daily.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from academichub.config import Settings
from academichub.errors import AcademicHubError
from academichub.models import Digest, RunStatus
from academichub.pipeline.collect import enrich_papers, fetch_sources
from academichub.pipeline.digest import build_digests
from academichub.pipeline.paper_vectors import embed_papers
from academichub.pipeline.seeds import read_radar_seeds
from academichub.pipeline.sentence_vectors import prune_paper_sentences
from academichub.rank.embed import Embedder
from academichub.sources.base import SourceSpec, enrichers
from academichub.sources.http import HttpClient
from academichub.store import Store

STAGES = ("collect", "enrich", "embed", "rank", "brief", "deliver", "library")
LOCK_FILE = "run-daily.lock"
Brief = Callable[[Store, Sequence[Digest]], dict[str, int]]
Deliver = Callable[[Store, Sequence[Digest], dt.date], dict[str, int]]


class RunLockedError(AcademicHubError):
    """Another run-daily holds the lock."""


@dataclass
class StageRecord:
    stage: str
    status: str = "pending"  # ok | failed | skipped | pending
    started_at: str = ""
    finished_at: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    error: str = ""
    note: str = ""


@dataclass
class DailyReport:
    day: dt.date
    stages: list[StageRecord] = field(default_factory=list)
    no_announcement: bool = False


def job_name(day: dt.date) -> str:
    return f"daily:{day.isoformat()}"


def stage_records(store: Store, day: dt.date) -> list[StageRecord]:
    """What each stage of `day`'s run did so far (pending when it has not run)."""
    out = []
    for stage in STAGES:
        raw = store.checkpoint(job_name(day), stage)
        out.append(StageRecord(**json.loads(raw)) if raw else StageRecord(stage))
    return out


@contextmanager
def daily_lock(home: Path) -> Iterator[None]:
    """An exclusive lock on home/run-daily.lock. Raises: RunLockedError when another run holds it."""
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(home / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLockedError("another `academichub run-daily` is running; try again when it has finished") from None
        yield
    finally:
        os.close(fd)


def run_daily(
    store: Store,
    settings: Settings,
    day: dt.date,
    *,
    client: HttpClient,
    embedder: Embedder,
    specs: Sequence[SourceSpec],
    brief: Brief | None = None,
    deliver: Deliver | None = None,
) -> DailyReport:
    """The daily job for `day`. Raises: RunLockedError; stage failures are recorded, not raised."""
    report = DailyReport(day)
    with daily_lock(settings.home):
        done = {r.stage: r for r in stage_records(store, day) if r.status == "ok"}
        digests: list[Digest] = []

        def collect() -> dict[str, int]:
            runs = fetch_sources(store, client, specs, day)
            failed = [r for r in runs if r.status == RunStatus.FAILED]
            return {"sources": len(runs), "failed": len(failed), "new": sum(r.items_new for r in runs)}

        def enrich() -> dict[str, int]:
            outcome = enrich_papers(store, client, enrichers(settings))
            return {name: v.updated for name, v in outcome.items() if not isinstance(v, str)}

        def embed() -> dict[str, int]:  # sentences are encoded by the rank stage, for the seeded radars' candidates
            papers = store.list_papers(day=day, limit=100_000)
            return {"papers": len(embed_papers(store, embedder, papers))}

        def rank() -> dict[str, int]:
            radars = store.list_all_radars()
            budget = settings.daily_seed_budget
            digests.extend(build_digests(store, embedder, radars, day, seed_budget=budget) if radars else [])
            picks = sum(len(d.items) for d in digests)
            pruned = prune_paper_sentences(store, embedder, radars, day, settings.sentence_vectors_keep_days)
            return {"radars": len(radars), "picks": picks, "pruned_sentence_blocks": pruned}

        def library() -> dict[str, int]:  # every seed not read before ranking (over daily_seed_budget), for tomorrow
            read = [read_radar_seeds(store, embedder, radar) for radar in store.list_all_radars()]
            return {
                "radars": len(read),
                "seeds": sum(len(r.titles) for r in read),
                "unread": sum(r.unread for r in read),
            }

        for stage, work in (("collect", collect), ("enrich", enrich), ("embed", embed), ("rank", rank)):
            report.stages.append(_run_stage(store, day, stage, work, done))
        report.no_announcement = not store.list_papers(day=day, limit=1)
        if report.no_announcement:
            failed = sorted({r.source for r in store.runs_for_day(day) if r.status == RunStatus.FAILED})
            why = f"no papers because sources failed ({', '.join(failed)})" if failed else "no announcement on this day"
            for stage in ("brief", "deliver"):
                report.stages.append(_skip(store, day, stage, f"{why}: nothing is sent"))
            report.stages.append(_run_stage(store, day, "library", library, done))
            return report
        if not digests and "rank" in done:  # resumed after ranking: the picks are stored
            digests = _stored_digests(store, day)
        brief_work: Callable[[], dict[str, int]] | None = None
        deliver_work: Callable[[], dict[str, int]] | None = None
        if brief is not None:
            brief_work = lambda: brief(store, digests)  # noqa: E731
        if deliver is not None:
            deliver_work = lambda: deliver(store, digests, day)  # noqa: E731
        for stage, maybe in (("brief", brief_work), ("deliver", deliver_work)):
            if maybe is None:
                report.stages.append(_skip(store, day, stage, "not configured"))
            else:
                report.stages.append(_run_stage(store, day, stage, maybe, done))
        report.stages.append(_run_stage(store, day, "library", library, done))
    return report


def _run_stage(
    store: Store, day: dt.date, stage: str, work: Callable[[], dict[str, int]], done: dict[str, StageRecord]
) -> StageRecord:
    if stage in done:
        return done[stage]
    record = StageRecord(stage, "running", started_at=_now())
    store.set_checkpoint(job_name(day), stage, json.dumps(asdict(record)))
    try:
        record.counts = work()
        record.status = "ok"
    except AcademicHubError as exc:
        record.status, record.error = "failed", f"{type(exc).__name__}: {exc}"
    record.finished_at = _now()
    store.set_checkpoint(job_name(day), stage, json.dumps(asdict(record)))
    return record


def _skip(store: Store, day: dt.date, stage: str, note: str) -> StageRecord:
    record = StageRecord(stage, "skipped", started_at=_now(), finished_at=_now(), note=note)
    store.set_checkpoint(job_name(day), stage, json.dumps(asdict(record)))
    return record


def _stored_digests(store: Store, day: dt.date) -> list[Digest]:
    from academichub.pipeline.digest import day_notes, stored_digest, stored_said

    digests = []
    for radar in store.list_all_radars():
        items = stored_digest(store, radar, day)
        candidates, own = stored_said(store, radar, day)
        notes = day_notes(store, day) + own
        digests.append(Digest(radar, day, tuple(items), len(items) if candidates is None else candidates, notes))
    return digests


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
