"""`academichub deliver-test` against the loopback SMTP and HTTP servers."""

from __future__ import annotations

import json
from email import message_from_bytes, policy

from click.testing import CliRunner

from academichub.cli import cli


def run(tmp_path, args, **env):
    environment = {"ACADEMICHUB_HOME": str(tmp_path), **{f"ACADEMICHUB_{k.upper()}": str(v) for k, v in env.items()}}
    return CliRunner(env=environment).invoke(cli, args)


def test_deliver_test_email_sends_the_sample(tmp_path, smtp_server):
    controller, handler = smtp_server
    result = run(
        tmp_path, ["deliver-test", "--email", "me@example.org"],
        smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none", email_from="hub@example.org",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    msg = message_from_bytes(handler.envelopes[0].original_content, policy=policy.default)
    assert "用图神经网络做蛋白质结构预测" in msg.get_body(("plain",)).get_content()
    assert msg["List-Unsubscribe"] == "<mailto:hub@example.org?subject=unsubscribe>"


def test_deliver_test_email_comes_in_the_language_the_daily_mail_would(tmp_path, smtp_server):
    """The sample reads as the local user's daily mail does (llm_language), reasons included; --lang overrides."""
    controller, handler = smtp_server
    smtp = {"smtp_host": "127.0.0.1", "smtp_port": controller.port, "smtp_security": "none", "email_from": "h@x.org"}
    for args, lang in (([], "zh"), (["--lang", "en"], "en")):
        result = run(tmp_path, ["deliver-test", "--email", "me@example.org", *args], llm_language="zh", **smtp)
        assert result.exit_code == 0, result.output
        msg = message_from_bytes(handler.envelopes[-1].original_content, policy=policy.default)
        text = msg.get_body(("plain",)).get_content()
        if lang == "zh":
            assert msg["Subject"].startswith("每日精选")
            assert "推荐理由：匹配关键词 “protein structure”；与您的种子论文“AlphaFold 3”相似" in text
            assert "作者 David Baker（已关注）" in text and "Why:" not in text
        else:
            assert msg["Subject"].startswith("Curated Daily")
            assert "Why: matches “protein structure”; like your seed paper “AlphaFold 3”" in text


def test_deliver_test_webhook_posts_and_reports_errors(tmp_path, loopback):
    loopback.add("/hook/abc", b'{"errcode":0,"errmsg":"ok"}')
    url = loopback.url("/hook/abc")
    result = run(tmp_path, ["deliver-test", "--webhook", url, "--kind", "wecom"], webhook_allow_private_networks=1)
    assert result.exit_code == 0, result.output
    assert json.loads(loopback.requests[0].body)["msgtype"] == "markdown"
    assert "Why: by David Baker (followed)" in json.loads(loopback.requests[0].body)["markdown"]["content"]
    result = run(tmp_path, ["deliver-test", "--webhook", url, "--kind", "wecom", "--lang", "zh"],
                 webhook_allow_private_networks=1)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "推荐理由：作者 David Baker（已关注）" in json.loads(loopback.requests[1].body)["markdown"]["content"]

    result = run(tmp_path, ["deliver-test", "--webhook", url, "--kind", "wecom"])  # private targets refused by default
    assert result.exit_code != 0 and "refused" in str(result.exception) and "/hook/abc" not in str(result.exception)
    result = run(tmp_path, ["deliver-test"])
    assert result.exit_code != 0 and "exactly one of" in str(result.exception)
