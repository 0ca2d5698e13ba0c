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


def test_deliver_test_webhook_posts_and_reports_errors(tmp_path, loopback):
    loopback.add("/hook/abc", b'{"errcode":0,"errmsg":"ok"}')
    url = loopback.url("/hook/abc")
    result = run(tmp_path, ["deliver-test", "--webhook", url, "--kind", "wecom"], webhook_allow_private_networks=1)
    assert result.exit_code == 0, result.output
    assert json.loads(loopback.requests[0].body)["msgtype"] == "markdown"

    result = run(tmp_path, ["deliver-test", "--webhook", url, "--kind", "wecom"])  # private targets refused by default
    assert result.exit_code != 0 and "refused" in str(result.exception) and "/hook/abc" not in str(result.exception)
    result = run(tmp_path, ["deliver-test"])
    assert result.exit_code != 0 and "exactly one of" in str(result.exception)
