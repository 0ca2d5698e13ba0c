"""Settings come from one place: TOML file, then ACADEMICHUB_* variables, then explicit arguments."""

import subprocess
import sys

import pytest

from academichub.config import load_settings
from academichub.errors import ConfigError


def test_toml_file_then_environment(tmp_path, monkeypatch):
    (tmp_path / "config.toml").write_text('contact_email = "file@example.org"\narxiv_categories = ["quant-ph"]\n')
    monkeypatch.setenv("ACADEMICHUB_HOME", str(tmp_path))
    settings = load_settings()
    assert settings.home == tmp_path and settings.contact_email == "file@example.org"
    assert settings.arxiv_categories == ["quant-ph"]
    assert settings.sqlite_path == tmp_path / "academichub.db"
    monkeypatch.setenv("ACADEMICHUB_CONTACT_EMAIL", "env@example.org")
    assert load_settings().contact_email == "env@example.org"
    assert load_settings(contact_email="arg@example.org").contact_email == "arg@example.org"


def test_bad_settings_are_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("ACADEMICHUB_HOME", str(tmp_path))
    (tmp_path / "config.toml").write_text("max_body_bytes = 'lots'\n")
    with pytest.raises(ConfigError, match="max_body_bytes"):
        load_settings()
    (tmp_path / "config.toml").write_text("this is [not toml\n")
    with pytest.raises(ConfigError, match="config file"):
        load_settings()
    proc = subprocess.run(
        [sys.executable, "-m", "academichub", "sources"],
        env={"ACADEMICHUB_HOME": str(tmp_path), "PATH": ""},
        capture_output=True,
        text=True,
    )
    stderr = "".join(line for line in proc.stderr.splitlines(True) if "is older than 2.6.0" not in line)  # B1 warning
    assert proc.returncode == 1 and stderr.startswith("Error: ") and "Traceback" not in proc.stderr


def test_unknown_settings_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("ACADEMICHUB_HOME", str(tmp_path))
    (tmp_path / "config.toml").write_text("contact_emial = 'typo@example.org'\n")
    with pytest.raises(ConfigError, match="contact_emial"):
        load_settings()


def test_the_readme_configuration_example_is_valid(tmp_path, monkeypatch):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    example = next(b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if "contact_email" in b)
    (tmp_path / "config.toml").write_text(example)
    monkeypatch.setenv("ACADEMICHUB_HOME", str(tmp_path))
    settings = load_settings()
    assert settings.contact_email == "you@example.org" and settings.webhooks[0].kind == "dingtalk"
    assert settings.email_to == "you@example.org" and settings.llm_provider == "deepseek"


@pytest.mark.parametrize("name", ["sentence_vectors_keep_days", "daily_seed_budget"])
def test_a_negative_count_setting_is_refused_by_name(tmp_path, monkeypatch, name):
    monkeypatch.setenv("ACADEMICHUB_HOME", str(tmp_path))
    (tmp_path / "config.toml").write_text(f"{name} = -1\n")
    with pytest.raises(ConfigError, match=name):
        load_settings()
