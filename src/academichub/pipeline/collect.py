"""Collecting papers: fetch → normalise → dedupe → store (and enrich what feeds left empty).

`fetch_sources` is the live path, `ingest_files` the offline one (recorded
responses and dumps); both end in `store_papers`, which joins incoming papers
to stored ones by key, or by title + first author when no key matches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from academichub.collector import collector_paused
from academichub.errors import AcademicHubError, SourceError
from academichub.ingest.dedupe import dedupe_batch, fuzzy_match, join_match, merge_papers
from academichub.ingest.normalize import normalize_item
from academichub.models import FetchRun, IngestCounts, Paper, RawItem, RunStatus
from academichub.sources.arxiv_oai import OAI_BASE_URL, harvest
from academichub.sources.base import Enricher, SourceSpec, source_for
from academichub.sources.files import expand_paths, parse_file
from academichub.store import SavedPapers, Store

if TYPE_CHECKING:  # annotations only: ingesting files needs no HTTP client (or httpx import)
    from academichub.sources.http import HttpClient

BATCH_SIZE = 2_000
GROUP_ITEMS = 2_000  # ingest_files commits consecutive files together until they hold this many items
FUZZY_SOURCES = {"journal", "crossref", "pubmed", "openalex", "biorxiv", "medrxiv"}
INGEST_JOB = "ingest-files"
OAI_JOB = "oai-harvest"
UNCONDITIONAL_REFETCH_S = 12 * 3600
ENRICH_RETRY_S = 24 * 3600  # a paper no provider could fill is asked about again a day later
MAX_ITEMS_PER_FETCH = 10_000  # one fetch of one feed stores at most this many items (RELIABILITY B5)


@dataclass
class FileReport:
    path: Path
    format: str = ""
    counts: IngestCounts = field(default_factory=IngestCounts)
    skipped: bool = False  # already ingested (checkpoint)
    error: str = ""


def store_items(
    store: Store, items: Iterable[RawItem], *, today: dt.date | None = None, saved: SavedPapers | None = None
) -> IngestCounts:
    """Normalise, dedupe and store items in batches. Returns what changed.
    `saved` (a bulk job's cache of papers it wrote) spares reading those back from the tables."""
    total = IngestCounts()
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH_SIZE)):
        counts = store_papers(store, _normalize_batch(batch, today or dt.date.today()), saved=saved)
        total = IngestCounts(
            seen=total.seen + len(batch),
            new=total.new + counts.new,
            updated=total.updated + counts.updated,
            unchanged=total.unchanged + counts.unchanged,
        )
    return total


def _normalize_batch(batch: list[RawItem], today: dt.date) -> list[Paper]:
    """Normalise each item; an item object met again in the batch (a repeated dump line) gives the same Paper."""
    done: dict[int, Paper | None] = {}
    papers: list[Paper] = []
    for item in batch:
        key = id(item)  # the batch keeps every item alive, so ids are not reused
        if key in done:
            paper = done[key]
        else:
            paper = done[key] = normalize_item(item, today=today)
        if paper is not None:
            papers.append(paper)
    return papers


def store_papers(store: Store, papers: Sequence[Paper], *, saved: SavedPapers | None = None) -> IngestCounts:
    """Join each paper to what is stored (by key, else fuzzily) and save the merged result."""
    batch = dedupe_batch(papers)
    with store.transaction():
        key_ids = store.ids_for_keys([k for p in batch for k in p.keys])
        stored = store.papers_by_ids(sorted(set(key_ids.values())), saved=saved)
        pending: dict[int, Paper] = {}
        fresh: list[Paper] = []
        for paper in batch:
            ids = sorted({key_ids[k] for k in paper.keys if k in key_ids})
            reason = ""
            if not ids and _may_join_fuzzily(paper):
                match = fuzzy_match(paper, store.title_candidates(paper.title))
                if match is not None and match[0].id is not None:
                    ids, reason = [match[0].id], match[1]
                    stored.setdefault(match[0].id, match[0])
            if not ids:
                fresh.append(paper)
                continue
            base = pending.get(ids[0]) or stored[ids[0]]
            for other in ids[1:]:  # the paper bridges two stored papers: fold them into one
                base = merge_papers(base, pending.pop(other) if other in pending else stored[other])
            if len(ids) > 1:
                store.fold_papers(ids[0], ids[1:])
            merged = join_match(paper, base, reason) if reason else merge_papers(base, paper)
            pending[ids[0]] = merged if merged.id == ids[0] else replace(merged, id=ids[0])
            for key in merged.keys:
                key_ids[key] = ids[0]
        _, outcome = store.save_papers([*pending.values(), *fresh], saved=saved)
    return IngestCounts(seen=len(papers), new=outcome.new, updated=outcome.updated, unchanged=outcome.unchanged)


def _may_join_fuzzily(paper: Paper) -> bool:
    has_arxiv = any(k.startswith("arxiv:") for k in paper.keys)
    return paper.source in FUZZY_SOURCES and not has_arxiv and bool(paper.authors)


def ingest_files(
    store: Store, paths: list[Path], *, progress: Callable[[Path], None] | None = None
) -> list[FileReport]:
    """Ingest recorded responses and dumps. Each file's checkpoint is committed in the same transaction
    as its papers (consecutive files share one until they hold GROUP_ITEMS items), so a killed ingest
    resumes at the first uncommitted file and ends exactly like a clean run.
    Raises: InputError for a path that does not exist."""
    reports: list[FileReport] = []
    todo = iter(expand_paths(paths))
    saved = SavedPapers()
    more = True
    while more:
        more = _ingest_group(store, todo, reports, progress, saved)
    return reports


def _ingest_group(
    store: Store,
    todo: Iterator[Path],
    reports: list[FileReport],
    progress: Callable[[Path], None] | None,
    saved: SavedPapers,
) -> bool:
    """Ingest files from `todo` in one transaction until they hold GROUP_ITEMS items; False once `todo` is empty."""
    items = 0
    with store.transaction(), collector_paused():
        while items < GROUP_ITEMS and (path := next(todo, None)) is not None:
            report = FileReport(path)
            reports.append(report)
            stat = path.stat()
            marker = f"{stat.st_size}:{stat.st_mtime_ns}"
            if store.checkpoint(INGEST_JOB, str(path.resolve())) == marker:
                report.skipped = True
            else:
                _ingest_one_file(store, path, marker, report, saved)
                items += report.counts.seen
            if progress is not None:
                progress(path)
        return items >= GROUP_ITEMS


def _ingest_one_file(store: Store, path: Path, marker: str, report: FileReport, saved: SavedPapers) -> None:
    for parsed in parse_file(path):
        report.format = report.format or parsed.format
        if parsed.error:
            report.error = parsed.error
            continue
        counts = store_items(store, parsed.items, saved=saved)
        report.counts = _add(report.counts, counts)
    if not report.error:
        store.set_checkpoint(INGEST_JOB, str(path.resolve()), marker)


def _add(a: IngestCounts, b: IngestCounts) -> IngestCounts:
    return IngestCounts(a.seen + b.seen, a.new + b.new, a.updated + b.updated, a.unchanged + b.unchanged)


def fetch_source(
    store: Store, client: HttpClient, spec: SourceSpec, day: dt.date | None, *, max_items: int = MAX_ITEMS_PER_FETCH
) -> FetchRun:
    """Fetch one source and store what it gave (at most `max_items`; the run's note says when more
    were dropped). Any failure is recorded on the run, never raised, and never deletes anything stored."""
    store.ensure_source(spec.name, spec.kind, spec.target, spec.label)
    state = store.source_state(spec.name)
    now = dt.datetime.now(dt.UTC)
    too_soon = _polled_recently(store, spec, now)
    if too_soon is not None:
        return too_soon
    run = store.start_run(FetchRun(spec.name, now), day)
    conditional = state is not None and not _unconditional_due(state.last_unconditional_at, now)
    try:
        result = source_for(spec.kind).fetch(
            spec,
            client,
            day,
            etag=state.etag if conditional and state else None,
            last_modified=state.last_modified if conditional and state else None,
        )
        counts = store_items(store, result.items[:max_items])
        run.status, run.http_status, run.note = result.status, result.http_status, result.note
        if len(result.items) > max_items:
            cut = f"feed gave {len(result.items)} items: only the first {max_items} were stored"
            run.note = f"{run.note}; {cut}" if run.note else cut
        run.items_seen, run.items_new, run.items_updated = counts.seen, counts.new, counts.updated
        if result.status != RunStatus.NOT_MODIFIED:
            store.save_validators(spec.name, result.etag, result.last_modified, unconditional=not conditional)
    except SourceError as exc:
        run.status, run.error = RunStatus.FAILED, str(exc)
        run.http_status = getattr(exc, "http_status", None)
    except AcademicHubError as exc:
        run.status, run.error = RunStatus.FAILED, f"{type(exc).__name__}: {exc}"
    run.finished_at = dt.datetime.now(dt.UTC)
    store.finish_run(run)
    return run


def _polled_recently(store: Store, spec: SourceSpec, now: dt.datetime) -> FetchRun | None:
    """A source with a minimum interval (journal feeds: hourly) fetched successfully within it is not asked
    again: the returned run says so and is not recorded, so the source's health still shows the real fetch."""
    if spec.min_interval_s <= 0:
        return None
    last = next(iter(store.runs_for(spec.name, limit=1)), None)
    if last is None or last.status not in (RunStatus.OK, RunStatus.NOT_MODIFIED):
        return None
    age_s = (now - last.started_at).total_seconds()
    if age_s >= spec.min_interval_s:
        return None
    note = f"not fetched: polled {age_s / 60:.0f} min ago, at most every {spec.min_interval_s / 60:.0f} min"
    return FetchRun(spec.name, now, now, RunStatus.NOT_MODIFIED, note=note)


def _unconditional_due(last: str | None, now: dt.datetime) -> bool:
    """A server that always answers 304 still gets an unconditional fetch every 12 h (RELIABILITY A7)."""
    if last is None:
        return True
    return (now - dt.datetime.fromisoformat(last)).total_seconds() >= UNCONDITIONAL_REFETCH_S


def fetch_sources(store: Store, client: HttpClient, specs: Sequence[SourceSpec], day: dt.date | None) -> list[FetchRun]:
    """Fetch every source in turn; one failing source never stops the others."""
    return [fetch_source(store, client, spec, day) for spec in specs]


def enrich_papers(
    store: Store, client: HttpClient, enrichers: Sequence[Enricher], *, limit: int = 200
) -> dict[str, IngestCounts | str]:
    """Fill authors/abstracts/dates/venue of papers whose feed lacked them, from each enricher in turn.

    Returns per enricher its counts, or the error text if it failed (the others still run)."""
    retry_after = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=ENRICH_RETRY_S)
    todo = store.papers_to_enrich(retry_after=retry_after, limit=limit)
    report: dict[str, IngestCounts | str] = {}
    for enricher in enrichers:
        dois = [doi for p in todo if (doi := p.identifier("doi")) and (not p.authors or not p.abstract)]
        if not dois:
            break
        try:
            report[enricher.name] = store_items(store, enricher.lookup_dois(client, dois))
        except SourceError as exc:
            report[enricher.name] = f"{type(exc).__name__}: {exc}"
        todo = list(store.papers_by_ids([p.id for p in todo if p.id is not None]).values())
    store.mark_enrich_tried([p.id for p in todo if p.id is not None])
    return report


@dataclass
class HarvestReport:
    pages: int = 0
    counts: IngestCounts = field(default_factory=IngestCounts)
    deleted: int = 0
    resumed_from: str | None = None
    next_from: dt.date | None = None


def harvest_oai(
    store: Store,
    client: HttpClient,
    *,
    metadata_prefix: str = "arXivRaw",
    set_spec: str | None = None,
    from_date: dt.date | None = None,
    until: dt.date | None = None,
    base_url: str = OAI_BASE_URL,
    progress: Callable[[HarvestReport], None] | None = None,
) -> HarvestReport:
    """Bulk harvest over OAI-PMH. Each page and its resumption token are committed together, so a
    killed harvest resumes at the next page and ends with exactly the papers a clean run gives.
    Without `from_date`, continues from the newest datestamp of the last complete harvest.
    Raises: SourceError (the run is recorded as failed first)."""
    name = f"arxiv-oai:{set_spec or 'all'}"
    from_date = from_date or _last_harvested(store, name)
    job = f"{base_url}|{metadata_prefix}|{set_spec}|{from_date}|{until}"
    report = HarvestReport(resumed_from=store.checkpoint(OAI_JOB, job))
    store.ensure_source(name, "arxiv-oai", set_spec or "", "arXiv OAI-PMH")
    run = store.start_run(FetchRun(name, dt.datetime.now(dt.UTC)), None)
    try:
        pages = harvest(client, metadata_prefix=metadata_prefix, set_spec=set_spec, from_date=from_date,
                        until=until, resume_token=report.resumed_from, base_url=base_url)  # fmt: skip
        for page in pages:
            with store.transaction():
                report.counts = _add(report.counts, store_items(store, page.items))
                if page.deleted_ids:
                    report.deleted += store.mark_deleted([f"arxiv:{i}" for i in page.deleted_ids])
                store.set_checkpoint(OAI_JOB, job, page.resumption_token or "")
            report.pages += 1
            if page.latest_datestamp and (report.next_from is None or page.latest_datestamp > report.next_from):
                report.next_from = page.latest_datestamp
            if progress is not None:
                progress(report)
        run.status = RunStatus.OK
    except SourceError as exc:
        run.status, run.error, run.http_status = RunStatus.FAILED, str(exc), getattr(exc, "http_status", None)
        raise
    finally:
        run.items_seen, run.items_new, run.items_updated = report.counts.seen, report.counts.new, report.counts.updated
        run.note = f"{report.pages} pages" + (
            f", resumed at token {report.resumed_from}" if report.resumed_from else ""
        )
        run.finished_at = dt.datetime.now(dt.UTC)
        store.finish_run(run)
    store.clear_checkpoint(OAI_JOB, job)
    if report.next_from:
        store.set_checkpoint(OAI_JOB, f"last-from|{name}", report.next_from.isoformat())
    return report


def _last_harvested(store: Store, name: str) -> dt.date | None:
    value = store.checkpoint(OAI_JOB, f"last-from|{name}")
    return dt.date.fromisoformat(value) if value else None
