import datetime as dt
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from academichub.ingest.dedupe import dedupe_batch, fuzzy_match, merge_papers
from academichub.models import Announcement, Author, Paper, Version

ids = st.from_regex(r"\A2[0-9]{3}\.[0-9]{5}\Z")


def paper(key, *, version=1, title="A title", listing="cs.LG", day=dt.date(2026, 5, 4), categories=("cs.LG",)):
    return Paper(
        keys=(key,),
        title=title,
        categories=categories,
        version=version,
        versions=(Version(version),),
        announcements=(Announcement(day, "arxiv-rss", listing),),
    )


def test_later_version_wins_metadata_and_history_is_kept():
    v1 = paper("arxiv:2605.00001", version=1, title="Old title")
    v3 = paper("arxiv:2605.00001", version=3, title="New title", day=dt.date(2026, 5, 6))
    merged = merge_papers(v1, v3)
    assert merged.title == "New title"
    assert [v.number for v in merged.versions] == [1, 3]
    assert len(merged.announcements) == 2


def test_cross_list_in_two_feeds_is_one_paper_with_all_categories():
    a = paper("arxiv:2605.00002", listing="cs.LG", categories=("cs.LG",))
    b = paper("arxiv:2605.00002", listing="stat.ML", categories=("stat.ML",))
    [merged] = dedupe_batch([a, b])
    assert merged.categories == ("cs.LG", "stat.ML")


def test_a_record_with_two_keys_bridges_two_groups():
    pre = paper("doi:10.1101/2020.01.01.1")
    art = paper("doi:10.1038/s41586-1")
    bridge = Paper(keys=("doi:10.1101/2020.01.01.1", "doi:10.1038/s41586-1"), title="A title")
    assert len(dedupe_batch([pre, art, bridge])) == 1


def test_fuzzy_match_needs_title_and_first_author():
    stored = Paper(keys=("arxiv:2605.00003",), title="Deep Learning for Cells", authors=(Author("Jane Smith"),), id=7)
    same = Paper(keys=("doi:10.1/x",), title="Deep learning for cells.", authors=(Author("Smith, J."),))
    other_author = Paper(keys=("doi:10.1/y",), title="Deep learning for cells", authors=(Author("Bob Jones"),))
    found = fuzzy_match(same, [stored])
    assert found is not None and found[0].id == 7 and "first author smith" in found[1]
    assert fuzzy_match(other_author, [stored]) is None


@given(st.lists(st.tuples(ids, st.integers(1, 5), st.sampled_from(["cs.LG", "cs.AI", "stat.ML"])), max_size=30))
def test_dedupe_gives_one_paper_per_id_whatever_the_order(records):
    papers = [paper(f"arxiv:{i}", version=v, listing=c, categories=(c,)) for i, v, c in records]
    forward = dedupe_batch(papers)
    backward = dedupe_batch(list(reversed(papers)))
    assert sorted(p.keys for p in forward) == sorted({(f"arxiv:{i}",) for i, _, _ in records})
    by_key = {p.keys: p for p in backward}
    for p in forward:
        other = by_key[p.keys]
        assert set(p.categories) == set(other.categories)
        assert p.version == other.version == max(v for i, v, _ in records if f"arxiv:{i}" == p.keys[0])


@given(ids, st.integers(1, 9))
def test_merging_a_paper_with_itself_changes_nothing(arxiv_id, version):
    p = paper(f"arxiv:{arxiv_id}", version=version)
    assert merge_papers(p, p) == p


def test_a_record_met_twice_in_a_batch_is_one_paper_with_everything_kept():
    p = paper("arxiv:2605.00001", version=2, listing="cs.LG", categories=("cs.LG", "cs.AI"))
    other = paper("arxiv:2605.00002")
    merged = dedupe_batch([p, other, p])
    assert merged == [p, other]


def test_a_date_flag_stays_only_while_no_good_record_gives_the_date():
    undated = replace(paper("doi:10.1/x"), published=None, date_flag="no usable date: published 'nonsense'")
    dated = replace(paper("doi:10.1/x"), published=dt.date(2026, 5, 1))
    no_date_no_flag = replace(paper("doi:10.1/x"), published=None)
    assert merge_papers(undated, dated).date_flag is None
    assert merge_papers(dated, undated).date_flag is None
    assert merge_papers(undated, no_date_no_flag).date_flag == undated.date_flag
    assert merge_papers(merge_papers(undated, no_date_no_flag), undated) == merge_papers(undated, no_date_no_flag)
