"""Shared arXiv helpers: identifiers (new- and old-style, versioned or not), listing days, free-text author lists.

Every arXiv adapter (RSS, API, OAI-PMH, dumps) goes through these so ids,
announcement days and author splitting agree. Pure functions, no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from email.utils import parsedate_to_datetime

from academichub.models import Author

# New style 0704.0001 .. 2604.22002; old style archive(.SUBJ)/YYMMNNN, e.g. astro-ph/0601001, math.GT/0309136.
_ID_BODY = r"(?P<base>\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?"
_ID_FULL = re.compile(_ID_BODY + r"$")
_ID_PREFIXES = re.compile(
    r"^\s*(?:(?:https?://)?(?:export\.|www\.)?arxiv\.org/(?:abs|pdf|html)/|oai:arxiv\.org:|arxiv:)?",
    re.IGNORECASE,
)
_CATEGORY = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?$")
WEEKEND_DAYS = (5, 6)  # Saturday, Sunday: arXiv makes no announcement


def split_arxiv_id(text: str) -> tuple[str, int | None]:
    """Split any arXiv id form into (unversioned id, version or None).

    Accepts `2604.22002v1`, `astro-ph/0601001v1`, `http://arxiv.org/abs/...`,
    `https://arxiv.org/pdf/...v2`, `oai:arXiv.org:...`, `arXiv:...`.
    Raises: ValueError if `text` holds no arXiv id.
    """
    rest = _ID_PREFIXES.sub("", text, count=1).strip()
    if rest.endswith(".pdf"):
        rest = rest[:-4]
    match = _ID_FULL.match(rest)
    if match is None:
        raise ValueError(f"not an arXiv id: {text!r}")
    version = match.group("version")
    return match.group("base"), int(version) if version else None


def arxiv_id_or_none(text: str | None) -> tuple[str, int | None] | None:
    """`split_arxiv_id`, but None instead of ValueError (and for None/empty input)."""
    if not text:
        return None
    try:
        return split_arxiv_id(text)
    except ValueError:
        return None


def join_arxiv_id(base: str, version: int | None) -> str:
    """The inverse of `split_arxiv_id`: `2604.22002` + 3 → `2604.22002v3`."""
    return f"{base}v{version}" if version else base


def arxiv_links(base: str, version: int | None) -> tuple[tuple[str, str], tuple[str, str]]:
    """(kind, url) pairs for the abstract page and the PDF of one arXiv paper."""
    return ("abs", f"https://arxiv.org/abs/{base}"), ("pdf", f"https://arxiv.org/pdf/{join_arxiv_id(base, version)}")


def is_arxiv_category(text: str) -> bool:
    """True for `cs.LG`, `hep-th`, `math.AG`; False for MSC/ACM codes found in category lists."""
    return bool(_CATEGORY.match(text))


def listing_day_or_none(day: dt.date | None) -> dt.date | None:
    """arXiv announces Monday–Friday only: a Saturday/Sunday date is never an announcement day."""
    if day is None or day.weekday() in WEEKEND_DAYS:
        return None
    return day


def to_us_eastern(moment: dt.datetime) -> dt.datetime:
    """Convert an aware datetime to US Eastern wall time (US DST rules since 2007; no tz database needed)."""
    utc = moment.astimezone(dt.UTC).replace(tzinfo=None)
    year = utc.year
    march_first = dt.datetime(year, 3, 1)
    dst_start = march_first + dt.timedelta(days=(6 - march_first.weekday()) % 7 + 7, hours=7)  # 2nd Sun, 2am EST
    nov_first = dt.datetime(year, 11, 1)
    dst_end = nov_first + dt.timedelta(days=(6 - nov_first.weekday()) % 7, hours=6)  # 1st Sun, 2am EDT
    offset_h = -4 if dst_start <= utc < dst_end else -5
    return (utc + dt.timedelta(hours=offset_h)).replace(tzinfo=dt.timezone(dt.timedelta(hours=offset_h)))


def parse_rfc822(text: str | None) -> dt.datetime | None:
    """`Mon, 27 Apr 2026 00:00:00 -0400` / `Fri, 21 Nov 2008 22:55:07 GMT` → aware datetime, None if unreadable."""
    if not text or not text.strip():
        return None
    try:
        moment = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}
# arXiv's own stamp (arXivRaw version dates); any other shape goes through `parse_rfc822`.
_GMT_STAMP = re.compile(
    r"(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) ([1-9]\d{3}) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d GMT"
)


def rfc822_utc_date(text: str | None) -> dt.date | None:
    """The UTC date of an RFC 822 timestamp, or None; `Mon, 2 Apr 2007 19:18:42 GMT` is read without email.utils."""
    if text and (match := _GMT_STAMP.fullmatch(text.strip())) and (month := _MONTHS.get(match[2])):
        try:
            return dt.date(int(match[3]), month, int(match[1]))
        except ValueError:
            return None  # 30 Feb: `parse_rfc822` refuses it too
    moment = parse_rfc822(text)
    return moment.astimezone(dt.UTC).date() if moment else None


def eastern_date(text: str | None) -> dt.date | None:
    """The US Eastern calendar date of an RFC 822 or ISO 8601 timestamp (arXiv's listing day), or None."""
    moment = parse_rfc822(text) or parse_iso(text)
    return to_us_eastern(moment).date() if moment else None


def parse_iso(text: str | None) -> dt.datetime | None:
    """`2026-04-12T22:59:06Z` / `2024-02-23T16:08:30.941605+00:00` / `2009-04-08` → aware datetime, or None."""
    if not text or not text.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# --- free-text author lists ("A, B and C (Inst)") as found in RSS dc:creator, arXivRaw and .abs files ---

_TEX_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "c": "\u0327",
    "v": "\u030c",
    "H": "\u030b",
    "u": "\u0306",
    "r": "\u030a",
    "k": "\u0328",
}
_TEX_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "i": "ı"}
_TEX_ACCENT = re.compile(r"\{?\\(['`^\"~=.])\s*\{?\\?([A-Za-z])\}?\}?|\{?\\([cvHukr])(?:\s+|\{)\\?([A-Za-z])\}?\}?")
_TEX_LETTER = re.compile(r"\{\\(ss|aa|AA|ae|AE|o|O|l|L|i)\}|\\(ss|aa|AA|ae|AE|o|O|l|L|i)(?![A-Za-z])\s?")
_NUMBERED_LEGEND = re.compile(r"^\(\s*\d+\s*\)|^\d+\s*\)")
_LEGEND_ENTRY = re.compile(r"\(?\s*(\d+)\s*\)\s*(.*?)\s*(?=,?\s*\(?\s*\d+\s*\)|$)", re.DOTALL)
_AUTHOR_SEPARATORS = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*;\s*")
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_GROUP_MARKER = re.compile(r"\x00(\d+)\x00")


def detex_name(name: str) -> str:
    """Turn TeX accents in a person's name into Unicode: `L\\'eon` → `Léon`, `{\\"o}` → `ö`."""
    if "\\" not in name:
        return name

    def accent(match: re.Match[str]) -> str:
        mark, letter = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        return letter + _TEX_ACCENTS[mark]

    text = _TEX_ACCENT.sub(accent, name)
    text = _TEX_LETTER.sub(lambda m: _TEX_LETTERS[m.group(1) or m.group(2)], text)
    return unicodedata.normalize("NFC", text)


def split_author_string(raw: str) -> tuple[Author, ...]:
    """Split arXiv's free-text author list into Authors, affiliations from parentheses.

    Handles "A, B and C", "A, B, and C", irregular whitespace and line breaks,
    mononyms, `Jr.` suffixes, "(Inst)" after a name, and numbered legends
    "A (1), B (2) ((1) Inst One, (2) Inst Two)".
    """
    text = " ".join(raw.split())
    if not text:
        return ()
    outer, groups = _take_paren_groups(text)
    legend: dict[str, str] = {}
    for index, content in enumerate(groups):
        if _NUMBERED_LEGEND.match(content):
            legend.update((num, aff.rstrip(", ")) for num, aff in _LEGEND_ENTRY.findall(content) if aff)
            outer = outer.replace(f"\x00{index}\x00", " ")
    authors: list[Author] = []
    for piece in _AUTHOR_SEPARATORS.split(outer):
        if "\x00" in piece:  # the piece holds "(...)" markers
            name = " ".join(_GROUP_MARKER.sub(" ", piece).split()).strip(" ,;")
            refs = [groups[int(i)] for i in _GROUP_MARKER.findall(piece)]
        else:
            name, refs = " ".join(piece.split()).strip(" ,;"), []
        if not name:
            continue
        if name.lower() in _SUFFIXES and authors:
            prev = authors[-1]
            authors[-1] = Author(f"{prev.name} {name}", prev.affiliations)
            continue
        authors.append(Author(detex_name(name), _affiliations(refs, legend)))
    return tuple(authors)


def _affiliations(refs: list[str], legend: dict[str, str]) -> tuple[str, ...]:
    found: list[str] = []
    for ref in refs:
        numbers = re.findall(r"\d+", ref)
        if legend and numbers and re.fullmatch(r"[\d\s,&and-]+", ref):
            found.extend(legend[n] for n in numbers if n in legend)
        elif ref.strip():
            found.append(ref.strip())
    return tuple(dict.fromkeys(found))


def _take_paren_groups(text: str) -> tuple[str, list[str]]:
    """Replace each top-level "(...)" with a \\x00N\\x00 marker; return the text and the group contents."""
    if "(" not in text:  # the loop below would copy every character, ")" included
        return text, []
    out: list[str] = []
    groups: list[str] = []
    depth = 0
    start = 0
    for pos, char in enumerate(text):
        if char == "(":
            if depth == 0:
                start = pos
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append(f"\x00{len(groups)}\x00")
                groups.append(text[start + 1 : pos])
        elif depth == 0:
            out.append(char)
    if depth:  # unbalanced: keep the tail as plain text
        out.append(text[start:].replace("(", " "))
    return "".join(out), groups
