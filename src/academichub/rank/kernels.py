"""The ranking's compiled inner loops (numba, nopython, GIL released): the per-element work that numpy can only
express as many short calls, each taking the GIL, so two ranking threads queue on one another. Pure functions over
arrays; each is written in plain Python below and compiled once per machine (numba's on-disk cache).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)
NO_MASKS: NDArray[np.bool_] = np.zeros((0, 0), dtype=np.bool_)  # a block's masks when every row keeps every column


def _compile(fn: Callable[..., Any], *, reassociate: bool = False) -> Callable[..., Any]:
    """`fn` compiled on first call, cached on disk beside this module or in the user's cache directory; compiled
    afresh in each process where neither is writable (a read-only install run by a user without a home).
    `reassociate` lets float sums be reordered, so a dot-product loop runs on SIMD lanes (its last bits may then
    differ from a sequential sum, as BLAS's do)."""
    options: dict[str, Any] = {"fastmath": {"reassoc"}} if reassociate else {}
    try:
        return numba.njit(nogil=True, cache=True, **options)(fn)  # type: ignore[no-any-return]
    except RuntimeError as error:
        if "cannot cache" not in str(error):
            raise
        log.info("no writable place for numba's cache (%s): the ranking's loops compile in each process", error)
        return numba.njit(nogil=True, **options)(fn)  # type: ignore[no-any-return]


def offsets(sizes: Sequence[int] | NDArray[np.integer[Any]]) -> NDArray[np.int64]:
    """Where consecutive parts of these sizes start, and where the last ends ([0, s0, s0 + s1, …]): the ragged
    layout the loops below read (part i is flat[start[i]:start[i + 1]])."""
    start = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(np.asarray(sizes, dtype=np.int64), out=start[1:])
    return start


def _bm25_row(
    r: int,
    postings: tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.float32]],
    sparse: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]],
    dense: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32], NDArray[np.float32]],
    row: NDArray[np.float32],
) -> None:
    """Query r's BM25 scores over every document into `row`. `postings` (term_start, docs, weights): term t owns
    docs[term_start[t]:term_start[t + 1]] and their weights. `sparse` (query_start, terms, counts): query r's terms
    added posting by posting; `dense` (query_start, rows, counts, weight_rows): its terms added as whole rows of
    weight_rows (a frequent term's weight in every document, contiguous), each × its count."""
    term_start, docs, weights = postings
    sparse_start, terms, counts = sparse
    dense_start, dense_rows, dense_counts, weight_rows = dense
    for c in range(len(row)):
        row[c] = 0.0
    for k in range(dense_start[r], dense_start[r + 1]):
        source, count = weight_rows[dense_rows[k]], dense_counts[k]
        for c in range(len(row)):
            row[c] += count * source[c]
    for k in range(sparse_start[r], sparse_start[r + 1]):
        term, count = terms[k], counts[k]
        for p in range(term_start[term], term_start[term + 1]):
            row[docs[p]] += count * weights[p]


bm25_row: Callable[..., None] = _compile(_bm25_row)


def _mean_std(row: NDArray[np.float32], mask: NDArray[np.bool_]) -> tuple[float, float]:
    """Mean and std of the entries of `row` that `mask` keeps (all of them when it is empty; 0, 0 when none). Summed
    in float64, squares included: a float32 square's rounding would give a lone or repeated value a spread."""
    first = 0.0
    second = 0.0
    if len(mask) == 0:
        for c in range(len(row)):
            value = np.float64(row[c])
            first += value
            second += value * value
        count = len(row)
    else:
        count = 0
        for c in range(len(row)):
            if mask[c]:
                value = np.float64(row[c])
                first += value
                second += value * value
                count += 1
    mean = first / max(count, 1)
    return mean, np.sqrt(max(second / max(count, 1) - mean * mean, 0.0))


mean_std: Callable[..., tuple[float, float]] = _compile(_mean_std, reassociate=True)  # sums on SIMD lanes: ~2× quicker


def _row_mask(masks: NDArray[np.bool_], r: int) -> NDArray[np.bool_]:
    """Row r of `masks`, or an empty mask (every column) when `masks` has no rows."""
    return masks[r] if len(masks) else np.zeros(0, dtype=np.bool_)


row_mask: Callable[..., NDArray[np.bool_]] = _compile(_row_mask)


def _z_rows(
    total: NDArray[np.float32],
    targets: NDArray[np.int64],
    weights: NDArray[np.float64],
    min_std: float,
    masks: NDArray[np.bool_],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Scales each row total[targets[i]] in place by weights[i] / its std (to zero where std ≤ min_std), its mean
    and std taken over the columns masks[targets[i]] keeps (all when `masks` has no rows); returns the means and
    stds before scaling. The row's constant −weight × mean / std is left to the caller."""
    means = np.zeros(len(targets))
    stds = np.zeros(len(targets))
    for i in range(len(targets)):
        row = total[targets[i]]
        means[i], stds[i] = mean_std(row, row_mask(masks, targets[i]))
        scale = np.float32(weights[i] / stds[i]) if stds[i] > min_std else np.float32(0.0)
        for c in range(len(row)):
            row[c] *= scale
    return means, stds


z_rows: Callable[..., tuple[NDArray[np.float64], NDArray[np.float64]]] = _compile(_z_rows)


def _hide_masked(total: NDArray[np.float32], masks: NDArray[np.bool_]) -> None:
    """total[r, c] = −inf wherever masks[r, c] is False: the papers each row's radar may not show. A select, not a
    masked store, so irregular masks cost no mispredicted branches (numpy's copyto(where=) took ~15× as long)."""
    hidden = np.float32(-np.inf)
    for r in range(total.shape[0]):
        row = total[r]
        keep = masks[r]
        for c in range(len(row)):
            row[c] = row[c] if keep[c] else hidden


hide_masked: Callable[..., None] = _compile(_hide_masked)


def _add_z_row(
    row: NDArray[np.float32],
    into: NDArray[np.float32],
    weight: float,
    min_std: float,
    shift: NDArray[np.float32],
    mask: NDArray[np.bool_],
) -> tuple[float, float]:
    """Adds weight × (row − mean) / std, less its constant −weight × mean / std, to `into` (nothing where std ≤
    min_std), and `shift` (one value per column, or empty for none) in the same pass; returns row's mean and std,
    taken over the columns `mask` keeps (every column when it is empty)."""
    n = len(row)
    mean, std = mean_std(row, mask)
    shifted = len(shift) > 0
    if std > min_std:
        scale = np.float32(weight / std)
        if shifted:
            for c in range(n):
                into[c] += scale * row[c] + shift[c]
        else:
            for c in range(n):
                into[c] += scale * row[c]
    elif shifted:
        for c in range(n):
            into[c] += shift[c]
    return mean, std


add_z_row: Callable[..., tuple[float, float]] = _compile(_add_z_row)


def _add_bm25_z(
    postings: Any,
    sparse: Any,
    dense: Any,
    total: NDArray[np.float32],
    weight: float,
    min_std: float,
    shift: NDArray[np.float32],
    row: NDArray[np.float32],
    masks: NDArray[np.bool_],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """add_z_row of each query's BM25 scores (bm25_row) to its row of `total`, the scores of one query at a time in
    `row` (one document-long buffer, so they stay in cache between scoring and adding); returns the rows' means and
    stds, taken over the documents masks[r] keeps (all when `masks` has no rows)."""
    means = np.zeros(len(total))
    stds = np.zeros(len(total))
    for r in range(len(total)):
        bm25_row(r, postings, sparse, dense, row)
        means[r], stds[r] = add_z_row(row, total[r], weight, min_std, shift, row_mask(masks, r))
    return means, stds


add_bm25_z: Callable[..., tuple[NDArray[np.float64], NDArray[np.float64]]] = _compile(_add_bm25_z)


def _add_z_scored(
    source: NDArray[np.float32],
    total: NDArray[np.float32],
    targets: NDArray[np.int64],
    weight: float,
    min_std: float,
    shift: NDArray[np.float32],
    masks: NDArray[np.bool_],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """add_z_row of each row i of `source` to total[targets[i]]; returns each row's mean and std, over the columns
    masks[targets[i]] keeps (all when `masks` has no rows). Row by row, so a row is still in cache when it is
    added."""
    means = np.zeros(len(source))
    stds = np.zeros(len(source))
    for i in range(len(source)):
        means[i], stds[i] = add_z_row(source[i], total[targets[i]], weight, min_std, shift, row_mask(masks, targets[i]))
    return means, stds


add_z_scored: Callable[..., tuple[NDArray[np.float64], NDArray[np.float64]]] = _compile(_add_z_scored)


def _max_into(sims: NDArray[np.float32], owner: NDArray[np.int64], best: NDArray[np.float32]) -> None:
    """best[owner[i]] = max(best[owner[i]], sims[i]) elementwise, for each row i of `sims`."""
    rows, n = sims.shape
    for i in range(rows):
        row = sims[i]
        into = best[owner[i]]
        for c in range(n):
            if row[c] > into[c]:
                into[c] = row[c]


max_into: Callable[..., None] = _compile(_max_into)


def _mean_row_max(m: NDArray[np.float32], r0: int, r1: int, c0: int, c1: int) -> float:
    """Mean over rows r0:r1 of each row's largest entry in columns c0:c1 (both ranges non-empty)."""
    total = 0.0
    for r in range(r0, r1):
        best = m[r, c0]
        for c in range(c0 + 1, c1):
            best = max(best, m[r, c])
        total += best
    return total / (r1 - r0)


mean_row_max: Callable[..., float] = _compile(_mean_row_max)


def _match_sentences(
    sims: NDArray[np.float32], paper_start: NDArray[np.int64], seed_start: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]]:
    """The aspect match (rank.aspects) of each paper with its best seed, from `sims` [paper sentences, seed
    sentences]: paper p owns rows paper_start[p]:paper_start[p + 1], seed s columns seed_start[s]:seed_start[s + 1].
    match(s, p) = ½ (mean over s's sentences of the best of p's + mean over p's sentences of the best of s's).
    Returns per paper the best match, which seed gave it (the first on a tie), which of the paper's sentences
    comes closest to any sentence of that seed (the first on a tie) and how close."""
    papers, seeds = len(paper_start) - 1, len(seed_start) - 1
    score = np.full(papers, -np.inf)
    which = np.zeros(papers, dtype=np.int64)
    sentence = np.zeros(papers, dtype=np.int64)
    closest = np.zeros(papers, dtype=np.float32)
    for p in range(papers):
        lo, hi = paper_start[p], paper_start[p + 1]
        for s in range(seeds):
            first, last = seed_start[s], seed_start[s + 1]
            forward = mean_row_max(sims.T, first, last, lo, hi)  # each seed sentence's best paper sentence
            backward = mean_row_max(sims, lo, hi, first, last)
            both = 0.5 * (forward + backward)
            if both > score[p]:
                score[p], which[p] = both, s
        first, last = seed_start[which[p]], seed_start[which[p] + 1]
        closest[p] = sims[lo, first]
        for i in range(lo, hi):
            for c in range(first, last):
                if sims[i, c] > closest[p]:
                    closest[p], sentence[p] = sims[i, c], i - lo
    return score, which, sentence, closest


match_sentences: Callable[..., tuple[NDArray[Any], ...]] = _compile(_match_sentences)


def _sample_threshold(row: NDArray[np.float32], stride: int, rank: int, top: NDArray[np.float32]) -> float:
    """The rank-th largest of row[::stride] (−inf when the sample is shorter), kept in `top` ascending."""
    top[:] = -np.inf
    for c in range(0, len(row), stride):
        value = row[c]
        if value > top[0]:
            i = 1
            while i < rank and top[i] < value:
                top[i - 1] = top[i]
                i += 1
            top[i - 1] = value
    return float(top[0])


sample_threshold: Callable[..., float] = _compile(_sample_threshold)


def _best_above(
    row: NDArray[np.float32], threshold: float, cols: NDArray[np.int64], values: NDArray[np.float32]
) -> int:
    """The best len(cols) finite entries of `row` at or above `threshold`, by insertion into cols/values (best
    first; an entry goes after equal ones, so ties keep column order); returns how many entries qualified."""
    k = len(cols)
    held = 0
    qualified = 0
    for c in range(len(row)):
        value = row[c]
        if not (value >= threshold and np.isfinite(value)):
            continue
        qualified += 1
        if held == k and not value > values[k - 1]:
            continue
        i = min(held, k - 1)
        while i > 0 and values[i - 1] < value:
            values[i], cols[i] = values[i - 1], cols[i - 1]
            i -= 1
        values[i], cols[i] = value, c
        held = min(held + 1, k)
    return qualified


best_above: Callable[..., int] = _compile(_best_above)


def _best_columns(
    block: NDArray[np.float32], k: int, stride: int, rank: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per row, the columns of its k best finite entries, best first (ties: lower column first), and how many there
    are (fewer than k when the row has fewer finite entries). Only entries at or above the rank-th best of every
    stride-th entry are considered; a row where those are fewer than k considers every finite entry."""
    rows = block.shape[0]
    best = np.zeros((rows, k), dtype=np.int64)
    found = np.zeros(rows, dtype=np.int64)
    values = np.empty(k, dtype=np.float32)
    top = np.empty(rank, dtype=np.float32)
    for r in range(rows):
        row = block[r]
        qualified = best_above(row, sample_threshold(row, stride, rank, top), best[r], values)
        if qualified < k:
            qualified = best_above(row, -np.inf, best[r], values)
        found[r] = min(k, qualified)
    return best, found


best_columns: Callable[..., tuple[NDArray[np.int64], NDArray[np.int64]]] = _compile(_best_columns)


def _add_to_rows(
    total: NDArray[np.float32], starts: NDArray[np.int64], hits: NDArray[np.int64], bonus: float, cap: int
) -> None:
    """Adds `bonus` to total[r, i] for each occurrence of i in hits[starts[r]:starts[r + 1]], at most `cap` times
    per (r, i): a radar's keyword bonus (cap 3) or its followed authors' (cap 1: a paper by two of them counts once)."""
    seen = np.zeros(total.shape[1], dtype=np.int64)
    add = np.float32(bonus)
    for r in range(len(starts) - 1):
        row = total[r]
        for p in range(starts[r], starts[r + 1]):
            i = hits[p]
            if seen[i] < cap:
                seen[i] += 1
                row[i] += add
        for p in range(starts[r], starts[r + 1]):
            seen[hits[p]] = 0


add_to_rows: Callable[..., None] = _compile(_add_to_rows)


def _fill_rows(total: NDArray[np.float32], starts: NDArray[np.int64], hits: NDArray[np.int64], value: float) -> None:
    """total[r, i] = value for each i in hits[starts[r]:starts[r + 1]] (a radar's excluded papers)."""
    fill = np.float32(value)
    for r in range(len(starts) - 1):
        row = total[r]
        for p in range(starts[r], starts[r + 1]):
            row[hits[p]] = fill


fill_rows: Callable[..., None] = _compile(_fill_rows)


def _gather_candidates(
    total: NDArray[np.float32],
    rows: NDArray[np.int64],
    leading: NDArray[np.int64],
    found: NDArray[np.int64],
    day_vectors: NDArray[np.float32],
    day_start: NDArray[np.int64],
) -> tuple[NDArray[Any], ...]:
    """The first half of the aspect re-rank (rank.aspects) of a block's seeded radars. Radar i scores row rows[i]
    of `total`; its candidates are leading[i, :found[i]], of which those still finite are matched; paper p owns
    day_vectors[day_start[p]:day_start[p + 1]]. Returns per radar, padded to leading's width: how many candidates,
    the candidates ascending, how many of them have sentences and their positions among the candidates, where each
    one's sentences start among the radar's; and those sentence vectors gathered, radar after radar
    (radar i's from row radar_rows[i])."""
    radars, depth = leading.shape
    count = np.zeros(radars, dtype=np.int64)
    papers = np.zeros((radars, depth), dtype=np.int64)
    kept = np.zeros(radars, dtype=np.int64)
    present = np.zeros((radars, depth), dtype=np.int64)
    sentence_start = np.zeros((radars, depth + 1), dtype=np.int64)
    radar_rows = np.zeros(radars + 1, dtype=np.int64)
    for i in range(radars):
        row = total[rows[i]]
        held = 0
        for j in range(found[i]):
            if np.isfinite(row[leading[i, j]]):
                papers[i, held] = leading[i, j]
                held += 1
        count[i] = held
        for j in range(1, held):  # ascending; insertion sort: at most ASPECT_DEPTH entries
            value, k = papers[i, j], j
            while k > 0 and papers[i, k - 1] > value:
                papers[i, k] = papers[i, k - 1]
                k -= 1
            papers[i, k] = value
        for j in range(held):
            p = papers[i, j]
            size = day_start[p + 1] - day_start[p]
            if size:
                present[i, kept[i]] = j
                sentence_start[i, kept[i] + 1] = sentence_start[i, kept[i]] + size
                kept[i] += 1
        radar_rows[i + 1] = radar_rows[i] + sentence_start[i, kept[i]]
    gathered = np.empty((radar_rows[-1], day_vectors.shape[1]), dtype=np.float32)
    for i in range(radars):
        at = radar_rows[i]
        for k in range(kept[i]):
            p = papers[i, present[i, k]]
            for r in range(day_start[p], day_start[p + 1]):
                for c in range(day_vectors.shape[1]):
                    gathered[at, c] = day_vectors[r, c]
                at += 1
    return count, papers, kept, present, sentence_start, radar_rows, gathered


gather_candidates: Callable[..., tuple[NDArray[Any], ...]] = _compile(_gather_candidates)


def _aspect_matches(
    total: NDArray[np.float32],
    rows: NDArray[np.int64],
    papers: NDArray[np.int64],
    kept: NDArray[np.int64],
    present: NDArray[np.int64],
    sentence_start: NDArray[np.int64],
    sims: NDArray[np.float32],
    sims_start: NDArray[np.int64],
    seed_start: NDArray[np.int64],
    radar_seeds: NDArray[np.int64],
    seed_index: NDArray[np.int64],
    weight: float,
) -> tuple[NDArray[Any], ...]:
    """The second half (after _gather_candidates): radar i's similarities [its candidates' sentences, its seeds'
    sentences] are sims[sims_start[i]:sims_start[i + 1]], row-major; its seeds are radar_seeds[i]:radar_seeds[i + 1]
    of the seed list, seed s owning seed_start[s]:seed_start[s + 1] of those columns (counted over the whole list)
    and being the radar's seed_index[s]-th. Adds weight × z of the match (z over the radar's matched candidates) to
    `total`; returns per candidate, padded: the match (NaN: a side without sentences), its z (NaN where not
    computed), which seed matched best (-1: none), the paper's sentence closest to it (-1: none) and how close."""
    radars, depth = papers.shape
    score = np.empty((radars, depth))
    z = np.empty((radars, depth))
    which = np.empty((radars, depth), dtype=np.int64)
    sentence = np.empty((radars, depth), dtype=np.int64)
    cosine = np.zeros((radars, depth), dtype=np.float32)
    for i in range(radars):  # loops rather than array expressions: each of those costs numba seconds to compile
        for j in range(depth):
            score[i, j] = z[i, j] = np.nan
            which[i, j] = sentence[i, j] = -1
    for i in range(radars):
        first_seed, last_seed = radar_seeds[i], radar_seeds[i + 1]
        if kept[i] == 0 or first_seed == last_seed:
            continue
        local_start = np.empty(last_seed - first_seed + 1, dtype=np.int64)
        for s in range(first_seed, last_seed + 1):
            local_start[s - first_seed] = seed_start[s] - seed_start[first_seed]
        width = local_start[-1]
        block = sims[sims_start[i] : sims_start[i + 1]].reshape((sentence_start[i, kept[i]], width))
        best, seed, closest_sentence, closest = match_sentences(block, sentence_start[i, : kept[i] + 1], local_start)
        for k in range(kept[i]):
            j = present[i, k]
            score[i, j], which[i, j] = best[k], seed_index[first_seed + seed[k]]
            sentence[i, j], cosine[i, j] = closest_sentence[k], closest[k]
        if kept[i] > 1:
            mean = 0.0
            for k in range(kept[i]):
                mean += best[k]
            mean /= kept[i]
            spread = 0.0
            for k in range(kept[i]):
                spread += (best[k] - mean) ** 2
            std = np.sqrt(spread / kept[i])
            if std > 1e-9:
                row = total[rows[i]]
                for k in range(kept[i]):
                    j = present[i, k]
                    z[i, j] = (best[k] - mean) / std
                    row[papers[i, j]] += np.float32(weight * z[i, j])
    return score, z, which, sentence, cosine


aspect_matches: Callable[..., tuple[NDArray[Any], ...]] = _compile(_aspect_matches)


def _nearest_of_kept(
    vectors: NDArray[np.float32],
    kept: NDArray[np.int64],
    kept_start: NDArray[np.int64],
    sets: NDArray[np.float32],
    set_start: NDArray[np.int64],
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """For each radar i, kept papers kept[kept_start[i]:kept_start[i + 1]] (rows of `vectors`) and its vector set
    sets[set_start[i]:set_start[i + 1]]: each kept paper's largest dot product with the set and which set row gave
    it (the first on a tie); NaN and -1 where the radar's set is empty. Sums in float32, on SIMD lanes as BLAS's."""
    best = np.empty(len(kept), dtype=np.float32)
    which = np.empty(len(kept), dtype=np.int64)
    for j in range(len(kept)):
        best[j], which[j] = np.nan, -1
    dim = vectors.shape[1]
    for i in range(len(kept_start) - 1):
        for j in range(kept_start[i], kept_start[i + 1]):
            paper = vectors[kept[j]]
            for s in range(set_start[i], set_start[i + 1]):
                row = sets[s]
                dot = np.float32(0.0)
                for c in range(dim):
                    dot += paper[c] * row[c]
                if which[j] < 0 or dot > best[j]:
                    best[j], which[j] = dot, s - set_start[i]
    return best, which


nearest_of_kept: Callable[..., tuple[NDArray[np.float32], NDArray[np.int64]]] = _compile(
    _nearest_of_kept, reassociate=True
)


def _kept_in_sets(
    kept: NDArray[np.int64],
    kept_start: NDArray[np.int64],
    hits: NDArray[np.int64],
    hit_start: NDArray[np.int64],
    owner: NDArray[np.int64],
    out_start: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """For each index set s (hits[hit_start[s]:hit_start[s + 1]], ascending) of radar owner[s]: whether each of
    that radar's kept papers is in it, written from out_start[s] on in kept order."""
    out = np.zeros(out_start[-1], dtype=np.bool_)
    for s in range(len(owner)):
        lo, hi = hit_start[s], hit_start[s + 1]
        first = kept_start[owner[s]]
        for j in range(first, kept_start[owner[s] + 1]):
            a, b = lo, hi  # binary search for the first hit ≥ kept[j]
            while a < b:
                mid = (a + b) // 2
                if hits[mid] < kept[j]:
                    a = mid + 1
                else:
                    b = mid
            out[out_start[s] + j - first] = a < hi and hits[a] == kept[j]
    return out


kept_in_sets: Callable[..., NDArray[np.bool_]] = _compile(_kept_in_sets)


def _smallest_head(head: NDArray[np.int64], end: NDArray[np.int64], values: NDArray[np.intp]) -> int:
    """The step of a k-way merge of ascending runs values[head[k]:end[k]]: which run's head holds the smallest
    value (the first on a tie), or −1 when every run is spent."""
    best = -1
    for k in range(len(head)):
        if head[k] < end[k] and (best < 0 or values[head[k]] < values[head[best]]):
            best = k
    return best


smallest_head: Callable[..., int] = _compile(_smallest_head)


def _union_postings(
    starts: NDArray[np.int64],
    values: NDArray[np.intp],
    terms: NDArray[np.int64],
    group_start: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """For each group g, the ascending union of its terms' postings (terms[group_start[g]:group_start[g + 1]]; term
    t's postings are values[starts[t]:starts[t + 1]], ascending), merged head by head without repeats; returns (the
    unions one after another, where each starts)."""
    size = 0
    for t in terms:
        size += starts[t + 1] - starts[t]
    out = np.empty(size, dtype=np.int64)
    where = np.zeros(len(group_start), dtype=np.int64)
    at = 0
    for g in range(len(group_start) - 1):
        first, count = group_start[g], group_start[g + 1] - group_start[g]
        head = np.empty(count, dtype=np.int64)
        end = np.empty(count, dtype=np.int64)
        for k in range(count):
            head[k], end[k] = starts[terms[first + k]], starts[terms[first + k] + 1]
        last = -1
        while True:
            best = smallest_head(head, end, values)
            if best < 0:
                break
            value = values[head[best]]
            head[best] += 1
            if value != last:
                out[at] = value
                at += 1
                last = value
        where[g + 1] = at
    return out[:at], where


union_postings: Callable[..., tuple[NDArray[np.int64], NDArray[np.int64]]] = _compile(_union_postings)


def _phrase_postings(
    positions: tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp], NDArray[np.int8], NDArray[np.intp]],
    phrase_start: NDArray[np.int64],
    anchors: NDArray[np.int64],
    form_start: NDArray[np.int64],
    forms: NDArray[np.int64],
    gap_before: NDArray[np.int8],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """For each phrase, the papers (ascending, once each) where its words follow one another with the given gaps.
    `positions` (word_starts, by_word, ids, gaps, docs) is a positional index (rank.tokens.DayTokens). Phrase p has
    words phrase_start[p]:phrase_start[p + 1] (global word numbers); word w may be any of the word ids
    forms[form_start[w]:form_start[w + 1]], and gap_before[w] must follow the word before it. Each phrase is
    checked at the positions of its word anchors[p] (0-based within the phrase; its rarest), merged in position
    order; returns (the papers one phrase after another, where each phrase's start)."""
    word_starts, by_word, ids, gaps, docs = positions
    size = 0
    for p in range(len(anchors)):
        w = phrase_start[p] + anchors[p]
        for f in range(form_start[w], form_start[w + 1]):
            size += word_starts[forms[f] + 1] - word_starts[forms[f]]
    out = np.empty(size, dtype=np.int64)
    where = np.zeros(len(anchors) + 1, dtype=np.int64)
    at = 0
    for p in range(len(anchors)):
        first, length, anchor = phrase_start[p], phrase_start[p + 1] - phrase_start[p], anchors[p]
        anchor_forms = form_start[first + anchor + 1] - form_start[first + anchor]
        head = np.empty(anchor_forms, dtype=np.int64)
        end = np.empty(anchor_forms, dtype=np.int64)
        for k in range(anchor_forms):
            word = forms[form_start[first + anchor] + k]
            head[k], end[k] = word_starts[word], word_starts[word + 1]
        begin = at
        while True:
            best = smallest_head(head, end, by_word)
            if best < 0:
                break
            start = by_word[head[best]] - anchor
            head[best] += 1
            if start < 0 or start + length > len(ids):
                continue
            holds = True
            for k in range(length):  # a paper's last word is followed by GAP_OTHER: no phrase runs into the next
                if k and gaps[start + k - 1] != gap_before[first + k]:
                    holds = False
                    break
                if k != anchor:
                    found = False
                    for f in range(form_start[first + k], form_start[first + k + 1]):
                        found = found or forms[f] == ids[start + k]
                    if not found:
                        holds = False
                        break
            if holds and (at == begin or out[at - 1] != docs[start]):
                out[at] = docs[start]
                at += 1
        where[p + 1] = at
    return out[:at], where


phrase_postings: Callable[..., tuple[NDArray[np.int64], NDArray[np.int64]]] = _compile(_phrase_postings)
