"""The one outbound POST client (chat webhooks, Zotero): SSRF-guarded, bounded retries, secrets kept out of errors.

sources/http.py's client is GET-only; this one shares its address guard (sources/http_guard.py)
but has its own opt-in for private targets (`webhook_allow_private_networks`, off by default).
4xx answers are final (no retry storm); 5xx, timeouts and refused connections are retried a
bounded number of times; 429/503 wait for Retry-After (capped). Redirects are never followed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from academichub.config import Settings
from academichub.errors import BlockedAddressError, DeliveryError
from academichub.sources.http import parse_retry_after_s as retry_after_s
from academichub.sources.http_guard import GuardedBackend, check_url, request_deadline

MAX_REPLY_BYTES = 1024 * 1024
ERROR_BODY_CHARS = 300
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class PostReply:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def redact_target(url: str) -> str:
    """What errors and logs may show of a webhook URL: scheme and host only (path and query carry tokens)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}/…"


def _with_params(url: str, params: Mapping[str, str] | None) -> httpx.URL:
    """The URL with `params` added to the query it already has (httpx would replace that query)."""
    return httpx.URL(url).copy_merge_params(dict(params)) if params else httpx.URL(url)


class PostClient:
    """POSTs JSON to outside services. One per delivery run; close it or use `with`."""

    def __init__(self, settings: Settings, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._settings = settings
        self._sleep = sleep
        pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=True, trust_env=False),
            max_connections=10,
            network_backend=GuardedBackend(allow_private=settings.webhook_allow_private_networks),
        )
        transport = httpx.HTTPTransport(verify=True, trust_env=False)
        transport._pool = pool  # httpx takes no network backend argument (as in sources/http.py)
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(settings.fetch_timeout_s, connect=settings.connect_timeout_s),
            headers={"User-Agent": settings.user_agent},
        )

    def __enter__(self) -> PostClient:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def post_json(
        self,
        url: str,
        payload: object,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        accept: frozenset[int] = frozenset(),
    ) -> PostReply:
        """POST `payload` as JSON; a 2xx reply (or a status in `accept`) is returned.

        Raises: DeliveryError (permanent for 3xx/4xx and refused URLs; after bounded retries for 5xx,
        429 and network failures). Messages name the host only.
        """
        target = redact_target(url)
        try:
            check_url(url, allow_private=self._settings.webhook_allow_private_networks)
        except BlockedAddressError as exc:
            raise DeliveryError(f"refused webhook URL {target}: {exc}", permanent=True) from None
        body = json.dumps(payload, ensure_ascii=False).encode()
        all_headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        attempts = max(1, self._settings.delivery_retries + 1)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                reply = self._send(url, body, all_headers, params)
            except DeliveryError as exc:
                if exc.permanent or last:
                    raise
                self._sleep(self._backoff_s(attempt))
                continue
            if 200 <= reply.status < 300 or reply.status in accept:
                return reply
            if reply.status not in RETRY_STATUSES:
                raise DeliveryError(self._describe(target, reply), http_status=reply.status, permanent=True)
            if last:
                raise DeliveryError(
                    f"{self._describe(target, reply)} (after {attempts} attempts)", http_status=reply.status
                )
            self._sleep(self._wait_s(reply, attempt))
        raise AssertionError("unreachable")

    def _send(self, url: str, body: bytes, headers: dict[str, str], params: Mapping[str, str] | None) -> PostReply:
        target = redact_target(url)
        try:
            with (
                request_deadline(self._settings.fetch_timeout_s),
                self._client.stream("POST", _with_params(url, params), content=body, headers=headers) as raw,
            ):
                data = b""
                for chunk in raw.iter_bytes():
                    data += chunk
                    if len(data) > MAX_REPLY_BYTES:
                        break
                return PostReply(raw.status_code, {k.lower(): v for k, v in raw.headers.items()}, data)
        except BlockedAddressError as exc:
            raise DeliveryError(f"refused webhook URL {target}: {exc}", permanent=True) from None
        except (httpx.TransportError, httpcore.TimeoutException, OSError) as exc:
            # httpx messages may quote the URL; only the exception type and host are kept.
            raise DeliveryError(f"cannot reach {target}: {type(exc).__name__}") from None

    def _backoff_s(self, attempt: int) -> float:
        return float(self._settings.delivery_backoff_s * 2**attempt)

    def _wait_s(self, reply: PostReply, attempt: int) -> float:
        told = retry_after_s(reply.headers.get("retry-after"))
        wait = self._backoff_s(attempt) if told is None else told
        return min(wait, self._settings.retry_after_cap_s)

    @staticmethod
    def _describe(target: str, reply: PostReply) -> str:
        said = " ".join(reply.text().split())[:ERROR_BODY_CHARS]
        return f"{target} answered HTTP {reply.status}" + (f": {said}" if said else "")
