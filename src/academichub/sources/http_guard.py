"""SSRF guard and total deadline for the HTTP client (sources/http.py owns the client itself).

Each connection resolves its host once, refuses it if any address is private,
then connects to that checked IP (no second lookup, so DNS rebinding cannot swap
it) and re-checks the connected peer. Every socket timeout is clamped to the
request's wall-clock deadline, so a slowloris server cannot outlive it.
"""

from __future__ import annotations

import re
import socket
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from urllib.parse import urlsplit

import httpcore

from academichub.errors import BlockedAddressError

IPAddress = IPv4Address | IPv6Address
SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]

ALLOWED_SCHEMES = frozenset({"http", "https"})
_THIS_NETWORK = IPv4Network("0.0.0.0/8")
_NAT64 = IPv6Network("64:ff9b::/96")
# Forms inet_aton accepts (0177.0.0.1, 0x7f.1, 2130706433); names with letters beyond hex never match.
_LEGACY_IPV4 = re.compile(r"(?:0[xX][0-9a-fA-F]*|[0-9]+)(?:\.(?:0[xX][0-9a-fA-F]*|[0-9]+)){0,3}")

_deadline: ContextVar[float | None] = ContextVar("academichub_http_deadline", default=None)


@contextmanager
def request_deadline(seconds: float) -> Iterator[None]:
    """Within the block, every socket operation of this thread gives up `seconds` from now."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def deadline_remaining_s() -> float | None:
    """Seconds left before the current request's deadline (None outside request_deadline)."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


def _embedded_ipv4(ip: IPv6Address) -> IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_allowed_address(ip: IPAddress, *, allow_private: bool) -> bool:
    """Public unicast only; allow_private (tests) adds loopback and RFC 1918/ULA, never link-local or 0/8."""
    if isinstance(ip, IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_allowed_address(embedded, allow_private=allow_private)
    if ip.is_multicast or ip.is_unspecified or ip.is_link_local:
        return False
    if isinstance(ip, IPv4Address) and ip in _THIS_NETWORK:
        return False
    if ip.is_global and not ip.is_reserved:
        return True
    return allow_private and (ip.is_loopback or (ip.is_private and not ip.is_reserved))


def literal_address(host: str) -> IPAddress | None:
    """The address a host names literally, including legacy IPv4 forms and a trailing dot; else None."""
    bare = host.strip("[]").rstrip(".").split("%")[0]
    try:
        return ip_address(bare)
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(bare):
        try:
            return IPv4Address(socket.inet_aton(bare))
        except OSError:
            return None
    return None


def _refuse(host: str, ip: IPAddress) -> BlockedAddressError:
    return BlockedAddressError(f"refused to connect to {host}: {ip} is a private, loopback or reserved address")


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse non-http(s) schemes and literal private addresses before anything is sent.

    Raises: BlockedAddressError.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedAddressError(f"refused URL scheme {scheme or '(none)'!r}: only http and https are fetched")
    host = parts.hostname or ""
    if not host:
        raise BlockedAddressError("refused URL without a host")
    ip = literal_address(host)
    if ip is not None and not is_allowed_address(ip, allow_private=allow_private):
        raise _refuse(host, ip)


def resolve_checked(host: str, port: int, *, allow_private: bool) -> list[IPAddress]:
    """Resolve once; every address must be allowed. Raises: BlockedAddressError, httpcore.ConnectError."""
    literal = literal_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host.rstrip("."), port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = list(dict.fromkeys(ip_address(str(info[4][0]).split("%")[0]) for info in infos))
    for ip in addresses:
        if not is_allowed_address(ip, allow_private=allow_private):
            raise _refuse(host, ip)
    if not addresses:
        raise httpcore.ConnectError(f"cannot resolve {host}: no addresses")
    return addresses


def _clamp(timeout: float | None, expired: type[Exception]) -> float | None:
    remaining = deadline_remaining_s()
    if remaining is None:
        return timeout
    if remaining <= 0:
        raise expired("total deadline exceeded")
    return remaining if timeout is None else min(timeout, remaining)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read, write and TLS handshake stops at the request deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout))
        return DeadlineStream(inner)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore network backend that connects only to checked addresses (see module docstring)."""

    def __init__(self, *, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve_checked(host, port, allow_private=self._allow_private)
        failure: Exception | None = None
        for ip in addresses:
            try:
                stream = self._backend.connect_tcp(
                    str(ip),
                    port,
                    _clamp(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            self._check_peer(host, stream)
            return DeadlineStream(stream)
        raise failure or httpcore.ConnectError(f"cannot connect to {host}")

    def _check_peer(self, host: str, stream: httpcore.NetworkStream) -> None:
        peer = stream.get_extra_info("server_addr")
        ip = ip_address(str(peer[0]).split("%")[0])
        if not is_allowed_address(ip, allow_private=self._allow_private):
            stream.close()
            raise _refuse(host, ip)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        raise BlockedAddressError("refused to connect to a unix socket")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
