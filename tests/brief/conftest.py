"""Fixtures for briefing tests: the recorded-prompt papers and Settings aimed at the loopback chat server."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from academichub.models import Paper
from brief.replay import API_KEY, prompt_papers


@pytest.fixture
def papers() -> list[Paper]:
    return prompt_papers()


@pytest.fixture
def llm_settings(settings, loopback):
    """Settings pointing the OpenAI-compatible provider at the loopback server, with small, fast retries."""
    return settings.model_copy(
        update={
            "llm_provider": "openai-compatible",
            "llm_base_url": loopback.url("/v1"),
            "llm_model": "smollm2-135m",
            "llm_api_key": SecretStr(API_KEY),
            "llm_timeout_s": 0.5,
            "llm_max_retries": 1,
            "llm_backoff_base_s": 0.01,
            "llm_retry_after_cap_s": 1.5,
        }
    )
