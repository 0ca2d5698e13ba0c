"""The single HTTP client every source fetches through (RELIABILITY.md §A).

Owns timeouts and the total deadline, the decompressed-size cap, redirects with
the SSRF guard at every hop (http_guard.py), per-host pacing (http_pacing.py),
retries with backoff and Retry-After, conditional GET and the User-Agent.
It returns bytes; it never parses feeds or decides what a body means.
"""

from __future__ import annotations

import email.utils
import logging
import ssl
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpcore
import httpx

from academichub.config import Settings
from academichub.errors import FetchError, RateLimitedError, TooLargeError
from academichub.sources.http_guard import GuardedBackend, check_url, deadline_remaining_s, request_deadline
from academichub.sources.http_pacing import HostPacer

log = logging.getLogger(__name__)

ERROR_BODY_MAX_BYTES = 64 * 1024  # kept on FetchError.body for 4xx/5xx
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPT_ENCODING = "gzip, deflate"  # only codings _BoundedDecoder can cap
_SECRET_PARAM_WORDS = ("key", "token", "secret", "password", "signature")
_CROSS_ORIGIN_DROPPED = frozenset({"authorization", "cookie", "proxy-authorization"})


@dataclass(frozen=True)
class HttpResponse:
    """A finished response: final URL after redirects, lower-case headers, decompressed body."""

    url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    content: bytes = b""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    def text(self) -> str:
        """The body decoded with the declared charset, else UTF-8; undecodable bytes replaced."""
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip("\"' ")
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


class _TransientError(Exception):
    """A timeout or connection failure worth retrying; message is the reason."""


def redact_url(url: str) -> str:
    """The URL safe for logs and errors: secret-looking query values and userinfo replaced."""
    parts = urlsplit(url)
    pairs = [
        (name, "REDACTED" if any(word in name.lower() for word in _SECRET_PARAM_WORDS) else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(pairs, safe=":/,+"), ""))


def resolve_redirect(current_url: str, location: str, *, allow_private: bool) -> str:
    """The absolute next hop of a redirect, checked like a new URL.

    Raises: BlockedAddressError for a refused scheme or address; FetchError for an HTTPS→HTTP downgrade.
    """
    target = urljoin(current_url, location.strip())
    check_url(target, allow_private=allow_private)
    if urlsplit(current_url).scheme.lower() == "https" and urlsplit(target).scheme.lower() == "http":
        raise FetchError(f"refused redirect from HTTPS to plain HTTP: {redact_url(target)}")
    return target


def parse_retry_after_s(value: str | None) -> float | None:
    """Retry-After as seconds to wait (delta-seconds or HTTP-date); None when absent or unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _BoundedDecoder:
    """Undoes one Content-Encoding without ever producing more than the caller's room."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding.strip().lower()
        if self._encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise FetchError(f"unsupported content-encoding {encoding!r}")
        self._zlib: zlib._Decompress | None = None
        if self._encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes, room: int) -> bytes:
        """Decoded bytes of `data`, at most `room` of them (reaching `room` means: over the cap)."""
        if self._encoding in ("", "identity"):
            return data[:room]
        if self._zlib is None:  # deflate: zlib-wrapped or raw, told apart by the 2-byte header
            is_zlib = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if is_zlib else -zlib.MAX_WBITS)
        try:
            return self._zlib.decompress(data, room)
        except zlib.error as exc:
            raise FetchError(f"corrupt {self._encoding} response body: {exc}") from exc


def _is_tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _backoff_s(base_s: float, attempt: int) -> float:
    return base_s * 2.0**attempt


class HttpClient:
    """Fetches URLs for the sources. Thread-safe; one instance per run. Close it, or use `with`."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._settings = settings
        self._sleep = sleep or time.sleep
        self._pacer = HostPacer(
            settings.host_intervals_s, state_dir=settings.home / "pacing", clock=clock or time.time, sleep=self._sleep
        )
        self._client = httpx.Client(
            transport=self._build_transport(settings),
            follow_redirects=False,
            trust_env=False,  # no proxies from the environment: they would bypass the address guard
            timeout=httpx.Timeout(settings.fetch_timeout_s, connect=settings.connect_timeout_s),
            headers={"User-Agent": self.user_agent, "Accept-Encoding": ACCEPT_ENCODING, "Accept": "*/*"},
        )

    @staticmethod
    def _build_transport(settings: Settings) -> httpx.HTTPTransport:
        transport = httpx.HTTPTransport(verify=True, trust_env=False, limits=httpx.Limits(max_connections=20))
        # httpx takes no network backend argument; swap in a pool whose every connection passes the guard.
        transport._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=True, trust_env=False),
            max_connections=20,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(allow_private=settings.allow_private_networks),
        )
        return transport

    @property
    def user_agent(self) -> str:
        email_address = self._settings.contact_email.strip()
        return f"{self._settings.user_agent} mailto:{email_address}" if email_address else self._settings.user_agent

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> HttpResponse:
        """GET with redirects, retries and pacing. A 304 comes back as a response, not an error.

        Raises: BlockedAddressError, TooLargeError, RateLimitedError, FetchError (http_status, body).
        """
        if params:
            parts = urlsplit(url)
            query = "&".join(q for q in (parts.query, urlencode(list(params.items()))) if q)
            url = urlunsplit(parts._replace(query=query))
        request_headers = {name.lower(): value for name, value in (headers or {}).items()}
        if etag:
            request_headers["if-none-match"] = etag
        if last_modified:
            request_headers["if-modified-since"] = last_modified
        allow_private = self._settings.allow_private_networks
        check_url(url, allow_private=allow_private)
        for _ in range(self._settings.max_redirects + 1):
            response = self._get_with_retries(url, request_headers)
            location = response.headers.get("location")
            if response.status not in REDIRECT_STATUSES:
                return response
            if not location:
                raise FetchError(f"HTTP {response.status} without Location from {redact_url(url)}")
            target = resolve_redirect(url, location, allow_private=allow_private)
            if urlsplit(target).netloc.lower() != urlsplit(url).netloc.lower():
                request_headers = {k: v for k, v in request_headers.items() if k not in _CROSS_ORIGIN_DROPPED}
            url = target
        raise FetchError(f"too many redirects (more than {self._settings.max_redirects}) fetching {redact_url(url)}")

    def _get_with_retries(self, url: str, headers: dict[str, str]) -> HttpResponse:
        settings = self._settings
        attempts = settings.max_retries + 1
        for attempt in range(attempts):
            is_last = attempt == attempts - 1
            try:
                response = self._get_once(url, headers)
            except _TransientError as exc:
                if is_last:
                    raise FetchError(f"{exc} after {attempts} attempts: {redact_url(url)}") from None
                log.info("retrying %s: %s", redact_url(url), exc)
                self._sleep(_backoff_s(settings.backoff_base_s, attempt))
                continue
            wait_s = self._retry_wait_s(response, attempt, is_last)
            if wait_s is None:
                return self._checked(response)
            log.info("HTTP %s from %s, retrying in %.1f s", response.status, redact_url(url), wait_s)
            self._sleep(wait_s)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _retry_wait_s(self, response: HttpResponse, attempt: int, is_last: bool) -> float | None:
        """Seconds to wait before retrying `response`, None to hand it on. Raises when retrying is futile."""
        status, url = response.status, redact_url(response.url)
        if status not in (429, 503) and status < 500:
            return None
        retry_after_s = parse_retry_after_s(response.headers.get("retry-after"))
        cap_s = self._settings.retry_after_cap_s
        if retry_after_s is not None and retry_after_s > cap_s:
            raise RateLimitedError(
                f"HTTP {status} from {url}: server asks to wait {retry_after_s:.0f} s (cap {cap_s:.0f} s)",
                retry_after_s=retry_after_s,
                http_status=status,
                body=response.content,
            )
        if is_last and status == 429:
            raise RateLimitedError(
                f"HTTP 429 from {url} after {attempt + 1} attempts", retry_after_s=retry_after_s, body=response.content
            )
        if is_last:
            raise FetchError(
                f"HTTP {status} from {url} after {attempt + 1} attempts", http_status=status, body=response.content
            )
        return retry_after_s if retry_after_s is not None else _backoff_s(self._settings.backoff_base_s, attempt)

    def _checked(self, response: HttpResponse) -> HttpResponse:
        status = response.status
        if 400 <= status < 600:
            raise FetchError(
                f"HTTP {status} from {redact_url(response.url)}", http_status=status, body=response.content
            )
        if status == 200 and not response.content:
            raise FetchError(f"empty response from {redact_url(response.url)}", http_status=200)
        return response

    def _get_once(self, url: str, headers: dict[str, str]) -> HttpResponse:
        """One request on the host's slot, body read within the deadline. Raises: _TransientError, FetchError."""
        host = urlsplit(url).hostname or ""
        deadline_s = self._settings.fetch_timeout_s
        with self._pacer.slot(host), request_deadline(deadline_s):
            try:
                request = self._client.build_request("GET", url, headers=headers)
                raw = self._client.send(request, stream=True)
                try:
                    content = self._read_body(raw, url)
                finally:
                    raw.close()
            except httpx.InvalidURL as exc:
                raise FetchError(f"invalid URL {redact_url(url)}: {exc}") from None
            except httpx.TimeoutException as exc:
                remaining_s = deadline_remaining_s()
                if remaining_s is not None and remaining_s <= 0:
                    raise _TransientError(f"no complete response within {deadline_s:g} s") from None
                raise _TransientError(f"timed out ({type(exc).__name__})") from None
            except httpx.TransportError as exc:
                if _is_tls_failure(exc):
                    raise FetchError(f"TLS failure for {host} (certificate not trusted?): {exc}") from None
                raise _TransientError(f"connection failed: {exc or type(exc).__name__}") from None
            finally:
                self._client.cookies.clear()  # every fetch is stateless
        response_headers = {name.lower(): value for name, value in raw.headers.items()}
        self._pacer.learn_rate_limit(host, response_headers)
        return HttpResponse(url=url, status=raw.status_code, headers=response_headers, content=content)

    def _read_body(self, raw: httpx.Response, url: str) -> bytes:
        """The decompressed body, capped: over the cap raises TooLargeError; error bodies are truncated."""
        status = raw.status_code
        if status < 200 or status in (204, 304) or status in REDIRECT_STATUSES:
            return b""
        is_error = status >= 400
        limit = ERROR_BODY_MAX_BYTES if is_error else self._settings.max_body_bytes
        too_large = f"response body over the {limit}-byte cap (after decompression): {redact_url(url)}"
        encoding = raw.headers.get("content-encoding", "")
        declared = raw.headers.get("content-length", "")
        if not is_error and encoding in ("", "identity") and declared.isdigit() and int(declared) > limit:
            raise TooLargeError(too_large, http_status=status)
        decoder = _BoundedDecoder(encoding)
        parts: list[bytes] = []
        total = 0
        for chunk in raw.iter_raw():
            decoded = decoder.feed(chunk, limit - total + 1)
            parts.append(decoded)
            total += len(decoded)
            if total > limit:
                if is_error:
                    return b"".join(parts)[:limit]
                raise TooLargeError(too_large, http_status=status)
            remaining_s = deadline_remaining_s()
            if remaining_s is not None and remaining_s <= 0:
                raise httpx.ReadTimeout("total deadline exceeded")
        return b"".join(parts)
