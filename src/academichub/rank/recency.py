"""How long before its announcement a paper first appeared: the radar's recency term. Pure.

A day's announcements are mostly new work, but not all: an arXiv replacement may revise a paper from years ago, and
a journal article may publish a preprint that appeared months before (merged with it by dedupe). At equal relevance
a radar puts the new work first: each paper's staleness, 0 when it first appeared within a few days of the
announcement and rising on a log scale to 1 at a year or more, is subtracted (× RadarWeights.recency) from its score.

A paper first appeared on the earliest date we know for it: its first version's date, its publication date, or, for
an arXiv paper, the end of the month its identifier names (2301.01234: January 2023; hep-th/9901001: January 1999).
The identifier's month is an upper bound, so a paper submitted this month is never counted as old.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from academichub.models import Paper

FRESH_DAYS = 3  # announced within this many days of first appearing: not stale at all
STALE_DAYS = 365  # … and this old or older: fully stale (1.0)
_NEW_ID = re.compile(r"(\d{2})(\d{2})\.\d{4,5}")  # 2301.01234 (since April 2007)
_VERSION = re.compile(r"v\d+$")
_OLD_ID = re.compile(r"[a-z-]+(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}")  # hep-th/9901001, math.AG/0601001


def arxiv_month_end(arxiv_id: str) -> dt.date | None:
    """The last day of the month an arXiv identifier was issued in (None when it is not one)."""
    base = _VERSION.sub("", arxiv_id)
    if found := _NEW_ID.fullmatch(base):
        year = 2000 + int(found.group(1))
    elif found := _OLD_ID.fullmatch(base):
        yy = int(found.group(1))
        year = (1900 if yy >= 91 else 2000) + yy  # the old scheme ran from August 1991 to March 2007
    else:
        return None
    month = int(found.group(2))
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def first_appeared(paper: Paper) -> dt.date | None:
    """The earliest date known for the paper (see the module's docstring), or None."""
    dates = [v.date for v in paper.versions if v.date is not None]
    dates += [d for d in (paper.published,) if d is not None]
    arxiv_id = paper.identifier("arxiv")
    month_end = arxiv_month_end(arxiv_id) if arxiv_id else None
    if month_end is not None:
        dates.append(month_end)
    return min(dates) if dates else None


def appeared_before(paper: Paper, day: dt.date) -> dt.date | None:
    """When the paper first appeared, if that was more than FRESH_DAYS before `day` (what a list shows beside an
    old paper announced again); None for new work or an unknown date."""
    first = first_appeared(paper)
    return first if first is not None and (day - first).days > FRESH_DAYS else None


def appeared_month(paper: Paper, day: dt.date) -> str:
    """appeared_before as the month shown beside the paper ("2024-11"); "" for new work or an unknown date."""
    first = appeared_before(paper, day)
    return first.strftime("%Y-%m") if first else ""


def staleness(papers: Sequence[Paper], day: dt.date | None = None) -> NDArray[np.float32]:
    """Per paper, 0 (new) to 1 (a year or more old) by the days between its first appearance and `day` (default:
    its latest announcement); 0 where either date is unknown."""
    out = np.zeros(len(papers), dtype=np.float32)
    scale = math.log1p(STALE_DAYS - FRESH_DAYS)
    for i, paper in enumerate(papers):
        announced = day or max((a.day for a in paper.announcements), default=None)
        first = appeared_before(paper, announced) if announced else None
        if announced and first:
            out[i] = min(1.0, math.log1p((announced - first).days - FRESH_DAYS) / scale)
    return out
