"""`demo`: the offline demo on the real snapshot shipped inside the package."""

from __future__ import annotations

import datetime as dt
import tempfile
from importlib.resources import as_file, files
from pathlib import Path

import click
import numpy as np
from rich.console import Console
from rich.rule import Rule

from academichub.brief.briefing import BriefingOptions, write_briefing
from academichub.brief.providers import provider_named
from academichub.cli.context import AppContext, pass_app
from academichub.cli.render import print_papers, runs_table
from academichub.cli.render_briefing import briefing_markdown
from academichub.cli.render_digest import print_digest
from academichub.models import Radar
from academichub.pipeline import ingest_files
from academichub.pipeline.digest import build_digest
from academichub.pipeline.paper_vectors import embed_papers, text_hash
from academichub.rank.embed import normalize_rows
from academichub.rank.embedders import embedder_named
from academichub.rank.radar import paper_text
from academichub.store import Store

DEMO_PACKAGE = "academichub.demo"
SAMPLE_RADARS = (
    Radar(
        name="大模型推理",
        description="用大语言模型做数学推理、定理证明和智能体规划",
        keywords=("reasoning", "theorem proving"),
        size=5,
    ),
    Radar(
        name="vision",
        description="3D scene understanding, video generation and diffusion models for images",
        keywords=("diffusion",),
        excludes=("medical",),
        # two of the day's papers (autoregressive video diffusion; Gaussian splatting): the aspect signal names
        # the sentence a pick shares with one of them; their sentence vectors ship in sentence_vectors.npz
        seeds=("arxiv:2606.28016", "arxiv:2606.27509"),
        size=5,
    ),
)


@click.command()
@click.option("--home", type=click.Path(path_type=Path), help="Keep the demo database here (default: a temp dir).")
@click.option("--limit", type=click.IntRange(1, 500), default=5, show_default=True, help="Papers shown per source.")
@click.option("--no-rank", is_flag=True, help="Only ingest and list; skip the sample radars.")
@click.option("--serve", "serve_port", type=click.IntRange(0, 65535), default=None, metavar="PORT",
              help="Then serve the web app on this port (the first visit creates your account).")  # fmt: skip
@pass_app
def demo(app: AppContext, home: Path | None, limit: int, no_rank: bool, serve_port: int | None) -> None:
    """Offline demo: ingest the bundled real snapshot (arXiv, bioRxiv/medRxiv, Nature) and show the day's papers."""
    workdir = home or Path(tempfile.mkdtemp(prefix="academichub-demo-"))
    app.settings_overrides = {**app.settings_overrides, "home": workdir}
    console = Console()
    console.print(Rule("AcademicHub · Curated Daily — offline demo"))
    console.print(f"Demo home: {workdir} (nothing here touches the network)\n", highlight=False)
    with as_file(files(DEMO_PACKAGE)) as snapshot:
        paths = sorted(Path(snapshot).glob("*.gz"))
        reports = ingest_files(app.store, paths)
        vectors_file, sentences_file = Path(snapshot) / "vectors.npz", Path(snapshot) / "sentence_vectors.npz"
        imported = import_vectors(app.store, vectors_file) if vectors_file.exists() else 0
        if sentences_file.exists():
            import_sentence_vectors(app.store, sentences_file)
    for report in reports:
        state = "failed: " + report.error if report.error else f"{report.counts.seen} records, {report.counts.new} new"
        console.print(f"  ingested {report.path.name} ({report.format}) → {state}", highlight=False, markup=False)
    console.print(f"\n{app.store.count_papers()} papers stored after merging versions and duplicates.\n")
    show_latest_days(console, app.store, limit)
    if not no_rank:
        show_sample_radars(app, console, imported)
    console.print(Rule())
    console.print(
        "Try: academichub --help · "
        f"ACADEMICHUB_HOME={workdir} academichub daily --radar vision · academichub feedback N up --radar vision"
    )
    if serve_port is not None:
        import uvicorn

        from academichub.web.app import create_app

        console.print(f"\nOpen http://127.0.0.1:{serve_port}/ — the first visit creates your account; Ctrl-C stops it.")
        uvicorn.run(create_app(app.settings), host="127.0.0.1", port=serve_port, log_level="warning")


def import_vectors(store: Store, path: Path) -> int:
    """Load the snapshot's precomputed paper vectors (same model and text the app would embed itself)."""
    with np.load(path) as data:
        model = str(data["model"])
        rows = dict(zip((str(k) for k in data["keys"]), data["vectors"].astype(np.float32), strict=True))
    ids = store.ids_for_keys(list(rows))
    papers = store.papers_by_ids(sorted(set(ids.values())))
    store.save_vectors(
        model,
        [(ids[k], vec / max(float(np.linalg.norm(vec)), 1e-12), text_hash(paper_text(papers[ids[k]])))
         for k, vec in rows.items() if k in ids and ids[k] in papers],
    )  # fmt: skip
    return len(rows)


def import_sentence_vectors(store: Store, path: Path) -> int:
    """Load the snapshot's precomputed sentence vectors (the aspect signal's), each block with the hash
    pipeline.sentence_vectors gave its text, so they are used as they are and a changed text is re-encoded."""
    with np.load(path) as data:
        model, keys, hashes = str(data["model"]), [str(k) for k in data["keys"]], [str(h) for h in data["hashes"]]
        blocks = np.split(data["vectors"].astype(np.float32), np.cumsum(data["counts"])[:-1])
    ids = store.ids_for_keys(keys)
    rows = [(ids[k], normalize_rows(block).reshape(-1), h)
            for k, h, block in zip(keys, hashes, blocks, strict=True) if k in ids]  # fmt: skip
    store.save_vectors(model, rows, half=True)  # as pipeline.sentence_vectors stores them
    return len(rows)


def show_sample_radars(app: AppContext, console: Console, imported: int) -> None:
    """Two sample radars (one described in Chinese) and their Curated Daily for the latest arXiv day."""
    arxiv_day = ranked_day(app.store)
    if arxiv_day is None:
        return
    embedder = embedder_named(app.settings.embedder)
    if not imported:
        console.print("(embedding the day's papers with the bundled model; this takes a few minutes once)")
    digests = []
    for sample in SAMPLE_RADARS:
        radar = app.store.radar_by_name(sample.name) or app.store.save_radar(sample)
        digests.append(build_digest(app.store, embedder, radar, arxiv_day))
        print_digest(console, digests[-1], "en" if sample.description.isascii() else "zh")  # in its reader's language
    first = digests[0]
    console.print(Rule(f"简报 Briefing · {first.radar.name} · offline provider (no LLM key needed)"))
    papers = [s.paper for s in first.items]
    briefing = write_briefing(
        papers, provider_named(app.settings, "offline"), keys=[s.rank for s in first.items],
        vectors=embed_papers(app.store, embedder, papers), day=arxiv_day, radar=first.radar.name,
        options=BriefingOptions(language="zh", title=f"Curated Daily · {first.radar.name}"), cache=app.store,
    )  # fmt: skip
    console.print(briefing_markdown(briefing), highlight=False, markup=False)


def ranked_day(store: Store) -> dt.date | None:
    """The day the sample radars rank: the snapshot's latest arXiv day."""
    days = [d for d, _ in store.announcement_days(limit=400)]
    return next((d for d in days if any(p.source.startswith("arxiv") for p in store.list_papers(day=d, limit=1))), None)


def show_latest_days(console: Console, store: Store, limit: int) -> None:
    """For each source in the snapshot, its most recent announcement day as the numbered list."""
    shown: set[str] = set()
    for day, _count in store.announcement_days(limit=400):
        for source in ("arxiv", "biorxiv", "medrxiv", "journal"):
            if source in shown:
                continue
            papers = [
                p
                for p in store.list_papers(day=day, limit=500)
                if any(a.source.startswith(source) for a in p.announcements if a.day == day)
            ]
            if papers:
                shown.add(source)
                console.print(
                    Rule(f"{day.isoformat()} · {papers[0].source_label.split(' (')[0]} · {len(papers)} papers")
                )
                print_papers(console, papers[:limit])
    rows = store.latest_runs()
    if rows:
        console.print(runs_table(rows))
