"""CSFCube test collection for the ranking benchmark: parse texts, pools, grades and folds; cache embeddings.

Reads the recorded fixture under <repo>/../shared/fixtures/recsys-eval/csfcube (override with --data). Titles and
abstracts come from readable_annotations/*.txt (abstracts-csfcube-preds.jsonl is not in the fixture), with the
"<facet>_label: " sentence prefixes dropped. Embedding vectors are cached under ~/.cache/academichub-bench keyed
by a hash of (kind, text), so reruns encode nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "fixtures" / "recsys-eval" / "csfcube"
CACHE_DIR = Path(os.environ.get("ACADEMICHUB_BENCH_CACHE", Path.home() / ".cache" / "academichub-bench"))
FACETS = ("background", "method", "result")
SELF_CANDIDATE_QUERY = "8781666"
CACHE_SAVE_EVERY = 32

_LABEL = re.compile(r"^(?:ABSTRACT: )?([a-z]+)_label: ")
_PAPER_ID = re.compile(r"^paper_id: (\S+?);")


@dataclass(frozen=True)
class Paper:
    pid: str
    title: str
    sentences: tuple[str, ...]
    labels: tuple[str, ...] = ()  # per sentence: background/objective/method/result/other (annotator labels)

    @property
    def abstract(self) -> str:
        return " ".join(self.sentences)

    @property
    def text(self) -> str:
        """Title and abstract, as every method sees a paper."""
        return f"{self.title}. {self.abstract}"


@dataclass
class Collection:
    papers: dict[str, Paper]
    # (query pid, facet) -> (candidate pids, grades 0..3)
    pools: dict[tuple[str, str], tuple[list[str], list[int]]] = field(default_factory=dict)
    # "all" / facet -> fold name -> list of (pid, facet)
    splits: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)


def _parse_block(lines: list[str]) -> Paper | None:
    pid = next((m.group(1) for line in lines if (m := _PAPER_ID.match(line))), None)
    title = next((line[len("TITLE: ") :].strip() for line in lines if line.startswith("TITLE: ")), None)
    if pid is None or title is None:
        return None
    labelled = [(m.group(1), line[m.end() :].strip()) for line in lines if (m := _LABEL.match(line))]
    labelled = [(label, text) for label, text in labelled if text]
    return Paper(pid, title, tuple(t for _, t in labelled), tuple(label for label, _ in labelled))


def parse_readable(data: Path) -> dict[str, Paper]:
    """All papers (queries and candidates) found in readable_annotations/*.txt."""
    papers: dict[str, Paper] = {}
    for path in sorted((data / "readable_annotations").glob("*.txt")):
        for block in re.split(r"\n=+\n", "\n" + path.read_text(encoding="utf-8")):
            paper = _parse_block(block.splitlines())
            if paper is not None:
                papers.setdefault(paper.pid, paper)
    return papers


def load_collection(data: Path = DEFAULT_DATA, *, keep_self: bool = False) -> Collection:
    """Papers, judged pools (unjudged extras ignored) and evaluation splits."""
    coll = Collection(parse_readable(data))
    for facet in FACETS:
        anns = json.loads((data / f"test-pid2anns-csfcube-{facet}.json").read_text(encoding="utf-8"))
        for qpid, ann in anns.items():
            pairs = [(c, int(g)) for c, g in zip(ann["cands"], ann["relevance_adju"], strict=True)]
            if not keep_self:
                pairs = [(c, g) for c, g in pairs if c != qpid]
            coll.pools[(qpid, facet)] = ([c for c, _ in pairs], [g for _, g in pairs])
    splits = json.loads((data / "evaluation_splits.json").read_text(encoding="utf-8"))
    for name, folds in splits.items():
        coll.splits[name] = {
            fold: [(key.rsplit("_", 1)[0], key.rsplit("_", 1)[1]) for key in keys] for fold, keys in folds.items()
        }
    missing = {p for (q, _), (cands, _) in coll.pools.items() for p in [q, *cands]} - coll.papers.keys()
    if missing:
        raise SystemExit(f"CSFCube: {len(missing)} papers have no text, e.g. {sorted(missing)[:3]}")
    return coll


def _text_key(kind: str, text: str) -> str:
    return hashlib.sha1(f"{kind}\x00{text}".encode()).hexdigest()


def _save_cache(prefix: Path, keys: list[str], vecs: NDArray[np.float32]) -> None:
    prefix.parent.mkdir(parents=True, exist_ok=True)
    tmp_npy, tmp_ids = prefix.with_suffix(".npy.tmp"), prefix.with_suffix(".ids.tmp")
    with tmp_npy.open("wb") as fh:
        np.save(fh, vecs)
    tmp_ids.write_text(json.dumps(keys), encoding="utf-8")
    os.replace(tmp_npy, prefix.with_suffix(".npy"))
    os.replace(tmp_ids, prefix.with_suffix(".ids.json"))


def load_cache(prefix: Path) -> dict[str, NDArray[np.float32]]:
    npy, ids = prefix.with_suffix(".npy"), prefix.with_suffix(".ids.json")
    if not (npy.exists() and ids.exists()):
        return {}
    keys = json.loads(ids.read_text(encoding="utf-8"))
    vecs = np.load(npy)
    if len(keys) != len(vecs):
        return {}
    return dict(zip(keys, vecs, strict=True))


EncodeFn = Callable[[Sequence[str], str], NDArray[np.float32]]


def encode_cached(
    encode: EncodeFn, texts: Sequence[str], kind: str, prefix: Path, *, log: bool = True
) -> NDArray[np.float32]:
    """Vectors for `texts`, encoding only those not yet in the cache at `prefix` (saved as it goes)."""
    cache = load_cache(prefix)
    todo = list(dict.fromkeys(t for t in texts if _text_key(kind, t) not in cache))
    started = time.monotonic()
    for i in range(0, len(todo), CACHE_SAVE_EVERY):
        chunk = todo[i : i + CACHE_SAVE_EVERY]
        for text, vec in zip(chunk, encode(chunk, kind), strict=True):
            cache[_text_key(kind, text)] = vec
        keys = list(cache)
        _save_cache(prefix, keys, np.stack([cache[k] for k in keys]).astype(np.float32))
        if log:
            done, rate = i + len(chunk), (i + len(chunk)) / max(time.monotonic() - started, 1e-9)
            print(f"[{prefix.name}] {done}/{len(todo)} new texts, {rate:.2f}/s", file=sys.stderr, flush=True)
    return np.stack([cache[_text_key(kind, t)] for t in texts]).astype(np.float32)


def cache_prefix(model: str, kind: str) -> Path:
    return CACHE_DIR / f"csfcube-{model}-{kind}"
