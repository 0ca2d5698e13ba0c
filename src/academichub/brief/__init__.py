"""LLM briefings: providers (registered like extensions), prompts, grounding checks, and write_briefing.

Importing this package registers the built-in providers: the OpenAI-compatible client with its presets, the
offline extractive provider and the deterministic echo provider.
"""

from academichub.brief import echo, offline, openai_compat  # noqa: F401  (built-ins register on import)
from academichub.brief.briefing import BriefingCache, BriefingOptions, write_briefing
from academichub.brief.providers import (
    BriefPaper,
    Completion,
    CompletionRequest,
    LLMProvider,
    known_providers,
    provider_named,
    register_provider,
    resolve_provider_name,
)

__all__ = [
    "BriefPaper",
    "BriefingCache",
    "BriefingOptions",
    "Completion",
    "CompletionRequest",
    "LLMProvider",
    "known_providers",
    "provider_named",
    "register_provider",
    "resolve_provider_name",
    "write_briefing",
]
