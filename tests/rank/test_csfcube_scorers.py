import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from csfcube_scorers import (  # noqa: E402
    ScoreWeights,
    centroid_scores,
    combine_scores,
    rank_indices,
    score_candidates,
    zscore,
)


def test_zscore_centres_and_scales_and_leaves_constant_signals_neutral() -> None:
    z = zscore(np.array([1.0, 2.0, 3.0]))
    assert z.mean() == pytest.approx(0.0) and z.std() == pytest.approx(1.0)
    assert zscore(np.array([5.0, 5.0])).tolist() == [0.0, 0.0]


def test_combination_is_scale_free_and_weights_decide_the_winner() -> None:
    bm25 = np.array([30.0, 10.0, 0.0])  # lexical favours doc 0
    dense = np.array([0.80, 0.90, 0.70])  # dense favours doc 1
    lexical_heavy = ScoreWeights(bm25=0.8, dense=0.2)
    dense_heavy = ScoreWeights(bm25=0.2, dense=0.8)
    signals = {"bm25": bm25, "dense": dense}
    assert rank_indices(score_candidates(lexical_heavy, signals, n=3)).tolist() == [0, 1, 2]
    assert rank_indices(score_candidates(dense_heavy, signals, n=3)).tolist() == [1, 0, 2]
    # multiplying BM25 by 1000 changes nothing: signals are z-scored within the candidate set
    rescaled = {"bm25": bm25 * 1000, "dense": dense}
    assert score_candidates(dense_heavy, rescaled, n=3) == pytest.approx(score_candidates(dense_heavy, signals, n=3))


def test_absent_signals_are_skipped_and_mismatched_lengths_are_refused() -> None:
    weights = ScoreWeights(bm25=1.0, dense=1.0, classifier=5.0).first_stage()
    assert combine_scores(weights, {"bm25": np.array([1.0, 0.0])}, 2) == pytest.approx([1.0, -1.0])
    with pytest.raises(ValueError, match="bm25"):
        combine_scores(weights, {"bm25": np.array([1.0])}, 2)


def test_rank_indices_is_stable_on_ties() -> None:
    assert rank_indices(np.array([0.5, 0.9, 0.5, 0.9])).tolist() == [1, 3, 0, 2]


def test_feedback_pulls_up_neighbours_of_the_first_pass_top() -> None:
    docs = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [0.8, 0.6]], dtype=np.float32)
    first_pass = {"dense": np.array([0.9, 0.1, 0.4, 0.5])}  # doc 0 on top; doc 3 is its nearer neighbour
    assert centroid_scores(docs, [0]) == pytest.approx([1.0, 0.0, 0.6, 0.8])
    plain = score_candidates(ScoreWeights(bm25=0.0, dense=1.0), first_pass, n=4, docs=docs, top_k=1)
    with_feedback = score_candidates(
        ScoreWeights(bm25=0.0, dense=1.0, feedback_dense=2.0), first_pass, n=4, docs=docs, top_k=1
    )
    assert rank_indices(plain).tolist() == [0, 3, 2, 1]
    assert with_feedback[3] - with_feedback[2] > plain[3] - plain[2]
    assert score_candidates(ScoreWeights(), {}, n=0).shape == (0,)
