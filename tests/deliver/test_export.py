"""BibTeX, RIS and CSL-JSON exports read back by real parsers (bibtexparser, rispy, json, our library importer)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import rispy
from bibtexparser import parse_string
from click.testing import CliRunner

from academichub.cli import cli
from academichub.deliver import export_papers
from academichub.deliver.export import latex_escape
from academichub.deliver.names import split_name
from academichub.models import Announcement, Author, Link, Paper
from academichub.sources.library import parse_library
from academichub.store import open_store
from digest_builders import make_paper

TRICKY_TITLE = r"Scaling $O(n \log n)$ Attention for BERT-style Models: 50% Fewer FLOPs & #1 on C_4"


def papers() -> list[Paper]:
    return [
        make_paper(1, title=TRICKY_TITLE, authors=["Jörg Müller", "林小明", "Ana de la Cruz", "ATLAS Collaboration"]),
        Paper(
            keys=("doi:10.1038/s41586-026-00001-1",),
            title="Protein folding {in vivo} at 100 µs",
            abstract="Proteins fold. Cost: $5 per run.",
            authors=(Author("欧阳娜娜"), Author("Müller, Jörg")),
            source="journal",
            source_label="Nature",
            venue="Nature",
            item_type="article",
            published=dt.date(2026, 6, 28),
            announcements=(Announcement(dt.date(2026, 6, 29), "journal", "Nature"),),
            links=(Link("doi", "https://doi.org/10.1038/s41586-026-00001-1"),),
        ),
    ]


def test_bibtex_round_trips_through_bibtexparser_and_our_importer():
    text = export_papers(papers(), "bibtex")
    library = parse_string(text)
    assert not library.failed_blocks and len(library.entries) == 2
    first, second = library.entries
    assert first.entry_type == "misc" and second.entry_type == "article"
    assert first.key == "muller2026scaling" and second.key == "10_1038_s41586_026_00001_1"  # CJK author: id key
    fields = first.fields_dict
    assert fields["eprint"].value == "2606.00001" and fields["archiveprefix"].value == "arXiv"
    # math kept verbatim, specials escaped outside it, capitals protected
    assert "$O(n \\log n)$" in fields["title"].value
    assert fields["title"].value.startswith("Scaling $O(n \\log n)$ Attention")  # Title Case left to the style
    assert "50\\% Fewer {FLOPs} \\& \\#1" in fields["title"].value
    assert "{BERT-style}" in fields["title"].value and "{C}\\_4" in fields["title"].value
    assert fields["author"].value == "Müller, Jörg and {林小明} and {de la Cruz}, Ana and {ATLAS Collaboration}"
    assert second.fields_dict["journal"].value == "Nature"
    assert second.fields_dict["doi"].value == "10.1038/s41586-026-00001-1"

    imported = parse_library(text.encode()).entries
    assert imported[0].title == TRICKY_TITLE
    assert list(imported[0].authors)[:2] == ["Jörg Müller", "林小明"]
    assert imported[1].title == "Protein folding in vivo at 100 µs"
    assert imported[1].doi == "10.1038/s41586-026-00001-1" and imported[0].arxiv_id == "2606.00001"


def test_bibtex_ascii_mode_and_unbalanced_input():
    text = export_papers(papers(), "bibtex", ascii_only=True)
    assert 'M\\"uller' in text or 'M{\\"u}ller' in text
    assert "{林小明}" in text  # no LaTeX form for CJK: kept as UTF-8
    assert latex_escape("a } b { c") == "a \\} b \\{ c"  # unbalanced braces cannot break the entry
    assert latex_escape("costs $5") == "costs \\$5"  # a lone dollar is not math
    broken = make_paper(3, title="Unbalanced } title with $x$ and {", abstract="100% sure")
    assert not parse_string(export_papers([broken], "bibtex")).failed_blocks


def test_ris_parses_back_with_rispy():
    text = export_papers(papers(), "ris")
    assert text.endswith("ER  -\r\n")
    records = rispy.loads(text)
    assert [r["type_of_reference"] for r in records] == ["UNPB", "JOUR"]
    assert records[0]["title"] == TRICKY_TITLE
    assert records[0]["authors"] == ["Müller, Jörg", "林, 小明", "de la Cruz, Ana", "ATLAS Collaboration"]
    assert records[1]["doi"] == "10.1038/s41586-026-00001-1" and records[1]["journal_name"] == "Nature"
    assert records[1]["date"] == "2026/06/28/"


def test_csl_json_splits_family_and_given():
    items = json.loads(export_papers(papers(), "csl-json"))
    assert items[0]["type"] == "article" and items[1]["type"] == "article-journal"
    assert items[0]["author"] == [
        {"family": "Müller", "given": "Jörg"},
        {"family": "林", "given": "小明"},
        {"family": "de la Cruz", "given": "Ana"},
        {"literal": "ATLAS Collaboration"},
    ]
    assert items[1]["author"][0] == {"family": "欧阳", "given": "娜娜"}
    assert items[1]["issued"] == {"date-parts": [[2026, 6, 28]]} and items[1]["container-title"] == "Nature"
    assert items[0]["title"] == TRICKY_TITLE and len({i["id"] for i in items}) == 2


def test_name_splitting():
    assert split_name("Ludwig van Beethoven") == split_name("van Beethoven, Ludwig")
    assert split_name("Martin Luther King Jr.").suffix == "Jr."
    assert split_name("Plato").family == "Plato"


def test_export_command_writes_each_format(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    with open_store(f"sqlite:///{home / 'academichub.db'}") as store:
        store.save_papers([replace(p, id=None) for p in papers()])
    out = tmp_path / "out.bib"
    runner = CliRunner(env={"ACADEMICHUB_HOME": str(home)})
    result = runner.invoke(cli, ["export", "--ids", "2606.00001,10.1038/s41586-026-00001-1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(parse_string(out.read_text()).entries) == 2
    result = runner.invoke(cli, ["export", "--ids", "2606.00001", "--format", "csl-json"])
    assert json.loads(result.output)[0]["number"] == "2606.00001"
    result = runner.invoke(cli, ["export", "--search", "folding", "--format", "ris"])
    assert rispy.loads(result.output)[0]["doi"] == "10.1038/s41586-026-00001-1"
    result = runner.invoke(cli, ["export", "--radar", "nope", "--date", "2026-06-29"])
    assert result.exit_code != 0 and "no radar named 'nope'" in str(result.exception)
    result = runner.invoke(cli, ["export", "--ids", "1", "--search", "x"])
    assert result.exit_code != 0 and "choose one of" in str(result.exception)
