"""The web's pool of open stores: a store lent for a request or a background task comes back after it, unless the
work failed; then it is closed, never handed to the next request in an unknown state."""

from pathlib import Path

import pytest

from academichub.errors import InputError
from academichub.web.store_pool import StorePool


def test_a_store_lent_for_work_that_succeeded_serves_the_next(tmp_path: Path) -> None:
    pool = StorePool(f"sqlite:///{tmp_path / 'pool.db'}")
    with pool.lent() as first:
        first.list_papers(limit=1)
    with pool.lent() as second:
        assert second is first
        assert second.list_papers(limit=1) == []
    pool.close()


def test_a_store_lent_for_work_that_failed_is_closed_not_pooled(tmp_path: Path) -> None:
    pool = StorePool(f"sqlite:///{tmp_path / 'pool.db'}")
    with pytest.raises(InputError), pool.lent() as failed:
        raise InputError("the request failed half-way")
    with pytest.raises(Exception, match="closed"):
        failed.list_papers(limit=1)  # closed: its connection may have been in any state
    with pool.lent() as fresh:
        assert fresh is not failed and fresh.list_papers(limit=1) == []
    pool.close()
