"""AcademicHub: the day's new literature, deduplicated, ranked by each researcher's radar."""

__version__ = "0.1.0"
