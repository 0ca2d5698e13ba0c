"""Importing a researcher's reference library (Zotero BibTeX / RIS / CSL-JSON exports) as radar seeds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from academichub.errors import InputError
from academichub.sources.library import LibraryEntry, parse_library, read_library

FIXTURES = Path(__file__).parents[1] / "fixtures" / "library"


def by_title(entries: list[LibraryEntry]) -> dict[str, LibraryEntry]:
    return {entry.title: entry for entry in entries}


def test_zotero_bibtex_export_imports_every_entry_with_a_title_or_identifier() -> None:
    result = read_library(FIXTURES / "zotero.bib")

    assert result.format == "bibtex"
    titles = [entry.title for entry in result.entries]
    assert titles == [
        "Attention Is All You Need",
        "Highly accurate protein structure prediction with AlphaFold",
        "Quantisierung als Eigenwertproblem: the $\\mathcal{H}\\psi = E\\psi$ case",
        "LoRA: Low-Rank Adaptation of Large Language Models",
        "The Large N limit of superconformal field theories and supergravity",
        "Graph Neural Networks for François' Naïve Bayes: 50% fewer parameters",
    ]
    assert result.problems == ["line 79: entry has no title (and no DOI or arXiv id) — skipped"]


def test_bibtex_fields_are_cleaned_for_people_and_identifiers() -> None:
    entries = by_title(read_library(FIXTURES / "zotero.bib").entries)

    attention = entries["Attention Is All You Need"]
    assert attention.line == 5
    assert attention.year == 2023
    assert attention.authors[:2] == ("Ashish Vaswani", "Noam Shazeer")
    assert "Łukasz Kaiser" in attention.authors
    assert attention.abstract.startswith("The dominant sequence transduction models")
    assert attention.arxiv_id == "1706.03762"  # from the arXiv DOI / URL / note

    alphafold = entries["Highly accurate protein structure prediction with AlphaFold"]
    assert alphafold.doi == "10.1038/s41586-021-03819-2"
    assert alphafold.arxiv_id is None
    assert alphafold.authors[-1] == "Augustin Žídek"  # {\'i} decoded

    schrodinger = next(e for e in entries.values() if e.title.startswith("Quantisierung"))
    assert schrodinger.doi == "10.1002/andp.19263840404"  # resolver prefix stripped, lower-cased
    assert schrodinger.authors == ("Erwin Schrödinger",)

    gnn = entries["Graph Neural Networks for François' Naïve Bayes: 50% fewer parameters"]
    assert gnn.authors == ("Jörg Müller", "Søren Østergaard", "María de la Cruz", "DeepMind Team")


@pytest.mark.parametrize(
    ("title", "arxiv_id"),
    [
        ("LoRA: Low-Rank Adaptation of Large Language Models", "2106.09685"),  # journal = {arXiv preprint arXiv:…}
        ("The Large N limit of superconformal field theories and supergravity", "hep-th/9711200"),  # eprint v3
        ("Graph Neural Networks for François' Naïve Bayes: 50% fewer parameters", "2402.01234"),  # eprint v2
    ],
)
def test_bibtex_arxiv_ids_come_unversioned_from_eprint_and_journal_fields(title: str, arxiv_id: str) -> None:
    entries = by_title(read_library(FIXTURES / "zotero.bib").entries)
    assert entries[title].arxiv_id == arxiv_id


def test_broken_bibtex_entry_in_the_middle_is_skipped_and_named_by_line() -> None:
    text = (FIXTURES / "zotero.bib").read_text(encoding="utf-8")
    broken = "@article{broken_2020,\n\ttitle = {Unclosed title brace,\n\tauthor = {Doe, Jane},\n\tyear = {2020},\n\n"
    marker = "@article{schrodinger_quantisation_1926,"
    broken_line = text[: text.index(marker)].count("\n") + 1
    data = text.replace(marker, broken + marker).encode("utf-8")

    result = parse_library(data, name="refs.bib")

    assert len(result.entries) == 6  # every good entry, including the one right after the broken one
    assert any(e.title.startswith("Quantisierung") for e in result.entries)
    assert result.problems[0].startswith(f"line {broken_line}: malformed @article entry")
    assert result.problems[0].endswith("— skipped")
    assert len(result.problems) == 2  # the broken entry and the title-less @misc


def test_bibtex_entry_missing_its_key_comma_is_reported_and_the_rest_imports() -> None:
    data = b"@misc{bad title = {x}}\n@article{ok,\n  title = {Fine},\n  doi = {10.1000/XYZ}\n}\n"
    result = parse_library(data)
    assert [(e.title, e.doi, e.line) for e in result.entries] == [("Fine", "10.1000/xyz", 2)]
    assert [p.split(":")[0] for p in result.problems] == ["line 1"]


def test_zotero_ris_export_with_crlf_line_endings() -> None:
    raw = (FIXTURES / "zotero.ris").read_bytes()
    assert b"\r\n" in raw

    result = read_library(FIXTURES / "zotero.ris")

    assert result.format == "ris"
    entries = by_title(result.entries)
    alphafold = entries["Highly accurate protein structure prediction with AlphaFold"]
    assert alphafold.line == 1
    assert alphafold.authors == ("John Jumper", "Richard Evans", "Augustin Žídek")
    assert alphafold.doi == "10.1038/s41586-021-03819-2"
    assert alphafold.year == 2021
    assert not any("\r" in e.title or "\r" in e.abstract for e in result.entries)

    lora = entries["LoRA: Low-Rank Adaptation of Large Language Models"]
    assert (lora.line, lora.arxiv_id, lora.doi) == (24, "2106.09685", "10.48550/arxiv.2106.09685")

    ddpm = entries["Denoising Diffusion Probabilistic Models"]
    assert ddpm.arxiv_id == "2006.11239"  # from https://arxiv.org/pdf/2006.11239v2.pdf
    assert ddpm.abstract.endswith("inspired by considerations from nonequilibrium thermodynamics.")
    assert result.problems == ["line 41: entry has no title (and no DOI or arXiv id) — skipped"]


def test_zotero_csl_json_export_with_date_parts() -> None:
    result = read_library(FIXTURES / "zotero.json")

    assert result.format == "csl-json"
    attention, ecoli = result.entries
    assert (attention.title, attention.year, attention.line) == ("Attention Is All You Need", 2023, 2)
    assert attention.arxiv_id == "1706.03762"  # from "DOI": "10.48550/arXiv.1706.03762"
    assert attention.authors == ("Ashish Vaswani", "Noam Shazeer")

    assert ecoli.title == "Bacterial single-cell transcriptomics of E. coli under stress"  # <i> and newline gone
    assert ecoli.year == 2023  # "issued": {"date-parts": [[2023, 5]]}
    assert ecoli.doi == "10.1038/s41564-023-01462-3"
    assert ecoli.authors == ("Peijun Ma", "Hanna van der Berg", "Human Cell Atlas Consortium")
    assert result.problems == ["line 79: entry has no title (and no DOI or arXiv id) — skipped"]


def test_csl_json_broken_part_way_keeps_the_items_before_it() -> None:
    data = b'[\n  {"type": "article", "title": "First", "DOI": "10.1/a"},\n  {"type": "article", "title": oops}\n]'
    result = parse_library(data, name="x.json")
    assert [e.title for e in result.entries] == ["First"]
    assert result.problems == ["line 3: invalid JSON (Expecting value) — entries from line 3 on skipped"]


def test_entry_with_only_an_identifier_is_kept() -> None:
    data = b'[{"type": "article", "URL": "https://arxiv.org/abs/2401.00001v4"}]'
    (entry,) = parse_library(data).entries
    assert (entry.title, entry.arxiv_id) == ("", "2401.00001")


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.bib"
    with big.open("wb") as handle:
        handle.truncate(50 * 2**20)  # sparse: no 50 MB written
    started = time.monotonic()
    with pytest.raises(InputError, match=r"is 50\.0 MiB; the limit is 20 MiB"):
        read_library(big)
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"<!DOCTYPE html><html><head><style>@media{a{b:c}}</style></head><body>Sign in</body></html>",
        b"These are my notes about attention @ work {not bibtex}, see you.\n",
        bytes(range(256)) * 8,
        b'[{"name": "not a citation", "value": 3}]',
    ],
    ids=["pdf", "html", "prose", "binary", "other-json"],
)
def test_other_files_are_not_mistaken_for_a_library(data: bytes) -> None:
    with pytest.raises(InputError, match="upload.bin: not a BibTeX, RIS or CSL-JSON file"):
        parse_library(data, name="upload.bin")


@pytest.mark.parametrize("data", [b"", b"  \n\n", b"% only a comment\n@comment{nothing}\n", b"[]"])
def test_empty_library_is_an_input_error(data: bytes) -> None:
    with pytest.raises(InputError, match="contains no entries"):
        parse_library(data, name="refs")


def test_invalid_utf8_byte_in_a_utf8_file_does_not_crash() -> None:
    data = "@article{k,\n  title = {Caf\u00e9 \xff networks},\n  year = 2020\n}\n".encode()
    data = data.replace("\u00ff".encode(), b"\xff")  # a lone invalid byte among valid UTF-8
    result = parse_library(data, name="refs.bib")
    assert result.entries[0].title == "Café \ufffd networks"
    assert result.encoding == "utf-8 (invalid bytes replaced)"


def test_legacy_latin1_bibtex_is_decoded_as_8bit_text() -> None:
    data = "@article{k,\n  author = {M\u00fcller, J\u00f6rg},\n  title = {\u00c9tude}\n}\n".encode("latin-1")
    result = parse_library(data, name="old.bib")
    assert (result.entries[0].title, result.entries[0].authors) == ("Étude", ("Jörg Müller",))
    assert result.encoding == "cp1252"


def test_utf16_export_with_bom_is_read() -> None:
    data = "@article{k,\n  title = {Caf\u00e9 culture}\n}\n".encode("utf-16")
    result = parse_library(data, name="win.bib")
    assert (result.format, result.entries[0].title, result.encoding) == ("bibtex", "Café culture", "utf-16")


def test_large_latex_heavy_library_parses_in_reasonable_time() -> None:
    abstract = r"We study the $\mathcal{O}(n \log n)$ regime of transformer--based models: a 12\% gain. " * 12
    data = "".join(
        f'@article{{key{i},\n  title = {{Paper {i} on {{Graph}} Na{{\\"\\i}}ve Networks}},\n'
        f'  author = {{M{{\\"u}}ller{i}, J{{\\"o}}rg and Smith, Anne}},\n  abstract = {{{abstract}}},\n}}\n'
        for i in range(1000)
    ).encode()
    started = time.monotonic()
    result = parse_library(data, name="big.bib")
    assert len(result.entries) == 1000
    assert result.entries[999].title == "Paper 999 on Graph Naïve Networks"
    assert result.entries[0].authors == ("Jörg Müller0", "Anne Smith")
    assert time.monotonic() - started < 10  # whole-value pylatexenc took ~15 s here


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_library(tmp_path / "nope.bib")
