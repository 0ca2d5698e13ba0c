"""Sign-in throttling and rate limits over a real SQLite file, with a clock the test moves."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from academichub.config import Settings
from academichub.store import Store, open_store
from academichub.web.throttle import (
    ACCOUNT_ALERT_FACTOR,
    ATTEMPTS_UNDER_ATTACK,
    LoginThrottle,
    RateLimit,
    client_network,
)

ATTEMPTS = 10
WINDOW_S = 900.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def url(tmp_path: Path) -> str:
    return Settings(home=tmp_path).resolved_database_url


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    with open_store(url) as opened:
        yield opened


@pytest.fixture
def clock() -> Clock:
    return Clock()


def fail(throttle: LoginThrottle, store: Store, host: str, account: str, times: int) -> list[int]:
    """Wrong passwords: attempts begun and never marked as succeeded. Returns each attempt's wait."""
    return [throttle.begin(store, host, account).wait_s for _ in range(times)]


def test_pair_is_refused_after_the_limit_and_freed_when_the_window_passes(store: Store, clock: Clock) -> None:
    throttle = LoginThrottle(ATTEMPTS, WINDOW_S, clock)
    assert fail(throttle, store, "10.0.0.66", "admin", ATTEMPTS) == [0] * ATTEMPTS
    clock.now += 100
    refused = throttle.begin(store, "10.0.0.66", "admin")
    assert refused.wait_s == WINDOW_S - 100 and refused.hit_ids == ()
    clock.now += WINDOW_S - 100
    assert throttle.begin(store, "10.0.0.66", "admin").wait_s == 0


def test_failures_from_one_address_do_not_lock_the_account_elsewhere(store: Store, clock: Clock) -> None:
    throttle = LoginThrottle(ATTEMPTS, WINDOW_S, clock)
    fail(throttle, store, "10.0.0.66", "admin", 3 * ATTEMPTS)
    assert throttle.begin(store, "10.0.0.66", "admin").wait_s > 0
    assert throttle.begin(store, "10.0.0.1", "admin").wait_s == 0


def test_one_address_spraying_many_names_is_stopped(store: Store, clock: Clock) -> None:
    throttle = LoginThrottle(ATTEMPTS, WINDOW_S, clock)
    waits = [throttle.begin(store, "10.0.0.66", f"user{i}").wait_s for i in range(25)]
    assert waits[:20] == [0] * 20 and all(w > 0 for w in waits[20:])
    assert throttle.begin(store, "10.0.0.1", "user0").wait_s == 0


def test_an_attack_spread_over_many_addresses_tightens_without_locking_out(store: Store, clock: Clock) -> None:
    throttle = LoginThrottle(ATTEMPTS, WINDOW_S, clock)
    for bot in range(ATTEMPTS * ACCOUNT_ALERT_FACTOR // ATTEMPTS_UNDER_ATTACK + 1):
        fail(throttle, store, f"198.51.{bot // 250}.{bot % 250}", "admin", ATTEMPTS_UNDER_ATTACK)
    assert throttle.begin(store, "198.51.0.0", "admin").wait_s > 0  # a bot that already failed 3 times
    owner = throttle.begin(store, "10.0.0.1", "admin")  # a clean address still gets its tries
    assert owner.wait_s == 0
    throttle.succeeded(store, owner)
    clock.now += WINDOW_S
    assert throttle.begin(store, "198.51.0.0", "admin").wait_s == 0


def test_success_forgives_the_pair_but_not_the_address(store: Store, clock: Clock) -> None:
    throttle = LoginThrottle(ATTEMPTS, WINDOW_S, clock)
    fail(throttle, store, "10.0.0.66", "mallory", ATTEMPTS - 1)
    throttle.succeeded(store, throttle.begin(store, "10.0.0.66", "mallory"))  # the attacker's own account
    assert fail(throttle, store, "10.0.0.66", "mallory", ATTEMPTS - 1) == [0] * (ATTEMPTS - 1)  # pair forgiven
    assert fail(throttle, store, "10.0.0.66", "victim", 2) == [0, 0]
    assert throttle.begin(store, "10.0.0.66", "victim").wait_s > 0  # the address's 20 failures all still count


def test_ipv6_clients_are_counted_per_64_and_mapped_ipv4_as_ipv4() -> None:
    assert client_network("2001:db8:1:2:aaaa::1") == client_network("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert client_network("2001:db8:1:3::1") != client_network("2001:db8:1:2::1")
    assert client_network("::ffff:10.0.0.66") == "10.0.0.66"
    assert client_network(None) == "?"


def test_counts_are_shared_by_every_process_on_the_database(url: str, clock: Clock) -> None:
    with open_store(url) as first, open_store(url) as second:
        fail(LoginThrottle(ATTEMPTS, WINDOW_S, clock), first, "10.0.0.66", "admin", ATTEMPTS)
        assert LoginThrottle(ATTEMPTS, WINDOW_S, clock).begin(second, "10.0.0.66", "admin").wait_s > 0


def test_parallel_attempts_cannot_slip_past_the_limit(url: str, store: Store, clock: Clock) -> None:
    throttle = LoginThrottle(ATTEMPTS, WINDOW_S, clock)
    stores = [open_store(url) for _ in range(3 * ATTEMPTS)]  # one connection each, like separate workers
    start = threading.Barrier(len(stores), timeout=60)
    waits: list[int] = []

    def attempt(own: Store) -> None:
        start.wait()
        waits.append(throttle.begin(own, "10.0.0.66", "admin").wait_s)

    threads = [threading.Thread(target=attempt, args=(own,)) for own in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for own in stores:
        own.close()
    assert len(waits) == len(stores) and waits.count(0) == ATTEMPTS


def test_rate_limit_counts_every_take_and_reopens_after_the_window(store: Store, clock: Clock) -> None:
    limit = RateLimit(2, 3600, clock)
    assert [limit.take(store, "regenerate:user:1") for _ in range(2)] == [0, 0]
    clock.now += 60
    assert limit.take(store, "regenerate:user:1") == 3600 - 60
    assert limit.take(store, "regenerate:user:2") == 0
    clock.now += 3600 - 60
    assert limit.take(store, "regenerate:user:1") == 0


def test_expired_hits_are_dropped_from_the_database(store: Store, clock: Clock) -> None:
    limit = RateLimit(100, 60, clock)
    for user in range(50):
        limit.take(store, f"regenerate:user:{user}")
    clock.now += 61
    limit.take(store, "regenerate:user:0")
    assert store.throttle_hits([f"regenerate:user:{u}" for u in range(50)], clock.now - 120) == {
        f"regenerate:user:{u}": ([clock.now + 60] if u == 0 else []) for u in range(50)
    }
