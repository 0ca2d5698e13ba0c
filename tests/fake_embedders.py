"""An embedder for tests that watches the real one it wraps: what it was asked to encode, and optionally as slowly
as the bundled model runs on a busy machine (registered behind our Embedder interface like any other)."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from academichub.rank.embed import Embedder, Kind, ProgressFn
from academichub.rank.embedders import HashingEmbedder


class Counting:
    """`inner` (the hashing embedder by default), counting texts and calls; `seconds_per_text` adds a real wait
    (0.05: 20 texts a second, the bundled model's pace here when the machine is busy)."""

    def __init__(self, inner: Embedder | None = None, *, seconds_per_text: float = 0.0) -> None:
        self.inner: Embedder = inner or HashingEmbedder()
        self.name, self.dim = self.inner.name, self.inner.dim
        self.seconds_per_text = seconds_per_text
        self.texts = 0
        self.seen: list[str] = []
        self.calls: list[int] = []

    def encode(
        self, texts: Sequence[str], kind: Kind = "passage", *, progress: ProgressFn | None = None
    ) -> NDArray[np.float32]:
        self.texts += len(texts)
        self.seen += list(texts)
        self.calls.append(len(texts))
        time.sleep(self.seconds_per_text * len(texts))
        return self.inner.encode(texts, kind, progress=progress)
