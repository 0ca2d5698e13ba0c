"""The benchmark's implementation of CSFCube's official metrics, on rankings small enough to check by hand."""

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from csfcube_metrics import ndcg_at_k, pair_metrics  # noqa: E402


def test_ndcg_uses_linear_gains_and_method_zero_weights() -> None:
    # DCG@3 of [1, 3, 2]: ranks 1 and 2 both weigh 1, rank 3 weighs 1/log2(3); ideal [3, 2, 1].
    dcg = 1 + 3 + 2 / math.log2(3)
    ideal = 3 + 2 + 1 / math.log2(3)
    assert ndcg_at_k([1, 3, 2], 3) == pytest.approx(dcg / ideal)
    assert ndcg_at_k([0, 0], 2) == 0.0


def test_pair_metrics_binarise_at_grade_two_and_cut_ndcg_at_a_fifth_of_the_pool() -> None:
    grades = [0, 3, 1, 2, 0, 0, 0, 0, 0, 0]  # relevant (>= 2) at ranks 2 and 4; NDCG cut at 2
    m = pair_metrics(grades)
    assert m["map"] == pytest.approx((1 / 2 + 2 / 4) / 2)
    assert m["rprec"] == pytest.approx(2 / 4)  # official: precision at the last relevant rank
    assert m["rprec_textbook"] == pytest.approx(1 / 2)  # P@R with R = 2
    assert m["mrr"] == pytest.approx(1 / 2)
    assert m["recall20"] == 1.0 and m["p20"] == pytest.approx(2 / 10)
    assert m["ndcg20"] == pytest.approx((0 + 3) / (3 + 2))
