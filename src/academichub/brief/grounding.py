"""Checking a model's briefing against the papers it was given: parsed and verified by code, never trusted.

`parse_sections` reads the Markdown answer into sections; `ground_sections` keeps only citations to supplied keys
(the rest are removed and counted), drops sentences that cite only invented keys, echo planted instructions, or
carry a number, identifier or quotation not found in the abstracts they cite, flags claim sentences without a
citation, and decides whether enough survived to call it a briefing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from academichub.brief.providers import BriefPaper
from academichub.models import BriefingSection, GroundingReport

MIN_CITED_CLAIMS = 2  # fewer surviving cited claims (1 for a one-paper day) and the briefing is "unwritable"
MIN_CITED_SHARE = 0.5  # or fewer than half of the claim sentences cite a paper
CLAIM_MIN_WORDS = 4
CLAIM_MIN_CJK = 8
QUOTE_MIN_WORDS = 3

_HEADING_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("connections", ("cross", "connection", "link", "跨", "交叉", "关联", "联系")),
    ("methods", ("method", "dataset", "result", "方法", "数据", "结果")),
    ("questions", ("question", "open", "future", "limitation", "问题", "展望", "局限")),
    ("themes", ("theme", "topic", "主题", "专题")),
    ("highlights", ("highlight", "key finding", "summary", "要点", "亮点", "重点", "概要")),
)
_HEADING = re.compile(r"^\s*(?:#{1,4}\s*(.+?)\s*#*|\*\*([^*]{2,60})\*\*\s*[:：]?)\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)、])\s+(.*)$")
_BRACKET = re.compile(r"\[([^\[\]]{1,24})\]")
_CITE_BODY = re.compile(r"^\s*(?:\d+|[nNkK?x]|\.\.\.)(?:\s*[,，;、]\s*(?:\d+|[nNkK?]))*\s*$|^\s*\d+\s*[-–]\s*\d+\s*$")
_PROTECT = re.compile(r"“[^”]*”|\"[^\"\n]*\"|「[^」]*」|\$[^$]+\$|\b(?:e\.g|i\.e|et al|vs|cf|Fig|Eq|Sec)\.")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)|(?<=[。！？])")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.$\\^{-])\d+(?:[.,]\d+)*")
_IDENT = re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*")
_QUOTE = re.compile(r"“([^”]+)”|\"([^\"\n]+)\"|「([^」]+)」")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z0-9]+")


def parse_sections(text: str) -> list[BriefingSection]:
    """The answer's Markdown as sections; text under no recognised heading goes to highlights."""
    items: dict[str, list[str]] = {}
    kind = "highlights"
    current: list[str] = []

    def flush() -> None:
        if current:
            items.setdefault(kind, []).append(" ".join(current).strip())
            current.clear()

    for line in text.replace("\r", "").split("\n"):
        heading = _HEADING.match(line)
        if heading:
            flush()
            kind = heading_kind(heading.group(1) or heading.group(2)) or kind
            continue
        bullet = _BULLET.match(line)
        if bullet or not line.strip():
            flush()
        if line.strip():
            current.append((bullet.group(1) if bullet else line).strip())
    flush()
    return [BriefingSection(k, tuple(i for i in v if i)) for k, v in items.items() if any(v)]


def heading_kind(title: str) -> str | None:
    low = title.lower()
    return next((kind for kind, words in _HEADING_WORDS if any(w in low for w in words)), None)


@dataclass
class _Tally:
    total: int = 0
    valid: int = 0
    invalid: list[str] = field(default_factory=list)
    claims: int = 0
    cited: int = 0


def ground_sections(
    sections: Sequence[BriefingSection], papers: Sequence[BriefPaper], planted: Iterable[str] = ()
) -> tuple[list[BriefingSection], GroundingReport]:
    """Check every sentence against the supplied papers; returns the surviving sections and the report."""
    by_key = {p.key: p for p in papers}
    tally = _Tally()
    uncited: list[str] = []
    dropped: list[str] = []
    covered: set[int] = set()
    planted_tokens = sorted(set(planted))
    kept_sections = []
    for section in sections:
        kept_items = []
        for item in section.items:
            kept = []
            for sentence, keys, had_cites in _sentences(item, by_key, tally):
                reason = _problem(sentence, keys, had_cites, by_key, planted_tokens)
                if reason:
                    dropped.append(f"{reason}: {sentence}")
                    continue
                kept.append(sentence)
                if _is_claim(sentence):
                    tally.claims += 1
                    if keys:
                        tally.cited += 1
                    else:
                        uncited.append(sentence)
                covered.update(keys)
            if kept:
                kept_items.append(_join(kept))
        if kept_items:
            kept_sections.append(BriefingSection(section.kind, tuple(kept_items)))
    report = GroundingReport(
        citations_total=tally.total,
        citations_valid=tally.valid,
        invalid_keys=tuple(tally.invalid),
        claims=tally.claims,
        cited_claims=tally.cited,
        uncited_claims=tuple(uncited),
        dropped_sentences=tuple(dropped),
        covered_keys=tuple(sorted(covered)),
        uncovered_keys=tuple(k for k in sorted(by_key) if k not in covered),
        verdict=_verdict(tally, len(by_key)),
    )
    return kept_sections, report


def _verdict(tally: _Tally, n_papers: int) -> str:
    if n_papers == 0:
        return "empty"
    needed = min(MIN_CITED_CLAIMS, n_papers)
    if tally.cited < needed or tally.cited < MIN_CITED_SHARE * tally.claims:
        return "unwritable"
    return "ok"


def _sentences(item: str, by_key: dict[int, BriefPaper], tally: _Tally) -> list[tuple[str, tuple[int, ...], bool]]:
    """(sentence with only valid citations, its keys, whether it had any citation marker) per sentence."""
    protected: list[str] = []

    def hide(match: re.Match[str]) -> str:
        protected.append(match.group())
        return f"\x00{len(protected) - 1}\x00"

    hidden = _PROTECT.sub(hide, item)
    out: list[tuple[str, tuple[int, ...], bool]] = []
    for raw in (s for s in _SENTENCE.split(hidden) if s.strip()):
        text, keys, had = _clean_citations(raw, by_key, tally)
        text = re.sub("\x00(\\d+)\x00", lambda m: protected[int(m.group(1))], text).strip()
        if not _has_words(text):
            if out and keys:  # a citation standing alone after the sentence it belongs to
                prev, prev_keys, prev_had = out[-1]
                out[-1] = (_with_keys(prev, keys), tuple(dict.fromkeys(prev_keys + keys)), True)
            continue
        if had and keys and raw.lstrip().startswith("[") and out and not out[-1][1]:
            prev, _, _ = out[-1]  # "Claim. [3] Next claim" — the leading key belongs to the claim before
            out[-1] = (_with_keys(prev, keys), keys, True)
            text, keys = _strip_keys(text), ()
            if not _has_words(text):
                continue
        out.append((text, keys, had))
    return out


def _has_words(text: str) -> bool:
    bare = re.sub(r"\[\d+\]", "", text)
    return bool(_WORD.search(bare) or _CJK.search(bare))


def _clean_citations(raw: str, by_key: dict[int, BriefPaper], tally: _Tally) -> tuple[str, tuple[int, ...], bool]:
    keys: list[int] = []
    had = False

    def replace(match: re.Match[str]) -> str:
        nonlocal had
        body = match.group(1)
        if not _CITE_BODY.match(body):
            return match.group()
        had = True
        wanted = _expand(body)
        tally.total += max(1, len(wanted))
        if not wanted:
            tally.invalid.append(f"[{body.strip()}]")
            return ""
        good = [k for k in wanted if k in by_key]
        tally.valid += len(good)
        tally.invalid.extend(str(k) for k in wanted if k not in by_key)
        keys.extend(good)
        return "".join(f"[{k}]" for k in good)

    text = _BRACKET.sub(replace, raw)
    text = re.sub(r"\s+([.,;:。，；：])", r"\1", re.sub(r"[ \t]{2,}", " ", text))
    return text.strip(), tuple(dict.fromkeys(keys)), had


def _expand(body: str) -> list[int]:
    if re.match(r"^\s*\d+\s*[-–]\s*\d+\s*$", body):
        lo, hi = (int(x) for x in re.split(r"[-–]", body))
        return list(range(lo, hi + 1)) if 0 <= hi - lo <= 20 else [lo, hi]
    return [int(x) for x in re.findall(r"\d+", body)]


def _with_keys(sentence: str, keys: tuple[int, ...]) -> str:
    missing = "".join(f"[{k}]" for k in keys if f"[{k}]" not in sentence)
    if not missing:
        return sentence
    end = re.search(r"[.!?。！？]$", sentence)
    return f"{sentence[:-1]} {missing}{sentence[-1]}" if end else f"{sentence} {missing}"


def _strip_keys(text: str) -> str:
    return re.sub(r"^(?:\s*\[\d+\])+", "", text).strip()


def _problem(
    sentence: str, keys: tuple[int, ...], had_cites: bool, by_key: dict[int, BriefPaper], planted: Sequence[str]
) -> str:
    """Why this sentence must go, or "" when it may stay."""
    if any(token in sentence for token in planted):
        return "echoes an instruction planted in an abstract"
    if had_cites and not keys:
        return "cites only keys that were not supplied"
    if not keys:
        return ""
    support = " ".join(f"{by_key[k].paper.title} {by_key[k].abstract}" for k in keys)
    flat = _flat(support)
    bare = re.sub(r"\[\d+\]", "", sentence)
    for quote in (next(g for g in m.groups() if g) for m in _QUOTE.finditer(bare)):
        if _is_long_quote(quote) and any(part and part not in flat for part in _quote_parts(quote)):
            return "quotation not found in the cited abstracts"
    outside = _QUOTE.sub(" ", bare)
    digits = re.sub(r"(?<=\d),(?=\d{3})", "", support)
    for number in _NUMBER.findall(outside):
        if number.replace(",", "") not in digits:
            return f"number {number} not found in the cited abstracts"
    low = support.lower()
    for ident in _IDENT.findall(outside):
        if ident.lower() not in low:
            return f"{ident} not found in the cited abstracts"
    return ""


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).casefold()


def _quote_parts(quote: str) -> list[str]:
    return [_flat(p).strip(" .,;:。，") for p in re.split(r"…|\.\.\.|\[\.\.\.\]", quote)]


def _is_long_quote(quote: str) -> bool:
    return len(_WORD.findall(quote)) >= QUOTE_MIN_WORDS or len(_CJK.findall(quote)) >= CLAIM_MIN_CJK


def _is_claim(sentence: str) -> bool:
    bare = re.sub(r"\[\d+\]", "", sentence)
    return len(_WORD.findall(bare)) >= CLAIM_MIN_WORDS or len(_CJK.findall(bare)) >= CLAIM_MIN_CJK


def _join(sentences: Sequence[str]) -> str:
    out = sentences[0]
    for s in sentences[1:]:
        out += s if re.search(r"[。！？]$", out) else " " + s
    return out


def cited_keys(text: str) -> list[int]:
    """Every `[n]` key written in `text`, in order (for renderers and tests)."""
    return [int(k) for k in re.findall(r"\[(\d+)\]", text)]
