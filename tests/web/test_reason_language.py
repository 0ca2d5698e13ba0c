""" "Why this paper" in the reader's language: the ranker writes each reason in English (CLI, e-mail, JSON) with
its names and figures kept beside it, and the pages say it from their catalogue in English or Chinese."""

from __future__ import annotations

import datetime as dt

import numpy as np
from starlette.testclient import TestClient

from academichub.models import Author, Paper, Radar, Reason
from academichub.rank.reasons import Evidence, ReasonCodes, reasons_at
from academichub.store import Store
from academichub.web.i18n import reason_text, translator
from web_demo_site import sign_up

KINDS = ["description", "seed", "aspect", "classifier", "keyword", "author", "category"]


def every_kind_of_reason(*, seed_named: bool = True) -> tuple[Reason, ...]:
    """One pick that earns every kind of reason (but the seed's, without `seed_named`), written by the ranker's own
    reasons_at."""
    radar = Radar(
        name="r", keywords=("graph networks", "proteins"), authors=("Ada Lovelace",), watch=("q-bio.BM", "cs.LG")
    )
    paper = Paper(
        keys=("x:1",), title="Folding with graph networks",
        abstract="Contact maps feed a graph network. It predicts folded structure.",
        authors=(Author("Ada Lovelace"), Author("B. Other")), categories=("q-bio.BM", "cs.LG"),
    )  # fmt: skip
    one = np.ones(1, dtype=np.float32)
    evidence = Evidence(
        radar=radar, description_vector=one, description_mean_std=(0.5, 0.1), seed_vectors=one[None, :],
        seed_titles=("AlphaFold explained",), liked_vectors=one[None, :],
        keywords={"graph networks": np.array([0]), "proteins": np.array([0])}, authors=np.array([0]),
    )  # fmt: skip
    named = np.array([True])
    codes = ReasonCodes(
        description=np.array([0.83], np.float32), description_named=named, seed=np.array([0.91], np.float32),
        seed_which=np.array([0]), seed_named=np.array([seed_named]), liked=np.array([0.87], np.float32),
        liked_named=named,
        keywords=np.array([[True, True]]), author=named, aspect_sentence=np.array([[0, 1]]),
    )  # fmt: skip
    return reasons_at(evidence, codes, 0, paper)


def test_every_kind_reads_in_english_as_the_ranker_wrote_it_and_in_chinese_otherwise() -> None:
    """The English is written twice (the ranker's text; the catalogue for pages): they must not drift apart."""
    reasons = every_kind_of_reason()
    assert [r.kind for r in reasons] == KINDS
    english, chinese = translator("en"), translator("zh")
    for reason in reasons:
        assert reason_text(english, reason) == reason.text
        assert reason_text(chinese, reason) != reason.text
    by_kind = {r.kind: reason_text(chinese, r) for r in reasons}
    assert by_kind["seed"] == "与您的种子论文“AlphaFold explained”相似"
    assert by_kind["keyword"] == "匹配关键词 “graph networks”、“proteins”"  # a list joined as Chinese joins it
    assert by_kind["category"] == "属于 q-bio.BM、cs.LG"
    assert {r.kind: r.text for r in reasons}["keyword"] == "matches “graph networks”, “proteins”"
    assert by_kind["author"] == "作者 Ada Lovelace（已关注）"
    assert by_kind["description"] == "与您的描述相近（0.83）"


def test_a_sentence_matching_the_seed_just_named_does_not_repeat_its_title() -> None:
    english, chinese = translator("en"), translator("zh")
    named = {r.kind: r for r in every_kind_of_reason()}
    assert named["aspect"].text == "“It predicts folded structure.” is close to one of that seed's sentences"
    assert reason_text(english, named["aspect"]) == named["aspect"].text
    assert reason_text(chinese, named["aspect"]) == "“It predicts folded structure.”与该种子论文中的一句相近"
    alone = {r.kind: r for r in every_kind_of_reason(seed_named=False)}
    assert "seed" not in alone  # the whole abstract is not close enough: the sentence names the seed itself
    assert (
        alone["aspect"].text
        == "“It predicts folded structure.” is close to a sentence of your seed “AlphaFold explained”"
    )
    assert (
        reason_text(chinese, alone["aspect"])
        == "“It predicts folded structure.”与您的种子论文“AlphaFold explained”中的一句相近"
    )


def test_a_reason_saved_without_its_values_still_reads_as_its_text() -> None:
    old = Reason("keyword", "matches “proteins”", 1.0)  # picks saved before reasons kept their values
    assert reason_text(translator("zh"), old) == "matches “proteins”"
    unknown = Reason("aspect", "“x” is close", values=(("sentence", "x"), ("title", "t"), ("variant", "newer")))
    assert reason_text(translator("zh"), unknown) == "“x” is close"  # a wording this version does not know


def test_saved_picks_keep_what_their_reasons_say_it_with(store: Store) -> None:
    paper = store.list_papers(limit=1)[0]
    radar = store.save_radar(Radar(name="kept"))
    reasons = every_kind_of_reason()
    store.save_digest(radar.id or 0, dt.date(2026, 6, 29), [(paper.id or 0, 1, 2.5, reasons)])
    ((_, _, _, again),) = store.digest_items(radar.id or 0, dt.date(2026, 6, 29))
    assert again == reasons


def test_the_daily_page_says_why_in_the_readers_language(client: TestClient) -> None:
    token = sign_up(client)
    chinese = client.get("/").text  # the interface starts in Chinese; the first radar has keywords
    assert "匹配关键词 “" in chinese and "matches “" not in chinese
    client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/"})
    english = client.get("/").text
    assert "matches “" in english and "匹配关键词" not in english
