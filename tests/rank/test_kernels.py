"""The ranking's compiled loops against the numpy they replace."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from academichub.rank.kernels import NO_MASKS, add_z_scored


def test_z_scores_are_added_to_the_target_rows_and_a_flat_row_adds_nothing() -> None:
    rng = np.random.default_rng(5)
    source = rng.standard_normal((4, 300)).astype(np.float32)
    source[2] = 7.0  # flat: no spread, no signal
    total = rng.standard_normal((6, 300)).astype(np.float32)
    before = total.copy()
    targets = np.array([5, 0, 3, 1], dtype=np.int64)
    mean, std = add_z_scored(source, total, targets, 0.3, 1e-9, np.zeros(0, dtype=np.float32), NO_MASKS)
    np.testing.assert_allclose(mean, source.astype(np.float64).mean(axis=1), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(std, source.astype(np.float64).std(axis=1), rtol=1e-5, atol=1e-6)
    for i, target in enumerate(targets.tolist()):
        added = 0.3 * source[i] / std[i] if std[i] > 1e-9 else 0.0  # the z-score less its constant
        np.testing.assert_allclose(total[target] - before[target], added, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(total[[2, 4]], before[[2, 4]])  # rows no source row targets


def test_a_shift_is_added_to_every_target_row_flat_or_not() -> None:
    rng = np.random.default_rng(6)
    source = rng.standard_normal((3, 200)).astype(np.float32)
    source[1] = 0.0  # flat: only the shift
    total = np.zeros((3, 200), dtype=np.float32)
    shift = -0.5 * rng.random(200).astype(np.float32)
    _, std = add_z_scored(source, total, np.arange(3, dtype=np.int64), 0.3, 1e-9, shift, NO_MASKS)
    for i in range(3):
        added = 0.3 * source[i] / std[i] if std[i] > 1e-9 else 0.0
        np.testing.assert_allclose(total[i], added + shift, rtol=1e-5, atol=1e-6)


REPO_SRC = Path(__file__).resolve().parents[2] / "src"
RANK_SOMETHING = (
    "import numpy as np; from academichub.rank.topk import top_columns; "
    "block = np.arange(40000, dtype=np.float32).reshape(2, 20000); print(top_columns(block, 3)[1].tolist())"
)


def _read_only_mount(target: Path) -> bool:
    """Binds the source tree read-only at `target` (root, and a kernel that allows it); False where it cannot."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    bound = subprocess.run(["mount", "--bind", str(REPO_SRC), str(target)], capture_output=True).returncode == 0
    if bound and subprocess.run(["mount", "-o", "remount,ro,bind", str(target)], capture_output=True).returncode:
        subprocess.run(["umount", str(target)], capture_output=True)
        return False
    return bound


def test_a_read_only_install_without_a_writable_home_still_ranks(tmp_path: Path) -> None:
    """numba refuses to cache where no directory is writable; the loops then compile in each process instead of
    the import failing (a self-hosted service on a read-only system, run by a user without a home)."""
    target = tmp_path / "src"
    target.mkdir()
    if not _read_only_mount(target):
        pytest.skip("needs root and a read-only bind mount to build a read-only install")
    try:
        assert _is_read_only(target)
        env = {**os.environ, "PYTHONPATH": str(target), "HOME": "/proc/no-home", "XDG_CACHE_HOME": "/proc/no-cache"}
        env.pop("NUMBA_CACHE_DIR", None)
        done = subprocess.run([sys.executable, "-c", RANK_SOMETHING], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip() == "[19999, 19998, 19997]"  # the best columns of the second row
    finally:
        subprocess.run(["umount", str(target)], capture_output=True)


def _is_read_only(path: Path) -> bool:
    try:
        (path / "probe").touch()
    except OSError:
        return True
    (path / "probe").unlink()
    return False


def test_offsets_mark_where_each_ragged_part_starts_and_the_last_ends() -> None:
    from academichub.rank.kernels import offsets

    assert offsets([2, 0, 3]).tolist() == [0, 2, 2, 5]
    assert offsets([]).tolist() == [0]  # no parts: one end, at 0
    assert offsets(np.array([1, 1], dtype=np.intp)).dtype == np.int64


def test_a_masked_row_is_z_scored_over_the_columns_its_mask_keeps_and_added_to_every_column() -> None:
    rng = np.random.default_rng(8)
    source = rng.standard_normal((3, 500)).astype(np.float32)
    source[0, :100] += 5.0  # the masked-out columns sit far off: z over all columns would differ
    masks = rng.random((3, 500)) < 0.6
    masks[0, :100] = False
    masks[2] = False  # a radar that may show nothing: no spread, nothing added
    total = np.zeros((3, 500), dtype=np.float32)
    mean, std = add_z_scored(source, total, np.arange(3, dtype=np.int64), 0.3, 1e-9, np.zeros(0, np.float32), masks)
    for i in range(2):
        kept = source[i, masks[i]].astype(np.float64)
        assert mean[i] == pytest.approx(kept.mean(), abs=1e-6) and std[i] == pytest.approx(kept.std(), rel=1e-5)
        np.testing.assert_allclose(total[i], 0.3 * source[i] / std[i], rtol=1e-5, atol=1e-6)
    assert std[0] < source[0].std() - 1.0  # not the whole row's spread
    assert std[2] == 0.0 and not total[2].any()


def test_z_rows_scales_each_target_row_in_place_by_its_weight_over_its_masked_std() -> None:
    from academichub.rank.kernels import z_rows

    rng = np.random.default_rng(11)
    total = rng.standard_normal((4, 300)).astype(np.float32) + 2.0
    total[3] = 1.5  # flat: scaled to nothing
    before = total.copy()
    masks = rng.random((4, 300)) < 0.5
    targets = np.array([1, 3], dtype=np.int64)
    mean, std = z_rows(total, targets, np.array([0.5, 0.7]), 1e-9, masks)
    kept = before[1, masks[1]].astype(np.float64)
    assert mean[0] == pytest.approx(kept.mean(), abs=1e-6) and std[0] == pytest.approx(kept.std(), rel=1e-5)
    np.testing.assert_allclose(total[1], 0.5 * before[1] / std[0], rtol=1e-5, atol=1e-6)
    assert std[1] == 0.0 and not total[3].any()
    np.testing.assert_array_equal(total[[0, 2]], before[[0, 2]])  # rows not targeted
    unmasked, _ = z_rows(before.copy(), np.array([0], dtype=np.int64), np.array([1.0]), 1e-9, NO_MASKS)
    assert unmasked[0] == pytest.approx(before[0].astype(np.float64).mean(), abs=1e-6)  # no masks: every column


def test_hide_masked_sets_what_each_rows_mask_leaves_out_to_minus_infinity_and_keeps_the_rest() -> None:
    from academichub.rank.kernels import hide_masked

    rng = np.random.default_rng(13)
    total = rng.standard_normal((5, 400)).astype(np.float32)
    masks = rng.random((5, 400)) < 0.7
    masks[3] = True  # a radar that may show everything
    expected = np.where(masks, total, -np.inf).astype(np.float32)
    hide_masked(total, masks)
    np.testing.assert_array_equal(total, expected)
