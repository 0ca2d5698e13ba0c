"""The Curated Daily as one MIME message: plain text + HTML alternatives, List-Unsubscribe, encoded headers.

Pure: builds an `EmailMessage`, sends nothing (email.py does). Every header value
is collapsed to one line before it is set, and every HTML value is escaped.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from academichub.deliver.entries import DigestEntry, digest_entries, digest_heading, one_line, shorten
from academichub.deliver.wording import ENGLISH, Translate, note_text, wording
from academichub.errors import InputError
from academichub.models import Digest

# 7bit: bodies go out base64/quoted-printable and headers RFC 2047-encoded, so any relay accepts them.
MAIL_POLICY = policy.SMTP.clone(cte_type="7bit")
MAX_SUBJECT_TITLE_CHARS = 90
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^\s)]+)\)")


def parse_address(value: str) -> Address:
    """`"Name <a@b>"` or `a@b` as an Address. Raises: InputError for anything else (CR/LF, no @, non-ASCII mailbox)."""
    if any(c in value for c in "\r\n\0"):
        raise InputError("email address contains a line break")
    name, addr = parseaddr(value)
    local, at, domain = addr.partition("@")
    if not at or not local or "." not in domain or not addr.isascii() or " " in addr:
        raise InputError(f"not an email address: {one_line(value)!r}")
    return Address(display_name=one_line(name), username=local, domain=domain)


def digest_message_id(key: str, sender: Address) -> str:
    """A Message-ID fixed by the idempotency key, so a resend is recognisable as the same message."""
    return f"<digest-{hashlib.sha256(key.encode()).hexdigest()[:32]}@{sender.domain}>"


def digest_subject(digests: Sequence[Digest], t: Translate = ENGLISH) -> str:
    count = sum(len(d.items) for d in digests)
    first = next((d for d in digests if d.items), digests[0])
    names = " + ".join(d.radar.name for d in digests)
    subject = t("digest_subject", radars=names, day=first.day.isoformat(), count=count)
    if first.items:
        subject += ": " + shorten(one_line(first.items[0].paper.title), MAX_SUBJECT_TITLE_CHARS)
    return one_line(subject)


def compose_digest_email(
    digests: Sequence[Digest],
    *,
    sender: str,
    recipient: str,
    unsubscribe_url: str,
    briefing_markdown: str | None = None,
    idempotency_key: str = "",
    language: str = "en",
) -> EmailMessage:
    """One user's Curated Daily (one section per radar) as a multipart/alternative message, its own words, notes
    and reasons in `language` ("en" or "zh"; papers and briefing as they are).

    Raises: InputError for a bad address, an unsubscribe URL that is not https/http/mailto, or no digest.
    """
    if not digests:
        raise InputError("no digest to send")
    if (
        not unsubscribe_url.startswith(("https://", "http://", "mailto:"))
        or one_line(unsubscribe_url) != unsubscribe_url
    ):
        raise InputError("the unsubscribe link must be one https, http or mailto URL")
    from_address, to_address = parse_address(sender), parse_address(recipient)
    t = wording(language)
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = digest_subject(digests, t)
    message["From"] = from_address
    message["To"] = to_address
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = digest_message_id(idempotency_key or digest_subject(digests) + recipient, from_address)
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    if unsubscribe_url.startswith("https://"):
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(render_text(digests, briefing_markdown, unsubscribe_url, t))
    message.add_alternative(render_html(digests, briefing_markdown, unsubscribe_url, t), subtype="html")
    return message


def render_text(digests: Sequence[Digest], briefing: str | None, unsubscribe_url: str, t: Translate = ENGLISH) -> str:
    lines: list[str] = []
    for digest in digests:
        heading = digest_heading(digest, t)
        lines += [heading, "=" * min(len(heading), 72), ""]
        lines += [t("digest_note", note=one_line(note_text(t, note))) for note in digest.notes]
        for entry in digest_entries(digest, t):
            lines += _entry_text(entry, t)
        if not digest.items:
            lines += [t("digest_nothing"), ""]
    if briefing and briefing.strip():
        title = t("digest_briefing")
        lines += [title, "-" * len(title), "", briefing.strip(), ""]
    lines += ["--", f"{t('digest_unsubscribe')}: {unsubscribe_url}"]
    return "\n".join(lines) + "\n"


def _entry_text(entry: DigestEntry, t: Translate) -> list[str]:
    lines = [f"{entry.number}. {entry.source_label} · {entry.date}{entry.marks}", f"   {entry.title}"]
    lines.append(f"   {t('digest_authors', authors=entry.authors)}")
    if entry.abstract:
        lines.append(f"   {entry.abstract}")
    lines.append(f"   {t('digest_why', reasons=entry.reasons)}")
    if entry.link:
        lines.append(f"   {entry.link}")
    return [*lines, ""]


def render_html(digests: Sequence[Digest], briefing: str | None, unsubscribe_url: str, t: Translate = ENGLISH) -> str:
    esc = html.escape
    parts = ['<!doctype html><html><head><meta charset="utf-8"></head>', '<body style="font-family:sans-serif">']
    for digest in digests:
        parts.append(f"<h2>{esc(digest_heading(digest, t))}</h2>")
        parts += [
            f'<p style="color:#a60"><em>{esc(t("digest_note", note=one_line(note_text(t, note))))}</em></p>'
            for note in digest.notes
        ]
        entries = digest_entries(digest, t)
        if entries:
            parts.append("<ol>")
            parts += [_entry_html(entry, t) for entry in entries]
            parts.append("</ol>")
        else:
            parts.append(f"<p>{esc(t('digest_nothing'))}</p>")
    if briefing and briefing.strip():
        parts += [f"<h2>{esc(t('digest_briefing'))}</h2>", markdown_to_html(briefing)]
    unsubscribe = f'<a href="{esc(unsubscribe_url)}">{esc(t("digest_unsubscribe"))}</a>'
    parts.append(f'<hr><p style="font-size:small">{unsubscribe}</p></body></html>')
    return "\n".join(parts) + "\n"


def _entry_html(entry: DigestEntry, t: Translate) -> str:
    esc = html.escape
    kind = esc(entry.marks)
    title = f'<a href="{esc(entry.link)}">{esc(entry.title)}</a>' if entry.link else esc(entry.title)
    return (
        f'<li value="{entry.number}" style="margin-bottom:1em">'
        f'<div style="color:#555">{esc(entry.source_label)} · {esc(entry.date)}{kind}</div>'
        f"<div><strong>{title}</strong></div>"
        f"<div>{esc(t('digest_authors', authors=entry.authors))}</div>"
        + (f'<div style="color:#333">{esc(entry.abstract)}</div>' if entry.abstract else "")
        + f'<div style="color:#070"><em>{esc(t("digest_why", reasons=entry.reasons))}</em></div></li>'
    )


def markdown_to_html(text: str) -> str:
    """A small, escaping Markdown subset for briefings: headings, bullet lists, paragraphs, **bold**, http(s) links."""
    out: list[str] = []
    in_list = False
    for block in re.split(r"\n\s*\n", text.strip()):
        for line in block.splitlines():
            stripped = line.strip()
            is_item = stripped[:2] in ("- ", "* ")
            if in_list and not is_item:
                out.append("</ul>")
                in_list = False
            if is_item:
                if not in_list:
                    out.append("<ul>")
                    in_list = True
                out.append(f"<li>{_inline_html(stripped[2:])}</li>")
            elif stripped.startswith("#"):
                level = min(len(stripped) - len(stripped.lstrip("#")) + 2, 6)
                out.append(f"<h{level}>{_inline_html(stripped.lstrip('#').strip())}</h{level}>")
            elif stripped:
                out.append(f"<p>{_inline_html(stripped)}</p>")
        if in_list:
            out.append("</ul>")
            in_list = False
    return "\n".join(out)


def _inline_html(text: str) -> str:
    escaped = html.escape(text, quote=True)
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _LINK.sub(r'<a href="\2">\1</a>', escaped)
