"""Per-host pacing for the HTTP client: one request at a time per host, a minimum gap between them.

Gaps come from settings.host_intervals_s, tightened by a host's x-rate-limit-*
headers (Crossref). For paced hosts an flock'd timestamp file under
<home>/pacing/ carries the gap and the single connection across processes,
because arXiv counts every process we run. It does not retry or sleep for errors.
"""

from __future__ import annotations

import fcntl
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

_RATE_INTERVAL = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$", re.IGNORECASE)
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_rate_limit(limit: str | None, interval: str | None) -> float | None:
    """Seconds between requests implied by x-rate-limit-limit / x-rate-limit-interval ("50", "1s")."""
    if not limit or not interval:
        return None
    match = _RATE_INTERVAL.match(interval)
    try:
        count = int(limit.strip())
    except ValueError:
        return None
    if match is None or count <= 0:
        return None
    return float(match.group(1)) * _UNIT_S[(match.group(2) or "s").lower()] / count


class HostPacer:
    """Hands out per-host request slots; `clock` and `sleep` are injectable for tests."""

    def __init__(
        self,
        intervals_s: Mapping[str, float],
        *,
        state_dir: Path | None,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self._intervals_s = {host.lower(): seconds for host, seconds in intervals_s.items()}
        self._learned_s: dict[str, float] = {}
        self._last: dict[str, float] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._state_dir = state_dir
        self._clock = clock
        self._sleep = sleep

    def interval_for(self, host: str) -> float:
        """The minimum gap in seconds between two requests to `host`."""
        host = host.lower()
        return max(self._intervals_s.get(host, 0.0), self._learned_s.get(host, 0.0))

    def learn_rate_limit(self, host: str, headers: Mapping[str, str]) -> None:
        """Tighten (never loosen) the host's gap from its x-rate-limit-* response headers."""
        seconds = parse_rate_limit(headers.get("x-rate-limit-limit"), headers.get("x-rate-limit-interval"))
        if seconds is not None:
            host = host.lower()
            with self._guard:
                self._learned_s[host] = max(self._learned_s.get(host, 0.0), seconds)

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold the host's only slot for one request, after waiting out its interval."""
        host = host.lower()
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        interval = self.interval_for(host)
        with lock, ExitStack() as stack:
            stamp = stack.enter_context(self._stamp_file(host)) if interval > 0 else None
            last = max(self._last.get(host, float("-inf")), _read_stamp(stamp))
            wait = last + interval - self._clock()
            if wait > 0:
                self._sleep(wait)
            try:
                yield
            finally:
                finished = self._clock()
                self._last[host] = finished
                if stamp is not None:
                    _write_stamp(stamp, finished)

    @contextmanager
    def _stamp_file(self, host: str) -> Iterator[IO[bytes] | None]:
        if self._state_dir is None:
            yield None
            return
        try:
            self._state_dir.mkdir(parents=True, exist_ok=True)
            handle = open(self._state_dir / f"{re.sub(r'[^a-z0-9.-]', '_', host)}.pace", "a+b")  # noqa: SIM115
        except OSError:  # read-only home: fall back to in-process pacing
            yield None
            return
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield handle
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _read_stamp(handle: IO[bytes] | None) -> float:
    if handle is None:
        return float("-inf")
    handle.seek(0)
    try:
        return float(handle.read(64).decode("ascii").strip() or "-inf")
    except (ValueError, UnicodeDecodeError):
        return float("-inf")


def _write_stamp(handle: IO[bytes], at: float) -> None:
    handle.seek(0)
    handle.truncate()
    handle.write(f"{at!r}".encode("ascii"))
    handle.flush()
