"""The CLI as a user drives it: a real home directory, real files, real output."""

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from academichub.cli import cli


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


def errors_of(stderr: str) -> str:
    """stderr without the startup warning about an Expat older than 2.6.0 (tests/cli/test_health.py checks it)."""
    return "".join(line for line in stderr.splitlines(keepends=True) if "is older than 2.6.0" not in line)


def run(home, *args):
    result = CliRunner().invoke(cli, list(args), env={"ACADEMICHUB_HOME": str(home)})
    return result


def test_ingest_then_papers_json_carries_everything(home, repo_fixtures):
    result = run(home, "ingest", str(repo_fixtures / "arxiv" / "rss_cs.LG_2026-04-27_trimmed3.xml"))
    assert result.exit_code == 0, result.output
    assert "3 new papers" in result.output
    out = run(home, "papers", "--format", "json")
    papers = json.loads(out.output)
    assert len(papers) == 3
    for p in papers:
        assert p["identifiers"]["arxiv"] and p["title"] and p["authors"] and p["abstract"]
        assert not p["abstract"].startswith("arXiv:") and "Announce Type" not in p["abstract"]
        assert p["source_label"].startswith("arXiv (") and p["announce_type"] == "new"
        assert p["links"]["abs"].startswith("https://arxiv.org/abs/") and p["version"] == 1


def test_papers_by_date_and_search(home, repo_fixtures):
    run(home, "ingest", str(repo_fixtures / "arxiv"))
    day = json.loads(run(home, "papers", "--format", "json", "--limit", "1").output)[0]["announced"]
    listed = json.loads(run(home, "papers", "--date", day, "--format", "json").output)
    assert listed and all(any(a["day"] == day for a in p["announcements"]) for p in listed)
    hits = json.loads(run(home, "search", "language models", "--format", "json").output)
    assert hits and "snippet" in hits[0]


def test_bad_input_is_one_line_and_nonzero(home, tmp_path):
    missing = run(home, "ingest", str(tmp_path / "nope.xml"))
    assert missing.exit_code != 0
    bogus = tmp_path / "bogus.xml"
    bogus.write_bytes(b"<html><body>not a feed</body></html>")
    proc = subprocess.run(
        [sys.executable, "-m", "academichub", "ingest", str(bogus)],
        env={"ACADEMICHUB_HOME": str(home), "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "not" in proc.stderr


def test_search_syntax_is_a_clear_error(home):
    proc = subprocess.run(
        [sys.executable, "-m", "academichub", "search", '"unbalanced', "--raw"],
        env={"ACADEMICHUB_HOME": str(home)},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and errors_of(proc.stderr).startswith("Error: cannot search")
    assert "Traceback" not in proc.stderr


def test_demo_shows_real_papers_with_authors_offline(tmp_path):
    result = CliRunner().invoke(cli, ["demo", "--home", str(tmp_path / "demo"), "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert "arXiv (cs." in result.output and "Nature" in result.output and "bioRxiv (" in result.output
    assert "Announce Type" not in result.output
    assert "作者 Authors: —" not in result.output.split("Nature")[0]  # arXiv items all show authors
    vision = " ".join(result.output.split("Curated Daily · vision")[1].split("简报 Briefing")[0].split())
    # the seeded radar names the shared sentence; after "like your seed paper “…”" without repeating the title
    assert "is close to one of that seed's sentences" in vision and "like your seed paper “" in vision


def test_a_command_loads_only_its_own_module():
    """`academichub daily` (and --help of one command) imports neither the web app nor the LLM clients: commands are
    imported when asked for, each listed name resolving to its command."""
    ctx = click.Context(cli)
    assert all(cli.get_command(ctx, name).name == name for name in cli.list_commands(ctx))
    probe = (
        "import sys; from academichub.cli import cli; cli.main(['daily', '--help'], standalone_mode=False); "
        "print(sorted(m for m in ('academichub.web.app', 'openai', 'fastapi', 'academichub.cli.serve') "
        "if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_every_command_is_documented_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for name in cli.list_commands(click.Context(cli)):
        assert f"academichub {name}" in readme, f"README does not mention `academichub {name}`"


@pytest.mark.parametrize("url", ["http://127.0.0.1/feed.xml", "http://[::ffff:10.0.0.1]/rss", "file:///etc/passwd"])
def test_an_inward_feed_url_is_refused_before_any_source_row_exists(home, url):
    """RELIABILITY A1: refused before connecting, with no feed row created; one clear line, non-zero exit."""
    env = {"ACADEMICHUB_HOME": str(home), "ACADEMICHUB_FEEDS": json.dumps([url]), "ACADEMICHUB_ARXIV_CATEGORIES": "[]"}
    proc = subprocess.run([sys.executable, "-m", "academichub", "fetch"], env=env, capture_output=True, text=True)
    assert proc.returncode != 0
    stderr = errors_of(proc.stderr)
    assert url in stderr and "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert url not in run(home, "sources", "--format", "json").output
