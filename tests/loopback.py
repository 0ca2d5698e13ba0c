"""A real HTTP/1.1 server on 127.0.0.1 in a background thread, for every test that fetches.

Routes are exact paths, optionally narrowed by a query string. Scenario helpers
add the faults the client must survive (RELIABILITY.md §A): gzip and gzip bombs,
endless chunked bodies, slowloris, truncated bodies, redirect chains and loops,
304 on a matching ETag, 429 + Retry-After, and scripted sequences of replies.
"""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BufferedIOBase
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Reply = tuple[int, dict[str, str], bytes]

IDLE_CONNECTION_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    at: float  # time.monotonic() when the request line arrived
    body: bytes = b""


@dataclass(frozen=True)
class Stream:
    """Low-level scenario: `write(request, wfile, stopping)` writes the raw status line, headers and body."""

    write: Callable[[RecordedRequest, BufferedIOBase, threading.Event], None]


Handler = Callable[[RecordedRequest], "Reply | Stream"]


def _query_key(query: str | None) -> frozenset[tuple[str, str]] | None:
    return None if query is None else frozenset(parse_qsl(query.lstrip("?"), keep_blank_values=True))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: LoopbackServer

    def get_request(self) -> tuple[Any, Any]:
        sock, address = self.socket.accept()
        self.owner.connections += 1
        if self.owner.tls_context is not None:
            sock.settimeout(2.0)
            try:
                sock = self.owner.tls_context.wrap_socket(sock, server_side=True)
            except OSError:  # failed handshake: socketserver drops the connection
                sock.close()
                raise
        return sock, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up mid-scenario is the point of most scenarios


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_CONNECTION_TIMEOUT_S
    server: _Server

    def _dispatch(self) -> None:
        try:
            self.server.owner._serve(self)
        except OSError:  # includes BrokenPipe, ConnectionReset, socket timeouts
            self.close_connection = True

    do_GET = do_HEAD = do_POST = _dispatch

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class LoopbackServer:
    """Start with start() (or use as a context manager); reset() between tests; stop() closes everything."""

    def __init__(self, *, tls_context: ssl.SSLContext | None = None) -> None:
        self.tls_context = tls_context
        self.requests: list[RecordedRequest] = []
        self.connections = 0
        self._routes: dict[tuple[str, frozenset[tuple[str, str]] | None], Handler] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _RequestHandler, bind_and_activate=True)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # lifecycle -------------------------------------------------------------
    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        with self._lock:
            self._routes.clear()
            self.requests.clear()
            self.connections = 0

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str = "/") -> str:
        scheme = "https" if self.tls_context else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    # routes ----------------------------------------------------------------
    def add(
        self,
        path: str,
        body: bytes,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        query: str | None = None,
    ) -> None:
        """Serve a fixed reply at `path` (only for that query string when `query` is given)."""
        reply: Reply = (status, dict(headers or {}), body)
        self.add_handler(path, lambda _request: reply, query=query)

    def add_handler(self, path: str, fn: Handler, *, query: str | None = None) -> None:
        """Serve whatever fn(request) returns: a (status, headers, body) tuple or a Stream."""
        with self._lock:
            self._routes[(path, _query_key(query))] = fn

    def add_sequence(self, path: str, replies: list[Reply]) -> None:
        """Serve the replies in turn; the last one repeats."""
        served = iter(range(len(replies)))

        def next_reply(_request: RecordedRequest) -> Reply:
            return replies[next(served, len(replies) - 1)]

        self.add_handler(path, next_reply)

    # scenarios -------------------------------------------------------------
    def add_gzip(self, path: str, body: bytes, *, headers: dict[str, str] | None = None) -> None:
        """`body` sent gzip-compressed with Content-Encoding: gzip."""
        self.add(path, gzip.compress(body), headers={**(headers or {}), "Content-Encoding": "gzip"})

    def add_gzip_bomb(self, path: str, *, expanded_bytes: int = 64 * 1024 * 1024) -> None:
        """A small gzip body that expands to `expanded_bytes` of zeros."""
        self.add(path, gzip_bomb(expanded_bytes), headers={"Content-Encoding": "gzip", "Content-Type": "text/xml"})

    def add_endless_chunked(self, path: str, *, chunk_bytes: int = 64 * 1024) -> None:
        """Transfer-Encoding: chunked that never ends (until the client hangs up)."""

        def write(_request: RecordedRequest, wfile: BufferedIOBase, stopping: threading.Event) -> None:
            wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"%x\r\n%s\r\n" % (chunk_bytes, b"<" * chunk_bytes)
            while not stopping.is_set():
                wfile.write(chunk)

        self.add_handler(path, lambda _request: Stream(write))

    def add_slowloris(self, path: str, *, byte_interval_s: float = 0.5, declared_bytes: int = 1000) -> None:
        """Headers at once, then one body byte every `byte_interval_s`."""

        def write(_request: RecordedRequest, wfile: BufferedIOBase, stopping: threading.Event) -> None:
            wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % declared_bytes)
            for _ in range(declared_bytes):
                if stopping.wait(byte_interval_s):
                    return
                wfile.write(b"x")
                wfile.flush()

        self.add_handler(path, lambda _request: Stream(write))

    def add_truncated(self, path: str, body: bytes, *, declared_bytes: int) -> None:
        """Content-Length says `declared_bytes`, `body` is sent, then the connection closes."""

        def write(_request: RecordedRequest, wfile: BufferedIOBase, stopping: threading.Event) -> None:
            wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % declared_bytes)
            wfile.write(body)

        self.add_handler(path, lambda _request: Stream(write))

    def add_redirect(self, path: str, location: str, *, status: int = 302) -> None:
        self.add(path, b"", status=status, headers={"Location": location})

    def add_redirect_chain(self, path: str, hops: int, body: bytes) -> None:
        """`path` → `path`/1 → … → `path`/<hops>, which serves `body`."""
        names = [path] + [f"{path}/{i}" for i in range(1, hops + 1)]
        for here, there in zip(names, names[1:], strict=False):
            self.add_redirect(here, there)
        self.add(names[-1], body)

    def add_redirect_loop(self, path_a: str, path_b: str) -> None:
        self.add_redirect(path_a, path_b, status=301)
        self.add_redirect(path_b, path_a, status=301)

    def add_etag(self, path: str, body: bytes, etag: str, *, last_modified: str | None = None) -> None:
        """200 with ETag (and Last-Modified), or an empty 304 when If-None-Match matches."""
        headers = {"ETag": etag, **({"Last-Modified": last_modified} if last_modified else {})}

        def reply(request: RecordedRequest) -> Reply:
            if etag in [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]:
                return 304, headers, b""
            return 200, headers, body

        self.add_handler(path, reply)

    def add_rate_limited(self, path: str, body: bytes, *, retry_after: str, times: int = 1, status: int = 429) -> None:
        """`times` replies of `status` with Retry-After, then `body`."""
        limited: Reply = (status, {"Retry-After": retry_after}, b"slow down")
        self.add_sequence(path, [limited] * times + [(200, {}, body)])

    # serving ---------------------------------------------------------------
    def _serve(self, handler: _RequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        request = RecordedRequest(
            method=handler.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in handler.headers.items()},
            at=time.monotonic(),
            body=handler.rfile.read(length) if length else b"",
        )
        with self._lock:
            self.requests.append(request)
            route = self._routes.get((parts.path, _query_key(parts.query))) or self._routes.get((parts.path, None))
        result: Reply | Stream = (404, {}, b"not found") if route is None else route(request)
        if isinstance(result, Stream):
            handler.close_connection = True
            result.write(request, handler.wfile, self._stopping)
            return
        self._write_reply(handler, result, send_body=handler.command != "HEAD")

    @staticmethod
    def _write_reply(handler: _RequestHandler, reply: Reply, *, send_body: bool) -> None:
        status, headers, body = reply
        handler.send_response(status)
        names = {name.lower() for name in headers}
        for name, value in headers.items():
            handler.send_header(name, value)
        if "content-length" not in names and "transfer-encoding" not in names:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if send_body and status not in (204, 304):
            handler.wfile.write(body)


@lru_cache(maxsize=4)
def gzip_bomb(expanded_bytes: int) -> bytes:
    """Gzip data that decompresses to `expanded_bytes` zeros (~1000:1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(expanded_bytes // len(block))]
    parts.append(compressor.compress(bytes(expanded_bytes % len(block))))
    parts.append(compressor.flush())
    return b"".join(parts)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def self_signed_tls(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A throwaway certificate for 127.0.0.1 (openssl CLI) and a server context using it; skips without openssl."""
    import pytest

    if shutil.which("openssl") is None:
        pytest.skip("openssl command not available to make a self-signed certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return cert, context
