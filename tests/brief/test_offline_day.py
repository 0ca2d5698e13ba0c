"""The offline provider over a real day (the demo snapshot): valid citations, every paper covered or listed, zh/en."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from importlib.resources import as_file, files

import pytest

from academichub.brief import BriefingOptions, write_briefing
from academichub.brief.grounding import cited_keys
from academichub.brief.offline import OfflineProvider
from academichub.cli.render_briefing import briefing_markdown
from academichub.models import Radar
from academichub.pipeline import ingest_files
from academichub.pipeline.digest import build_digest
from academichub.pipeline.paper_vectors import embed_papers
from academichub.rank.embedders import HashingEmbedder
from academichub.store import open_store

DAY = dt.date(2026, 6, 29)


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('day') / 'd.db'}")
    with as_file(files("academichub.demo") / "2026-06-29.jsonl.gz") as path:
        ingest_files(store, [path])
    radar = store.save_radar(Radar(name="gen", description="diffusion models, language models and reasoning", size=25))
    digest = build_digest(store, HashingEmbedder(), radar, DAY)
    papers = [s.paper for s in digest.items]
    vectors = embed_papers(store, HashingEmbedder(), papers)
    yield store, digest, papers, vectors
    store.close()


def written(briefing):
    return [item for s in briefing.sections if s.kind != "uncovered" for item in s.items]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_offline_briefing_of_a_real_day_cites_only_supplied_papers_and_covers_all(day, language):
    store, digest, papers, vectors = day
    keys = [s.rank for s in digest.items]
    briefing = write_briefing(
        papers, OfflineProvider(), keys=keys, vectors=vectors, day=DAY, options=BriefingOptions(language=language)
    )
    g = briefing.grounding
    assert briefing.status == "ok" and len(papers) == 25
    assert g.invalid_keys == () and g.citations_valid == g.citations_total > 0
    assert set(cited_keys(" ".join(written(briefing)))) <= set(keys)
    assert set(g.covered_keys) | set(g.uncovered_keys) == set(keys)
    listed = next((s.items for s in briefing.sections if s.kind == "uncovered"), ())
    assert sorted(int(re.match(r"\[(\d+)\]", i).group(1)) for i in listed) == list(g.uncovered_keys)
    assert g.cited_claims == g.claims and not g.dropped_sentences
    kinds = [s.kind for s in briefing.sections]
    assert kinds[:3] == ["highlights", "themes", "connections"] and 3 <= len(briefing.sections[0].items) <= 5
    page = briefing_markdown(briefing)
    if language == "zh":
        assert all(h in page for h in ("## 要点", "## 主题", "## 跨领域关联", "## 方法、数据集与结果"))
        assert "都涉及" in page
    else:
        assert "## Highlights" in page and "## Cross-domain connections" in page and "要点" not in page


def test_quotes_are_verbatim_and_latex_survives(day):
    _store, _digest, papers, vectors = day
    latex = replace(papers[0], abstract="We prove a bound of $O(n^2 \\log n)$ for sorting networks. It is tight.")
    briefing = write_briefing([latex, *papers[1:4]], OfflineProvider(), vectors=vectors)
    assert "$O(n^2 \\log n)$" in " ".join(written(briefing))
    for quote in re.findall(r"“([^”]+)”", " ".join(written(briefing))):
        assert any(quote in p.abstract for p in [latex, *papers[1:4]])


def test_the_offline_briefing_is_cached_and_deterministic(day):
    store, digest, papers, vectors = day
    first = write_briefing(papers, OfflineProvider(), vectors=vectors, cache=store, day=DAY)
    again = write_briefing(papers, OfflineProvider(), vectors=vectors, cache=store, day=DAY)
    fresh = write_briefing(papers, OfflineProvider(), vectors=vectors)
    assert again.cached and again.sections == first.sections == fresh.sections
    assert store.briefings_for_day(DAY)[0].cache_key == first.cache_key
