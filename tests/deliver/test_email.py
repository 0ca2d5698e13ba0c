"""The digest email against a real SMTP server (aiosmtpd) on loopback: content, encoding, retries, idempotency."""

from __future__ import annotations

import subprocess
import sys
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from academichub.config import Settings
from academichub.deliver import compose_digest_email, email_idempotency_key, send_digest_email
from academichub.deliver.email import EMAIL_JOB
from academichub.errors import DeliveryError, InputError
from digest_builders import DAY, make_digest, make_paper
from loopback import self_signed_tls
from smtp_loopback import RecordingHandler, free_port

UNSUBSCRIBE = "https://hub.example.org/unsubscribe?token=abc123"


def compose(digests, settings, *, to="researcher@example.org", briefing=None, key="user1:2026-06-29"):
    return compose_digest_email(
        digests,
        sender=settings.email_from,
        recipient=to,
        unsubscribe_url=UNSUBSCRIBE,
        briefing_markdown=briefing,
        idempotency_key=key,
    )


def received(handler, index=0):
    return message_from_bytes(handler.envelopes[index].original_content, policy=policy.default)


def test_multipart_digest_has_numbered_list_reasons_briefing_and_unsubscribe(smtp_server, mail_settings):
    _, handler = smtp_server
    digest = make_digest(3, notes=("arxiv-rss:q-bio failed: HTTP 503",))
    briefing = "## Highlights\n\n- **Paper 1** matters: see [arXiv](https://arxiv.org/abs/2606.00001)\n\nClosing."
    outcome = send_digest_email(mail_settings, compose([digest], mail_settings, briefing=briefing))

    assert outcome.status == "sent" and len(handler.envelopes) == 1
    assert handler.envelopes[0].rcpt_tos == ["researcher@example.org"]
    msg = received(handler)
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for number in (1, 2, 3):
        assert f"{number}. arXiv (cs.LG) · 2026-06-29" in text
        assert f"Why: keyword “protein” #{number}" in text and f"keyword “protein” #{number}" in html
        assert f'<li value="{number}"' in html
    assert "Paper number 1 on protein structure with $x_1$" in text
    assert "Authors: Jörg Müller, 林小明" in text
    assert "https://arxiv.org/abs/2606.00001" in text
    assert "arxiv-rss:q-bio failed: HTTP 503" in text
    assert text.index("Briefing") > text.index("3. arXiv")
    assert "<strong>Paper 1</strong>" in html and '<a href="https://arxiv.org/abs/2606.00001">arXiv</a>' in html
    assert msg["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert UNSUBSCRIBE in text and UNSUBSCRIBE.replace("&", "&amp;") in html


def test_chinese_subject_sender_and_body_decode_back(smtp_server, mail_settings):
    _, handler = smtp_server
    paper = make_paper(1, title="用图神经网络做蛋白质结构预测", abstract="我们提出一种新方法，精度提升 12%。")
    send_digest_email(mail_settings, compose([make_digest(papers=[paper], radar="蛋白质")], mail_settings))

    raw = handler.envelopes[0].original_content
    assert raw.isascii()  # headers RFC 2047-encoded, bodies base64/quoted-printable: any relay takes it
    msg = received(handler)
    assert "蛋白质" in msg["Subject"] and "用图神经网络做蛋白质结构预测" in msg["Subject"]
    assert msg["From"].addresses[0].display_name == "AcademicHub 学术日报"
    assert "我们提出一种新方法，精度提升 12%。" in msg.get_body(("plain",)).get_content()
    assert "用图神经网络做蛋白质结构预测" in msg.get_body(("html",)).get_content()


def test_crlf_in_titles_and_names_never_reaches_headers(smtp_server, mail_settings):
    _, handler = smtp_server
    evil = make_paper(1, title="Nice title\r\nBcc: victim@example.org\r\n\r\n<script>alert(1)</script>")
    digest = make_digest(papers=[evil], radar="radar\nX-Injected: yes")
    send_digest_email(mail_settings, compose([digest], mail_settings))

    msg = received(handler)
    assert msg["Bcc"] is None and msg["X-Injected"] is None
    assert handler.envelopes[0].rcpt_tos == ["researcher@example.org"]
    assert "\n" not in msg["Subject"] and "Bcc: victim@example.org" in msg["Subject"]  # kept as text, on one line
    assert "<script>" not in msg.get_body(("html",)).get_content()
    with pytest.raises(InputError, match="line break"):
        compose([digest], mail_settings, to="a@example.org\r\nBcc: victim@example.org")


def test_rerun_sends_nothing_twice(smtp_server, mail_settings, store):
    _, handler = smtp_server
    key = email_idempotency_key(7, DAY.isoformat())
    message = compose([make_digest(2)], mail_settings, key=key)
    first = send_digest_email(mail_settings, message, store=store, idempotency_key=key)
    second = send_digest_email(mail_settings, message, store=store, idempotency_key=key)
    assert (first.status, second.status) == ("sent", "already_sent")
    assert first.message_id == second.message_id == message["Message-ID"]
    assert len(handler.envelopes) == 1


def test_crash_after_data_began_is_not_resent(smtp_server, mail_settings, store):
    """A process killed during DATA leaves the key "sending": the rerun does not send again (at most once)."""
    controller, handler = smtp_server
    handler.hold_data = __import__("threading").Event()
    key = "user9:2026-06-29"
    db = store.path
    script = f"""
import sys
from academichub.config import Settings
from academichub.deliver import compose_digest_email, send_digest_email
from academichub.models import Digest, Radar
from academichub.store import open_store
import datetime as dt
s = Settings(home={str(db.parent)!r}, smtp_host="127.0.0.1", smtp_port={controller.port}, smtp_security="none")
d = Digest(Radar(name="r", id=1), dt.date(2026, 6, 29))
m = compose_digest_email([d], sender="a@example.org", recipient="b@example.org",
    unsubscribe_url="https://x.example/u", idempotency_key={key!r})
send_digest_email(s, m, store=open_store("sqlite:///{db}"), idempotency_key={key!r})
"""
    child = subprocess.Popen([sys.executable, "-c", script])
    try:
        assert handler.data_started.wait(20), "the child never reached DATA"
    finally:
        child.kill()
        child.wait()
    handler.hold_data.set()
    assert store.checkpoint(EMAIL_JOB, key).startswith("sending:")

    message = compose([make_digest(1)], mail_settings, key=key)
    outcome = send_digest_email(mail_settings, message, store=store, idempotency_key=key)
    assert outcome.status == "uncertain"
    assert len(handler.envelopes) <= 1  # whatever the killed child got through, nothing more


def test_transient_4xx_is_retried_then_sent_once(smtp_server, mail_settings, store):
    _, handler = smtp_server
    handler.replies = ["451 4.3.0 try again later"]
    waits = []
    outcome = send_digest_email(
        mail_settings, compose([make_digest(1)], mail_settings), store=store, idempotency_key="u:d", sleep=waits.append
    )
    assert outcome.status == "sent" and outcome.attempts == 2 and len(handler.envelopes) == 1
    assert waits == [0.01]


def test_permanent_5xx_is_a_clear_error_without_retry(smtp_server, mail_settings, store):
    _, handler = smtp_server
    handler.replies = ["554 5.7.1 message rejected as spam"]
    waits = []
    with pytest.raises(DeliveryError, match="554 5.7.1 message rejected as spam") as info:
        send_digest_email(
            mail_settings,
            compose([make_digest(1)], mail_settings),
            store=store,
            idempotency_key="u:d",
            sleep=waits.append,
        )
    assert info.value.permanent and info.value.smtp_code == 554 and waits == []
    assert store.checkpoint(EMAIL_JOB, "u:d").startswith("failed:")


def test_server_down_is_retried_with_backoff_then_a_clear_error(tmp_path, store):
    settings = Settings(
        home=tmp_path, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_security="none",
        email_from="a@example.org", delivery_retries=2, delivery_backoff_s=0.5,
    )  # fmt: skip
    waits = []
    message = compose([make_digest(1)], settings)
    with pytest.raises(DeliveryError, match=r"not sent after 3 attempts: SMTP server 127\.0\.0\.1:\d+.*Refused"):
        send_digest_email(settings, message, store=store, idempotency_key="u:d", sleep=waits.append)
    assert waits == [0.5, 1.0]
    # The failure is recorded, and a later run (server back) may still send.
    assert store.checkpoint(EMAIL_JOB, "u:d").startswith("failed:")


def test_no_smtp_host_is_a_clear_error(tmp_path):
    settings = Settings(home=tmp_path, email_from="a@example.org")
    with pytest.raises(DeliveryError, match="no SMTP server configured"):
        send_digest_email(settings, compose([make_digest(1)], settings))


def test_starttls_and_login_and_password_kept_out_of_errors(tmp_path):
    cert, context = self_signed_tls(tmp_path)
    handler = RecordingHandler()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"digest" and auth_data.password == b"s3cret-pw"
        return AuthResult(success=ok, handled=False)

    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True,
        authenticator=authenticate, auth_require_tls=True,
    )  # fmt: skip
    controller.start()
    try:
        base = {
            "home": tmp_path, "smtp_host": "127.0.0.1", "smtp_port": controller.port, "smtp_security": "starttls",
            "smtp_ca_file": cert, "smtp_user": "digest", "email_from": "a@example.org", "delivery_retries": 0,
        }  # fmt: skip
        good = Settings(**base, smtp_password="s3cret-pw")
        assert send_digest_email(good, compose([make_digest(1)], good)).status == "sent"
        assert len(handler.envelopes) == 1

        bad = Settings(**base, smtp_password="wrong-password-xyz")
        with pytest.raises(DeliveryError, match="login as digest refused") as info:
            send_digest_email(bad, compose([make_digest(1)], bad))
        assert "wrong-password-xyz" not in str(info.value) and "wrong-password-xyz" not in repr(bad)
        assert "wrong-password-xyz" not in bad.model_dump_json()

        untrusted = Settings(**{**base, "smtp_ca_file": None}, smtp_password="s3cret-pw")
        with pytest.raises(DeliveryError, match="TLS") as info:
            send_digest_email(untrusted, compose([make_digest(1)], untrusted))
        assert info.value.permanent and len(handler.envelopes) == 1
    finally:
        controller.stop()


def test_an_old_paper_listed_again_says_when_it_first_appeared_in_mail_and_chat() -> None:
    """An arXiv paper from January 2023 replaced today: the e-mail (text and HTML, in either language), the chat
    message and the JSON hook all say when it first appeared; today's new paper says nothing of the kind."""
    from dataclasses import replace

    from academichub.deliver.webhook_formats import digest_messages
    from academichub.models import Announcement, AnnounceType

    old = replace(make_paper(2), keys=("arxiv:2301.00002",),
                  announcements=(Announcement(DAY, "arxiv-rss", "cs.LG", AnnounceType.REPLACE),))  # fmt: skip
    digest = make_digest(papers=[make_paper(1), old])
    for language, said in (("en", "first appeared 2023-01"), ("zh", "首次出现于 2023-01")):
        message = compose_digest_email(
            [digest], sender="h@x.org", recipient="r@x.org", unsubscribe_url=UNSUBSCRIBE, language=language
        )
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert text.count(said) == 1 and f"· replace · {said}" in text and said in html
    [chat] = digest_messages(digest, "wecom")
    assert "replace · first appeared 2023-01" in chat["markdown"]["content"]
    [hook] = digest_messages(digest, "json")
    assert [p["first_appeared"] for p in hook["entries"]] == [None, "2023-01"]
