"""arXiv dumps: daily JSONL listing crawls (the ingest hot path) and arXiv's internal .abs files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from academichub.errors import ParseError
from academichub.models import AnnounceType, RawItem
from academichub.sources.arxiv_dumps import day_from_filename, parse_abs, parse_arxiv_jsonl
from academichub.sources.files import parse_file


def fixture(repo_fixtures: Path, name: str) -> Path:
    return repo_fixtures / "arxiv" / name


def test_weekday_file_date_is_the_announcement_day(repo_fixtures: Path) -> None:
    path = fixture(repo_fixtures, "2025-11-28.jsonl")  # a Friday
    result = parse_arxiv_jsonl(path.read_bytes(), day=day_from_filename(path))
    assert result.bad_lines == []
    assert len(result.items) == len(path.read_bytes().splitlines())
    for item in result.items:
        assert item.announced == dt.date(2025, 11, 28)
        assert item.announce_type is AnnounceType.NEW
        assert item.arxiv_id and item.version is None
        assert item.authors and item.title and item.abstract
        assert item.listing == item.categories[0] == item.primary_category
        assert all("(" not in c and " " not in c for c in item.categories)  # MSC codes dropped
        assert {link.kind for link in item.links} == {"abs", "pdf"}


def test_weekend_copy_of_fridays_file_has_no_announcement_day(repo_fixtures: Path) -> None:
    path = fixture(repo_fixtures, "2025-11-29.jsonl")  # a Saturday: copy of Friday's listing
    result = parse_arxiv_jsonl(path.read_bytes(), day=day_from_filename(path))
    assert result.items and all(item.announced is None for item in result.items)


def test_bad_lines_are_skipped_and_reported_by_number(repo_fixtures: Path) -> None:
    lines = fixture(repo_fixtures, "2025-11-28.jsonl").read_bytes().splitlines()
    broken = [lines[0], lines[1][:50], b"[1, 2]", lines[2], b'{"id": "not-an-id", "title": "x"}', b"", lines[3]]
    result = parse_arxiv_jsonl(b"\n".join(broken), day=dt.date(2025, 11, 28))
    assert [n for n, _ in result.bad_lines] == [2, 3, 5]
    assert "invalid JSON" in result.bad_lines[0][1]
    assert [i.arxiv_id for i in result.items] == [json.loads(line)["id"] for line in (lines[0], lines[2], lines[3])]


def test_file_of_only_bad_lines_is_an_error_for_ingest(tmp_path: Path) -> None:
    path = tmp_path / "2026-05-04.jsonl"
    path.write_bytes(b'{"id": "2604.00001", "summary": "arxiv", "authors": 7}\n')
    (parsed,) = parse_file(path)
    assert parsed.format == "arxiv-jsonl" and "no usable line" in parsed.error


def test_variant_schema_with_version_dates_and_author_string() -> None:
    record = {
        "arxiv_id": "2601.01234",
        "version": 2,
        "title": "T",
        "abstract": "A",
        "authors": "Ann Author, Bob Builder and Cy Coder",
        "primary_category": "quant-ph",
        "categories": ["quant-ph", "cond-mat.str-el"],
        "published": "2026-01-12T18:00:00Z",
        "updated": "2026-01-14T09:00:00Z",
    }
    (item,) = parse_arxiv_jsonl(json.dumps(record).encode()).items
    assert (item.arxiv_id, item.version, item.abstract) == ("2601.01234", 2, "A")
    assert [a.name for a in item.authors] == ["Ann Author", "Bob Builder", "Cy Coder"]
    assert (item.published, item.updated) == (dt.date(2026, 1, 12), dt.date(2026, 1, 14))
    assert item.primary_category == "quant-ph" and item.announced is None


def test_ingest_detects_the_jsonl_format(repo_fixtures: Path) -> None:
    (parsed,) = parse_file(fixture(repo_fixtures, "2025-11-28.jsonl"))
    assert parsed.format == "arxiv-jsonl" and parsed.error == "" and parsed.items


def test_all_daily_cs_files_parse(shared_fixtures: Path) -> None:
    """Every record of the 61-day corpus parses (speed is measured in bench/ingest.py, not here)."""
    files = sorted((shared_fixtures / "arxiv-corpus" / "daily-cs_dw-dengwei").glob("*.jsonl"))
    assert len(files) == 61
    results = [parse_arxiv_jsonl(p.read_bytes(), day=day_from_filename(p)) for p in files]
    assert sum(len(r.items) for r in results) == 25014
    assert all(r.bad_lines == [] for r in results)
    assert len({i.arxiv_id for r in results for i in r.items}) == 14018
    assert all(i.announced is None or i.announced.weekday() < 5 for r in results for i in r.items)


def test_all_daily_math_files_parse(shared_fixtures: Path) -> None:
    files = sorted((shared_fixtures / "arxiv-corpus" / "daily-math_LeeMath-lzu").glob("*.jsonl"))
    items = [i for p in files for i in parse_arxiv_jsonl(p.read_bytes(), day=day_from_filename(p)).items]
    assert len(items) == 4066
    assert all(i.categories and i.authors for i in items)


# --- .abs files ---


def test_abs_file_fields_and_version_history(repo_fixtures: Path) -> None:
    item = parse_abs(fixture(repo_fixtures, "0704.0064.abs").read_bytes())
    assert (item.arxiv_id, item.version) == ("0704.0064", 5)
    assert [v.number for v in item.versions] == [1, 2, 3, 4, 5]
    assert (item.published, item.updated) == (dt.date(2007, 4, 1), dt.date(2008, 10, 24))
    assert (
        item.title
        == "Nilpotent symmetry invariance in the superfield formulation: the (non-)Abelian 1-form gauge theories"
    )
    assert [(a.name, a.affiliations) for a in item.authors] == [("R. P. Malik", ("Bhu",))]
    assert item.categories == ("hep-th",)
    assert item.journal_ref == "Int.J.Mod.Phys.A23:3685-3705,2008"
    assert item.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"


def test_abs_file_with_doi_tex_accents_and_affiliation_legend(repo_fixtures: Path) -> None:
    first = parse_abs(fixture(repo_fixtures, "0704.0001.abs").read_bytes())
    assert [a.name for a in first.authors] == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]
    assert first.authors_raw.startswith("C. Bal\\'azs")
    assert first.doi == "10.1103/physrevd.76.013009"
    assert first.abstract.startswith("  A fully differential calculation")
    assert not first.abstract.rstrip().endswith("\\\\")
    legend = parse_abs(fixture(repo_fixtures, "0704.0025.abs").read_bytes())
    assert [a.name for a in legend.authors] == ["A. S. Mishchenko", "N. Nagaosa"]
    assert legend.authors[1].affiliations == ("CREST, Japan Science and Technology Agency", "The University of Tokyo")


def test_not_an_abs_file() -> None:
    with pytest.raises(ParseError, match="not an arXiv .abs file"):
        parse_abs(b"Title: nothing else here\n")


def test_all_shared_abs_files_parse(shared_fixtures: Path) -> None:
    files = sorted((shared_fixtures / "arxiv-corpus" / "abs-files_arxiv-browse_0704").glob("*.abs"))
    assert len(files) == 1001
    items = [parse_abs(p.read_bytes()) for p in files]
    assert all(i.title and i.authors and i.categories and i.abstract.strip() for i in items)
    assert all(i.published and i.versions and i.version == len(i.versions) for i in items)
    assert sum(1 for i in items if i.version and i.version > 1) > 300
    (parsed,) = parse_file(files[0])
    assert parsed.format == "arxiv-abs"


def test_a_line_repeated_in_a_crawl_gives_the_same_item_again() -> None:
    first = {"id": "2605.00001", "categories": ["cs.LG", "cs.AI"], "authors": ["A B"], "title": "T", "summary": "S"}
    second = {**first, "id": "2605.00002"}
    lines = [json.dumps(r).encode() for r in (first, second, first)]
    result = parse_arxiv_jsonl(b"\n".join(lines), day=dt.date(2026, 5, 4))
    assert [i.arxiv_id for i in result.items] == ["2605.00001", "2605.00002", "2605.00001"]
    assert result.items[2] is result.items[0]
    assert result.items[0].categories == ("cs.LG", "cs.AI")


def test_weekend_copy_read_right_after_friday_gives_the_same_items_as_read_alone(repo_fixtures: Path) -> None:
    """Lines repeated from the previous file are reused, re-dated to this file's day (or to none on a weekend)."""
    friday, saturday = fixture(repo_fixtures, "2025-11-28.jsonl"), fixture(repo_fixtures, "2025-11-29.jsonl")
    other = json.dumps({"id": "2605.00009", "authors": ["A B"], "title": "T", "summary": "S"}).encode()

    def parse_after_other(path: Path) -> list[RawItem]:
        parse_arxiv_jsonl(other)  # a file sharing no line with `path`
        return parse_arxiv_jsonl(path.read_bytes(), day=day_from_filename(path)).items

    alone_friday, alone_saturday = parse_after_other(friday), parse_after_other(saturday)
    after_friday = parse_arxiv_jsonl(saturday.read_bytes(), day=day_from_filename(saturday)).items
    again_friday = parse_arxiv_jsonl(friday.read_bytes(), day=day_from_filename(friday)).items
    assert after_friday == alone_saturday and all(item.announced is None for item in after_friday)
    assert again_friday == alone_friday and all(item.announced == dt.date(2025, 11, 28) for item in again_friday)
