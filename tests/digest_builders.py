"""Small RawItem / Paper / Digest builders for pipeline and delivery tests."""

from __future__ import annotations

import datetime as dt

from academichub.models import (
    Announcement,
    AnnounceType,
    Author,
    Digest,
    FetchRun,
    Link,
    Paper,
    Radar,
    RawItem,
    Reason,
    RunStatus,
    ScoredPaper,
)

DAY = dt.date(2026, 6, 29)


def make_paper(n: int, *, title: str | None = None, abstract: str | None = None, authors=None) -> Paper:
    return Paper(
        keys=(f"arxiv:2606.{n:05d}",),
        title=title or f"Paper number {n} on protein structure with $x_{n}$",
        abstract=abstract if abstract is not None else f"We study problem {n}. " * 20,
        authors=tuple(Author(a) for a in (authors or ["Jörg Müller", "林小明"])),
        source="arxiv-rss",
        source_label="arXiv",
        announcements=(Announcement(DAY, "arxiv-rss", "cs.LG"),),
        links=(Link("abs", f"https://arxiv.org/abs/2606.{n:05d}"),),
        id=n,
    )


def make_digest(count: int = 3, *, papers=None, radar: str = "proteins", notes=()) -> Digest:
    papers = papers or [make_paper(n) for n in range(1, count + 1)]
    items = tuple(
        ScoredPaper(p, 1.0 - i / 1000, (Reason("keyword", f"keyword “protein” #{i + 1}"),), i + 1)
        for i, p in enumerate(papers)
    )
    return Digest(Radar(name=radar, id=1), DAY, items, candidates=len(items), notes=tuple(notes))


def arxiv_item(n: int, day: dt.date, title: str, abstract: str, *, listing: str = "astro-ph.GA") -> RawItem:
    """A new arXiv listing item 2606.<n>, as the RSS source records it."""
    return RawItem(
        source="arxiv-rss", title=title, abstract=abstract, authors=(Author(f"Author {n}"),),
        arxiv_id=f"2606.{n:05d}", version=1, categories=(listing,), listing=listing,
        announced=day, announce_type=AnnounceType.NEW,
    )  # fmt: skip


def record_day_outcomes(store, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    """Three sources' runs on `day`, one of each kind day_notes reports: failed (HTTP 503), no announcement with the
    source's word for it (a holiday), and no announcement."""
    outcomes = [("arxiv-rss:cs.LG", RunStatus.FAILED, "HTTP 503", ""),
                ("arxiv-rss:cs.CV", RunStatus.NO_ANNOUNCEMENT, "", "holiday: no mailing"),
                ("arxiv-rss:cs.CL", RunStatus.NO_ANNOUNCEMENT, "", "")]  # fmt: skip
    for source, status, error, said in outcomes:
        store.ensure_source(source, "arxiv-rss", source.split(":")[1])
        run = store.start_run(FetchRun(source, dt.datetime.now(dt.UTC)), day)
        run.status, run.error, run.note, run.finished_at = status, error, said, dt.datetime.now(dt.UTC)
        store.finish_run(run)
