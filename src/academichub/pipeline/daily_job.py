"""The configured daily job — one place for how `run-daily` and `serve`'s schedule wire run_daily — and the schedule.

`run_configured_daily` builds what run_daily needs from the settings (HTTP
client, embedder, configured sources, briefing and delivery stages).
`start_daily_schedule` runs it in a background thread on `daily_schedule`
(cron syntax, UTC) with APScheduler; the run lock keeps it from overlapping
a cron-started `run-daily`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from academichub.config import Settings
from academichub.errors import ConfigError
from academichub.pipeline.briefs import brief_digests
from academichub.pipeline.daily import Brief, DailyReport, Deliver, RunLockedError, run_daily
from academichub.pipeline.delivery import deliver_digests
from academichub.rank.embedders import embedder_named
from academichub.sources.arxiv_ids import eastern_date
from academichub.sources.base import configured_specs
from academichub.sources.http import HttpClient
from academichub.store import Store, open_store

log = logging.getLogger(__name__)
JOB_ID = "run-daily"
_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
MISFIRE_GRACE_S = 3600  # a run missed while the machine slept still starts within the hour


def announcement_day(now: dt.datetime | None = None) -> dt.date:
    """Today's arXiv listing day: the current date in US Eastern time."""
    moment = now or dt.datetime.now(dt.UTC)
    return eastern_date(moment.isoformat()) or moment.date()


def run_configured_daily(store: Store, settings: Settings, day: dt.date) -> DailyReport:
    """run_daily for `day` with the configured sources, embedder, briefings and deliveries. Raises: RunLockedError."""
    embedder = embedder_named(settings.embedder)
    brief: Brief = lambda st, digests: brief_digests(settings, st, embedder, digests)  # noqa: E731
    deliver: Deliver | None = None
    if settings.smtp_host or settings.webhooks:
        deliver = lambda st, digests, on: deliver_digests(settings, st, digests, on)  # noqa: E731
    with HttpClient(settings) as client:
        return run_daily(
            store, settings, day, client=client, embedder=embedder, specs=configured_specs(settings),
            brief=brief, deliver=deliver,
        )  # fmt: skip


def scheduled_run(settings: Settings, clock: Callable[[], dt.datetime] | None = None) -> DailyReport | None:
    """One scheduled run for the current announcement day; never raises (the scheduler thread must live on)."""
    day = announcement_day(clock() if clock else None)
    try:
        with open_store(settings.resolved_database_url) as store:
            report = run_configured_daily(store, settings, day)
    except RunLockedError:
        log.info("scheduled run-daily for %s skipped: another run holds the lock", day)
        return None
    except Exception:  # noqa: BLE001 — logged; the next scheduled run retries
        log.exception("scheduled run-daily for %s failed", day)
        return None
    failed = [s.stage for s in report.stages if s.status == "failed"]
    log.info("scheduled run-daily for %s finished%s", day, f" (failed: {', '.join(failed)})" if failed else "")
    return report


def cron_weekdays(field: str) -> str:
    """A crontab weekday field (0 or 7 = Sunday, 1 = Monday) in day names, as APScheduler numbers from Monday = 0."""
    parts = []
    for part in field.lower().split(","):
        start, sep, rest = part.partition("-")
        if start == "0" and sep and rest.split("/")[0].isdigit() and int(rest.split("/")[0]) >= 1:
            parts.append("sun")  # 0-5: Sunday, then Monday-Friday (a range cannot wrap in APScheduler)
            part = "1-" + rest
        parts.append(
            re.sub(r"(?<![/\d])\d+", lambda m: _CRON_DAYS[int(m.group())] if int(m.group()) < 8 else m.group(), part)
        )
    return ",".join(parts)


def daily_trigger(schedule: str) -> CronTrigger:
    """The cron expression ("min hour day month weekday", UTC) as a trigger. Raises: ConfigError."""
    fields = schedule.split()
    if len(fields) != 5:
        raise ConfigError(f"invalid daily_schedule {schedule!r}: need 5 fields (minute hour day month weekday)")
    minute, hour, day, month, weekday = fields
    try:
        return CronTrigger(
            minute=minute, hour=hour, day=day, month=month, day_of_week=cron_weekdays(weekday), timezone=dt.UTC
        )
    except ValueError as exc:
        raise ConfigError(f"invalid daily_schedule {schedule!r}: {exc}") from exc


def start_daily_schedule(settings: Settings) -> BackgroundScheduler | None:
    """Start running the daily job on `settings.daily_schedule` (None when it is empty). Raises: ConfigError."""
    if not settings.daily_schedule.strip():
        return None
    scheduler = BackgroundScheduler(timezone=dt.UTC)
    scheduler.add_job(
        scheduled_run, daily_trigger(settings.daily_schedule), args=[settings], id=JOB_ID,
        max_instances=1, coalesce=True, misfire_grace_time=MISFIRE_GRACE_S,
    )  # fmt: skip
    scheduler.start()
    return scheduler
