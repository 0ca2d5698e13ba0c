"""Open stores kept between requests, so a page does not pay for connecting, PRAGMAs and migrations each time.

Each store serves one request at a time; a request that failed returns its
store closed rather than pooled. The app closes the pool at shutdown.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from academichub.store import Store, open_store

MAX_IDLE_STORES = 8  # about the number of requests served at once; more are opened and closed as needed


def _close_all(stores: list[Store]) -> None:
    while stores:
        stores.pop().close()


class StorePool:
    """Stores on one database URL, handed out one request at a time."""

    def __init__(self, url: str, max_idle: int = MAX_IDLE_STORES) -> None:
        self._url = url
        self._max_idle = max_idle
        self._idle: list[Store] = []
        self._lock = threading.Lock()
        weakref.finalize(self, _close_all, self._idle)  # an app dropped without shutdown still closes its files

    def acquire(self) -> Store:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return open_store(self._url)

    def release(self, store: Store) -> None:
        with self._lock:
            if len(self._idle) < self._max_idle:
                self._idle.append(store)
                return
        store.close()

    @contextmanager
    def lent(self) -> Iterator[Store]:
        """A store for one unit of work (a request, a background task): pooled again after it, closed instead when
        the work failed, as the connection may then be in any state."""
        store = self.acquire()
        try:
            yield store
        except BaseException:
            store.close()
            raise
        self.release(store)

    def close(self) -> None:
        with self._lock:
            _close_all(self._idle)
