"""Posting a Curated Daily to a chat webhook (Feishu/Lark, WeCom, DingTalk, Slack, generic JSON).

Each part of a split digest is recorded after the platform accepts it (checkpoint job
"deliver-webhook"), so a rerun sends only the parts not yet sent: a crash between a post and
its record resends that one part at most. Failures come back in the `WebhookReport` (and the
checkpoint) with the host only; the URL path and query carry the bot's token and never appear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from academichub.config import Settings, WebhookSpec
from academichub.deliver.http_post import PostClient, PostReply, redact_target
from academichub.deliver.webhook_formats import PLATFORMS, Payload, digest_messages
from academichub.errors import DeliveryError
from academichub.models import Digest
from academichub.store import Store

WEBHOOK_JOB = "deliver-webhook"
# Answers that mean "too many messages, try later" although HTTP said 200.
RATE_LIMIT_CODES = {"feishu": {11232, 9499}, "wecom": {45009}, "dingtalk": {130101, 410100}}
KIND_BY_HOST = {
    "open.feishu.cn": "feishu",
    "open.larksuite.com": "feishu",
    "qyapi.weixin.qq.com": "wecom",
    "oapi.dingtalk.com": "dingtalk",
    "hooks.slack.com": "slack",
}


@dataclass(frozen=True, slots=True)
class WebhookReport:
    name: str
    kind: str
    parts: int
    sent: int  # parts accepted so far, this run and earlier ones
    error: str = ""
    http_status: int | None = None

    @property
    def ok(self) -> bool:
        return not self.error and self.sent == self.parts


def guess_kind(url: str) -> str:
    """The platform a webhook URL belongs to, by host; "json" for anything else."""
    return KIND_BY_HOST.get((urlsplit(url).hostname or "").lower(), "json")


def dingtalk_signature(secret: str, timestamp_ms: int) -> str:
    """DingTalk: base64(HMAC-SHA256(key=secret, msg="<timestamp>\\n<secret>")), sent URL-encoded as `sign`."""
    mac = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def feishu_signature(secret: str, timestamp_s: int) -> str:
    """Feishu/Lark: base64(HMAC-SHA256(key="<timestamp>\\n<secret>", msg="")), sent in the body as `sign`."""
    mac = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def deliver_webhook(
    settings: Settings,
    spec: WebhookSpec,
    digest: Digest,
    *,
    briefing_markdown: str | None = None,
    store: Store | None = None,
    client: PostClient | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> WebhookReport:
    """Post the digest as the platform's messages; parts already sent for this radar and day are skipped."""
    messages = digest_messages(digest, spec.kind, briefing_markdown=briefing_markdown, language=spec.language)
    key = f"{spec.name}:{digest.radar.name}:{digest.day.isoformat()}"
    done = int((store.checkpoint(WEBHOOK_JOB, key) or "0/").split("/")[0] or 0) if store else 0
    own = client is None
    poster = client or PostClient(settings, sleep=sleep)
    sent = done
    try:
        for index in range(done, len(messages)):
            if index > done:
                sleep(PLATFORMS[spec.kind].min_interval_s)
            post_message(settings, spec, messages[index], poster, clock=clock, sleep=sleep)
            sent = index + 1
            if store is not None:
                store.set_checkpoint(WEBHOOK_JOB, key, f"{sent}/{len(messages)}")
    except DeliveryError as exc:
        if store is not None:
            store.set_checkpoint(WEBHOOK_JOB, key, f"{sent}/{len(messages)} failed: {exc}")
        return WebhookReport(spec.name, spec.kind, len(messages), sent, str(exc), exc.http_status)
    finally:
        if own:
            poster.close()
    return WebhookReport(spec.name, spec.kind, len(messages), sent)


def post_message(
    settings: Settings,
    spec: WebhookSpec,
    payload: Payload,
    client: PostClient,
    *,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """One message, signed when the platform has a secret; platform-level rate limits retried a few times.

    Raises: DeliveryError (with the platform's own error code and message when it gave one).
    """
    url, secret = spec.url.get_secret_value(), spec.secret.get_secret_value()
    attempts = max(1, settings.delivery_retries + 1)
    for attempt in range(attempts):
        params: dict[str, str] = {}
        body = dict(payload)
        if secret and spec.kind == "dingtalk":
            stamp_ms = int(clock() * 1000)
            params = {"timestamp": str(stamp_ms), "sign": dingtalk_signature(secret, stamp_ms)}
        elif secret and spec.kind == "feishu":
            stamp_s = int(clock())
            body = {"timestamp": str(stamp_s), "sign": feishu_signature(secret, stamp_s), **payload}
        reply = client.post_json(url, body, params=params or None)
        code, said = platform_error(spec.kind, reply)
        if code is None:
            return
        message = f"{spec.kind} webhook {redact_target(url)} refused the message: {code} {said}".rstrip()
        if code not in RATE_LIMIT_CODES.get(spec.kind, set()) or attempt == attempts - 1:
            raise DeliveryError(message, http_status=reply.status, permanent=True)
        sleep(min(settings.retry_after_cap_s, 20.0 * (attempt + 1)))


def platform_error(kind: str, reply: PostReply) -> tuple[int | None, str]:
    """(error code, message) when a 2xx reply still reports a failure in its body; (None, "") when accepted."""
    data = reply.json()
    if not isinstance(data, dict):
        return None, ""
    if kind == "feishu":
        code = data.get("code", data.get("StatusCode", 0))
        said = str(data.get("msg", data.get("StatusMessage", "")))
    elif kind in ("wecom", "dingtalk"):
        code, said = data.get("errcode", 0), str(data.get("errmsg", ""))
    else:
        return None, ""
    return (int(code), said) if isinstance(code, int) and code != 0 else (None, "")
