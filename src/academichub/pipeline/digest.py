"""Building a radar's Curated Daily: candidates → vectors (each paper embedded once) → rank → select → store.

The store supplies the day's papers, feedback and cached vectors; rank and
curate are pure. What was picked is saved, so the page can be shown again and
nothing is shown twice on later days; a preview (the radar editor's) ranks the
same way and saves nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from academichub.curate.digest import MIN_POOL, POOL_FACTOR, select_digest
from academichub.errors import InputError, NotReadYet
from academichub.models import AnnounceType, Digest, FeedbackKind, Note, Paper, Radar, RunStatus, ScoredPaper
from academichub.pipeline.sentence_vectors import embed_paper_sentences, embed_text_sentences
from academichub.rank.aspects import SentenceRows
from academichub.rank.day import DayIndex
from academichub.rank.embed import Embedder, offset_progress
from academichub.rank.radar import RadarQuery, aspect_candidates, index_day, paper_text, rank_radars_columnar
from academichub.rank.sentences import paper_sentences, split_sentences
from academichub.store import Store

MAX_CANDIDATES = 20_000
SAVE_EVERY = 256  # texts encoded between saves (a killed run loses at most this many: about a minute here)
UNMATCHED_SENTENCES = Note(
    "unmatched_sentences",
    "ranked without matching your seeds sentence by sentence: this day's sentence vectors are not stored "
    "(the daily job encodes them; they are dropped after sentence_vectors_keep_days)",
)
NO_PAPERS = Note("no_papers", "no papers were announced on this day")


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
PAGE_SEED_BUDGET = 3  # seeds a page (preview, first view) encodes at most: ~1-3 s each; an imported library waits
ASPECT_SEEDS = 20  # seeds matched sentence by sentence at most (a whole imported library would cost minutes)
Matrix = NDArray[np.float32]
REPLACEMENTS = {AnnounceType.REPLACE, AnnounceType.REPLACE_CROSS}
Progress = Callable[[int, int], None]


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def embed_papers(
    store: Store, embedder: Embedder, papers: Sequence[Paper], *, progress: Progress | None = None, encode: bool = True
) -> dict[int, NDArray[np.float32]]:
    """Vectors for these papers: stored ones reused, the rest encoded once and saved (left out when not `encode`)."""
    ids = [p.id for p in papers if p.id is not None]
    stored = store.vectors_for(ids, embedder.name)
    vectors: dict[int, NDArray[np.float32]] = {}
    missing: list[tuple[int, str, str]] = []
    for paper in papers:
        if paper.id is None:
            continue
        text = paper_text(paper)
        digest = text_hash(text)
        known = stored.get(paper.id)
        if known is not None and known[1] == digest:
            vectors[paper.id] = known[0]
        else:
            missing.append((paper.id, text, digest))
    if not encode:
        return vectors
    for start in range(0, len(missing), SAVE_EVERY):  # saved as it goes: a killed run keeps what it encoded
        part = missing[start : start + SAVE_EVERY]
        chunk_progress = offset_progress(progress, start, len(missing))
        encoded = embedder.encode([t for _, t, _ in part], "passage", progress=chunk_progress)
        store.save_vectors(embedder.name, [(pid, encoded[i], h) for i, (pid, _, h) in enumerate(part)])
        vectors.update({pid: encoded[i] for i, (pid, _, _) in enumerate(part)})
    return vectors


def embed_texts(store: Store, embedder: Embedder, texts: Sequence[str], kind: str) -> NDArray[np.float32]:
    """Vectors of free texts (descriptions, imported seeds), cached by text hash."""
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    rows = [v for v in text_vectors(store, embedder, texts, kind) if v is not None]  # all, when encoding
    return np.vstack(rows).astype(np.float32)


def text_vectors(
    store: Store,
    embedder: Embedder,
    texts: Sequence[str],
    kind: str,
    *,
    encode: bool = True,
    progress: Progress | None = None,
) -> list[NDArray[np.float32] | None]:
    """Each text's vector, cached by text hash: the rest encoded and saved (None when not `encode`)."""
    hashes = [text_hash(f"{kind}:{t}") for t in texts]
    known = store.text_vectors(hashes, embedder.name) if texts else {}
    todo = [i for i, h in enumerate(hashes) if h not in known]
    for start in range(0, len(todo) if encode else 0, SAVE_EVERY):  # saved as it goes, like papers
        part = todo[start : start + SAVE_EVERY]
        chunk_progress = offset_progress(progress, start, len(todo))
        encoded = embedder.encode(
            [texts[i] for i in part], "query" if kind == "query" else "passage", progress=chunk_progress
        )
        store.save_text_vectors(embedder.name, [(hashes[i], encoded[n]) for n, i in enumerate(part)])
        known.update({hashes[i]: encoded[n] for n, i in enumerate(part)})
    return [known.get(h) for h in hashes]


def may_show(paper: Paper, radar: Radar, day: dt.date) -> bool:
    """Whether the radar watches this paper's listing; replacements only if it asks for them."""
    todays = [a for a in paper.announcements if a.day == day]
    if not radar.include_replacements and todays and all(a.announce_type in REPLACEMENTS for a in todays):
        return False
    return not radar.watch or _watched(paper, radar.watch)


def _watched(paper: Paper, watch: Sequence[str]) -> bool:
    wanted = {w.lower() for w in watch}
    names = {c.lower() for c in paper.categories} | {paper.source_label.lower(), (paper.venue or "").lower()}
    names |= {a.listing.lower() for a in paper.announcements}
    return bool(wanted & names) or any(n.split(".")[0] in wanted for n in names)


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
) -> list[Digest]:
    """Every radar's Curated Daily for `day`: the day is embedded and indexed once, radars ranked in blocks. Not
    `encode` (a page that must answer now): seed papers and sentences not read yet are left out, and said so.
    Raises: InputError; NotReadYet when not `encode` and the day's papers without vectors would take longer than
    PAGE_WAIT_S to read."""
    if any(r.id is None for r in radars):
        raise InputError("radars must be saved before their Curated Daily is built")
    digests = _pick_digests(store, embedder, radars, day, size=size, progress=progress, encode=encode)
    for digest in digests:
        rows = [(s.paper.id or 0, s.rank, s.score, s.reasons) for s in digest.items]
        store.save_digest(digest.radar.id or 0, day, rows)
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
) -> list[Digest]:
    """Each radar's picks for `day` (candidates → vectors → rank with every signal → select), not yet saved."""
    notes = day_notes(store, day)
    papers = store.list_papers(day=day, limit=MAX_CANDIDATES)
    if not papers:
        return [Digest(r, day, (), 0, notes or (NO_PAPERS,)) for r in radars]
    vectors = embed_papers(store, embedder, papers, progress=progress, encode=encode)
    if len(vectors) < len(papers):  # a page, and the day not read yet (all of it, or late additions)
        vectors.update(_read_if_quick(store, embedder, [p for p in papers if p.id not in vectors], len(papers)))
    matrix = np.vstack([vectors[p.id] for p in papers if p.id is not None]).astype(np.float32)
    asked = [_radar_query(store, embedder, radar, papers, day, encode, progress) for radar in radars]
    queries, unread = zip(*asked, strict=True)
    day_index, unmatched = _with_sentences(store, embedder, index_day(papers, matrix), queries, progress, encode)
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
    papers: list[Paper],
    day: dt.date,
    encode: bool,
    progress: Progress | None = None,
) -> tuple[RadarQuery, int]:
    """The radar's side of the ranking, and how many of its seeds were left out, not read yet (when not `encode`,
    a page encodes PAGE_SEED_BUDGET seeds at most)."""
    feedback = store.feedback_for(radar.id) if radar.id is not None else {k: [] for k in FeedbackKind}
    shown = store.shown_before(radar.id, day) if radar.id is not None else set()
    seeds = seed_papers(store, radar)
    hidden = set(feedback[FeedbackKind.DISMISS]) | shown | {p.id for p in seeds}
    allowed = np.array([p.id not in hidden and may_show(p, radar, day) for p in papers], dtype=bool)  # seeds known
    description = " ".join(x for x in [radar.description, *radar.keywords] if x.strip())
    liked_ids = list(dict.fromkeys(feedback[FeedbackKind.UP] + feedback[FeedbackKind.SAVE]))
    related = store.papers_by_ids(liked_ids + feedback[FeedbackKind.DOWN])
    liked = [related[i] for i in liked_ids if i in related]
    disliked = [related[i] for i in feedback[FeedbackKind.DOWN] if i in related]
    budget = None if encode else PAGE_SEED_BUDGET
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


def seed_papers(store: Store, radar: Radar) -> list[Paper]:
    """The radar's seeds that are stored papers, in its order."""
    return [p for key in radar.seeds if (p := store.paper_by_key(key)) is not None]


def read_radar_seeds(store: Store, embedder: Embedder, radar: Radar) -> SeedsRead:
    """Everything the radar's seeds need encoded and stored, so pages rank with all of them (an imported library
    of hundreds of papers takes minutes: run it where nobody waits, as after a web import)."""
    return read_seeds(store, embedder, seed_papers(store, radar), radar.seed_texts)


@dataclass(frozen=True)
class SeedsRead:
    """A radar's seeds that have vectors, stored papers first, then imported texts: row k of `vectors`, title k and
    (for the first ASPECT_SEEDS) sentence block k are one seed."""

    vectors: Matrix
    titles: list[str]
    sentences: list[Matrix]
    unread: int  # seeds left out, or matched without their sentences, for want of vectors (over the budget)


def read_seeds(
    store: Store,
    embedder: Embedder,
    papers: Sequence[Paper],
    texts: Sequence[str],
    *,
    budget: int | None = None,
    progress: Progress | None = None,
) -> SeedsRead:
    """The seeds' vectors and (the first ASPECT_SEEDS') sentence vectors: stored ones reused, the rest encoded and
    saved; at most `budget` seeds' vectors and `budget` seeds' sentences are encoded now (None: all), the seeds
    still without them are left out (or matched without sentences) and counted."""
    by_id = embed_papers(store, embedder, papers, encode=False)
    rows = text_vectors(store, embedder, texts, "passage", encode=False)
    lacking = [p for p in papers if p.id is not None and p.id not in by_id]
    lacking_texts = [i for i, v in enumerate(rows) if v is None]
    room = len(lacking) + len(lacking_texts) if budget is None else budget
    by_id.update(embed_papers(store, embedder, lacking[:room], progress=progress))
    now = lacking_texts[: max(0, room - len(lacking))]
    read_now = text_vectors(store, embedder, [texts[i] for i in now], "passage", progress=progress)
    for i, vector in zip(now, read_now, strict=True):
        rows[i] = vector
    read_papers = [p for p in papers if p.id in by_id]
    read_texts = [(t, v) for t, v in zip(texts, rows, strict=True) if v is not None]
    vectors = [by_id[p.id or 0] for p in read_papers] + [v for _, v in read_texts]
    titles = [p.title for p in read_papers] + [t.split(". ", 1)[0][:120] for t, _ in read_texts]
    sentences, unmatched = _seed_sentences(
        store, embedder, read_papers[:ASPECT_SEEDS], [t for t, _ in read_texts][: ASPECT_SEEDS - len(read_papers)],
        budget, progress,
    )  # fmt: skip
    unread = len(papers) - len(read_papers) + len(texts) - len(read_texts) + unmatched
    matrix = np.vstack(vectors).astype(np.float32) if vectors else np.zeros((0, 0), dtype=np.float32)
    return SeedsRead(matrix, titles, sentences, unread)


def _seed_sentences(
    store: Store,
    embedder: Embedder,
    papers: Sequence[Paper],
    texts: Sequence[str],
    budget: int | None,
    progress: Progress | None,
) -> tuple[list[Matrix], int]:
    """Sentence vectors of these seeds (papers, then texts), at most `budget` seeds' encoded now; and how many
    seeds that have sentences are left without their vectors."""
    blocks = embed_paper_sentences(store, embedder, papers, encode=False)
    lacking = [p for p in papers if p.id not in blocks and paper_sentences(p.title, p.abstract)]
    text_blocks = embed_text_sentences(store, embedder, texts, encode=False)
    lacking_texts = [i for i, b in enumerate(text_blocks) if not len(b) and split_sentences(texts[i])]
    room = len(lacking) + len(lacking_texts) if budget is None else budget
    blocks.update(embed_paper_sentences(store, embedder, lacking[:room], progress=progress))
    now = lacking_texts[: max(0, room - len(lacking))]
    for i, block in zip(now, embed_text_sentences(store, embedder, [texts[i] for i in now]), strict=True):
        text_blocks[i] = block
    empty = np.zeros((0, embedder.dim), dtype=np.float32)
    out = [blocks.get(p.id or 0, empty) for p in papers] + text_blocks
    return out, max(0, len(lacking) + len(lacking_texts) - room)


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
            notes.append(Note("source_failed", f"{run.source} failed: {error}", source=run.source, error=error))
        elif run.status == RunStatus.NO_ANNOUNCEMENT and run.note:
            notes.append(Note("source_said", f"{run.source}: {run.note}", source=run.source, said=run.note))
        elif run.status == RunStatus.NO_ANNOUNCEMENT:
            notes.append(Note("source_quiet", f"{run.source}: no announcement", source=run.source))
    return tuple(notes)


def stored_digest(store: Store, radar: Radar, day: dt.date) -> list[ScoredPaper]:
    """The picks saved for this radar and day, as they were shown."""
    if radar.id is None:
        return []
    rows = store.digest_items(radar.id, day)
    papers = store.papers_by_ids([r[0] for r in rows])
    return [ScoredPaper(papers[pid], score, reasons, rank) for pid, rank, score, reasons in rows if pid in papers]
