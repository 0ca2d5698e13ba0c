"""Text hygiene for titles, abstracts and names: valid text, no markup, LaTeX kept verbatim.

Feeds carry HTML (`S<sub>N</sub>2`, `<p>` in medRxiv abstracts, JATS leftovers),
control characters and irregular whitespace. Everything stored is plain text:
sub/superscripts become LaTeX so the page can render them with KaTeX, every
other tag is dropped (script/style with their content), entities decoded.
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3

# A tag-like run: `<b$` in `$a<b$` is not one (no whitespace, `/` or `>` follows the name).
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?/?>")
_SUB = re.compile(r"<sub>\s*(.*?)\s*</sub>", re.IGNORECASE | re.DOTALL)
_SUP = re.compile(r"<sup>\s*(.*?)\s*</sup>", re.IGNORECASE | re.DOTALL)
_BLOCK = re.compile(r"</?(?:p|br|div|li|h[1-6]|jats:p|jats:sec)\b[^>]*>", re.IGNORECASE)
_CONTROL_CHARS = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]
_DROP_CONTROL = dict.fromkeys(_CONTROL_CHARS)
_HAS_CONTROL = re.compile("[" + "".join(re.escape(chr(c)) for c in _CONTROL_CHARS) + "]")
_ASCII_CONTROL_BYTES = bytes(c for c in _CONTROL_CHARS if c < 0x80)
_ANNOUNCE_PREFIX = re.compile(r"^\s*arXiv:\S+\s+Announce\s+Type:\s*[\w-]+\s*(?:Abstract:)?\s*", re.IGNORECASE)
MAX_TITLE_CHARS = 2_000
MAX_ABSTRACT_CHARS = 20_000
TRUNCATION_MARK = " […]"


def has_markup(text: str) -> bool:
    return "<" in text and _TAG.search(text) is not None


# Elements whose content a browser parses as raw text: kept, their "text" would carry live markup out
# (`<noscript><img onerror=…></noscript>` is the mXSS vector), so the content goes with the tags.
_DROPPED_WITH_CONTENT = {"script", "style", "noscript", "template", "iframe", "noembed", "noframes", "xmp"}


def strip_markup(text: str) -> str:
    """HTML/XML fragment → plain text; <sub>/<sup> become `$_{…}$`/`$^{…}$` for KaTeX."""
    text = _SUB.sub(lambda m: f"$_{{{_plain_inline(m.group(1))}}}$", text)
    text = _SUP.sub(lambda m: f"$^{{{_plain_inline(m.group(1))}}}$", text)
    text = _BLOCK.sub(" ", text)
    cleaned = nh3.clean(text, tags=set(), clean_content_tags=_DROPPED_WITH_CONTENT, strip_comments=True)
    return html.unescape(cleaned)


def _plain_inline(fragment: str) -> str:
    return html.unescape(nh3.clean(fragment, tags=set()))


def clean_text(text: str | None, *, max_chars: int = MAX_ABSTRACT_CHARS) -> str:
    """Any source string → valid, NFC, single-spaced plain text with LaTeX untouched."""
    if not text:
        return ""
    if len(text) < _SHORT and _is_plain_ascii(text):
        return text if len(text) <= max_chars else _truncate(text, max_chars)
    is_ascii = text.isascii()
    if not is_ascii:
        text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates from bad decoders
    if has_markup(text):
        text = strip_markup(text)
    elif "&" in text and ";" in text:
        text = html.unescape(text)
    if _has_control(text):
        text = text.translate(_DROP_CONTROL)
    if not is_ascii:
        text = unicodedata.normalize("NFC", text)
    if not _is_single_spaced(text):
        text = " ".join(text.split())
    if len(text) > max_chars:
        text = _truncate(text, max_chars)
    return text


_SHORT = 256  # below this, one isprintable() is cheaper than the separate checks (names, titles, listings)


def _is_plain_ascii(text: str) -> bool:
    """True when clean_text has nothing to do: printable ASCII (so no control characters or line breaks),
    no markup or entity, single-spaced."""
    return (
        text.isascii()
        and text.isprintable()
        and "<" not in text
        and "&" not in text
        and "  " not in text
        and text[0] != " "
        and text[-1] != " "
    )


def _truncate(text: str, max_chars: int) -> str:
    return text[: max_chars - len(TRUNCATION_MARK)].rstrip() + TRUNCATION_MARK


def _has_control(text: str) -> bool:
    if text.isascii():  # bytes.translate is ~10x faster than the regex on the hot path (abstracts)
        raw = text.encode("ascii")
        return len(raw.translate(None, _ASCII_CONTROL_BYTES)) != len(raw)
    return _HAS_CONTROL.search(text) is not None


def _is_single_spaced(text: str) -> bool:
    """True when `" ".join(text.split())` would give `text` back (decided fast for ASCII without control chars)."""
    if not text.isascii():
        return False
    return (
        "  " not in text
        and "\n" not in text
        and "\t" not in text
        and "\r" not in text
        and text[:1] != " "
        and text[-1:] != " "
    )


def clean_title(text: str | None) -> str:
    return clean_text(text, max_chars=MAX_TITLE_CHARS)


def clean_abstract(text: str | None) -> str:
    """Abstract text without any feed prefix (defence in depth: parsers already strip it)."""
    text = clean_text(text)
    text = _ANNOUNCE_PREFIX.sub("", text)
    return text
