"""Finding what a command names: a radar by name, the default radar, a paper by id/arXiv id/DOI, the latest day.

Shared by the CLI commands so every one answers a wrong name with the same clear message.
"""

from __future__ import annotations

import datetime as dt

from academichub.errors import InputError
from academichub.ingest.normalize import key_for_reference
from academichub.models import Paper, Radar
from academichub.store import Store, row_id


def radar_named(store: Store, name: str) -> Radar:
    found = store.radar_by_name(name)
    if found is None:
        names = ", ".join(r.name for r in store.list_radars()) or "none yet"
        raise InputError(f"no radar named {name!r} (radars: {names})")
    return found


def default_radar(store: Store, name: str | None) -> Radar:
    if name:
        return radar_named(store, name)
    radars = store.list_radars()
    if len(radars) == 1:
        return radars[0]
    if not radars:
        raise InputError("no radar yet: academichub radar create NAME --description '…'")
    raise InputError(f"several radars ({', '.join(r.name for r in radars)}): choose one with --radar")


def paper_from_reference(store: Store, ref: str) -> Paper:
    """Raises: InputError when nothing stored matches."""
    ref = ref.strip()
    number = row_id(ref)
    paper = store.paper_by_id(number) if number is not None else None
    if paper is None:
        key = key_for_reference(ref)
        paper = store.paper_by_key(key) if key else None
    if paper is None:
        raise InputError(f"no stored paper {ref!r} (give its number from `papers --format json`, arXiv id or DOI)")
    return paper


def latest_day(store: Store) -> dt.date:
    days = store.announcement_days(limit=1)
    if not days:
        raise InputError("no papers stored yet: run `academichub fetch` or `academichub ingest PATH`")
    return days[0][0]
