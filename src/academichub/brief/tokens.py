"""Token estimates and cost accounting for LLM calls: no tokenizer downloads, no network.

Counts a provider reports are used as they are; otherwise `estimate_tokens` gives an estimate (flagged as one)
from DeepSeek's published rule of thumb: one English character ≈ 0.3 token, one Chinese character ≈ 0.6 token.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

EN_TOKENS_PER_CHAR = 0.3
CJK_TOKENS_PER_CHAR = 0.6
MESSAGE_OVERHEAD_TOKENS = 4  # role and separators of one chat message

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def estimate_tokens(text: str) -> int:
    """An estimate (not a count) of the tokens `text` takes in a BPE vocabulary of a current Chinese/English LLM."""
    cjk = len(_CJK.findall(text))
    return math.ceil(cjk * CJK_TOKENS_PER_CHAR + (len(text) - cjk) * EN_TOKENS_PER_CHAR)


def estimate_messages(messages: list[dict[str, str]]) -> int:
    return sum(estimate_tokens(m["content"]) + MESSAGE_OVERHEAD_TOKENS for m in messages)


@dataclass(frozen=True, slots=True)
class Cost:
    usd: float = 0.0
    cny: float = 0.0
    priced: bool = False  # False: no price known for this model (local models cost nothing here)

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.usd + other.usd, self.cny + other.cny, self.priced or other.priced)


def price_call(
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    prices: Mapping[str, Mapping[str, float]],
    *,
    usd_per_cny: float,
) -> Cost:
    """The cost of one call from a price table of {model: {input_usd, output_usd, input_cny, output_cny}} per 1M."""
    entry = prices.get(model) or prices.get(model.rsplit("/", 1)[-1])
    if entry is None:
        return Cost()
    per_million = 1_000_000

    def side(name: str, currency: str, other: str, rate: float) -> float:
        if f"{name}_{currency}" in entry:
            return entry[f"{name}_{currency}"]
        return entry.get(f"{name}_{other}", 0.0) * rate

    usd = (
        prompt_tokens * side("input", "usd", "cny", usd_per_cny)
        + completion_tokens * side("output", "usd", "cny", usd_per_cny)
    ) / per_million
    cny = (
        prompt_tokens * side("input", "cny", "usd", 1 / usd_per_cny)
        + completion_tokens * side("output", "cny", "usd", 1 / usd_per_cny)
    ) / per_million
    return Cost(usd, cny, True)
