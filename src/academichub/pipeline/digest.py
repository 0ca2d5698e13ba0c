"""Building a radar's Curated Daily: candidates → vectors (each paper embedded once) → rank → select → store.

The store supplies the day's papers, feedback and cached vectors; rank and
curate are pure. What was picked is saved, so the page can be shown again and
nothing is shown twice on later days; a preview (the radar editor's) ranks the
same way and saves nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from academichub.curate.digest import MIN_POOL, POOL_FACTOR, select_digest
from academichub.errors import InputError, NotReadYet
from academichub.models import Digest, FeedbackKind, Note, Paper, Radar, RunStatus, ScoredPaper
from academichub.pipeline.day_indexes import DAY_INDEXES, DAY_PAPERS
from academichub.pipeline.paper_vectors import Progress, embed_papers, embed_texts
from academichub.pipeline.seeds import PAGE_SEED_BUDGET, read_seeds, seed_papers
from academichub.pipeline.sentence_vectors import embed_paper_sentences
from academichub.rank.aspects import SentenceRows
from academichub.rank.day import DayIndex
from academichub.rank.embed import Embedder
from academichub.rank.listings import DayListings
from academichub.rank.radar import RadarQuery, aspect_candidates, rank_radars_columnar
from academichub.store import Store

MAX_CANDIDATES = 20_000
UNMATCHED_SENTENCES = Note(
    "unmatched_sentences",
    "ranked without matching your seeds sentence by sentence: this day's sentence vectors are not stored "
    "(the daily job encodes them; they are dropped after sentence_vectors_keep_days)",
)
NO_PAPERS = Note("no_papers", "no papers were announced on this day")


class DayNote(Note):
    """A note on the day's sources (what day_notes says): read afresh wherever the day is shown, never saved with a
    digest, so a source that recovers on a rerun stops being reported as failed."""


def seeds_unread(count: int) -> Note:
    return Note(
        "seeds_unread",
        f"ranked without {count} of your seed papers, not read yet (an imported library is read in the background, "
        "and every daily run reads what is left)",
        count=str(count),
    )


def day_unread(read: int, total: int) -> Note:
    return Note(
        "day_unread",
        f"not ranked yet: this day's papers are still being read ({read} of {total} so far); the ranked list "
        "appears when the daily job has read them",
        read=str(read),
        total=str(total),
    )


PAGE_PAPER_BUDGET = 16  # papers of the day a page encodes first, to judge how long the rest would take …
PAGE_WAIT_S = 5.0  # … and reads them all only when that is about this long at most (else: NotReadYet)
Matrix = NDArray[np.float32]


def build_digest(
    store: Store,
    embedder: Embedder,
    radar: Radar,
    day: dt.date,
    *,
    size: int | None = None,
    progress: Progress | None = None,
    encode: bool = True,
) -> Digest:
    """Rank the day's papers for one radar, pick its Curated Daily and save the picks (`encode`: see
    build_digests). Raises: InputError."""
    return build_digests(store, embedder, [radar], day, size=size, progress=progress, encode=encode)[0]


def build_digests(
    store: Store,
    embedder: Embedder,
    radars: Sequence[Radar],
    day: dt.date,
    *,
    size: int | None = None,
    progress: Progress | None = None,
    encode: bool = True,
    seed_budget: int | None = None,
) -> list[Digest]:
    """Every radar's Curated Daily for `day`: the day is embedded and indexed once, radars ranked in blocks. Not
    `encode` (a page that must answer now): seed papers and sentences not read yet are left out, and said so;
    `seed_budget`: each radar reads this many of its unread seeds at most (None: all), the rest left out alike.
    Raises: InputError; NotReadYet when not `encode` and the day's papers without vectors would take longer than
    PAGE_WAIT_S to read."""
    if any(r.id is None for r in radars):
        raise InputError("radars must be saved before their Curated Daily is built")
    digests = _pick_digests(
        store, embedder, radars, day, size=size, progress=progress, encode=encode, seed_budget=seed_budget
    )
    for digest in digests:
        rows = [(s.paper.id or 0, s.rank, s.score, s.reasons) for s in digest.items]
        store.save_digest(digest.radar.id or 0, day, rows, (digest.candidates, own_notes(digest.notes)))
    return digests


def preview_digest(store: Store, embedder: Embedder, radar: Radar, day: dt.date) -> Digest:
    """The Curated Daily `day` would give this radar, saved or not, ranked as build_digest ranks it.

    Nothing is saved but cached vectors; an unsaved radar has no feedback and nothing shown before. The day's
    sentence vectors and the seeds' vectors are used only as far as they are stored: encoding them takes
    minutes, too long for a page to wait, so until then the preview says what it ranks without.
    """
    return _pick_digests(store, embedder, [radar], day, size=None, progress=None, encode=False)[0]


def _pick_digests(
    store: Store,
    embedder: Embedder,
    radars: Sequence[Radar],
    day: dt.date,
    *,
    size: int | None,
    progress: Progress | None,
    encode: bool = True,
    seed_budget: int | None = None,
) -> list[Digest]:
    """Each radar's picks for `day` (candidates → vectors → rank with every signal → select), not yet saved."""
    notes = day_notes(store, day)
    papers = DAY_PAPERS.read(store, day, MAX_CANDIDATES)
    if not papers:
        return [Digest(r, day, (), 0, notes or (NO_PAPERS,)) for r in radars]
    vectors = embed_papers(store, embedder, papers, progress=progress, encode=encode)
    if len(vectors) < len(papers):  # a page, and the day not read yet (all of it, or late additions)
        vectors.update(_read_if_quick(store, embedder, [p for p in papers if p.id not in vectors], len(papers)))
    matrix = np.vstack([vectors[p.id] for p in papers if p.id is not None]).astype(np.float32)
    budget = seed_budget if encode else PAGE_SEED_BUDGET
    listings = DayListings(papers, day)
    asked = [_radar_query(store, embedder, radar, listings, budget, progress) for radar in radars]
    queries, unread = zip(*asked, strict=True)
    day_index, unmatched = _with_sentences(
        store, embedder, DAY_INDEXES.index(papers, matrix, day), queries, progress, encode
    )
    notes += (UNMATCHED_SENTENCES,) if unmatched else ()
    pool = max((size or r.size) * POOL_FACTOR for r in radars)
    ranked = rank_radars_columnar(day_index, queries, top_k=max(pool, MIN_POOL))  # ScoredPapers built for picks only
    digests = []
    for radar, query, left_out, scored in zip(radars, queries, unread, ranked, strict=True):
        picked = select_digest(scored, vectors, size=size or radar.size, threshold=radar.threshold)
        candidates = int(query.allowed.sum()) if query.allowed is not None else len(papers)
        said = notes + ((seeds_unread(left_out),) if left_out else ())
        digests.append(Digest(radar, day, tuple(picked), candidates, said))
    return digests


def _read_if_quick(store: Store, embedder: Embedder, unread: list[Paper], total: int) -> dict[int, NDArray[np.float32]]:
    """For a page: the unread papers' vectors when encoding them all takes about PAGE_WAIT_S at most, judged by
    the first PAGE_PAPER_BUDGET. Raises: NotReadYet (the daily job is reading the day) otherwise."""
    started = time.monotonic()
    vectors = embed_papers(store, embedder, unread[:PAGE_PAPER_BUDGET])
    rest = unread[PAGE_PAPER_BUDGET:]
    if rest and (time.monotonic() - started) / PAGE_PAPER_BUDGET * len(rest) > PAGE_WAIT_S:
        raise NotReadYet(total - len(rest), total)
    vectors.update(embed_papers(store, embedder, rest))
    return vectors


def _radar_query(
    store: Store,
    embedder: Embedder,
    radar: Radar,
    listings: DayListings,
    budget: int | None,
    progress: Progress | None = None,
) -> tuple[RadarQuery, int]:
    """The radar's side of the ranking, and how many of its seeds were left out, not read yet (`budget` seeds are
    read at most: PAGE_SEED_BUDGET for a page; None: all)."""
    feedback = store.feedback_for(radar.id) if radar.id is not None else {k: [] for k in FeedbackKind}
    shown = store.shown_before(radar.id, listings.day) if radar.id is not None else set()
    seeds = seed_papers(store, radar)
    hidden = set(feedback[FeedbackKind.DISMISS]) | shown | {p.id for p in seeds}
    allowed = listings.allowed(radar, hidden)
    description = " ".join(x for x in [radar.description, *radar.keywords] if x.strip())
    liked_ids = list(dict.fromkeys(feedback[FeedbackKind.UP] + feedback[FeedbackKind.SAVE]))
    related = store.papers_by_ids(liked_ids + feedback[FeedbackKind.DOWN])
    liked = [related[i] for i in liked_ids if i in related]
    disliked = [related[i] for i in feedback[FeedbackKind.DOWN] if i in related]
    read = read_seeds(store, embedder, seeds, radar.seed_texts, budget=budget, progress=progress)
    query = RadarQuery(
        radar=radar,
        description_vector=embed_texts(store, embedder, [description], "query")[0] if description else None,
        seed_vectors=read.vectors,
        seed_titles=read.titles,
        seed_texts=[f"{p.title}. {p.abstract}" for p in seeds] + list(radar.seed_texts),  # BM25: every seed
        seed_sentences=read.sentences,
        liked_vectors=_stack(embed_papers(store, embedder, liked), liked),
        disliked_vectors=_stack(embed_papers(store, embedder, disliked), disliked),
        allowed=allowed,
    )
    return query, read.unread


def _with_sentences(
    store: Store,
    embedder: Embedder,
    day: DayIndex,
    queries: Sequence[RadarQuery],
    progress: Progress | None,
    encode: bool,
) -> tuple[DayIndex, bool]:
    """The day with the sentence vectors the aspect signal will match: only the seeded radars' leading candidates
    (rank.radar.aspect_candidates), encoded once and stored (the stored ones only, when not `encode`); and whether,
    not encoding, some of those candidates had none stored."""
    wanted = aspect_candidates(day, queries)
    if not len(wanted):
        return day, False
    chosen = [day.papers[i] for i in wanted.tolist()]
    blocks = embed_paper_sentences(store, embedder, chosen, progress=progress, encode=encode)
    rows = SentenceRows.of([blocks.get(p.id or 0) for p in day.papers], embedder.dim)
    return replace(day, sentences=rows), not encode and len(blocks) < len(chosen)  # encoded: only textless miss


def _stack(vectors: dict[int, NDArray[np.float32]], papers: Sequence[Paper]) -> NDArray[np.float32]:
    rows = [vectors[p.id] for p in papers if p.id is not None and p.id in vectors]
    return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), dtype=np.float32)


def day_notes(store: Store, day: dt.date) -> tuple[Note, ...]:
    """Why a day may be thin: sources that failed, sources with no announcement."""
    notes = []
    for run in store.runs_for_day(day):
        if run.status == RunStatus.FAILED:
            error = run.error or ""
            notes.append(DayNote("source_failed", f"{run.source} failed: {error}", source=run.source, error=error))
        elif run.status == RunStatus.NO_ANNOUNCEMENT and run.note:
            notes.append(DayNote("source_said", f"{run.source}: {run.note}", source=run.source, said=run.note))
        elif run.status == RunStatus.NO_ANNOUNCEMENT:
            notes.append(DayNote("source_quiet", f"{run.source}: no announcement", source=run.source))
    return tuple(notes)


def stored_said(store: Store, radar: Radar, day: dt.date) -> tuple[int | None, tuple[Note, ...]]:
    """What a saved Curated Daily said beside its picks: how many papers it chose from (None when the picks were
    saved without it) and the radar's own notes (`own_notes`; the day's are day_notes, read afresh)."""
    said = store.digest_said(radar.id, day) if radar.id is not None else None
    return (said[0], said[1]) if said else (None, ())


def own_notes(notes: Sequence[str]) -> tuple[Note, ...]:
    """A digest's notes on the radar itself (seeds left unread, sentences not matched), not on the day's sources."""
    return tuple(n for n in notes if isinstance(n, Note) and not isinstance(n, DayNote))


def stored_digest(store: Store, radar: Radar, day: dt.date) -> list[ScoredPaper]:
    """The picks saved for this radar and day, as they were shown."""
    if radar.id is None:
        return []
    rows = store.digest_items(radar.id, day)
    papers = store.papers_by_ids([r[0] for r in rows])
    return [ScoredPaper(papers[pid], score, reasons, rank) for pid, rank, score, reasons in rows if pid in papers]
