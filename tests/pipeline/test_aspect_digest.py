"""The aspect signal in the daily build: seed sentences matched to the day's sentences, stored once, named."""

import datetime as dt

import pytest

from academichub.models import Radar
from academichub.pipeline import store_items
from academichub.pipeline.digest import build_digest
from academichub.pipeline.sentence_vectors import SUFFIX
from academichub.rank.embedders import HashingEmbedder
from academichub.store import open_store
from digest_builders import arxiv_item
from fake_embedders import Counting

OLD, MON = dt.date(2026, 5, 4), dt.date(2026, 6, 29)
SEED = (
    "Contact maps of protein residues feed a graph network that predicts folded structure. "
    "We benchmark on thousands of chains drawn from the Protein Data Bank."
)
SHARES_ONE_SENTENCE = (
    "Star formation histories of dwarf galaxies are reconstructed from deep photometry. "
    "Contact maps of protein residues feed a graph network that predicts folded structure. "
    "Stellar populations are fitted with a hierarchical Bayesian model over the whole survey."
)
OTHERS = [
    "Robot grasping policies learn from tactile sensing. Grippers close on unseen household objects.",
    "Quantum error correction codes protect logical qubits. Surface codes reach a threshold under noise.",
    "Language model alignment uses human preference data. Reward models score candidate answers.",
    "Galaxy cluster lensing maps dark matter. Shear catalogues constrain the mass of the cluster halo.",
]


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    store_items(s, [arxiv_item(1, OLD, "Folding proteins with graph networks", SEED)])
    store_items(s, [arxiv_item(2, MON, "Dwarf galaxy star formation", SHARES_ONE_SENTENCE)])
    store_items(s, [arxiv_item(3 + i, MON, text.split(".")[0], text) for i, text in enumerate(OTHERS)])
    yield s
    s.close()


def test_a_paper_sharing_one_sentence_with_the_seed_says_which(store):
    radar = store.save_radar(Radar(name="folding", seeds=("arxiv:2606.00001",), size=3))
    digest = build_digest(store, HashingEmbedder(), radar, MON)
    top = digest.items[0]
    assert top.paper.title == "Dwarf galaxy star formation"
    aspect = [r for r in top.reasons if r.kind == "aspect"]
    assert len(aspect) == 1
    assert "Contact maps of protein residues" in aspect[0].text
    assert "“Folding proteins with graph networks”" in aspect[0].text
    others = [s for s in digest.items[1:] if any(r.kind == "aspect" for r in s.reasons)]
    assert others == []  # no sentence of theirs is close to the seed's: nothing is named


def test_sentence_vectors_are_encoded_once_and_only_for_radars_with_seeds(store):
    plain = store.save_radar(Radar(name="plain", description="galaxies", size=3))
    embedder = Counting()
    build_digest(store, embedder, plain, MON)
    day_ids = [p.id for p in store.list_papers(day=MON)]
    assert store.vectors_for(day_ids, embedder.name + SUFFIX) == {}  # nothing to match: no sentences encoded
    seeded = store.save_radar(Radar(name="seeded", seeds=("arxiv:2606.00001",), size=3))
    build_digest(store, embedder, seeded, MON)
    stored = store.vectors_for(day_ids, embedder.name + SUFFIX)
    assert set(stored) == set(day_ids)
    assert len(stored[day_ids[0]][0]) % embedder.dim == 0 and len(stored[day_ids[0]][0]) >= embedder.dim
    before = embedder.texts
    store.save_radar(Radar(name="seeded again", seeds=("arxiv:2606.00001",), size=3))
    build_digest(store, embedder, store.radar_by_name("seeded again"), MON)
    assert embedder.texts - before <= 1  # the description only: paper and seed sentences come from the store


def test_a_seed_announced_on_the_day_is_not_picked_for_its_own_radar(store):
    store_items(store, [arxiv_item(9, MON, "Folding proteins with graph networks, the sequel", SEED)])
    radar = store.save_radar(Radar(name="own seed", seeds=("arxiv:2606.00009",), size=5))
    picked = {s.paper.identifier("arxiv") for s in build_digest(store, HashingEmbedder(), radar, MON).items}
    assert "2606.00009" not in picked
    assert "2606.00002" in picked  # the paper sharing its sentence still is


def test_library_texts_match_by_sentence_and_only_twenty_seeds_are_encoded(store):
    filler = [f"Unrelated library entry {i} on topic number {i} of a long reading list." for i in range(30)]
    radar = store.save_radar(Radar(name="library", seed_texts=(SEED, *filler), size=3))
    embedder = Counting()
    digest = build_digest(store, embedder, radar, MON)
    top = digest.items[0]
    assert top.paper.title == "Dwarf galaxy star formation"
    assert any(r.kind == "aspect" and "Contact maps of protein residues" in r.text for r in top.reasons)
    encoded = embedder.seen
    assert all(encoded.count(f) == 2 for f in filler[:19])  # seeds 2-20: a whole vector and one sentence
    assert all(encoded.count(f) == 1 for f in filler[19:])  # seeds past the 20th: the whole vector only
    again = Counting()
    build_digest(store, again, store.save_radar(Radar(name="library 2", seed_texts=(SEED, *filler), size=3)), MON)
    assert again.texts == 0  # seed texts and day sentences come from the store now
