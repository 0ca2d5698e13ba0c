"""CSFCube through the product's own ranker: each query paper becomes a one-seed radar and is ranked by
academichub.rank.radar.rank_radars exactly as the daily run ranks a radar.

The "day" is the whole collection (4,205 papers, about one real arXiv day), indexed once with index_day; each
(query, facet) pair is a radar whose seed is the query paper (its passage vector, title and abstract) and which may
show only its judged pool (RadarQuery.allowed), the query itself excluded. Each paper's abstract is split into
sentences by the product's splitter and each sentence encoded once (cached), for the aspect signal. Scores come back
per pool in the pool's order, so they drop into the same evaluation as every other row."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from academichub.models import Paper, Radar
from academichub.rank.aspects import SentenceRows
from academichub.rank.radar import RadarQuery, RadarWeights, index_day, rank_radars
from csfcube_data import Collection
from csfcube_signals import Dense

Pair = tuple[str, str]
NOT_RANKED = -1e9  # a pool paper the ranker did not return (it returns every allowed paper, so none expected)


class ProductRanker:
    """One day index over the collection; `scores(weights)` ranks all 50 one-seed radars in one call."""

    def __init__(self, coll: Collection, dense: Dense) -> None:
        self.coll = coll
        self.pids = sorted(coll.papers)
        self.row = {p: i for i, p in enumerate(self.pids)}
        papers = [
            Paper(keys=(f"csfcube:{p}",), title=coll.papers[p].title, abstract=coll.papers[p].abstract, id=i + 1)
            for i, p in enumerate(self.pids)
        ]
        self.aspects = bool(dense.sentences)  # False when the sentence vectors are not cached
        sentences = SentenceRows.of([dense.sentences[p] for p in self.pids], 384) if self.aspects else None
        self.day = index_day(papers, dense.rows(self.pids), sentences)
        self.queries = [self._radar(key, dense) for key in coll.pools]

    def _radar(self, key: Pair, dense: Dense) -> RadarQuery:
        seed = self.coll.papers[key[0]]
        allowed = np.zeros(len(self.pids), dtype=bool)
        allowed[[self.row[c] for c in self.coll.pools[key][0]]] = True
        allowed[self.row[key[0]]] = False
        return RadarQuery(
            radar=Radar(name=f"{key[0]}-{key[1]}", seeds=(f"csfcube:{key[0]}",)),
            seed_vectors=dense.passage[key[0]][None, :].astype(np.float32),
            seed_titles=[seed.title],
            seed_texts=[seed.text],
            seed_sentences=[dense.sentences[key[0]]] if dense.sentences else (),
            allowed=allowed,
        )

    def scores(self, weights: RadarWeights) -> dict[Pair, NDArray[np.float64]]:
        out: dict[Pair, NDArray[np.float64]] = {}
        for key, ranked in zip(self.coll.pools, rank_radars(self.day, self.queries, weights), strict=True):
            by_row = np.full(len(self.pids), NOT_RANKED)
            for picked in ranked:
                by_row[(picked.paper.id or 0) - 1] = picked.score
            out[key] = by_row[[self.row[c] for c in self.coll.pools[key][0]]]
        return out
