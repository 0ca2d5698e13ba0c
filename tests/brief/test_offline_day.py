"""The offline provider over a real day (the demo snapshot): valid citations, every paper covered or listed, zh/en."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from importlib.resources import as_file, files

import numpy as np
import pytest

from academichub.brief import BriefingOptions, write_briefing
from academichub.brief.grounding import cited_keys
from academichub.brief.offline import OfflineProvider, write_extractive
from academichub.brief.providers import BriefPaper
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


def test_a_cross_field_link_names_only_terms_salient_in_the_pair(day):
    """The demo's cs.CV video-reasoning benchmark and cs.AI claim-verification paper both use "especially" and
    "evaluation" once in passing: the link names what one of their titles is about, not those words."""
    store, _digest, _papers, _vectors = day
    video = store.paper_by_key("arxiv:2606.27828")
    claims = store.paper_by_key("arxiv:2606.27736")
    assert video and claims
    pair = [
        BriefPaper(1, video, video.abstract, "cs.CV", np.ones(4, dtype=np.float32)),
        BriefPaper(2, claims, claims.abstract, "cs.AI", np.ones(4, dtype=np.float32)),
    ]
    text = write_extractive(pair, "en")
    link = next(line for line in text.splitlines() if line.startswith("- [1] (cs.CV) and [2] (cs.AI) both concern"))
    named = link.split("both concern ")[1].split(". **")[0].split(", ")
    assert named and "especially" not in named and "evaluation" not in named
    titles = f"{video.title} {claims.title}".lower()
    abstracts = (video.abstract.lower(), claims.abstract.lower())
    assert all(t in titles or min(a.count(t) for a in abstracts) >= 2 for t in named)
    unrelated = replace(claims, title="A note", abstract="We study especially hard cases. Evaluation follows.")
    quiet = [pair[0], BriefPaper(2, unrelated, unrelated.abstract, "math.CO", np.ones(4, dtype=np.float32))]
    assert "both concern" not in write_extractive(quiet, "en")  # nothing salient shared: no link claimed
