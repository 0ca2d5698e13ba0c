"""A long embedding job saves as it goes: killed halfway, it keeps what it encoded and a rerun encodes the rest."""

import datetime as dt

import pytest

from academichub.models import AnnounceType, Author, RawItem
from academichub.pipeline import store_items
from academichub.pipeline.paper_vectors import SAVE_EVERY, embed_papers
from academichub.pipeline.sentence_vectors import SAVE_EVERY as SENTENCE_SAVE_EVERY
from academichub.pipeline.sentence_vectors import SUFFIX, embed_paper_sentences
from academichub.rank.embedders import HashingEmbedder
from academichub.store import open_store

DAY = dt.date(2026, 6, 29)


class Crashing(HashingEmbedder):
    """Encodes `allowed` texts, then fails like a process killed mid-batch; counts what it encoded."""

    def __init__(self, allowed: int) -> None:
        super().__init__()
        self.allowed, self.encoded = allowed, 0

    def encode(self, texts, kind="passage", *, progress=None):
        if self.encoded + len(texts) > self.allowed:
            raise KeyboardInterrupt("killed")
        self.encoded += len(texts)
        return super().encode(texts, kind, progress=progress)


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    items = [
        RawItem(source="arxiv-rss", title=f"Paper {n} on graphs", authors=(Author("A B"),), arxiv_id=f"2606.{n:05d}",
                abstract=f"We study graph number {n}. Our second sentence differs: {n * 7}.", announced=DAY,
                announce_type=AnnounceType.NEW, categories=("cs.LG",), listing="cs.LG")
        for n in range(SAVE_EVERY * 2 + 10)
    ]  # fmt: skip
    store_items(s, items)
    yield s
    s.close()


def test_a_killed_paper_embedding_keeps_the_saved_chunks_and_a_rerun_encodes_only_the_rest(store):
    papers = store.list_papers(day=DAY, limit=10_000)
    with pytest.raises(KeyboardInterrupt):
        embed_papers(store, Crashing(allowed=SAVE_EVERY + 5), papers)
    kept = store.vectors_for([p.id or 0 for p in papers], HashingEmbedder().name)
    assert len(kept) == SAVE_EVERY  # the first chunk was saved before the crash
    rerun = Crashing(allowed=10**6)
    vectors = embed_papers(store, rerun, papers)
    assert rerun.encoded == len(papers) - SAVE_EVERY and len(vectors) == len(papers)


def test_a_killed_sentence_embedding_keeps_the_saved_chunks(store):
    papers = store.list_papers(day=DAY, limit=10_000)
    per_chunk = 2 * SENTENCE_SAVE_EVERY  # two sentences a paper
    with pytest.raises(KeyboardInterrupt):
        embed_paper_sentences(store, Crashing(allowed=per_chunk + 3), papers)
    kept = store.vectors_for([p.id or 0 for p in papers], HashingEmbedder().name + SUFFIX)
    assert len(kept) == SENTENCE_SAVE_EVERY
    rerun = Crashing(allowed=10**6)
    blocks = embed_paper_sentences(store, rerun, papers)
    assert rerun.encoded == 2 * (len(papers) - SENTENCE_SAVE_EVERY) and len(blocks) == len(papers)


def test_progress_counts_over_the_whole_job_not_each_chunk(store):
    papers = store.list_papers(day=DAY, limit=10_000)
    seen: list[tuple[int, int]] = []
    embed_papers(store, HashingEmbedder(), papers, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (len(papers), len(papers))
    assert all(total == len(papers) for _, total in seen) and [d for d, _ in seen] == sorted(d for d, _ in seen)
