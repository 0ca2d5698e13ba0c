"""The bundled demo day (one real arXiv cs listing) as a ranking day, for rank and curate tests."""

import gzip
import json
from importlib.resources import files

from academichub.models import Author, Paper
from academichub.rank.day import DayIndex, index_day
from academichub.rank.embedders import HashingEmbedder
from academichub.rank.radar import paper_text


def demo_day(limit: int) -> DayIndex:
    """The first `limit` papers of the demo's arXiv day, indexed with hashing vectors."""
    data = gzip.decompress((files("academichub.demo") / "2026-06-29.jsonl.gz").read_bytes()).decode()
    rows = [json.loads(line) for line in data.splitlines() if line][:limit]
    papers = [
        Paper(keys=(f"arxiv:{r['id']}",), title=r["title"], abstract=r["summary"],
              authors=tuple(Author(a) for a in r["authors"]), categories=tuple(r["categories"]), id=i + 1)
        for i, r in enumerate(rows)
    ]  # fmt: skip
    return index_day(papers, HashingEmbedder().encode([paper_text(p) for p in papers]))
