"""Radars from the command line: create → daily → feedback → daily, on real papers, with a real SQLite file."""

import json
from importlib.resources import as_file, files

import pytest
from click.testing import CliRunner

from academichub.cli import cli


@pytest.fixture
def hub(tmp_path):
    env = {"ACADEMICHUB_HOME": str(tmp_path / "home"), "ACADEMICHUB_EMBEDDER": "hashing"}

    def run(*args, ok=True):
        result = CliRunner().invoke(cli, list(args), env=env)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    with as_file(files("academichub.demo") / "2026-06-29.jsonl.gz") as day_file:
        run("ingest", str(day_file))
    return run


def daily(run, *args):
    return json.loads(run("daily", "--format", "json", *args).output)


def test_radar_lifecycle(hub):
    hub("radar", "create", "llm", "--description", "large language models reasoning", "--keyword", "reasoning",
        "--exclude", "survey", "--author", "Yann LeCun", "--size", "7")  # fmt: skip
    shown = json.loads(hub("radar", "show", "llm", "--format", "json").output)
    assert shown["keywords"] == ["reasoning"] and shown["excludes"] == ["survey"] and shown["size"] == 7
    hub("radar", "edit", "llm", "--size", "4", "--rename", "llm-reasoning")
    assert [r["name"] for r in json.loads(hub("radar", "list", "--format", "json").output)] == ["llm-reasoning"]
    hub("radar", "delete", "llm-reasoning", "--yes")
    assert json.loads(hub("radar", "list", "--format", "json").output) == []


def test_radar_create_and_list_read_as_plain_english(hub):
    created = hub("radar", "create", "one", "--description", "x", "--seed", "2606.27926").output
    assert "(1 seed paper, 0 seed texts)" in created
    long = "3D scene understanding, video generation and diffusion models for images and point clouds"
    hub("radar", "create", "long", "--description", long)
    listed = hub("radar", "list").output
    assert "long: 3D scene understanding, video generation and diffusion models for… (size 20)" in listed


def test_daily_json_is_numbered_with_reasons(hub):
    hub("radar", "create", "llm", "--description", "large language model reasoning", "--keyword", "reasoning")
    digest = daily(hub, "--size", "6")
    assert digest["date"] == "2026-06-29" and digest["candidates"] > 100
    items = digest["items"]
    assert [i["rank"] for i in items] == [1, 2, 3, 4, 5, 6]
    for item in items:
        assert item["identifiers"]["arxiv"] and item["title"] and item["authors"] and item["reasons"]
        assert item["source_label"].startswith("arXiv (cs.") and item["score"] is not None
    assert any(r["kind"] == "keyword" for i in items for r in i["reasons"])
    keyword = next(r for i in items for r in i["reasons"] if r["kind"] == "keyword")
    assert keyword == {"kind": "keyword", "text": "matches “reasoning”", "values": {"keywords": "“reasoning”"}}
    markdown = hub("daily", "--format", "markdown", "--size", "3").output
    assert markdown.startswith("# Curated Daily · llm · 2026-06-29") and "*Why: " in markdown


def test_daily_reads_in_chinese_with_lang_zh(hub):
    """--lang zh: the list's own words and every reason in Chinese (papers as published); English stays default."""
    hub("radar", "create", "llm", "--description", "large language model reasoning", "--keyword", "reasoning")
    table = hub("daily", "--size", "5", "--lang", "zh").output
    assert "每日精选 · llm · 2026-06-29" in table and "推荐理由：" in table and "匹配关键词 “reasoning”" in table
    assert "Why:" not in table and "matches “reasoning”" not in table and "得分 " in table
    markdown = hub("daily", "--format", "markdown", "--size", "3", "--lang", "zh").output
    assert markdown.startswith("# 每日精选 · llm · 2026-06-29") and "*推荐理由：" in markdown
    english = hub("daily", "--size", "5").output
    assert "Why: " in english and "matches “reasoning”" in english and "推荐理由" not in english
    assert "Invalid value for '--lang'" in hub("daily", "--lang", "fr", ok=False).output


def test_daily_says_when_an_old_paper_first_appeared(hub):
    """2411.19594 is listed again on 2026-06-29: the list says it first appeared in 2024-11."""
    hub("radar", "create", "ortho", "--description", "true digital orthophoto with Gaussian splatting", "--size", "3")
    table = hub("daily", "--size", "3").output
    assert "Tortho-Gaussian" in table and "first appeared 2024-11" in table
    assert table.count("first appeared") == 1  # the day's new papers say nothing of the kind
    assert "首次出现于 2024-11" in hub("daily", "--size", "3", "--lang", "zh").output
    markdown = hub("daily", "--size", "3", "--format", "markdown").output
    assert "· first appeared 2024-11" in markdown
    items = daily(hub, "--size", "3")["items"]
    assert sorted(str(i["first_appeared"]) for i in items) == ["2024-11", "None", "None"]


def test_feedback_changes_the_next_ranking(hub):
    hub("radar", "create", "r", "--description", "language models")
    first = daily(hub, "--size", "50")["items"]
    liked = first[-1]
    hub("feedback", liked["identifiers"]["arxiv"], "up", "--radar", "r")
    dismissed = first[0]
    hub("feedback", str(dismissed["id"]), "dismiss", "--radar", "r")
    second = daily(hub, "--size", "50")["items"]
    ranks = {i["id"]: i["rank"] for i in second}
    assert dismissed["id"] not in ranks
    assert ranks[liked["id"]] < liked["rank"]
    assert any(r["kind"] == "classifier" for r in next(i for i in second if i["id"] == liked["id"])["reasons"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("radar", "create", "empty"), "needs something to look for"),
        (("radar", "create", "ex", "--exclude", "survey"), "exclusions alone"),
        (("radar", "create", "long", "--description", "x" * 100_000), "100,000 characters"),
        (("radar", "create", "bad", "--description", "x", "--seed", "not-an-id"), "not an arXiv id or a DOI"),
        (("feedback", "9999.99999", "up"), "no radar yet"),
        (("radar", "show", "nope"), "no radar named"),
    ],
)
def test_bad_radar_input_is_a_clear_message_and_stores_nothing(hub, args, message):
    result = hub(*args, ok=False)
    assert result.exit_code != 0
    assert message in str(result.exception) or message in result.output
    assert json.loads(hub("radar", "list", "--format", "json").output) == []


def test_feedback_on_a_missing_paper_is_refused(hub):
    hub("radar", "create", "r", "--description", "language models")
    # an unknown arXiv id; digits str.isdigit takes and int does not; a number beyond SQLite's integers
    for ref in ("2999.00001", "²", "9" * 30):
        result = hub("feedback", ref, "up", ok=False)
        assert f"no stored paper {ref!r}" in str(result.exception)


def test_unknown_seed_is_kept_with_a_note(hub):
    result = hub("radar", "create", "s", "--description", "x", "--seed", "arXiv:2999.00001v2")
    assert "not stored yet" in result.output
    assert json.loads(hub("radar", "show", "s", "--format", "json").output)["seeds"] == ["arxiv:2999.00001"]
