"""Ingest: pure functions turning RawItems into canonical Papers (normalise, sanitise, dedupe)."""
