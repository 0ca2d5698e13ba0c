"""Related papers on the paper page come from the per-process index: the same papers as an exact scan of
every stored vector, and a paper added later is found once the index notices it."""

from __future__ import annotations

from dataclasses import replace

from academichub.pipeline.paper_vectors import embed_papers
from academichub.rank.embedders import embedder_named
from academichub.rank.related import nearest_papers
from academichub.store import Store
from academichub.web.related import VectorIndex, related_papers


def test_related_papers_are_the_exact_nearest_stored_vectors(store: Store) -> None:
    embedder = embedder_named("hashing")
    papers = store.list_papers(limit=300)
    embed_papers(store, embedder, papers)
    ids, matrix = store.all_vectors(embedder.name)
    index = VectorIndex()
    for paper in papers[::40]:
        found = related_papers(store, embedder, index, paper)
        own = matrix[ids.index(paper.id or 0)]
        exact = nearest_papers(own, ids, matrix, k=8, exclude=frozenset({paper.id or 0}))
        assert [p.id for p, _ in found] == [pid for pid, _ in exact]
        assert [round(s, 5) for _, s in found] == [round(s, 5) for _, s in exact]


def test_a_paper_added_later_is_found_once_the_index_reloads(store: Store) -> None:
    embedder = embedder_named("hashing")
    papers = store.list_papers(limit=200)
    embed_papers(store, embedder, papers)
    index = VectorIndex()
    original = papers[0]
    assert related_papers(store, embedder, index, original)  # loads the index
    twin = replace(original, id=None, keys=("arxiv:2699.00001",), matches=(), title=original.title + " (twin)")
    saved, _ = store.save_papers([twin])
    embed_papers(store, embedder, saved)
    found = related_papers(store, embedder, index, original)
    assert found[0][0].id == saved[0].id and found[0][1] > 0.9
