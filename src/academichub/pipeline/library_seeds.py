"""A reference library (BibTeX/RIS/CSL-JSON, already parsed) → a radar's seeds: the one place this matching lives.

Entries whose arXiv id or DOI names a stored paper become seed keys; the rest
become seed texts (title + abstract). Used by `academichub radar --import` and
the web radar editor's upload; neither parses nor reports here.
"""

from __future__ import annotations

from dataclasses import replace

from academichub.models import Radar
from academichub.sources.library import LibraryEntry, LibraryImport
from academichub.store import Store


def seed_key(entry: LibraryEntry) -> str | None:
    """The identity key an entry would have as a stored paper ('arxiv:…' first, else 'doi:…')."""
    if entry.arxiv_id:
        return f"arxiv:{entry.arxiv_id}"
    return f"doi:{entry.doi}" if entry.doi else None


def seeds_from_library(store: Store, radar: Radar, library: LibraryImport) -> Radar:
    """The radar with the library added: stored papers as seed keys, other titled entries as seed texts."""
    keys, texts = list(radar.seeds), list(radar.seed_texts)
    for entry in library.entries:
        key = seed_key(entry)
        if key and store.paper_by_key(key) is not None:
            keys.append(key)
        elif entry.title:
            texts.append(f"{entry.title}. {entry.abstract}".strip())
    return replace(radar, seeds=tuple(dict.fromkeys(keys)), seed_texts=tuple(dict.fromkeys(texts)))
