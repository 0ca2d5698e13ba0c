"""The HTTP client against a real loopback server: RELIABILITY.md §A, one test per row."""

from __future__ import annotations

import email.utils
import threading
import time
from pathlib import Path

import pytest

from academichub.config import Settings
from academichub.errors import BlockedAddressError, FetchError, RateLimitedError, TooLargeError
from academichub.sources.http import HttpClient, redact_url, resolve_redirect
from loopback import LoopbackServer, RecordedRequest, free_port, self_signed_tls

MIB = 1024 * 1024


class FakeClock:
    """Clock and sleep for pacing and retry waits: sleeping advances time and is recorded."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client_with(settings: Settings, clock: FakeClock | None = None, **changes: object) -> HttpClient:
    changed = settings.model_copy(update=changes)
    if clock is None:
        return HttpClient(changed)
    return HttpClient(changed, clock=clock, sleep=clock.sleep)


def test_get_returns_body_headers_and_sends_params(loopback, http_client):
    loopback.add("/feed", b"<rss/>", headers={"Content-Type": "application/rss+xml; charset=utf-8"})
    response = http_client.get(loopback.url("/feed?a=1"), params={"q": "cat:cs.LG"})
    assert (response.status, response.content, response.text()) == (200, b"<rss/>", "<rss/>")
    assert response.headers["content-type"].startswith("application/rss+xml")
    assert loopback.requests[0].query == {"a": "1", "q": "cat:cs.LG"}


def test_gzip_body_comes_back_decompressed(loopback, http_client):
    loopback.add_gzip("/feed.xml", b"<feed>" + b"x" * 10_000 + b"</feed>")
    response = http_client.get(loopback.url("/feed.xml"))
    assert response.content.startswith(b"<feed>xxx") and len(response.content) == 10_013
    assert "gzip" in loopback.requests[0].headers["accept-encoding"]


# A1: inward-pointing URLs, refused before any connection.
SSRF_VECTORS = [
    "http://localhost:{port}/",
    "http://LOCALHOST:{port}/",
    "http://127.0.0.1:{port}/",
    "http://127.1.2.3:{port}/",
    "http://0177.0.0.1:{port}/",
    "http://0x7f.0.0.1:{port}/",
    "http://2130706433:{port}/",
    "http://[::1]:{port}/",
    "http://[0:0:0:0:0:0:0:1]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.169.254./latest/meta-data/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://[fd00::1]/",
    "http://0.0.0.0:{port}/",
    "http://0:{port}/",
    "http://224.0.0.1/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:{port}/_GET",
    "ftp://example.org/feed.xml",
]


@pytest.mark.parametrize("vector", SSRF_VECTORS)
def test_inward_pointing_urls_are_refused_before_connecting(loopback, settings, vector):
    with client_with(settings, allow_private_networks=False) as client, pytest.raises(BlockedAddressError):
        client.get(vector.format(port=loopback.port))
    assert loopback.connections == 0 and loopback.requests == []


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "gopher://example.org/",
        "http://0.0.0.0:{port}/",
    ],
)
def test_redirect_to_a_refused_target_is_blocked_at_that_hop(loopback, http_client, location):
    loopback.add_redirect("/start", location.format(port=loopback.port))
    with pytest.raises(BlockedAddressError):
        http_client.get(loopback.url("/start"))
    assert [r.path for r in loopback.requests] == ["/start"]


def test_redirect_chain_is_followed_to_its_end(loopback, http_client):
    loopback.add_redirect_chain("/old", hops=3, body=b"<feed/>")
    response = http_client.get(loopback.url("/old"))
    assert response.content == b"<feed/>" and response.url == loopback.url("/old/3")


def test_redirect_loop_ends_with_too_many_redirects(loopback, http_client, settings):
    loopback.add_redirect_loop("/a", "/b")
    with pytest.raises(FetchError, match="too many redirects"):
        http_client.get(loopback.url("/a"))
    assert len(loopback.requests) == settings.max_redirects + 1


def test_https_to_http_downgrade_is_refused():
    with pytest.raises(FetchError, match="HTTPS to plain HTTP"):
        resolve_redirect("https://example.org/feed", "http://example.org/feed", allow_private=False)
    assert resolve_redirect("http://example.org/a/b", "../c", allow_private=False) == "http://example.org/c"


def test_untrusted_certificate_fails_closed_without_retry(tmp_path, settings):
    _, context = self_signed_tls(tmp_path)
    with LoopbackServer(tls_context=context) as server, HttpClient(settings) as client:
        server.add("/feed", b"<feed/>")
        with pytest.raises(FetchError, match="TLS"):
            client.get(server.url("/feed"))
        assert server.connections == 1 and server.requests == []


# A4: body cap counted after decompression.
@pytest.mark.parametrize("scenario", ["plain", "chunked-endless", "gzip-bomb"])
def test_body_over_the_cap_aborts_fast(loopback, settings, scenario):
    if scenario == "plain":
        loopback.add("/big", b"x" * (2 * MIB))
    elif scenario == "chunked-endless":
        loopback.add_endless_chunked("/big")
    else:
        loopback.add_gzip_bomb("/big", expanded_bytes=64 * MIB)
    started = time.monotonic()
    with client_with(settings, max_body_bytes=MIB) as client, pytest.raises(TooLargeError):
        client.get(loopback.url("/big"))
    assert time.monotonic() - started < 2.0
    assert len(loopback.requests) == 1


def test_body_at_the_cap_is_accepted(loopback, settings):
    loopback.add_gzip("/exact", b"y" * MIB)
    with client_with(settings, max_body_bytes=MIB) as client:
        assert len(client.get(loopback.url("/exact")).content) == MIB


# A5: total deadline even when bytes keep trickling in.
def test_slowloris_server_hits_the_total_deadline(loopback, settings):
    loopback.add_slowloris("/slow", byte_interval_s=0.2)
    started = time.monotonic()
    with client_with(settings, fetch_timeout_s=1.0, max_retries=0) as client:
        with pytest.raises(FetchError, match="within 1 s"):
            client.get(loopback.url("/slow"))
    assert 0.9 <= time.monotonic() - started < 2.0


def test_truncated_body_is_an_error_after_retries(loopback, http_client, settings):
    loopback.add_truncated("/cut", b"<feed><entry>", declared_bytes=5000)
    with pytest.raises(FetchError, match="connection failed"):
        http_client.get(loopback.url("/cut"))
    assert len(loopback.requests) == settings.max_retries + 1


def test_refused_connection_is_an_error_after_retries(http_client):
    with pytest.raises(FetchError, match="after 4 attempts"):
        http_client.get(f"http://127.0.0.1:{free_port()}/feed")


# Conditional GET.
def test_matching_etag_gives_304_not_an_error(loopback, http_client):
    last_modified = "Mon, 02 Jun 2025 04:00:00 GMT"
    loopback.add_etag("/feed", b"<feed/>", '"v1"', last_modified=last_modified)
    first = http_client.get(loopback.url("/feed"))
    assert (first.status, first.etag, first.last_modified) == (200, '"v1"', last_modified)
    again = http_client.get(loopback.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.content == b""
    assert loopback.requests[1].headers["if-none-match"] == '"v1"'
    assert loopback.requests[1].headers["if-modified-since"] == last_modified


# A8: Retry-After, capped.
@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_is_honoured(loopback, settings, status):
    clock = FakeClock()
    loopback.add_rate_limited("/api", b"ok", retry_after="1", status=status)
    with client_with(settings, clock) as client:
        assert client.get(loopback.url("/api")).content == b"ok"
    assert clock.sleeps == [1.0] and len(loopback.requests) == 2


def test_retry_after_http_date_is_honoured(loopback, settings):
    clock = FakeClock()
    loopback.add_rate_limited("/api", b"ok", retry_after=email.utils.formatdate(time.time() + 2, usegmt=True))
    with client_with(settings, clock) as client:
        assert client.get(loopback.url("/api")).content == b"ok"
    assert len(clock.sleeps) == 1 and 0.5 < clock.sleeps[0] <= 2.0


def test_absurd_retry_after_raises_without_waiting(loopback, settings):
    clock = FakeClock()
    loopback.add_rate_limited("/api", b"ok", retry_after=str(10**9))
    with client_with(settings, clock) as client, pytest.raises(RateLimitedError) as caught:
        client.get(loopback.url("/api"))
    assert caught.value.retry_after_s == 10**9 and caught.value.http_status == 429
    assert clock.sleeps == [] and len(loopback.requests) == 1


def test_endless_429_gives_up_as_rate_limited(loopback, settings):
    clock = FakeClock()
    loopback.add_rate_limited("/api", b"ok", retry_after="1", times=100)
    with client_with(settings, clock) as client, pytest.raises(RateLimitedError):
        client.get(loopback.url("/api"))
    assert clock.sleeps == [1.0, 1.0, 1.0] and len(loopback.requests) == 4


# A9: 5xx → exponential backoff, then an error with the reason.
def test_repeated_5xx_backs_off_exponentially_then_fails(loopback, settings):
    clock = FakeClock()
    loopback.add("/api", b"upstream broke", status=502)
    with client_with(settings, clock) as client, pytest.raises(FetchError, match="HTTP 502") as caught:
        client.get(loopback.url("/api"))
    assert caught.value.http_status == 502 and caught.value.body == b"upstream broke"
    assert clock.sleeps == pytest.approx([0.01, 0.02, 0.04]) and len(loopback.requests) == 4


def test_5xx_then_success_returns_the_success(loopback, http_client):
    loopback.add_sequence("/api", [(500, {}, b"oops"), (200, {}, b"fine")])
    assert http_client.get(loopback.url("/api")).content == b"fine"


def test_4xx_fails_at_once_with_the_body(loopback, http_client):
    error_body = b"<feed><entry><title>Error</title><summary>max_results too large</summary></entry></feed>"
    loopback.add("/api/query", error_body, status=400)
    with pytest.raises(FetchError) as caught:
        http_client.get(loopback.url("/api/query"))
    assert (caught.value.http_status, caught.value.body) == (400, error_body)
    assert len(loopback.requests) == 1


def test_secrets_in_the_query_never_reach_the_error(loopback, http_client):
    loopback.add("/works", b"no", status=403)
    with pytest.raises(FetchError) as caught:
        http_client.get(loopback.url("/works"), params={"api_key": "s3cr3t", "q": "x"})
    assert "s3cr3t" not in str(caught.value) and "REDACTED" in str(caught.value)
    assert "hunter2" not in redact_url("https://u:hunter2@example.org/a?token=hunter2&page=2")


# A10: an empty 200 is an error, never "no new items".
def test_empty_200_is_an_error(loopback, http_client):
    loopback.add("/feed", b"")
    with pytest.raises(FetchError, match="empty response"):
        http_client.get(loopback.url("/feed"))


def test_user_agent_carries_the_contact_email(loopback, settings):
    loopback.add("/feed", b"<feed/>")
    with client_with(settings, contact_email="me@example.org") as client:
        client.get(loopback.url("/feed"))
    agent = loopback.requests[0].headers["user-agent"]
    assert agent.startswith("AcademicHub/") and "mailto:me@example.org" in agent


# Pacing (E5, A11).
def test_requests_to_a_paced_host_are_spaced(loopback, settings):
    clock = FakeClock()
    loopback.add("/feed", b"<feed/>")
    with client_with(settings, clock, host_intervals_s={"127.0.0.1": 3.0}) as client:
        client.get(loopback.url("/feed"))
        client.get(loopback.url("/feed"))
    assert clock.sleeps == [pytest.approx(3.0)]


def test_pacing_holds_across_clients_sharing_a_home(loopback, settings):
    clock = FakeClock()
    loopback.add("/feed", b"<feed/>")
    paced = {"host_intervals_s": {"127.0.0.1": 3.0}}
    with client_with(settings, clock, **paced) as first, client_with(settings, clock, **paced) as second:
        first.get(loopback.url("/feed"))
        second.get(loopback.url("/feed"))
    assert clock.sleeps == [pytest.approx(3.0)]
    assert any(Path(settings.home, "pacing").glob("127.0.0.1.pace"))


def test_rate_limit_headers_tighten_the_interval(loopback, settings):
    clock = FakeClock()
    loopback.add("/works", b"{}", headers={"X-Rate-Limit-Limit": "1", "X-Rate-Limit-Interval": "2s"})
    with client_with(settings, clock) as client:
        client.get(loopback.url("/works"))
        client.get(loopback.url("/works"))
    assert clock.sleeps == [pytest.approx(2.0)]


def test_one_connection_at_a_time_per_host(loopback, http_client):
    active, peak, guard = [0], [0], threading.Lock()

    def slow(_request: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        with guard:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.15)
        with guard:
            active[0] -= 1
        return 200, {}, b"<feed/>"

    loopback.add_handler("/feed", slow)
    workers = [threading.Thread(target=http_client.get, args=(loopback.url("/feed"),)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(loopback.requests) == 3 and peak[0] == 1
