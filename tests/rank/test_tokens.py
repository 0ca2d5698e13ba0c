import re

import numpy as np
import pytest

from academichub.models import Paper
from academichub.rank.day import index_day
from academichub.rank.keywords import keyword_hits_block, phrase_hits
from academichub.rank.matching import fold
from academichub.rank.text import tokenize

PAPERS = [
    ("Real-World Multi-Agent Systems", "We study real-world agents. Multi-agents and multi agent set-ups differ."),
    ("Fine-tuning", "Fine-tunings of state-of-the-art models: the state of the art."),
    ("Real", "World models; real world-models and real-worlds."),
    ("Schrödinger bridges for real-world data", "A multi-agent view of the Schrödinger problem."),
    ("Title ends with real", "world begins the abstract: a phrase across the join."),
    ("Title ends with real-", "world after a dangling hyphen; x-ray and x-rays, e-commerce."),
    ("", "Only an abstract about fine tuning and multi-agent reinforcement learning."),
    ("Multi-agent", ""),
    ("Łódź models", "The łódź-model and naïve Bayes for real-world data."),
    ("α-helix bundles", "Real–world proteins (an en dash) and real-world ones; x²-ray, fine-tuning β-sheets."),
]
TERMS = ["real-world", "Real World", "multi-agent", "multi agent", "fine-tuning", "fine tuning", "state-of-the-art",
         "state of the art", "x-ray", "e-commerce", "world models", "real-world data", "agent set-ups",
         "ends with real", "real world-models", "multi-agent reinforcement learning",
         "nowhere to-be-found", "naive bayes", "lodz-model", "odz model", "helix bundles", "real world proteins",
         "x2-ray", "fine-tuning beta", "models", "schrodinger", "naive", "lodz", "world", "x"]  # fmt: skip


@pytest.fixture(scope="module")
def day():
    papers = [Paper(keys=(f"t:{i}",), title=t, abstract=a, id=i + 1) for i, (t, a) in enumerate(PAPERS)]
    return index_day(papers, np.zeros((0, 0), dtype=np.float32))


def scan(day, term):
    """The definition: every paper whose folded text holds the phrase as whole words (plural allowed)."""
    words = r"\s+".join(re.escape(w) for w in fold(term).split())
    pattern = re.compile(rf"(?<![^\W_]){words}(?:s|es)?(?![^\W_])")
    return [i for i, p in enumerate(day.papers) if pattern.search(" ".join(fold(f"{p.title} {p.abstract}").split()))]


@pytest.mark.parametrize("term", TERMS)
def test_positional_phrase_hits_equal_a_regex_scan(day, term):
    assert phrase_hits(day, term).tolist() == scan(day, term)


def test_one_word_keywords_found_together_equal_a_regex_scan():
    """keyword_hits_block finds a block's one-word keywords in one merge of their postings (plurals included)."""
    papers = [Paper(keys=(f"t:{i}",), title=t, abstract=a, id=i + 1) for i, (t, a) in enumerate(PAPERS)]
    fresh = index_day(papers, np.zeros((0, 0), dtype=np.float32))
    radars = [["real", "World", "agent", "model", "x"], ["tuning", "the", "bayes", "nowhere", "schrodinger", "Real"]]
    found = keyword_hits_block(fresh, radars)
    assert [list(hits) for hits in found] == radars  # each radar's keywords, as given
    for hits in found:
        for word, papers_found in hits.items():
            assert papers_found.tolist() == scan(fresh, word), word
    assert found[0]["model"].tolist() == [1, 2, 8]  # "models" counts, as a phrase's last word may be plural
    assert found[1]["schrodinger"].tolist() == [3]  # "Schrödinger", folded


def test_a_blocks_phrases_found_together_equal_a_regex_scan():
    """keyword_hits_block checks a block's new multi-word and hyphenated keywords in one compiled pass."""
    papers = [Paper(keys=(f"t:{i}",), title=t, abstract=a, id=i + 1) for i, (t, a) in enumerate(PAPERS)]
    fresh = index_day(papers, np.zeros((0, 0), dtype=np.float32))
    radars = [TERMS[::2], TERMS[1::2], ["Real-World", "c++ code", "  ", "naïve Bayes"]]
    found = keyword_hits_block(fresh, radars)
    for radar, hits in zip(radars, found, strict=True):
        assert list(hits) == radar
        for term, papers_found in hits.items():
            assert papers_found.tolist() == (scan(fresh, term) if term.strip() else []), term


def test_the_positional_index_holds_non_ascii_papers_by_their_folded_words(day):
    assert day.tokens.scanned.tolist() == [3, 8, 9]  # "Schrödinger", "łódź", "α-helix": BM25 tokenises them itself
    assert phrase_hits(day, "real-world").tolist() == [0, 2, 3, 8, 9]  # 9 also has "real–world": en dash, no match
    assert phrase_hits(day, "real world").tolist() == [2, 4]  # 4: across the title-abstract join
    assert phrase_hits(day, "schrodinger problem").tolist() == [3]  # accents folded
    assert phrase_hits(day, "odz model").tolist() == []  # "ł" is a letter: "odz" is not a word of "łodz"
    assert phrase_hits(day, "helix bundles").tolist() == [9]  # "α-" before it is another word
    assert day.tokens.phrase_docs("c++ code") is None  # not words joined by spaces or hyphens


def test_bm25_from_the_day_tokens_equals_bm25_over_tokenized_texts(day):
    from academichub.rank.bm25 import BM25Index

    reference = BM25Index([tokenize(f"{p.title} {p.title} {p.abstract}") for p in day.papers])
    for query in (["real", "world"], ["schrödinger", "agent"], ["fine", "tuning", "tuning"], ["missing"]):
        assert day.bm25.score(query) == pytest.approx(reference.score(query))
    for stop in ("the", "of", "a"):
        want = [
            i for i, p in enumerate(day.papers) if stop in tokenize(f"{p.title} {p.abstract}", stop_words=frozenset())
        ]
        assert day.by_stop_word[stop].tolist() == want


def test_a_keyword_typed_without_accents_finds_the_accented_papers_of_a_real_day():
    """The demo's real arXiv day has one abstract saying "Schrödinger" and one "Bézier"; a radar following
    "schrodinger" and "bezier" (as most people type them) ranks both first and says it matched them."""
    from academichub.models import Radar
    from academichub.rank.radar import RadarQuery, rank_radars
    from demo_day import demo_day

    real = demo_day(1000)
    accented = {w: [p.id for p in real.papers if w in f"{p.title} {p.abstract}"] for w in ("Schrödinger", "Bézier")}
    assert [len(ids) for ids in accented.values()] == [1, 1]
    (picks,) = rank_radars(real, [RadarQuery(Radar(name="accents", keywords=("schrodinger", "bezier")))], top_k=2)
    assert {s.paper.id for s in picks} == {ids[0] for ids in accented.values()}
    assert {r.text for s in picks for r in s.reasons if r.kind == "keyword"} == {
        "matches “schrodinger”",
        "matches “bezier”",
    }
