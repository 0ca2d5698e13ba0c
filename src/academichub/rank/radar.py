"""rank_radar: score one day's candidate papers for one radar, with the reasons for each score.

Pure: papers, vectors and the radar in; ScoredPapers out. Signals are z-scored
within the day's candidates and blended (BM25 + dense similarity to the
description, seeds and 👍 papers + a per-radar linear classifier), then fixed
bonuses for matched keywords and followed authors are added. Exclusions are a
hard filter applied before anything else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from academichub.models import Paper, Radar, Reason, ScoredPaper
from academichub.rank.bm25 import BM25Index
from academichub.rank.scorers import zscore
from academichub.rank.text import tokenize, tokenize_all

Vectors = NDArray[np.float32]
CLASSIFIER_MIN_POSITIVES = 1
CLASSIFIER_C = 0.1
NEAR_SEED_MIN_COS = 0.80  # below this a seed is not named as the reason


@dataclass(frozen=True)
class RadarWeights:
    """Blend of z-scored signals plus fixed bonuses (in z units)."""

    bm25: float = 0.3
    description: float = 0.5
    seeds: float = 0.7
    classifier: float = 0.5
    disliked: float = 0.4
    keyword_bonus: float = 0.6  # per matched include keyword, capped at 3
    author_bonus: float = 1.5


@dataclass(frozen=True)
class RadarInputs:
    """Everything rank_radar needs; vectors are unit rows aligned with `papers`."""

    radar: Radar
    papers: Sequence[Paper]
    vectors: Vectors
    description_vector: Vectors | None = None  # description + keywords, "query:"-encoded
    seed_vectors: Vectors = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    seed_titles: Sequence[str] = ()
    liked_vectors: Vectors = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    disliked_vectors: Vectors = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))


def paper_text(paper: Paper) -> str:
    """The text a paper is embedded and matched by."""
    return f"{paper.title}. {paper.abstract}".strip()


def is_excluded(paper: Paper, excludes: Sequence[str]) -> bool:
    text = _fold(f"{paper.title} {paper.abstract}")
    return any(_phrase(term).search(text) for term in excludes if term.strip())


def rank_radar(inputs: RadarInputs, weights: RadarWeights = RadarWeights()) -> list[ScoredPaper]:
    """All non-excluded candidates, best first, each with its score and reasons."""
    radar = inputs.radar
    keep = [i for i, p in enumerate(inputs.papers) if not is_excluded(p, radar.excludes)]
    if not keep:
        return []
    papers = [inputs.papers[i] for i in keep]
    vectors = inputs.vectors[keep] if len(inputs.vectors) else np.zeros((len(keep), 0), dtype=np.float32)
    total = np.zeros(len(papers))
    reasons: list[list[Reason]] = [[] for _ in papers]

    query_tokens = tokenize(" ".join([radar.description, *radar.keywords, *inputs.seed_titles]))
    if query_tokens:
        index = BM25Index(tokenize_all(f"{p.title} {p.title} {p.abstract}" for p in papers))
        total += weights.bm25 * zscore(index.score(query_tokens))
    if inputs.description_vector is not None and vectors.shape[1]:
        sims = vectors @ inputs.description_vector
        total += weights.description * zscore(np.asarray(sims, dtype=np.float64))
        _note_top(
            reasons, np.asarray(sims, dtype=np.float64), "description", lambda s: f"close to your description ({s:.2f})"
        )
    if len(inputs.seed_vectors) and vectors.shape[1]:
        seed_sims = vectors @ inputs.seed_vectors.T  # [n, seeds]
        best = seed_sims.max(axis=1)
        total += weights.seeds * zscore(best)
        for i, j in enumerate(seed_sims.argmax(axis=1)):
            if best[i] >= NEAR_SEED_MIN_COS and j < len(inputs.seed_titles):
                reasons[i].append(Reason("seed", f"like your seed paper “{inputs.seed_titles[j]}”", float(best[i])))
    if vectors.shape[1]:
        total += _learned_signal(inputs, vectors, weights, reasons)
    total += _bonuses(papers, radar, weights, reasons)
    order = np.argsort(-total, kind="stable")
    return [ScoredPaper(papers[i], float(total[i]), tuple(reasons[i]), rank) for rank, i in enumerate(order, 1)]


def _learned_signal(
    inputs: RadarInputs, vectors: Vectors, weights: RadarWeights, reasons: list[list[Reason]]
) -> NDArray[np.float64]:
    """Per-radar linear classifier (seeds and 👍 vs 👎 and the day's other papers), plus a 👎 penalty."""
    out = np.zeros(len(vectors))
    positives = [v for v in (inputs.seed_vectors, inputs.liked_vectors) if len(v)]
    if positives and sum(len(v) for v in positives) >= CLASSIFIER_MIN_POSITIVES:
        from sklearn.svm import LinearSVC

        pos = np.vstack(positives)
        neg = [vectors]  # the day's candidates as unlabeled negatives, as arxiv-sanity-lite does
        if len(inputs.disliked_vectors):
            neg.append(inputs.disliked_vectors)
        x = np.vstack([pos, *neg])
        y = np.r_[np.ones(len(pos)), np.zeros(len(x) - len(pos))]
        clf = LinearSVC(C=CLASSIFIER_C, class_weight="balanced", max_iter=5000, tol=1e-4)
        clf.fit(x, y)
        decision = clf.decision_function(vectors)
        out += weights.classifier * zscore(decision)
        if len(inputs.liked_vectors):
            _note_top(reasons, decision, "classifier", lambda s: f"learned from your 👍 (score {s:+.2f})")
    if len(inputs.disliked_vectors):
        out -= weights.disliked * zscore((vectors @ inputs.disliked_vectors.T).max(axis=1))
    return out


def _bonuses(
    papers: Sequence[Paper], radar: Radar, weights: RadarWeights, reasons: list[list[Reason]]
) -> NDArray[np.float64]:
    bonus = np.zeros(len(papers))
    keywords = [k for k in radar.keywords if k.strip()]
    authors = {_author_key(a) for a in radar.authors if a.strip()}
    watch = {w.lower() for w in radar.watch}
    for i, paper in enumerate(papers):
        text = _fold(f"{paper.title} {paper.abstract}")
        matched = [k for k in keywords if _phrase(k).search(text)]
        if matched:
            bonus[i] += weights.keyword_bonus * min(len(matched), 3)
            reasons[i].append(Reason("keyword", "matches " + ", ".join(f"“{k}”" for k in matched), len(matched)))
        followed = [a.name for a in paper.authors if _author_key(a.name) in authors]
        if followed:
            bonus[i] += weights.author_bonus
            reasons[i].append(Reason("author", "by " + ", ".join(followed) + " (followed)", weights.author_bonus))
        in_watch = [c for c in paper.categories if c.lower() in watch]
        if in_watch:
            reasons[i].append(Reason("category", "in " + ", ".join(in_watch)))
    return bonus


def _note_top(reasons: list[list[Reason]], sims: NDArray[np.floating], kind: str, text: Callable[[float], str]) -> None:
    """Name this signal as a reason where it stands out (z ≥ 1) among the day's papers."""
    z = zscore(np.asarray(sims, dtype=np.float64))
    for i in np.flatnonzero(z >= 1.0):
        reasons[i].append(Reason(kind, text(float(sims[i])), float(sims[i])))


def _fold(text: str) -> str:
    stripped = unicodedata.normalize("NFKD", text)
    return "".join(c for c in stripped if not unicodedata.combining(c)).lower()


def _phrase(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in _fold(term).split()]
    if not words:
        return re.compile(r"(?!x)x")
    if any(ord(ch) > 0x2E80 for ch in term):  # CJK: no word boundaries
        return re.compile(r"\s*".join(words))
    return re.compile(r"\b" + r"\s+".join(words) + r"(?:s|es)?\b")  # "model" also finds "models"


def _author_key(name: str) -> str:
    """'Yann LeCun', 'LeCun, Y.' and 'Y. LeCun' all → 'lecun y'."""
    folded = _fold(name).replace(".", " ")
    if "," in folded:
        family, given = folded.split(",", 1)
    else:
        parts = folded.split()
        family, given = (parts[-1], " ".join(parts[:-1])) if parts else ("", "")
    initial = given.strip()[:1]
    return f"{family.strip()} {initial}".strip()


MAX_DESCRIPTION_CHARS = 5_000
MAX_TERMS = 200
MAX_DAILY_SIZE = 500


def radar_problems(radar: Radar) -> list[str]:
    """What makes a radar unusable, as messages for the user (empty list: fine)."""
    problems = []
    if not radar.name.strip():
        problems.append("a radar needs a name")
    if len(radar.description) > MAX_DESCRIPTION_CHARS:
        problems.append(
            f"the description is {len(radar.description):,} characters; keep it under {MAX_DESCRIPTION_CHARS:,}"
        )
    if not (radar.description.strip() or radar.keywords or radar.seeds or radar.seed_texts or radar.authors):
        problems.append(
            "a radar needs something to look for: a description, keywords, followed authors or seed papers"
            + (" (exclusions alone only remove papers)" if radar.excludes else "")
        )
    for label, values in (("keywords", radar.keywords), ("exclusions", radar.excludes), ("authors", radar.authors)):
        if len(values) > MAX_TERMS:
            problems.append(f"too many {label}: {len(values)} (at most {MAX_TERMS})")
    if not 1 <= radar.size <= MAX_DAILY_SIZE:
        problems.append(f"daily size must be between 1 and {MAX_DAILY_SIZE}")
    return problems
