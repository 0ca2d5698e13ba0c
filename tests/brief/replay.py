"""Helpers for briefing tests: the five recorded-prompt papers, recorded model answers, chat-completion bodies."""

from __future__ import annotations

import ast
import json
import re
import time
from pathlib import Path

from academichub.models import Paper

ANSWERS = Path(__file__).resolve().parents[1] / "fixtures" / "llm-answers"
API_KEY = "sk-test-SECRET-4f9a"
FIELDS = ["quant-ph", "cs.AR", "q-bio.BM", "cs.CL", "q-bio.BM"]


def prompt_abstracts() -> list[str]:
    """ABSTRACTS from the recorded prompt (read as a literal, not executed)."""
    tree = ast.parse((ANSWERS / "prompt.py.txt").read_text())
    node = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "ABSTRACTS")
    return list(ast.literal_eval(node.value))


def prompt_papers() -> list[Paper]:
    papers = []
    for n, text in enumerate(prompt_abstracts(), 1):
        body = text.split("] ", 1)[1]
        title, abstract = body.split(". ", 1)
        papers.append(
            Paper(keys=(f"arxiv:2606.{n:05d}",), title=title, abstract=abstract, primary_category=FIELDS[n - 1], id=n)
        )
    return papers


def recorded_answer(name: str) -> tuple[str, dict, str]:
    """(answer text, usage, finish reason) of a recorded run."""
    raw = (ANSWERS / name).read_text()
    if "=== ANSWER ===" in raw or "=== SDK ANSWER ===" in raw:
        body = re.split(r"=== (?:SDK )?ANSWER ===\n", raw)[1]
        text = re.split(r"\n(?:=== USAGE ===|usage: )", body)[0]
        usage_match = re.search(r"=== USAGE === (\{.*?\}) finish: (\w+)", raw)
        if usage_match:
            return text, json.loads(usage_match.group(1)), usage_match.group(2)
        numbers = dict(re.findall(r"(prompt_tokens|completion_tokens)=(\d+)", raw))
        finish = re.search(r"finish: (\w+)", raw)
        usage = {k: int(v) for k, v in numbers.items()}
        return text, usage, finish.group(1) if finish else "stop"
    text, tail = raw.rsplit("\n{", 1)
    return text, {}, tail.split()[-1]


def chat_body(
    text: str | None, *, finish: str = "stop", usage: dict | None = None, model: str = "smollm2-135m"
) -> bytes:
    """A chat.completion JSON document as an OpenAI-compatible server sends it."""
    doc = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}],
    }
    if usage:
        doc["usage"] = {**usage, "total_tokens": usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0)}
    return json.dumps(doc).encode()


JSON = {"Content-Type": "application/json"}
