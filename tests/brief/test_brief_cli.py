"""`academichub brief` and `academichub providers` on a real SQLite file with the demo day."""

from __future__ import annotations

import json
from importlib.resources import as_file, files

import pytest
from click.testing import CliRunner

from academichub.cli import cli


@pytest.fixture
def hub(tmp_path):
    env = {"ACADEMICHUB_HOME": str(tmp_path / "home"), "ACADEMICHUB_EMBEDDER": "hashing"}

    def run(*args, ok=True, extra=None):
        result = CliRunner().invoke(cli, list(args), env={**env, **(extra or {})})
        if ok:
            assert result.exit_code == 0, result.output
        return result

    with as_file(files("academichub.demo") / "2026-06-29.jsonl.gz") as day_file:
        run("ingest", str(day_file))
    run("radar", "create", "gen", "--description", "diffusion models for images and video", "--size", "8")
    return run


def test_brief_json_has_sections_citations_grounding_and_cost(hub):
    daily = json.loads(hub("daily", "--date", "2026-06-29", "--format", "json").output)
    doc = json.loads(hub("brief", "--date", "2026-06-29", "--format", "json", "--lang", "zh").output)
    assert doc["status"] == "ok" and doc["provider"] == "offline" and doc["language"] == "zh"
    assert doc["sections"][0]["heading"] == "要点"
    by_rank = {item["rank"]: item["id"] for item in daily["items"]}
    assert {c["key"]: c["paper_id"] for c in doc["citations"]} == by_rank  # [n] is the number on the daily page
    cited = [c for s in doc["sections"] for item in s["items"] for c in item["citations"]]
    assert cited and all(by_rank[c["key"]] == c["paper_id"] for c in cited)
    assert doc["grounding"]["citations_valid"] == doc["grounding"]["citations_total"]
    assert doc["cost"] == {"cny": 0.0, "usd": 0.0} and doc["tokens"]["calls"] == 1
    again = json.loads(hub("brief", "--date", "2026-06-29", "--format", "json", "--lang", "zh").output)
    assert again["cached"] and again["sections"] == doc["sections"]


def test_brief_markdown_in_english_and_a_failing_provider_exits_1(hub):
    page = hub("brief", "--date", "2026-06-29", "--lang", "en").output
    assert "## Highlights" in page and "## References" in page and "citations" in page
    failed = hub(
        "brief", "--date", "2026-06-29", "--provider", "openai-compatible", ok=False,
        extra={"ACADEMICHUB_LLM_BASE_URL": "http://127.0.0.1:9/v1", "ACADEMICHUB_LLM_MODEL": "m",
               "ACADEMICHUB_LLM_API_KEY": "sk-never-shown", "ACADEMICHUB_LLM_MAX_RETRIES": "0"},
    )  # fmt: skip
    assert failed.exit_code == 1 and "connection" in failed.output and "sk-never-shown" not in failed.output


def test_providers_lists_presets_and_checks_the_active_one(hub):
    out = hub("providers").output
    assert "* offline" in out and "built in: extractive" in out
    for preset in ("deepseek", "qwen", "moonshot", "kimi", "zhipu", "glm", "openai", "ollama", "vllm", "llamacpp"):
        assert f"  {preset} " in out
    assert "not configured" in out.split("deepseek", 1)[1].splitlines()[0]
