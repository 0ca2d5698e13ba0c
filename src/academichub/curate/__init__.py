"""Curate: pure selection of each radar's Curated Daily from ranked papers."""
