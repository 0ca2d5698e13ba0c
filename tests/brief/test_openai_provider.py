"""The real OpenAI SDK path against a chat-completions server on loopback: recorded answers and every fault."""

from __future__ import annotations

import json
import time

import pytest

from academichub.brief import BriefingOptions, provider_named, write_briefing
from academichub.config import DEFAULT_LLM_PRICES
from academichub.store import open_store
from brief.replay import API_KEY, JSON, chat_body, recorded_answer

PATH = "/v1/chat/completions"


def good_answer(keys=(1, 2, 3, 4, 5)) -> str:
    return (
        "## Highlights\n- A distance-7 surface code halves the logical error rate [1].\n"
        "- An FPGA decoder keeps up with superconducting qubits [2].\n"
        "## Themes\n- Protein structure prediction reaches atomic accuracy [3] and language models fold single "
        "sequences about sixty times faster [4].\n"
        "## Cross-domain connections\n- Fast decoding [2] matters for codes below threshold [1].\n"
        "## Methods, datasets and results\n- A diffusion model designs binders [5].\n"
        "## Open questions\n- Whether designed binders generalise remains open [5].\n"
    )


def brief(settings, papers, store=None, **options):
    provider = provider_named(settings)
    opts = BriefingOptions(language="en", prices=DEFAULT_LLM_PRICES, **options)
    return write_briefing(papers, provider, options=opts, cache=store)


def test_a_good_answer_is_parsed_checked_and_costed(llm_settings, loopback, papers):
    usage = {"prompt_tokens": 1200, "completion_tokens": 300}
    loopback.add(PATH, chat_body(good_answer(), usage=usage, model="deepseek-chat"), headers=JSON)
    settings = llm_settings.model_copy(update={"llm_model": "deepseek-chat"})
    result = brief(settings, papers)
    assert result.status == "ok" and result.provider == "openai-compatible" and result.model == "deepseek-chat"
    assert result.grounding.citations_valid == result.grounding.citations_total == 8
    assert set(result.grounding.covered_keys) == {1, 2, 3, 4, 5}
    assert (result.prompt_tokens, result.completion_tokens, result.tokens_estimated) == (1200, 300, False)
    assert result.cost_cny == pytest.approx((1200 * 2.0 + 300 * 3.0) / 1e6)
    assert result.cost_usd == pytest.approx((1200 * 0.28 + 300 * 0.42) / 1e6)
    request = loopback.requests[0]
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    sent = json.loads(request.body)
    assert sent["model"] == "deepseek-chat" and "<<<PAPER [3]" in sent["messages"][1]["content"]
    assert (
        "instructions" in sent["messages"][0]["content"] and "[1], [2], [3], [4], [5]" in sent["messages"][0]["content"]
    )


def test_invented_keys_and_placeholders_are_removed_and_counted(llm_settings, loopback, papers):
    text = good_answer() + "- Quantum proteins are solved [7][n]. Fast decoders help error correction [2][9].\n"
    loopback.add(PATH, chat_body(text), headers=JSON)
    result = brief(llm_settings, papers)
    assert result.status == "ok"
    assert sorted(result.grounding.invalid_keys) == sorted(["7", "[n]", "9"])
    written = " ".join(i for s in result.sections for i in s.items)
    assert "[7]" not in written and "[9]" not in written and "[n]" not in written
    assert "Fast decoders help error correction [2]" in written  # the valid key of a mixed citation stays
    assert any("Quantum proteins" in d for d in result.grounding.dropped_sentences)


def test_recorded_small_model_answer_goes_through_the_checker(llm_settings, loopback, papers):
    text, usage, finish = recorded_answer("run-smol-bin.txt")
    loopback.add(PATH, chat_body(text, usage=usage, finish=finish), headers=JSON)
    result = brief(llm_settings, papers)
    assert result.grounding.invalid_keys == ()
    assert result.grounding.citations_valid == result.grounding.citations_total == 5
    assert result.prompt_tokens == usage["prompt_tokens"]


def test_429_with_retry_after_is_waited_for_then_succeeds(llm_settings, loopback, papers):
    loopback.add_sequence(
        PATH,
        [
            (429, {"Retry-After": "1", **JSON}, b'{"error": {"message": "slow down"}}'),
            (200, JSON, chat_body(good_answer())),
        ],
    )
    result = brief(llm_settings, papers)
    assert result.status == "ok"
    first, second = loopback.requests
    assert second.at - first.at >= 0.9


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        ((500, JSON, b'{"error": {"message": "boom"}}'), "server"),
        ((200, JSON, b'{"id": "x", "choices": [{"message": '), "malformed"),
        ((200, JSON, chat_body("## Highlights\n- A surface code [1] and", finish="length")), "length"),
        ((200, JSON, chat_body("")), "empty"),
        ((200, JSON, chat_body(None, finish="content_filter")), "refusal"),
        ((401, JSON, json.dumps({"error": {"message": f"Incorrect API key provided: {API_KEY}"}}).encode()), "auth"),
    ],
)
def test_provider_faults_fail_the_briefing_and_a_later_run_retries(
    llm_settings, loopback, papers, tmp_path, reply, kind
):
    store = open_store(f"sqlite:///{tmp_path / 'b.db'}")
    loopback.add(PATH, reply[2], status=reply[0], headers=reply[1])
    failed = brief(llm_settings, papers, store)
    assert failed.status == "failed" and failed.error.startswith(kind) and failed.sections == ()
    assert API_KEY not in failed.error
    assert store.briefing_by_key(failed.cache_key).status == "failed"
    loopback.add(PATH, chat_body(good_answer()), headers=JSON)
    again = brief(llm_settings, papers, store)
    assert again.status == "ok" and not again.cached
    assert store.briefing_attempts(again.cache_key) == 2
    store.close()


def test_5xx_is_retried_a_bounded_number_of_times(llm_settings, loopback, papers):
    loopback.add(PATH, b'{"error": {"message": "overloaded"}}', status=503, headers=JSON)
    result = brief(llm_settings, papers)
    assert result.status == "failed" and result.error.startswith("server")
    assert len(loopback.requests) == 1 + llm_settings.llm_max_retries


def test_a_timeout_fails_after_bounded_retries(llm_settings, loopback, papers):
    def slow(_request):
        time.sleep(1.2)
        return 200, JSON, chat_body(good_answer())

    loopback.add_handler(PATH, slow)
    started = time.monotonic()
    result = brief(llm_settings, papers)
    assert result.status == "failed" and result.error.startswith("timeout")
    assert len(loopback.requests) == 2 and time.monotonic() - started < 4


def test_regenerating_the_same_briefing_costs_nothing(llm_settings, loopback, papers, tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'b.db'}")
    loopback.add(PATH, chat_body(good_answer(), usage={"prompt_tokens": 900, "completion_tokens": 200}), headers=JSON)
    first = brief(llm_settings, papers, store)
    second = brief(llm_settings, papers, store)
    assert len(loopback.requests) == 1 and second.cached and second.sections == first.sections
    brief(
        llm_settings,
        papers,
        store,
    )
    other_language = write_briefing(
        papers, provider_named(llm_settings), options=BriefingOptions(language="zh"), cache=store
    )
    assert len(loopback.requests) == 2 and not other_language.cached
    store.close()


def test_providers_check_lists_the_models_without_showing_the_key(llm_settings, loopback):
    loopback.add("/v1/models", json.dumps({"object": "list", "data": [{"id": "smollm2-135m", "object": "model",
                                                                        "created": 0, "owned_by": "me"}]}).encode(),
                 headers=JSON)  # fmt: skip
    assert "smollm2-135m" in provider_named(llm_settings).check()
