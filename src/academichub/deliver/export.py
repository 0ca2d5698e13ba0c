"""Papers as BibTeX, RIS and CSL-JSON, for reference managers.

Pure: strings out, no I/O. BibTeX keeps `$…$` math and LaTeX commands verbatim, escapes
& % # _ outside math, balances braces and protects capitals in titles; names stay UTF-8
("Jörg Müller", "林小明") unless `ascii_only` turns accents into LaTeX macros.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from pylatexenc.latexencode import unicode_to_latex

from academichub.deliver.names import PersonName, is_cjk_name, split_name
from academichub.models import Paper

EXPORT_FORMATS = ("bibtex", "ris", "csl-json")
_MATH = re.compile(r"(?<!\\)\$\$?(?:\\.|[^$\\])+?(?<!\\)\$\$?")
_SPECIAL = re.compile(r"(?<!\\)([&%#_])")
_STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "and", "to", "with", "towards", "toward", "via", "from"}


def export_papers(papers: Sequence[Paper], fmt: str, *, ascii_only: bool = False) -> str:
    """The papers in `fmt` ("bibtex", "ris" or "csl-json"). Raises: ValueError for another format."""
    if fmt == "bibtex":
        return papers_bibtex(papers, ascii_only=ascii_only)
    if fmt == "ris":
        return papers_ris(papers)
    if fmt == "csl-json":
        return json.dumps(papers_csl(papers), ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown export format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")


# ---- shared facts


def _arxiv_id(paper: Paper) -> str | None:
    return paper.identifier("arxiv")


def _is_preprint(paper: Paper) -> bool:
    return paper.item_type == "preprint" or (_arxiv_id(paper) is not None and not paper.journal_ref)


def _issued(paper: Paper) -> tuple[int, int, int] | None:
    when = paper.published or min((a.day for a in paper.announcements), default=None) or paper.updated
    return (when.year, when.month, when.day) if when else None


def _url(paper: Paper) -> str | None:
    links = {link.kind: link.url for link in paper.links}
    arxiv_id = _arxiv_id(paper)
    doi = paper.identifier("doi")
    return (
        links.get("abs")
        or (f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None)
        or (f"https://doi.org/{doi}" if doi else None)
    )


def _publisher(paper: Paper) -> str:
    if _arxiv_id(paper):
        return "arXiv"
    return paper.venue or paper.source_label or ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---- BibTeX


def _ascii_fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalnum())


def bibtex_key(paper: Paper, taken: set[str]) -> str:
    """`family` + year + first title word, ASCII only, made unique against `taken` (which it extends)."""
    family = _ascii_fold(split_name(paper.authors[0].name).family) if paper.authors else ""
    issued = _issued(paper)
    words = [w for w in re.findall(r"[A-Za-z]+", _MATH.sub(" ", paper.title)) if w.lower() not in _STOPWORDS]
    base = (family.lower() + (str(issued[0]) if issued else "") + (words[0].lower() if words else "")) or ""
    if not family:
        ident = _arxiv_id(paper) or paper.identifier("doi") or str(paper.id or "paper")
        base = re.sub(r"[^A-Za-z0-9]+", "_", ident).strip("_") or "paper"
    key, n = base, 0
    while key in taken:
        n += 1
        key = base + _suffix(n)
    taken.add(key)
    return key


def _suffix(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def _balanced(text: str) -> bool:
    depth = 0
    for match in re.finditer(r"(?<!\\)[{}]", text):
        depth += 1 if match.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def latex_escape(text: str, *, protect_capitals: bool = False, ascii_only: bool = False) -> str:
    """Text for a BibTeX field value: math kept, & % # _ escaped outside it, braces kept balanced."""
    text = _one_line(text)
    if not _balanced(text):
        text = re.sub(r"(?<!\\)([{}])", r"\\\1", text)
    if len(re.findall(r"(?<!\\)\$", text)) % 2:  # a stray dollar: escape the last one
        head, _, tail = text.rpartition("$")
        text = head + "\\$" + tail
    out, pos = [], 0
    for match in _MATH.finditer(text):
        out.append(_escape_prose(text[pos : match.start()], protect_capitals, ascii_only))
        out.append(match.group())
        pos = match.end()
    out.append(_escape_prose(text[pos:], protect_capitals, ascii_only))
    return "".join(out)


def _escape_prose(text: str, protect_capitals: bool, ascii_only: bool) -> str:
    text = _SPECIAL.sub(r"\\\1", text)
    if ascii_only:
        text = unicode_to_latex(text, non_ascii_only=True, unknown_char_policy="keep")
    if protect_capitals:
        text = re.sub(r"(?<![\\{\w])([^\s{}\\$]*[A-Z][^\s{}\\$]*)", _brace_word, text)
    return text


def _brace_word(match: re.Match[str]) -> str:
    """Acronyms and CamelCase (BERT, FLOPs, mRNA, AlphaFold) and lone capitals keep their case; Title Case may not."""
    word = match.group(1)
    letters = [c for c in word if c.isalpha()]
    if any(c.isupper() for c in letters[1:]) or (len(letters) == 1 and letters[0].isupper()):
        return "{" + word + "}"
    return word


def bibtex_name(name: PersonName, *, ascii_only: bool = False) -> str:
    def esc(text: str) -> str:
        return latex_escape(text, ascii_only=ascii_only)

    if name.literal:
        return "{" + esc(name.literal) + "}"
    if is_cjk_name(name.family + name.given):  # one unit, surname first, as written: {林小明}
        return "{" + esc(name.family + name.given) + "}"
    family = esc(name.family)
    if " " in family or "," in family:
        family = "{" + family + "}"
    parts = [family] + ([esc(name.suffix)] if name.suffix else []) + ([esc(name.given)] if name.given else [])
    return ", ".join(parts)


def paper_bibtex(paper: Paper, key: str, *, ascii_only: bool = False) -> str:
    fields: list[tuple[str, str]] = [("title", latex_escape(paper.title, protect_capitals=True, ascii_only=ascii_only))]
    if paper.authors:
        names = [bibtex_name(split_name(a.name), ascii_only=ascii_only) for a in paper.authors]
        fields.append(("author", " and ".join(names)))
    issued = _issued(paper)
    if issued:
        fields += [("year", str(issued[0])), ("month", str(issued[1]))]
    arxiv_id = _arxiv_id(paper)
    if _is_preprint(paper) or not paper.venue:
        entry_type = "misc"
        if arxiv_id:
            fields += [("eprint", arxiv_id), ("archiveprefix", "arXiv")]
            if paper.primary_category:
                fields.append(("primaryclass", paper.primary_category))
        elif _publisher(paper):
            fields.append(("howpublished", latex_escape(_publisher(paper))))
    else:
        entry_type = "article"
        fields.append(("journal", latex_escape(paper.venue or "", ascii_only=ascii_only)))
    doi = paper.identifier("doi")
    if doi:
        fields.append(("doi", doi.replace("{", "").replace("}", "")))
    url = _url(paper)
    if url:
        fields.append(("url", url.replace("{", "%7B").replace("}", "%7D")))
    if paper.abstract:
        fields.append(("abstract", latex_escape(paper.abstract, ascii_only=ascii_only)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{key},\n{body}\n}}\n"


def papers_bibtex(papers: Sequence[Paper], *, ascii_only: bool = False) -> str:
    taken: set[str] = set()
    return "\n".join(paper_bibtex(p, bibtex_key(p, taken), ascii_only=ascii_only) for p in papers)


# ---- RIS


def _ris_name(name: PersonName) -> str:
    if name.literal:
        return name.literal
    return ", ".join(x for x in (name.family, name.given, name.suffix) if x)


def paper_ris(paper: Paper) -> str:
    lines = [("TY", "UNPB" if _is_preprint(paper) else "JOUR"), ("TI", _one_line(paper.title))]
    lines += [("AU", _ris_name(split_name(a.name))) for a in paper.authors]
    issued = _issued(paper)
    if issued:
        lines += [("PY", str(issued[0])), ("DA", f"{issued[0]:04d}/{issued[1]:02d}/{issued[2]:02d}/")]
    if paper.venue and not _is_preprint(paper):
        lines.append(("JO", _one_line(paper.venue)))
    elif _publisher(paper):
        lines.append(("PB", _publisher(paper)))
    if paper.abstract:
        lines.append(("AB", _one_line(paper.abstract)))
    doi, arxiv_id, url = paper.identifier("doi"), _arxiv_id(paper), _url(paper)
    if doi:
        lines.append(("DO", doi))
    if url:
        lines.append(("UR", url))
    if arxiv_id:
        lines.append(("AN", f"arXiv:{arxiv_id}"))
    lines += [("KW", c) for c in paper.categories]
    lines.append(("ER", ""))
    return "".join(
        f"{tag}  - {value}".rstrip() + "\r\n" if tag == "ER" else f"{tag}  - {value}\r\n" for tag, value in lines
    )


def papers_ris(papers: Sequence[Paper]) -> str:
    return "\r\n".join(paper_ris(p) for p in papers)


# ---- CSL-JSON


def _csl_name(name: PersonName) -> dict[str, str]:
    if name.literal:
        return {"literal": name.literal}
    out = {"family": name.family}
    if name.given:
        out["given"] = name.given
    if name.suffix:
        out["suffix"] = name.suffix
    return out


def paper_csl(paper: Paper, key: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": key,
        "type": "article" if _is_preprint(paper) else "article-journal",
        "title": _one_line(paper.title),
        "author": [_csl_name(split_name(a.name)) for a in paper.authors],
    }
    issued = _issued(paper)
    if issued:
        item["issued"] = {"date-parts": [list(issued)]}
    if _is_preprint(paper):
        item["publisher"] = _publisher(paper)
        item["genre"] = "Preprint"
    elif paper.venue:
        item["container-title"] = paper.venue
    optional = {
        "DOI": paper.identifier("doi"),
        "URL": _url(paper),
        "number": _arxiv_id(paper),
        "abstract": _one_line(paper.abstract) if paper.abstract else None,
        "PMID": paper.identifier("pmid"),
    }
    item.update({k: v for k, v in optional.items() if v})
    return item


def papers_csl(papers: Sequence[Paper]) -> list[dict[str, Any]]:
    taken: set[str] = set()
    return [paper_csl(p, bibtex_key(p, taken)) for p in papers]
