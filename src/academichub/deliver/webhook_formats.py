"""Chat messages for a Curated Daily, in each platform's own format, split to fit its size limits.

Pure: builds payload dicts, sends nothing (webhooks.py does). Limits, with margin for the
signature fields added later: Feishu/Lark custom bot body 20 KB; WeCom markdown content
4,096 bytes; DingTalk body 20,000 bytes; Slack 50 blocks, 3,000 characters per section and
40,000 in all; the generic JSON hook 256 KiB. Titles never open links or mentions: `<`/`>`
and brackets are escaped or replaced per platform.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from academichub.deliver.entries import DigestEntry, digest_entries, digest_heading, one_line, shorten
from academichub.deliver.wording import ENGLISH, Translate, note_text, wording
from academichub.models import Digest

Payload = dict[str, Any]
T = TypeVar("T")
CHAT_ABSTRACT_CHARS = 280
SLACK_MAX_BLOCKS = 50
SLACK_SECTION_CHARS = 3000
SLACK_HEADER_CHARS = 150
FEISHU_MAX_ELEMENTS = 50


@dataclass(frozen=True, slots=True)
class Platform:
    kind: str
    limit: int  # what `size` measures must stay ≤ this
    size: Callable[[Payload], int]
    min_interval_s: float  # between two posts (WeCom and DingTalk allow 20 a minute)


def _body_bytes(payload: Payload) -> int:
    return len(json.dumps(payload, ensure_ascii=False).encode())


PLATFORMS: dict[str, Platform] = {
    "feishu": Platform("feishu", 19_000, _body_bytes, 0.3),
    "wecom": Platform("wecom", 4_000, lambda p: len(p["markdown"]["content"].encode()), 3.1),
    "dingtalk": Platform("dingtalk", 19_000, _body_bytes, 3.1),
    "slack": Platform("slack", 38_000, lambda p: len(json.dumps(p, ensure_ascii=False)), 1.0),
    "json": Platform("json", 256 * 1024, _body_bytes, 0.0),
}


def _angle_fullwidth(text: str) -> str:
    return text.replace("<", "＜").replace(">", "＞")


def _html_entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link_text(text: str) -> str:
    return text.replace("[", "［").replace("]", "］")


def _safe_url(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20").replace(">", "%3E").replace("|", "%7C")


def entry_markdown(entry: DigestEntry, kind: str, t: Translate = ENGLISH) -> str:
    """One numbered paper in the platform's markdown dialect."""
    esc = {"feishu": _html_entities, "slack": _html_entities}.get(kind, _angle_fullwidth)
    title = esc(_link_text(entry.title))
    if kind == "slack":
        title = f"<{_safe_url(entry.link)}|{title}>" if entry.link else title
        head = f"*{entry.number}. {title}*"
    else:
        head = f"**{entry.number}. " + (f"[{title}]({_safe_url(entry.link)})" if entry.link else title) + "**"
    meta = esc(f"{entry.source_label} · {entry.date}{entry.marks}")
    why = esc(t("digest_why", reasons=entry.reasons))
    why = f'<font color="info">{why}</font>' if kind == "wecom" else (f"_{why}_" if kind == "slack" else why)
    lines = [head, meta, esc(entry.authors)]
    if entry.abstract:
        lines.append(esc(shorten(entry.abstract, CHAT_ABSTRACT_CHARS)))
    lines.append(why)
    return ("\n\n" if kind == "dingtalk" else "\n").join(lines)


def briefing_units(briefing: str | None, kind: str, max_chars: int, t: Translate = ENGLISH) -> list[str]:
    """The briefing as paragraphs (each short enough for one message), first one headed."""
    if not briefing or not briefing.strip():
        return []
    esc = _html_entities if kind in ("feishu", "slack") else _angle_fullwidth
    units = []
    for paragraph in briefing.strip().split("\n\n"):
        text = esc(paragraph.strip())
        while text:
            units.append(text[:max_chars])
            text = text[max_chars:]
    header = f"*{t('digest_briefing')}*" if kind == "slack" else f"**{t('digest_briefing')}**"
    return [f"{header}\n{units[0]}", *units[1:]]


def _title(heading: str, part: int, parts: int) -> str:
    return heading if parts == 1 else f"{heading} ({part}/{parts})"


def build_feishu(heading: str, units: Sequence[str], part: int, parts: int) -> Payload:
    elements: list[dict[str, Any]] = []
    for unit in units:
        if elements:
            elements.append({"tag": "hr"})
        elements.append({"tag": "div", "text": {"tag": "lark_md", "content": unit}})
    return {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {"title": {"tag": "plain_text", "content": _title(heading, part, parts)}, "template": "blue"},
            "elements": elements,
        },
    }


def build_wecom(heading: str, units: Sequence[str], part: int, parts: int) -> Payload:
    content = "\n\n".join([f"## {_angle_fullwidth(_title(heading, part, parts))}", *units])
    return {"msgtype": "markdown", "markdown": {"content": content}}


def build_dingtalk(heading: str, units: Sequence[str], part: int, parts: int) -> Payload:
    title = _angle_fullwidth(_title(heading, part, parts))
    return {"msgtype": "markdown", "markdown": {"title": title, "text": "\n\n".join([f"### {title}", *units])}}


def build_slack(heading: str, units: Sequence[str], part: int, parts: int) -> Payload:
    title = shorten(_title(heading, part, parts), SLACK_HEADER_CHARS)
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": title}}]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": unit}} for unit in units]
    return {"text": title, "blocks": blocks}


BUILDERS: dict[str, Callable[[str, Sequence[str], int, int], Payload]] = {
    "feishu": build_feishu,
    "wecom": build_wecom,
    "dingtalk": build_dingtalk,
    "slack": build_slack,
}


def pack(
    units: Sequence[T], build: Callable[[Sequence[T], int, int], Payload], fits: Callable[[Payload], bool]
) -> list[Payload]:
    """Greedy split of `units` into as few payloads as fit; part numbers measured at their widest."""
    groups: list[list[T]] = []
    current: list[T] = []
    for unit in units:
        if current and not fits(build([*current, unit], 999, 999)):
            groups.append(current)
            current = []
        current.append(unit)
    if current or not groups:
        groups.append(current)
    return [build(group, n, len(groups)) for n, group in enumerate(groups, start=1)]


def _fit_unit(unit: str, fits_alone: Callable[[str], bool]) -> str:
    """A unit shortened until it fits in a message on its own."""
    while not fits_alone(unit) and len(unit) > 20:
        unit = shorten(unit, int(len(unit) * 0.8))
    return unit


def digest_messages(
    digest: Digest, kind: str, *, briefing_markdown: str | None = None, language: str = "en"
) -> list[Payload]:
    """The digest (then the briefing) as one or more messages for platform `kind`, its own words, notes and
    reasons in `language` (the generic JSON hook: English).

    Raises: KeyError for an unknown kind.
    """
    platform = PLATFORMS[kind]
    if kind == "json":
        return json_messages(digest, briefing_markdown)
    t = wording(language)
    heading = digest_heading(digest, t)
    entries = digest_entries(digest, t)
    said = [one_line(note_text(t, n)) for n in digest.notes]
    notes = [_angle_fullwidth(n) if kind in ("wecom", "dingtalk") else _html_entities(n) for n in said]
    units = [f"⚠ {n}" for n in notes] + [entry_markdown(e, kind, t) for e in entries]
    if not entries:
        units.append(t("digest_nothing"))
    max_unit_chars = {"slack": SLACK_SECTION_CHARS, "wecom": 1000}.get(kind, 1500)  # wecom: 3 bytes per CJK char
    units += briefing_units(briefing_markdown, kind, max_unit_chars, t)
    build = BUILDERS[kind]

    def fits(payload: Payload) -> bool:
        if kind == "slack" and len(payload["blocks"]) > SLACK_MAX_BLOCKS:
            return False
        if kind == "feishu" and len(payload["card"]["elements"]) > 2 * FEISHU_MAX_ELEMENTS:
            return False
        return platform.size(payload) <= platform.limit

    units = [
        _fit_unit(u[:SLACK_SECTION_CHARS] if kind == "slack" else u, lambda u: fits(build(heading, [u], 999, 999)))
        for u in units
    ]
    return pack(units, lambda group, part, parts: build(heading, group, part, parts), fits)


def json_messages(digest: Digest, briefing_markdown: str | None) -> list[Payload]:
    """The generic webhook: plain JSON with every field, split by papers when over 256 KiB."""
    platform = PLATFORMS["json"]
    units: list[dict[str, Any]] = [
        {
            "type": "paper",
            "number": e.number,
            "source_label": e.source_label,
            "date": e.date,
            "announce_type": e.announce_type,
            "first_appeared": e.first_appeared or None,  # "2024-11": an old paper listed again
            "title": e.title,
            "authors": e.authors,
            "abstract": e.abstract,
            "reasons": e.reasons,
            "link": e.link,
        }
        for e in digest_entries(digest)
    ]
    if briefing_markdown and briefing_markdown.strip():
        units.append({"type": "briefing", "markdown": briefing_markdown.strip()})

    def build(group: Sequence[dict[str, Any]], part: int, parts: int) -> Payload:
        return {
            "radar": digest.radar.name,
            "date": digest.day.isoformat(),
            "heading": digest_heading(digest),
            "notes": list(digest.notes),
            "part": part,
            "parts": parts,
            "entries": list(group),
        }

    return pack(units, build, lambda p: platform.size(p) <= platform.limit)
