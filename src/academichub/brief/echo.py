"""The deterministic `echo` provider for tests and dry runs: a well-formed briefing built from titles alone.

Registered like any other provider. Its token counts are estimates of the prompt it was given, so cost
accounting can be exercised without a network.
"""

from __future__ import annotations

from academichub.brief.providers import Completion, CompletionRequest, register_provider
from academichub.brief.tokens import estimate_messages, estimate_tokens
from academichub.config import Settings


class EchoProvider:
    name = "echo"
    model = "echo-1"
    context_tokens = 200_000

    def complete(self, request: CompletionRequest) -> Completion:
        papers = request.papers
        if request.task == "tldr":
            text = "\n".join(f"[{p.key}] {p.paper.title}" for p in papers)
        else:
            lines = ["## Highlights", *(f"- Paper [{p.key}] is titled “{p.paper.title}”." for p in papers[:5])]
            lines += ["## Themes", "- " + " ".join(f"Paper [{p.key}] belongs to {p.field}." for p in papers)]
            lines += ["## Cross-domain connections", "## Methods, datasets and results", "## Open questions"]
            text = "\n".join(lines)
        prompt = estimate_messages([dict(m) for m in request.messages])
        return Completion(text, self.model, prompt, estimate_tokens(text), tokens_estimated=True)

    def check(self) -> str:
        return "built in: echoes titles (tests)"


def _echo(_settings: Settings) -> EchoProvider:
    return EchoProvider()


register_provider("echo", _echo, "built in: deterministic titles-only briefing (tests)")
