"""The checker on real small-model answers and on the fiction it must catch: keys, numbers, quotes, coverage."""

from __future__ import annotations

import pytest

from academichub.brief.briefing import prepare_papers
from academichub.brief.grounding import ground_sections, parse_sections
from academichub.brief.tokens import estimate_tokens, price_call
from academichub.config import DEFAULT_LLM_PRICES
from brief.replay import recorded_answer


def check(text, papers):
    items, planted = prepare_papers(papers)
    return ground_sections(parse_sections(text), items, planted)


@pytest.mark.parametrize("name", ["run-gemma-bin.txt", "sdk-gemma-llcp.txt", "run-smol-zh.txt"])
def test_answers_with_placeholders_or_out_of_range_keys_are_not_printed_as_briefings(papers, name):
    text, _usage, _finish = recorded_answer(name)
    sections, report = check(text, papers)
    assert report.verdict == "unwritable"
    kept = " ".join(i for s in sections for i in s.items)
    assert all(f"[{k}]" not in kept for k in range(6, 41)) and "[n]" not in kept


def test_out_of_range_keys_from_a_real_answer_are_removed_and_counted(papers):
    text, _usage, _finish = recorded_answer("run-gemma-bin.txt")
    _sections, report = check(text, papers)
    assert "[n]" in report.invalid_keys and {str(k) for k in range(6, 41)} <= set(report.invalid_keys)
    assert report.citations_valid == 4  # [2]..[5] are real keys, even if they cite nothing
    assert report.citations_total == 1 + 39


def test_a_number_or_quote_not_in_the_cited_abstract_drops_the_sentence(papers):
    text = (
        "## Highlights\n- A distance-7 surface code runs on a 101-qubit processor [1].\n"
        "- A distance-9 code runs on a 250-qubit processor [1].\n"
        "- The decoder takes “under one microsecond per round” [2].\n"
        "- The decoder is “the fastest decoder ever built by anyone” [2].\n"
        "- This sentence claims something without any citation at all.\n"
    )
    sections, report = check(text, papers)
    kept = sections[0].items
    assert kept[0].startswith("A distance-7") and kept[1].startswith("The decoder takes")
    assert not any("250" in s or "fastest" in s for s in kept)
    assert len(report.dropped_sentences) == 2
    assert report.uncited_claims == ("This sentence claims something without any citation at all.",)
    assert report.covered_keys == (1, 2) and report.uncovered_keys == (3, 4, 5)


def test_a_trailing_citation_after_the_full_stop_belongs_to_that_sentence(papers):
    sections, report = check("## Themes\n- Protein structures are predicted from sequences. [3] [4]\n", papers)
    assert sections[0].items == ("Protein structures are predicted from sequences [3][4].",)
    assert report.cited_claims == 1 and not report.uncited_claims


def test_chinese_headings_and_sentences_are_understood(papers):
    text = (
        "## 要点\n- 表面码在阈值以下运行，距离每增加二逻辑错误率减半[1]。解码器在一微秒内处理[2]。\n"
        "## 开放问题\n- 蛋白设计的泛化能力仍不清楚[5]。"
    )
    sections, report = check(text, papers)
    assert [s.kind for s in sections] == ["highlights", "questions"]
    assert report.cited_claims == 3 and report.verdict == "ok"


def test_token_estimate_and_prices_need_no_network():
    assert estimate_tokens("蛋白质结构预测") == 5 and estimate_tokens("a" * 100) == 30
    cost = price_call("deepseek-chat", 1_000_000, 1_000_000, DEFAULT_LLM_PRICES, usd_per_cny=0.14)
    assert (cost.cny, cost.usd, cost.priced) == (5.0, pytest.approx(0.70), True)
    assert not price_call("my-local-model", 10, 10, DEFAULT_LLM_PRICES, usd_per_cny=0.14).priced
