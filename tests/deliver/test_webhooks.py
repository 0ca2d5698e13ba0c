"""Chat webhooks against a real loopback HTTP server: each platform's format, signing, splitting, 4xx/5xx."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import replace

import pytest
from pydantic import SecretStr

from academichub.config import Settings, WebhookSpec
from academichub.deliver import PostClient, deliver_webhook, digest_messages, guess_kind
from academichub.deliver.webhooks import WEBHOOK_JOB
from academichub.errors import DeliveryError
from academichub.models import Note, Reason
from digest_builders import make_digest, make_paper

OK = {
    "feishu": b'{"code":0,"msg":"success","data":{}}',
    "wecom": b'{"errcode":0,"errmsg":"ok"}',
    "dingtalk": b'{"errcode":0,"errmsg":"ok"}',
    "slack": b"ok",
    "json": b"{}",
}
TOKEN = "tok-9f8e7d6c5b4a"


def spec_for(loopback, kind, *, secret="", path=None):
    url = loopback.url(path or f"/{kind}/hook/{TOKEN}") + (f"?access_token={TOKEN}" if kind == "dingtalk" else "")
    return WebhookSpec(name=f"team-{kind}", kind=kind, url=SecretStr(url), secret=SecretStr(secret))


def serve_ok(loopback, kind, path=None):
    loopback.add(path or f"/{kind}/hook/{TOKEN}", OK[kind], headers={"Content-Type": "application/json"})


def bodies(loopback):
    return [json.loads(r.body) for r in loopback.requests]


def all_text(payload) -> str:
    return json.dumps(payload, ensure_ascii=False)


@pytest.mark.parametrize("kind", ["feishu", "wecom", "dingtalk", "slack", "json"])
def test_each_platform_gets_its_own_format(loopback, post_settings, kind):
    serve_ok(loopback, kind)
    digest = make_digest(2, papers=[make_paper(1), make_paper(2, title="量子纠错 <at id=all></at> [x](http://evil)")])
    report = deliver_webhook(
        post_settings, spec_for(loopback, kind), digest, briefing_markdown="今天的简报。", sleep=lambda s: None
    )
    assert report.ok and report.sent == report.parts == 1
    (payload,) = bodies(loopback)
    assert loopback.requests[0].method == "POST"
    assert loopback.requests[0].headers["content-type"].startswith("application/json")
    text = all_text(payload)
    assert "Paper number 1 on protein structure" in text and "量子纠错" in text and "今天的简报" in text
    if kind != "json":  # chat markup: no mentions or links smuggled in through titles
        assert "<at id=all>" not in text and "[x](http://evil)" not in text
    if kind == "feishu":
        assert payload["msg_type"] == "interactive"
        assert payload["card"]["header"]["title"]["content"] == "Curated Daily · proteins · 2026-06-29"
        assert {e["tag"] for e in payload["card"]["elements"]} == {"div", "hr"}
        assert payload["card"]["elements"][0]["text"]["tag"] == "lark_md"
    elif kind == "wecom":
        assert payload["msgtype"] == "markdown" and payload["markdown"]["content"].startswith("## Curated Daily")
        assert '<font color="info">Why: keyword “protein” #1</font>' in payload["markdown"]["content"]
    elif kind == "dingtalk":
        assert payload["msgtype"] == "markdown" and payload["markdown"]["title"].startswith("Curated Daily")
        assert "**1. [Paper number 1" in payload["markdown"]["text"]
    elif kind == "slack":
        assert payload["blocks"][0]["type"] == "header" and payload["text"]
        assert payload["blocks"][1]["text"]["type"] == "mrkdwn"
        assert payload["blocks"][1]["text"]["text"].startswith("*1. <https://arxiv.org/abs/2606.00001|Paper number 1")
    else:
        assert payload["radar"] == "proteins" and payload["parts"] == 1
        assert [e["number"] for e in payload["entries"] if e["type"] == "paper"] == [1, 2]
        assert payload["entries"][-1] == {"type": "briefing", "markdown": "今天的简报。"}


def test_dingtalk_signature_verifies(loopback, post_settings):
    serve_ok(loopback, "dingtalk")
    secret = "SEC0123456789abcdef"
    report = deliver_webhook(
        post_settings, spec_for(loopback, "dingtalk", secret=secret), make_digest(1), clock=lambda: 1_780_000_000.5
    )
    assert report.ok
    query = loopback.requests[0].query
    assert query["access_token"] == TOKEN and query["timestamp"] == "1780000000500"
    expected = hmac.new(secret.encode(), f"{query['timestamp']}\n{secret}".encode(), hashlib.sha256).digest()
    assert base64.b64decode(query["sign"]) == expected


def test_feishu_signature_verifies(loopback, post_settings):
    serve_ok(loopback, "feishu")
    secret = "feishu-secret"
    deliver_webhook(
        post_settings, spec_for(loopback, "feishu", secret=secret), make_digest(1), clock=lambda: 1_780_000_000
    )
    (payload,) = bodies(loopback)
    expected = hmac.new(f"{payload['timestamp']}\n{secret}".encode(), b"", hashlib.sha256).digest()
    assert payload["timestamp"] == "1780000000" and base64.b64decode(payload["sign"]) == expected


LIMITS = {
    "wecom": lambda p: len(p["markdown"]["content"].encode()) <= 4096,
    "dingtalk": lambda p: len(json.dumps(p, ensure_ascii=False).encode()) <= 20_000,
    "feishu": lambda p: len(json.dumps(p, ensure_ascii=False).encode()) <= 20_000,
    "slack": lambda p: (
        len(p["blocks"]) <= 50
        and all(len(b["text"]["text"]) <= 3000 for b in p["blocks"])
        and len(json.dumps(p, ensure_ascii=False)) <= 40_000
    ),
    "json": lambda p: len(json.dumps(p, ensure_ascii=False).encode()) <= 256 * 1024,
}


@pytest.mark.parametrize("kind", sorted(LIMITS))
def test_a_150_paper_digest_is_split_under_each_limit_and_all_sent(loopback, post_settings, kind):
    papers = [make_paper(n, title=f"第{n}篇 Paper {n}: 蛋白质结构预测 with $\\alpha_{n}$") for n in range(1, 151)]
    digest = make_digest(papers=papers)
    briefing = "\n\n".join(f"段落 {i}: " + "蛋白质结构预测的进展。" * 120 for i in range(3))
    messages = digest_messages(digest, kind, briefing_markdown=briefing)
    assert all(LIMITS[kind](m) for m in messages)
    numbers = [int(n) for m in messages for n in re.findall(r"第(\d+)篇", all_text(m))]
    assert numbers == list(range(1, 151))  # every paper once, in order
    everything = "".join(all_text(m) for m in messages)
    assert everything.index("段落 2") > everything.index("第150篇")  # the briefing follows the list, split not cut
    assert everything.count("蛋白质结构预测的进展。") >= 3 * 120 - 3
    if kind != "json":
        assert len(messages) > 1 and f"(1/{len(messages)})" in all_text(messages[0])

    serve_ok(loopback, kind)
    waits: list[float] = []
    report = deliver_webhook(
        post_settings, spec_for(loopback, kind), digest, briefing_markdown=briefing, sleep=waits.append
    )
    assert report.ok and report.sent == len(messages) == len(loopback.requests)
    if kind in ("wecom", "dingtalk"):  # 20 messages a minute
        assert waits and all(w >= 3.0 for w in waits)


def test_400_for_a_malformed_card_is_recorded_without_retry(loopback, post_settings, store):
    loopback.add(f"/slack/hook/{TOKEN}", b"invalid_blocks", status=400)
    report = deliver_webhook(post_settings, spec_for(loopback, "slack"), make_digest(2), store=store)
    assert not report.ok and report.sent == 0 and report.http_status == 400
    assert "HTTP 400: invalid_blocks" in report.error
    assert len(loopback.requests) == 1
    assert TOKEN not in report.error
    recorded = store.checkpoint(WEBHOOK_JOB, "team-slack:proteins:2026-06-29")
    assert recorded.startswith("0/1 failed:") and "invalid_blocks" in recorded and TOKEN not in recorded


def test_platform_error_code_in_a_200_is_an_error(loopback, post_settings):
    loopback.add(f"/wecom/hook/{TOKEN}", b'{"errcode":40008,"errmsg":"invalid message type"}')
    report = deliver_webhook(post_settings, spec_for(loopback, "wecom"), make_digest(1))
    assert report.error.endswith("40008 invalid message type") and len(loopback.requests) == 1


def test_500_is_retried_a_bounded_number_of_times(loopback, post_settings):
    loopback.add(f"/feishu/hook/{TOKEN}", b"upstream broke", status=500)
    report = deliver_webhook(post_settings, spec_for(loopback, "feishu"), make_digest(1), sleep=lambda s: None)
    assert len(loopback.requests) == 3  # delivery_retries=2 → 3 attempts, then stop
    assert report.http_status == 500 and "after 3 attempts" in report.error and TOKEN not in report.error


def test_429_waits_for_retry_after_then_succeeds(loopback, post_settings):
    ok = (200, {}, OK["dingtalk"])
    loopback.add_sequence(
        f"/dingtalk/hook/{TOKEN}", [(429, {"Retry-After": "0.04"}, b""), (503, {"Retry-After": "9999"}, b""), ok]
    )
    waits: list[float] = []
    spec = spec_for(loopback, "dingtalk")
    with PostClient(post_settings, sleep=waits.append) as client:
        report = deliver_webhook(post_settings, spec, make_digest(1), client=client)
    assert report.ok and len(loopback.requests) == 3
    assert waits == [0.04, 0.05]  # Retry-After honoured, capped at retry_after_cap_s


def test_rerun_sends_only_the_parts_not_yet_accepted(loopback, post_settings, store):
    digest = make_digest(papers=[make_paper(n) for n in range(1, 151)])
    parts = len(digest_messages(digest, "wecom"))
    calls = {"n": 0}

    def flaky(request):
        calls["n"] += 1
        return (500, {}, b"down") if calls["n"] == 3 else (200, {}, OK["wecom"])

    loopback.add_handler(f"/wecom/hook/{TOKEN}", flaky)
    settings = post_settings.model_copy(update={"delivery_retries": 0})
    first = deliver_webhook(settings, spec_for(loopback, "wecom"), digest, store=store, sleep=lambda s: None)
    assert first.sent == 2 and first.http_status == 500
    second = deliver_webhook(settings, spec_for(loopback, "wecom"), digest, store=store, sleep=lambda s: None)
    assert second.ok and second.sent == parts
    assert len(loopback.requests) == parts + 1  # the failed part once more, nothing else twice
    contents = [json.loads(r.body)["markdown"]["content"] for r in loopback.requests]
    assert len(set(contents)) == parts


def test_private_addresses_and_other_schemes_are_refused_by_default(loopback, tmp_path):
    serve_ok(loopback, "json")
    strict = Settings(home=tmp_path)
    report = deliver_webhook(strict, spec_for(loopback, "json"), make_digest(1))
    assert "refused" in report.error and loopback.requests == []
    with PostClient(strict) as client, pytest.raises(DeliveryError, match="scheme"):
        client.post_json("file:///etc/passwd", {})
    with PostClient(strict) as client, pytest.raises(DeliveryError, match="refused"):
        client.post_json("http://169.254.169.254/latest", {})


def test_redirects_are_not_followed(loopback, post_settings):
    loopback.add_redirect(f"/json/hook/{TOKEN}", "http://169.254.169.254/")
    report = deliver_webhook(post_settings, spec_for(loopback, "json"), make_digest(1))
    assert report.http_status == 302 and len(loopback.requests) == 1


def test_webhook_secrets_stay_out_of_settings_output(tmp_path):
    spec = WebhookSpec(
        name="x", kind="dingtalk", url=SecretStr(f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}")
    )
    settings = Settings(home=tmp_path, webhooks=[spec])
    assert TOKEN not in repr(settings) and TOKEN not in settings.model_dump_json()
    assert guess_kind(spec.url.get_secret_value()) == "dingtalk"
    assert guess_kind("https://hooks.slack.com/services/T/B/X") == "slack"
    assert guess_kind("https://example.org/hook") == "json"


def test_a_chinese_chat_gets_the_digest_in_chinese(loopback, post_settings):
    """`language = "zh"` on a webhook: heading, labels, notes and reasons in Chinese; papers as they are."""
    serve_ok(loopback, "wecom")
    failed = Note("source_failed", "arxiv-rss:cs.LG failed: HTTP 503", source="arxiv-rss:cs.LG", error="HTTP 503")
    digest = make_digest(1, notes=[failed])
    why = Reason("keyword", "matches “protein”", 1.0, (("keywords", "“protein”"),))
    digest = replace(digest, items=(replace(digest.items[0], reasons=(why,)),))
    spec = spec_for(loopback, "wecom").model_copy(update={"language": "zh"})
    report = deliver_webhook(post_settings, spec, digest, briefing_markdown="今天的简报。", sleep=lambda s: None)
    assert report.ok
    content = bodies(loopback)[0]["markdown"]["content"]
    assert content.startswith("## 每日精选 · proteins · 2026-06-29")
    assert "⚠ arxiv-rss:cs.LG 抓取失败：HTTP 503" in content
    assert '<font color="info">推荐理由：匹配关键词 “protein”</font>' in content
    assert "**简报**" in content and "Paper number 1 on protein structure" in content
    assert "Why:" not in content and "Curated Daily" not in content
