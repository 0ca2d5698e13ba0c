"""The flow, spelled out in one place: collect (fetch/ingest → normalise → dedupe → store) → rank → curate.

`collect` gets papers in; `digest` builds each radar's Curated Daily. The
stage packages below them are pure (ingest, rank, curate) or own one kind of
I/O (sources: network and files; store: SQL).
"""

from academichub.pipeline.collect import (
    FileReport,
    HarvestReport,
    enrich_papers,
    fetch_source,
    fetch_sources,
    harvest_oai,
    ingest_files,
    store_items,
    store_papers,
)

__all__ = [
    "FileReport",
    "HarvestReport",
    "enrich_papers",
    "fetch_source",
    "fetch_sources",
    "harvest_oai",
    "ingest_files",
    "store_items",
    "store_papers",
]
