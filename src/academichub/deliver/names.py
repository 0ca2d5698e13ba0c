"""Splitting a display name ("Jörg Müller", "Müller, Jörg", "林小明", "ATLAS Collaboration") into family/given.

Pure. Used by the exports (BibTeX, RIS, CSL-JSON) and the Zotero push.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lower-case particles that belong to the family name ("van der Waals", "de la Cruz").
PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "la", "le", "ter", "ten"}
)
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
COMPOUND_SURNAMES = frozenset(
    {
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "令狐",
        "夏侯",
        "轩辕",
    }
)
_GROUP_WORDS = re.compile(r"\b(collaboration|consortium|team|group|network|initiative|project)\b", re.IGNORECASE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class PersonName:
    family: str = ""
    given: str = ""
    suffix: str = ""
    literal: str = ""  # an organisation, or a name that cannot be split


def is_cjk_name(name: str) -> bool:
    return bool(_CJK.search(name)) and " " not in name.strip()


def split_name(name: str) -> PersonName:
    """Family/given parts of a display name. CJK names: surname first (compound surnames known)."""
    name = " ".join(name.split())
    if not name:
        return PersonName(literal="")
    if _GROUP_WORDS.search(name):
        return PersonName(literal=name)
    if is_cjk_name(name):
        cut = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
        return PersonName(family=name[:cut], given=name[cut:]) if len(name) > 1 else PersonName(family=name)
    if "," in name:
        family, _, rest = (part.strip() for part in name.partition(","))
        given, _, suffix = rest.partition(",")
        return PersonName(family=family, given=given.strip(), suffix=suffix.strip())
    words = name.split(" ")
    suffix = ""
    if len(words) > 2 and words[-1].lower().rstrip(",") in SUFFIXES:
        suffix = words.pop()
    if len(words) == 1:
        return PersonName(family=words[0], suffix=suffix)
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in PARTICLES:
        start -= 1
    return PersonName(family=" ".join(words[start:]), given=" ".join(words[:start]), suffix=suffix)
