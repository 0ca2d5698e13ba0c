"""OpenAI-compatible chat completions through the official `openai` SDK, with presets for hosted and local servers.

The SDK's own retries are off; this module retries timeouts, 429 (honouring Retry-After up to a cap) and 5xx with
exponential backoff, so the bound is ours and testable. Every fault becomes a BriefingError with a `kind`; the API
key never appears in a message (SecretStr in Settings, redacted from provider error text).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import openai
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam

from academichub.brief.providers import Completion, CompletionRequest, register_provider
from academichub.brief.tokens import estimate_messages, estimate_tokens
from academichub.config import Settings
from academichub.errors import BriefingError, ConfigError
from academichub.sources.http import parse_retry_after_s as retry_after_s

RETRYABLE = frozenset({"timeout", "rate_limited", "server", "connection"})
LOCAL_PLACEHOLDER_KEY = "not-needed"  # local servers ignore the key; the SDK insists on one
ERROR_TEXT_CHARS = 300
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    base_url: str
    model: str
    context_tokens: int
    description: str
    needs_key: bool = True


PRESETS = (
    Preset("deepseek", "https://api.deepseek.com", "deepseek-chat", 48_000, "DeepSeek (api.deepseek.com)"),
    Preset(
        "qwen",
        "https://dashscope.aliyuncs.com/compatible-mode/v1",
        "qwen-plus",
        48_000,
        "Qwen via DashScope compatible mode",
    ),  # fmt: skip
    Preset("moonshot", "https://api.moonshot.cn/v1", "kimi-k2-0905-preview", 48_000, "Moonshot Kimi"),
    Preset("kimi", "https://api.moonshot.cn/v1", "kimi-k2-0905-preview", 48_000, "Moonshot Kimi (alias)"),
    Preset("zhipu", "https://open.bigmodel.cn/api/paas/v4", "glm-4-plus", 48_000, "Zhipu GLM (bigmodel.cn)"),
    Preset("glm", "https://open.bigmodel.cn/api/paas/v4", "glm-4-plus", 48_000, "Zhipu GLM (alias)"),
    Preset("openai", "https://api.openai.com/v1", "gpt-4o-mini", 48_000, "OpenAI"),
    Preset("ollama", "http://127.0.0.1:11434/v1", "qwen2.5:7b-instruct", 6_000, "local Ollama server", False),
    Preset("vllm", "http://127.0.0.1:8000/v1", "", 6_000, "local vLLM server (set llm_model)", False),
    Preset("llamacpp", "http://127.0.0.1:8080/v1", "local", 3_000, "local llama.cpp server", False),
    Preset(
        "openai-compatible", "", "", 16_000, "any OpenAI-compatible API: set llm_base_url, llm_model (and key)", False
    ),
)


class OpenAICompatibleProvider:
    """Chat completions against `base_url`. Raises BriefingError from complete()/check(); see module docstring."""

    def __init__(self, settings: Settings, preset: Preset, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._preset = preset
        self._settings = settings
        self._sleep = sleep
        self._key = settings.llm_api_key.get_secret_value()
        base_url = settings.llm_base_url or preset.base_url
        model = settings.llm_model or preset.model
        if not base_url or not model:
            raise ConfigError(f"LLM provider {preset.name!r} needs llm_base_url and llm_model in the config")
        if preset.needs_key and not self._key:
            raise ConfigError(f"LLM provider {preset.name!r} needs an API key: set ACADEMICHUB_LLM_API_KEY")
        self._model = model
        self._client = openai.OpenAI(
            api_key=self._key or LOCAL_PLACEHOLDER_KEY,
            base_url=base_url,
            timeout=settings.llm_timeout_s,
            max_retries=0,
        )

    @property
    def name(self) -> str:
        return self._preset.name

    @property
    def model(self) -> str:
        return self._model

    @property
    def context_tokens(self) -> int:
        return self._settings.llm_context_tokens or self._preset.context_tokens

    def complete(self, request: CompletionRequest) -> Completion:
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": m["content"]}
            if m["role"] == "system"
            else {"role": "user", "content": m["content"]}
            for m in request.messages
        ]
        answer = self._with_retries(
            lambda: self._client.chat.completions.create(
                model=self._model, messages=messages, max_tokens=request.max_tokens, temperature=0.2
            )
        )
        return self._completion(answer, [dict(m) for m in request.messages])

    def check(self) -> str:
        models = self._with_retries(lambda: self._client.models.list())
        names = [m.id for m in getattr(models, "data", [])][:5]
        return f"answers at {self._client.base_url}: models {', '.join(names) or '(none listed)'}"

    def _with_retries(self, call: Callable[[], _T]) -> _T:
        attempt = 0
        while True:
            try:
                return call()
            except openai.OpenAIError as exc:
                error = self._translate(exc)
            except ValueError as exc:  # the SDK lets a non-JSON body through as json.JSONDecodeError
                error = BriefingError(
                    f"{self.name}: unreadable answer: {self._redact(str(exc))[:80]}", kind="malformed"
                )
            if error.kind not in RETRYABLE or attempt >= self._settings.llm_max_retries:
                raise error
            backoff = self._settings.llm_backoff_base_s * 2**attempt
            wait = error.retry_after_s if error.retry_after_s is not None else backoff
            self._sleep(min(wait, self._settings.llm_retry_after_cap_s))
            attempt += 1

    def _translate(self, exc: openai.OpenAIError) -> BriefingError:
        text = self._redact(str(exc))[:ERROR_TEXT_CHARS]
        where = f"{self.name} ({self._model})"
        if isinstance(exc, openai.APITimeoutError):
            return BriefingError(f"{where}: timed out after {self._settings.llm_timeout_s:g} s", kind="timeout")
        if isinstance(exc, openai.APIConnectionError):
            return BriefingError(f"{where}: cannot connect: {text}", kind="connection")
        if isinstance(exc, openai.RateLimitError):
            retry_after = retry_after_s(exc.response.headers.get("retry-after"))
            return BriefingError(f"{where}: rate limited (HTTP 429)", kind="rate_limited", retry_after_s=retry_after)
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return BriefingError(f"{where}: the API key was refused (HTTP {exc.status_code})", kind="auth")
        if isinstance(exc, openai.APIStatusError):
            kind = "server" if exc.status_code >= 500 else "bad_request"
            return BriefingError(f"{where}: HTTP {exc.status_code}: {text}", kind=kind)
        return BriefingError(f"{where}: unreadable answer: {text}", kind="malformed")

    def _redact(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text

    def _completion(self, answer: object, messages: list[dict[str, str]]) -> Completion:
        if not isinstance(answer, ChatCompletion) or not answer.choices:
            raise BriefingError(f"{self.name}: the answer is not a chat completion", kind="malformed")
        choice = answer.choices[0]
        content = choice.message.content or ""
        if choice.finish_reason == "length":
            raise BriefingError(f"{self.name}: the answer was cut off at max tokens", kind="length")
        if choice.finish_reason == "content_filter" or choice.message.refusal:
            raise BriefingError(f"{self.name}: the model refused", kind="refusal")
        if not content.strip():
            raise BriefingError(f"{self.name}: the answer was empty", kind="empty")
        usage = answer.usage
        return Completion(
            text=content,
            model=answer.model or self._model,
            prompt_tokens=usage.prompt_tokens if usage else estimate_messages(messages),
            completion_tokens=usage.completion_tokens if usage else estimate_tokens(content),
            tokens_estimated=usage is None,
            finish_reason=choice.finish_reason or "stop",
        )


def _factory(preset: Preset) -> Callable[[Settings], OpenAICompatibleProvider]:
    return lambda settings: OpenAICompatibleProvider(settings, preset)


for _preset in PRESETS:
    register_provider(_preset.name, _factory(_preset), _preset.description, needs_key=_preset.needs_key)
