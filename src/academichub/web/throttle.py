"""Sign-in throttling and per-user rate limits, counted in the database so every web process shares them.

Sign-in keys and why (an attacker must never be able to lock a user out):
- per (client network, account): `attempts` failures per window, then 429 for that pair only;
- per client network (IPv4 address, IPv6 /64): twice that, so spraying one password over many
  names from one place is stopped too, while a campus NAT still has room;
- per account over all networks: never blocks by itself. Once an account has collected
  ACCOUNT_ALERT_FACTOR × `attempts` failures (a guess spread over many addresses), each
  network gets only ATTEMPTS_UNDER_ATTACK tries at that account until the wave passes. A
  correct password from a network that has not failed that often still signs in.
Server-side delays were rejected: each one holds a worker, which a botnet turns into a DoS.
Every attempt is counted before the password is checked, in one IMMEDIATE transaction, so
parallel requests cannot all slip under the limit; a success takes its own hits back.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from academichub.store import Store

ADDRESS_FACTOR = 2  # per-network failures allowed, as a multiple of the per-(network, account) limit
ACCOUNT_ALERT_FACTOR = 10  # failures on one account, over all networks, that mean a spread-out attack
ATTEMPTS_UNDER_ATTACK = 3  # tries per (network, account) while the account is under such an attack
MAX_ACCOUNT_KEY_CHARS = 64  # account names are at most 64 characters; longer input is not an account
IPV6_PREFIX = 64  # one subscriber usually holds a whole /64


def client_network(host: str | None) -> str:
    """The unit one client controls: an IPv4 address, an IPv6 /64 (IPv4-mapped IPv6 as IPv4)."""
    if not host:
        return "?"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:MAX_ACCOUNT_KEY_CHARS]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)


def wait_s(expiries: list[float], limit: int, now: float) -> float:
    """Seconds until fewer than `limit` of these hits (expiry times, oldest first) are live; 0 if already."""
    if len(expiries) < limit:
        return 0.0
    return max(0.0, expiries[len(expiries) - limit] - now)


def whole_seconds(wait: float) -> int:
    return math.ceil(wait) if wait > 0 else 0


class RateLimit:
    """At most `limit` hits per key in any `window_s`; every allowed call counts."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.time) -> None:
        self._limit = limit
        self._window_s = window_s
        self._clock = clock

    def take(self, store: Store, key: str) -> int:
        """0 and one hit counted under `key`, or the seconds to wait (nothing counted)."""
        now = self._clock()
        with store.transaction():
            wait = wait_s(store.throttle_hits([key], now)[key], self._limit, now)
            if wait <= 0:
                store.add_throttle_hits([key], now, self._window_s)
        return whole_seconds(wait)


@dataclass(frozen=True, slots=True)
class LoginAttempt:
    """One counted sign-in attempt: `wait_s` > 0 means refused (nothing counted), try again then."""

    wait_s: int
    pair_key: str
    hit_ids: tuple[int, ...] = ()


class LoginThrottle:
    """Failed sign-ins per (network, account), per network, and per account; see the module docstring."""

    def __init__(self, attempts: int, window_s: float, clock: Callable[[], float] = time.time) -> None:
        self._attempts = attempts
        self._window_s = window_s
        self._clock = clock

    def begin(self, store: Store, host: str | None, account: str) -> LoginAttempt:
        """Count an attempt before the password is checked, or refuse it with the seconds to wait."""
        network = client_network(host)
        name = account.strip().lower()[:MAX_ACCOUNT_KEY_CHARS]
        keys = (f"login:pair:{network}:{name}", f"login:net:{network}", f"login:account:{name}")
        now = self._clock()
        with store.transaction():
            hits = store.throttle_hits(keys, now)
            wait = self._wait(hits[keys[0]], hits[keys[1]], hits[keys[2]], now)
            if wait > 0:
                return LoginAttempt(whole_seconds(wait), keys[0])
            ids = store.add_throttle_hits(keys, now, self._window_s)
        return LoginAttempt(0, keys[0], tuple(ids))

    def _wait(self, pair: list[float], network: list[float], account: list[float], now: float) -> float:
        pair_wait = wait_s(pair, self._attempts, now)
        under_attack_wait = min(
            wait_s(pair, ATTEMPTS_UNDER_ATTACK, now), wait_s(account, self._attempts * ACCOUNT_ALERT_FACTOR, now)
        )
        return max(wait_s(network, self._attempts * ADDRESS_FACTOR, now), pair_wait, under_attack_wait)

    def succeeded(self, store: Store, attempt: LoginAttempt) -> None:
        """The password was right: this attempt and the pair's earlier failures no longer count.

        The network's and the account's failures stay until they expire, so signing in to an
        account of one's own cannot reset the budget for guessing at someone else's.
        """
        with store.transaction():
            store.delete_throttle_hits(attempt.hit_ids)
            store.clear_throttle_key(attempt.pair_key)
