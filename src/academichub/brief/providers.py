"""The LLMProvider protocol, the request/answer records, and the provider registry.

Built-ins (openai-compatible with its presets, offline, echo) register themselves here exactly as an extension
would (brief/__init__.py imports them). A provider turns one `CompletionRequest` into text; it never parses or
trusts that text — briefing.py and grounding.py do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from academichub.config import Settings
from academichub.errors import ConfigError
from academichub.models import Paper


@dataclass(frozen=True, slots=True)
class BriefPaper:
    """A paper as a briefing sees it: its key `[n]`, its field, and its abstract made safe to quote to a model."""

    key: int
    paper: Paper
    abstract: str  # neutralised (prompts.neutralize_untrusted); what the model sees and claims are checked against
    field: str  # primary category or source label: papers of different fields make cross-domain links
    vector: NDArray[np.float32] | None = None


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    """One call. `messages` are for generative providers; `papers` let extractive providers work without them."""

    task: str  # "briefing" | "partial" | "reduce" | "tldr"
    messages: tuple[Mapping[str, str], ...]
    papers: tuple[BriefPaper, ...]
    language: str
    max_tokens: int
    notes: tuple[str, ...] = field(default=())  # "reduce": the partial briefings being merged


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    tokens_estimated: bool
    finish_reason: str = "stop"


class LLMProvider(Protocol):
    """Writes text for a request. Raises: BriefingError (with `kind`) on any fault — never returns partial text."""

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def context_tokens(self) -> int:
        """Prompt budget per call; longer days are split (map-reduce)."""
        ...

    def complete(self, request: CompletionRequest) -> Completion: ...

    def check(self) -> str:
        """One line saying the provider answers (e.g. the models it serves). Raises: BriefingError."""
        ...


ProviderFactory = Callable[[Settings], LLMProvider]


@dataclass(frozen=True, slots=True)
class ProviderEntry:
    name: str
    factory: ProviderFactory
    description: str
    needs_key: bool = False


_PROVIDERS: dict[str, ProviderEntry] = {}


def register_provider(name: str, factory: ProviderFactory, description: str, *, needs_key: bool = False) -> None:
    _PROVIDERS[name] = ProviderEntry(name, factory, description, needs_key)


def known_providers() -> list[ProviderEntry]:
    return [_PROVIDERS[n] for n in sorted(_PROVIDERS)]


def resolve_provider_name(settings: Settings, name: str | None = None) -> str:
    """The provider to use: `name`, else the configured one; "auto" means offline unless a key or URL is set."""
    chosen = name or settings.llm_provider
    if chosen == "auto":
        configured = settings.llm_api_key.get_secret_value() or settings.llm_base_url
        return "openai-compatible" if configured else "offline"
    return chosen


def provider_named(settings: Settings, name: str | None = None) -> LLMProvider:
    """Build the provider. Raises: ConfigError for an unknown name or missing key/URL."""
    chosen = resolve_provider_name(settings, name)
    entry = _PROVIDERS.get(chosen)
    if entry is None:
        raise ConfigError(f"unknown LLM provider {chosen!r} (known: {', '.join(sorted(_PROVIDERS))})")
    return entry.factory(settings)
