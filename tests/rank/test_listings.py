"""Which of the day's papers a radar may show, as array masks built from one index of the day, against the
definition written paper by paper."""

import datetime as dt
import gzip
import json
from dataclasses import replace
from importlib.resources import files

import numpy as np
import pytest

from academichub.models import Announcement, AnnounceType, Author, Paper, Radar
from academichub.rank.listings import DayListings

DAY = dt.date(2026, 6, 29)
TYPES = [AnnounceType.NEW, AnnounceType.CROSS, AnnounceType.REPLACE, AnnounceType.REPLACE_CROSS]


@pytest.fixture(scope="module")
def papers():
    """The demo's real arXiv day (primary category listing, cross-lists in categories), announced as new, cross,
    replace or replace-cross in turn, some also listed on an earlier day; and bioRxiv and Nature papers."""
    data = gzip.decompress((files("academichub.demo") / "2026-06-29.jsonl.gz").read_bytes()).decode()
    rows = [json.loads(line) for line in data.splitlines() if line]
    out = []
    for i, r in enumerate(rows):
        today = Announcement(DAY, "arxiv-rss", r["categories"][0], TYPES[i % 4])
        earlier = (Announcement(DAY - dt.timedelta(days=3), "arxiv-rss", r["categories"][0]),) if i % 5 == 0 else ()
        out.append(Paper(keys=(f"arxiv:{r['id']}",), title=r["title"], abstract=r["summary"], id=i + 1,
                         authors=tuple(Author(a) for a in r["authors"]), categories=tuple(r["categories"]),
                         source_label="arXiv", announcements=(today, *earlier)))  # fmt: skip
    for k, (label, venue, listing) in enumerate([("bioRxiv", None, "Neuroscience"), ("Nature", "Nature", "nature")]):
        out.append(replace(out[k], keys=(f"doi:10.1/{k}",), id=1000 + k, categories=(), source_label=label,
                           venue=venue, announcements=(Announcement(DAY, label.lower(), listing),)))  # fmt: skip
    return out


def may_show(paper, radar, hidden):
    """The definition: not hidden; replacements (all of today's listings replace or replace-cross) only when the
    radar asks; when it watches anything, one of the paper's categories, source, journal or listings, or the
    archive before the dot of one ("cs" watches cs.CV), named in its watch list (any case)."""
    if paper.id in hidden:
        return False
    todays = [a.announce_type for a in paper.announcements if a.day == DAY]
    if todays and all(t in (AnnounceType.REPLACE, AnnounceType.REPLACE_CROSS) for t in todays):
        if not radar.include_replacements:
            return False
    names = {*paper.categories, paper.source_label, paper.venue or "", *(a.listing for a in paper.announcements)}
    names = {n.lower() for n in names}
    wanted = {w.lower() for w in radar.watch}
    return not wanted or bool(wanted & (names | {n.split(".")[0] for n in names}))


RADARS = [
    Radar(name="all"),
    Radar(name="all, replacements too", include_replacements=True),
    Radar(name="vision", watch=("cs.CV",)),
    Radar(name="two", watch=("CS.LG", "stat.ML"), include_replacements=True),
    Radar(name="archive", watch=("cs",)),
    Radar(name="math archive", watch=("math",)),
    Radar(name="journals", watch=("Nature", "neuroscience")),
    Radar(name="nothing listed", watch=("astro-ph.GA",)),
]


@pytest.mark.parametrize("radar", RADARS, ids=[r.name for r in RADARS])
def test_a_radars_mask_is_the_paper_by_paper_definition(papers, radar):
    hidden = {3, 10, 11, 1001, 99999, None}  # seen, dismissed or seeds; ids not on the day are ignored
    mask = DayListings(papers, DAY).allowed(radar, hidden)
    expected = [may_show(p, radar, hidden) for p in papers]
    assert mask.tolist() == expected
    if radar.name != "nothing listed":
        assert 0 < mask.sum() < len(papers)


def test_the_masks_cover_what_the_definition_distinguishes(papers):
    listings = DayListings(papers, DAY)
    plain, everything = listings.allowed(RADARS[0], ()), listings.allowed(RADARS[1], ())
    assert everything.all() and (~plain).sum() == sum(i % 4 >= 2 for i in range(len(papers) - 2))  # replacements hidden
    assert listings.allowed(Radar(name="j", watch=("nature",)), ()).tolist() == [p.venue == "Nature" for p in papers]
    assert np.array_equal(
        listings.allowed(RADARS[4], ()), plain & np.array([p.source_label == "arXiv" for p in papers])
    )


def test_a_paper_is_said_to_be_watched_by_the_names_the_watch_list_gives(papers):
    from academichub.rank.listings import watched_as

    arxiv = next(p for p in papers if len(p.categories) > 1 and p.categories[0].startswith("cs."))
    assert watched_as(arxiv, ["CS"]) == [c for c in arxiv.categories if c.startswith("cs.")]  # each once, as written
    assert watched_as(arxiv, [arxiv.categories[1].upper()]) == [arxiv.categories[1]]
    assert watched_as(arxiv, ["arxiv"]) == ["arXiv"] and watched_as(arxiv, ["q-bio.NC"]) == []
    biorxiv, nature = papers[-2], papers[-1]
    assert watched_as(biorxiv, ["neuroscience"]) == ["Neuroscience"]
    assert watched_as(nature, ["nature", "bioRxiv"]) == ["Nature"]  # the journal, named once (source and venue)


def test_the_category_reason_names_what_the_radar_watches_the_paper_by(papers):
    from academichub.rank.embedders import HashingEmbedder
    from academichub.rank.radar import RadarQuery, index_day, paper_text, rank_radars

    vectors = HashingEmbedder().encode([paper_text(p) for p in papers])
    day = index_day(papers, vectors)
    radars = [Radar(name="cs", description="language models", watch=("cs",)), Radar(name="j", watch=("Nature",))]
    queries = [RadarQuery(r, vectors[0], allowed=DayListings(papers, DAY).allowed(r, ())) for r in radars]
    for radar, ranked in zip(radars, rank_radars(day, queries, top_k=10), strict=True):
        assert ranked
        for picked in ranked:
            said = [r.text for r in picked.reasons if r.kind == "category"]
            names = [c for c in picked.paper.categories if c.startswith("cs.")] if radar.name == "cs" else ["Nature"]
            assert said == [f"in {', '.join(names)}"]
