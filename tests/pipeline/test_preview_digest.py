"""The radar preview ranks like the daily: same query, same signals (the aspect one too), same diverse selection."""

import datetime as dt
from importlib.resources import as_file, files
from pathlib import Path

import pytest

from academichub.errors import NotReadYet
from academichub.models import Radar
from academichub.pipeline import ingest_files, store_items
from academichub.pipeline.digest import PAGE_PAPER_BUDGET, build_digest, preview_digest
from academichub.pipeline.paper_vectors import embed_papers
from academichub.pipeline.seeds import PAGE_SEED_BUDGET
from academichub.pipeline.sentence_vectors import SUFFIX, embed_paper_sentences
from academichub.rank.embedders import HashingEmbedder
from academichub.rank.sentences import split_sentences
from academichub.store import open_store
from digest_builders import arxiv_item
from fake_embedders import Counting

OLD, MON = dt.date(2026, 5, 4), dt.date(2026, 6, 29)
SEED = (
    "Contact maps of protein residues feed a graph network that predicts folded structure. "
    "We benchmark on thousands of chains drawn from the Protein Data Bank."
)
DAY = [
    ("Dwarf galaxy star formation",
     "Star formation histories of dwarf galaxies are reconstructed from deep photometry. "
     "Contact maps of protein residues feed a graph network that predicts folded structure. "
     "Stellar populations are fitted with a hierarchical Bayesian model over the whole survey."),
    ("Galaxy cluster lensing",
     "Galaxy cluster lensing maps dark matter in galaxies. Shear catalogues constrain the mass of the cluster halo."),
    ("Galaxy rotation curves",
     "Rotation curves of spiral galaxies trace their dark halos. Gas kinematics come from radio surveys of galaxies."),
    ("Robot grasping", "Robot grasping policies learn from tactile sensing. Grippers close on unseen objects."),
    ("Quantum codes", "Quantum error correction codes protect logical qubits. Surface codes reach a threshold."),
]  # fmt: skip


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    store_items(s, [arxiv_item(1, OLD, "Folding proteins with graph networks", SEED)])
    store_items(s, [arxiv_item(2 + i, MON, title, abstract) for i, (title, abstract) in enumerate(DAY)])
    yield s
    s.close()


@pytest.fixture
def demo_store(tmp_path):
    """The bundled real arXiv day (230 papers) in a real SQLite file."""
    s = open_store(f"sqlite:///{tmp_path / 'demo.db'}")
    with as_file(files("academichub.demo")) as snapshot:
        ingest_files(s, [Path(snapshot) / "2026-06-29.jsonl.gz"])
    yield s
    s.close()


def shown(items):
    return [(s.paper.title, [(r.kind, r.text) for r in s.reasons]) for s in items]


def test_the_preview_of_a_seeded_radar_is_the_daily_its_saved_copy_gets(store):
    unsaved = Radar(name="galaxies", description="galaxies", seeds=("arxiv:2606.00001",), size=4)
    daily = build_digest(store, HashingEmbedder(), store.save_radar(unsaved), MON)  # stores the day's sentences
    preview = preview_digest(store, HashingEmbedder(), unsaved, MON)
    assert shown(preview.items) == shown(daily.items)
    assert preview.items[0].paper.title == "Dwarf galaxy star formation"
    assert any(r.kind == "aspect" and "Contact maps of protein residues" in r.text for r in preview.items[0].reasons)


def test_an_imported_seed_text_changes_the_preview(store):
    plain = Radar(name="galaxies", description="galaxies", size=4)
    with_library = Radar(name="galaxies", description="galaxies", seed_texts=(SEED,), size=4)
    embed_paper_sentences(store, HashingEmbedder(), store.list_papers(day=MON))  # as the daily job's embed stage
    before = preview_digest(store, HashingEmbedder(), plain, MON)
    after = preview_digest(store, HashingEmbedder(), with_library, MON)
    assert before.items[0].paper.title != "Dwarf galaxy star formation"
    assert after.items[0].paper.title == "Dwarf galaxy star formation"  # it shares a sentence with the imported seed
    assert any(r.kind == "aspect" for r in after.items[0].reasons)


def test_the_preview_saves_no_picks_and_never_shows_a_seed(demo_store):
    seed = demo_store.list_papers(day=MON, limit=1)[0]
    radar = Radar(name="seeded", description="language model reasoning", seeds=(seed.keys[0],), size=10)
    preview = preview_digest(demo_store, HashingEmbedder(), radar, MON)
    assert len(preview.items) == 10 and seed.id not in {s.paper.id for s in preview.items}
    saved = demo_store.save_radar(radar)
    assert demo_store.digest_items(saved.id or 0, MON) == []  # the preview stored nothing for this radar


def test_on_a_real_day_the_preview_lists_the_daily_in_order_with_the_same_reasons(demo_store):
    seeds = tuple(p.keys[0] for p in demo_store.list_papers(day=MON, limit=40)[20:22])
    radar = Radar(name="mixed", description="用大语言模型做数学推理", keywords=("reasoning",), seeds=seeds, size=12)
    daily = build_digest(demo_store, HashingEmbedder(), demo_store.save_radar(radar), MON)
    preview = preview_digest(demo_store, HashingEmbedder(), radar, MON)
    assert len(daily.items) == 12 and shown(preview.items) == shown(daily.items)
    assert preview.candidates == daily.candidates


def test_before_the_daily_job_the_preview_encodes_no_sentences_and_says_it_ranks_without_them(store):
    radar = Radar(name="galaxies", description="galaxies", seeds=("arxiv:2606.00001",), size=4)
    preview = preview_digest(store, HashingEmbedder(), radar, MON)
    day_ids = [p.id or 0 for p in store.list_papers(day=MON)]
    assert store.vectors_for(day_ids, HashingEmbedder().name + SUFFIX) == {}  # a page never waits on encoding
    assert not any(r.kind == "aspect" for s in preview.items for r in s.reasons)
    assert any("sentence by sentence" in note for note in preview.notes)
    daily = build_digest(store, HashingEmbedder(), store.save_radar(radar), MON)
    assert not any("sentence by sentence" in note for note in daily.notes)


def test_a_page_reads_a_few_seeds_of_a_large_library_and_says_how_many_it_left_out(store):
    """A page (preview, first view) must answer now: of 10 imported papers it reads PAGE_SEED_BUDGET (their vectors
    and sentences); the daily run reads the rest, and then nothing is said."""
    library = tuple(
        f"We survey dwarf galaxies in field {n} of the sky. Dwarf galaxies are counted in every field we observe. "
        "Halos are fitted with profiles."
        for n in range(10)
    )
    radar = Radar(name="galaxies", description="galaxies", seed_texts=library, size=4)
    embed_papers(store, HashingEmbedder(), store.list_papers(day=MON))  # the day itself is embedded already
    counting = Counting()
    preview = preview_digest(store, counting, radar, MON)
    left_out = [n for n in preview.notes if n.key == "seeds_unread"]
    assert left_out == [f"ranked without {10 - PAGE_SEED_BUDGET} of your seed papers, not read yet (an imported "
                        "library is read in the background, and every daily run reads what is left)"]  # fmt: skip
    sentences = sum(len(split_sentences(t)) for t in library[:PAGE_SEED_BUDGET])
    assert sentences >= 2 * PAGE_SEED_BUDGET
    assert counting.texts == 1 + PAGE_SEED_BUDGET + sentences  # the description, 3 seeds' vectors and sentences
    daily = build_digest(store, counting, store.save_radar(radar), MON)
    assert not any(n.key == "seeds_unread" for n in daily.notes)
    assert not any(n.key == "seeds_unread" for n in preview_digest(store, counting, radar, MON).notes)


def test_a_page_does_not_wait_while_the_day_is_being_read(demo_store):
    """Reading 166 papers at 20 a second would keep a page ~8 s: it reads PAGE_PAPER_BUDGET, judges the rest too
    slow and says the day is not read yet; once the daily job has read it, the page ranks it without waiting."""
    radar = Radar(name="llm", description="language model reasoning", size=5)
    day = demo_store.list_papers(day=MON, limit=1000)
    with pytest.raises(NotReadYet) as raised:
        preview_digest(demo_store, Counting(seconds_per_text=0.05), radar, MON)
    assert (raised.value.read, raised.value.total) == (PAGE_PAPER_BUDGET, len(day))
    assert len(demo_store.vectors_for([p.id or 0 for p in day], HashingEmbedder().name)) == PAGE_PAPER_BUDGET  # kept
    embed_papers(demo_store, HashingEmbedder(), day)  # the daily job reads the day
    slow = Counting(seconds_per_text=0.05)
    assert len(preview_digest(demo_store, slow, radar, MON).items) == 5
    assert slow.texts == 1  # nothing left to encode but the description


def test_reading_an_imported_library_reports_its_progress(store):
    """`academichub daily` shows a progress bar while it encodes; an imported library's texts count in it."""
    library = tuple(f"Seed {n}: we count dwarf galaxies in survey field {n} of the sky." for n in range(7))
    radar = store.save_radar(Radar(name="library", description="galaxies", seed_texts=library, size=2))
    embed_papers(store, HashingEmbedder(), store.list_papers(day=MON))  # the day itself is read already
    reports: list[tuple[int, int]] = []
    build_digest(store, HashingEmbedder(), radar, MON, progress=lambda done, total: reports.append((done, total)))
    assert (7, 7) in reports
