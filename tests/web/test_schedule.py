"""The in-process daily schedule of `serve`: the cron trigger, and a scheduled run through run_configured_daily."""

from __future__ import annotations

import datetime as dt

import pytest

from academichub.config import Settings
from academichub.errors import ConfigError
from academichub.pipeline.daily import daily_lock, stage_records
from academichub.pipeline.daily_job import daily_trigger, scheduled_run, start_daily_schedule
from academichub.store import open_store

ANNOUNCED = dt.datetime(2026, 6, 30, 2, 30, tzinfo=dt.UTC)  # 22:30 on Mon 29 June in New York


def offline(settings: Settings) -> Settings:
    """No sources to fetch (the test machine has no network): the run ranks and briefs what is stored."""
    return settings.model_copy(update={"arxiv_categories": [], "biorxiv_servers": [], "journals": [], "feeds": []})


def test_default_schedule_fires_after_arxiv_on_weekdays_in_utc() -> None:
    trigger = daily_trigger(Settings().daily_schedule)
    friday_night = dt.datetime(2026, 7, 3, 3, 0, tzinfo=dt.UTC)
    assert trigger.get_next_fire_time(None, friday_night) == dt.datetime(2026, 7, 6, 2, 30, tzinfo=dt.UTC)
    with pytest.raises(ConfigError, match="daily_schedule"):
        daily_trigger("every morning")


def test_empty_schedule_starts_nothing_and_a_schedule_starts_one_job(web_settings: Settings) -> None:
    assert start_daily_schedule(web_settings.model_copy(update={"daily_schedule": ""})) is None
    scheduler = start_daily_schedule(web_settings.model_copy(update={"daily_schedule": "30 2 * * 1-5"}))
    assert scheduler is not None
    try:
        [job] = scheduler.get_jobs()
        assert job.next_run_time.astimezone(dt.UTC).time() == dt.time(2, 30)
    finally:
        scheduler.shutdown(wait=False)


def test_scheduled_run_ranks_and_briefs_the_day_and_respects_the_lock(web_settings: Settings) -> None:
    settings = offline(web_settings)
    with daily_lock(settings.home):  # a cron-started run-daily holds the lock: the scheduled run steps aside
        assert scheduled_run(settings, clock=lambda: ANNOUNCED) is None
    report = scheduled_run(settings, clock=lambda: ANNOUNCED)
    assert report is not None and report.day == dt.date(2026, 6, 29)
    status = {s.stage: s.status for s in report.stages}
    assert status["rank"] == "ok" and status["brief"] == "ok" and status["deliver"] == "skipped"
    with open_store(settings.resolved_database_url) as store:
        assert {r.stage: r.status for r in stage_records(store, report.day)}["brief"] == "ok"
        assert store.briefings_for_day(report.day)
