"""JATS, HTML and MathML fragments → clean text that keeps the mathematics as TeX.

Owns: Crossref `abstract` strings (`<jats:p>`…), PubMed mixed content, HTML teasers.
MathML with an `alttext` or a `<tex-math>` keeps its TeX as `$...$`; other MathML is
linearised to TeX-like text. A leading "Abstract" heading is dropped. No HTML survives.
"""

from __future__ import annotations

import html
import re
from html.entities import name2codepoint

from lxml import etree

from academichub.errors import ParseError
from academichub.sources.xml import parse_xml, text_of

_WRAP_OPEN = (
    '<jats-fragment xmlns:jats="http://www.ncbi.nlm.nih.gov/JATS1" '
    'xmlns:mml="http://www.w3.org/1998/Math/MathML" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ali="http://www.niso.org/schemas/ali/1.0/">'
)
_WRAP_CLOSE = "</jats-fragment>"
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_BARE_AMPERSAND = re.compile(r"&(?!#?[A-Za-z0-9]+;)")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

BLOCK_TAGS = frozenset(
    {"p", "sec", "abstract", "trans-abstract", "list", "list-item", "def-list", "def-item", "div", "li", "ul", "ol"}
    | {"br", "blockquote", "table", "tr", "caption", "fig", "h1", "h2", "h3", "h4", "h5", "h6", "statement"}
)
HEADING_TAGS = frozenset({"title", "label", "h1", "h2", "h3", "h4", "h5", "h6"})
SKIPPED_TAGS = frozenset({"script", "style", "object-id", "annotation", "annotation-xml", "graphic", "head"})
DROPPED_HEADINGS = frozenset({"abstract", "summary", "graphical abstract"})
ACCENTS = {".": r"\dot", "˙": r"\dot", "¨": r"\ddot", "¯": r"\bar", "‾": r"\bar", "^": r"\hat", "ˆ": r"\hat"}
ACCENTS |= {"~": r"\tilde", "˜": r"\tilde", "→": r"\vec", "⃗": r"\vec"}


def localname(el: etree._Element) -> str:
    """Tag name without namespace or prefix ("" for comments and processing instructions)."""
    if not isinstance(el.tag, str):
        return ""
    return etree.QName(el).localname.lower()


def jats_to_text(markup: str) -> str:
    """Clean text from a JATS/HTML fragment; paragraphs separated by a blank line."""
    if not markup or not markup.strip():
        return ""
    if "<" not in markup:
        return _clean_block(html.unescape(markup))
    xml_ready = _NAMED_ENTITY.sub(_numeric_entity, _BARE_AMPERSAND.sub("&amp;", markup))
    try:
        root = parse_xml((_WRAP_OPEN + xml_ready + _WRAP_CLOSE).encode("utf-8"), recover=True)
    except ParseError:
        return _clean_block(html.unescape(_TAG.sub(" ", markup)))
    return element_to_text(root)


def element_to_text(el: etree._Element) -> str:
    """Linearise an element's mixed content (paragraphs, headings, MathML) to clean text."""
    walker = _Linearizer()
    walker.walk_children(el)
    walker.flush()
    if walker.label:
        walker.blocks.append(walker.label)
    return "\n\n".join(walker.blocks)


class _Linearizer:
    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.buf: list[str] = []
        self.label: str | None = None

    def flush(self) -> None:
        text = _clean_block("".join(self.buf))
        self.buf.clear()
        if not text:
            return
        if self.label:
            text = f"{self.label}: {text}"
            self.label = None
        self.blocks.append(text)

    def walk_children(self, el: etree._Element) -> None:
        self.buf.append(el.text or "")
        for child in el:
            self.walk(child)
            self.buf.append(child.tail or "")

    def walk(self, el: etree._Element) -> None:
        name = localname(el)
        if not name or name in SKIPPED_TAGS:
            return
        if name in ("math", "tex-math", "inline-formula", "disp-formula", "alternatives"):
            self.buf.append(_formula_text(el))
        elif name in HEADING_TAGS:
            self.flush()
            heading = _clean_block(text_of(el)).rstrip(":")
            if heading and heading.lower() not in DROPPED_HEADINGS:
                if self.label:
                    self.blocks.append(self.label)
                self.label = heading
        elif name in BLOCK_TAGS:
            self.flush()
            self.walk_children(el)
            self.flush()
        else:
            self.walk_children(el)


def _formula_text(el: etree._Element) -> str:
    """`$TeX$` for a formula: tex-math first, then MathML alttext, then linearised MathML."""
    name = localname(el)
    if name == "tex-math":
        return f"${_strip_tex_wrappers(text_of(el))}$"
    if name == "math":
        alt = (el.get("alttext") or "").strip()
        tex = _strip_tex_wrappers(alt) if alt else _clean_block(mathml_to_tex(el))
        return f"${tex}$" if tex else ""
    for child in el.iter():
        if localname(child) == "tex-math":
            return _formula_text(child)
    for child in el.iter():
        if localname(child) == "math":
            return _formula_text(child)
    return _clean_block(text_of(el))


def _strip_tex_wrappers(tex: str) -> str:
    body = tex
    match = re.search(r"\\begin\{document\}(.*?)\\end\{document\}", body, re.DOTALL)
    if match:
        body = match.group(1)
    body = body.strip()
    for opener, closer in (("$$", "$$"), ("$", "$"), (r"\(", r"\)"), (r"\[", r"\]")):
        if body.startswith(opener) and body.endswith(closer) and len(body) >= len(opener) + len(closer):
            body = body[len(opener) : len(body) - len(closer)].strip()
            break
    return _SPACE.sub(" ", body)


def mathml_to_tex(el: etree._Element) -> str:
    """A TeX-like linearisation of presentation MathML (sub/superscripts, fractions, accents)."""
    name = localname(el)
    kids = [child for child in el if localname(child)]
    parts = [mathml_to_tex(child) for child in kids]
    if name in ("mi", "mn", "mo", "mtext", "ms"):
        return _clean_block(text_of(el).replace("\u00a0", " ")) or (" " if name == "mtext" else "")
    if name == "semantics":
        for child in kids:
            if localname(child) == "annotation" and "tex" in (child.get("encoding") or "").lower():
                return _strip_tex_wrappers(text_of(child))
        return parts[0] if parts else ""
    if name in ("mspace",):
        return " "
    if name in ("none", "mprescripts", "annotation", "annotation-xml"):
        return ""
    return _compose(el, name, kids, parts)


def _compose(el: etree._Element, name: str, kids: list[etree._Element], parts: list[str]) -> str:
    if name == "msub" and len(parts) == 2:
        return f"{_group(parts[0])}_{{{parts[1]}}}"
    if name == "msup" and len(parts) == 2:
        return f"{_group(parts[0])}^{{{parts[1]}}}"
    if name in ("msubsup", "munderover") and len(parts) == 3:
        return f"{_group(parts[0])}_{{{parts[1]}}}^{{{parts[2]}}}"
    if name == "mfrac" and len(parts) == 2:
        return rf"\frac{{{parts[0]}}}{{{parts[1]}}}"
    if name == "msqrt":
        return rf"\sqrt{{{''.join(parts)}}}"
    if name == "mroot" and len(parts) == 2:
        return rf"\sqrt[{parts[1]}]{{{parts[0]}}}"
    if name == "mover" and len(parts) == 2:
        accent = ACCENTS.get(parts[1].strip())
        return f"{accent}{{{parts[0]}}}" if accent else rf"\overset{{{parts[1]}}}{{{parts[0]}}}"
    if name == "munder" and len(parts) == 2:
        return rf"\underset{{{parts[1]}}}{{{parts[0]}}}"
    if name == "mmultiscripts":
        return _multiscripts(kids, parts)
    if name == "mfenced":
        return _fenced(el, parts)
    if name == "mtable":
        return r" \\ ".join(parts)
    if name == "mtr":
        return " & ".join(parts)
    return "".join(parts)


def _fenced(el: etree._Element, parts: list[str]) -> str:
    separator = el.get("separators", ",")[:1]
    return el.get("open", "(") + separator.join(parts) + el.get("close", ")")


def _multiscripts(kids: list[etree._Element], parts: list[str]) -> str:
    names = [localname(k) for k in kids]
    split = names.index("mprescripts") if "mprescripts" in names else len(parts)
    base, post, pre = parts[0] if parts else "", parts[1:split], parts[split + 1 :]
    return _scripts("{}", pre) + _group(base) + _scripts("", post)


def _scripts(prefix: str, pairs: list[str]) -> str:
    out = ""
    for i in range(0, len(pairs) - 1, 2):
        sub, sup = pairs[i], pairs[i + 1]
        out += (f"_{{{sub}}}" if sub else "") + (f"^{{{sup}}}" if sup else "")
    return prefix + out if out else ""


def _group(tex: str) -> str:
    return tex if len(tex) == 1 or (tex.startswith("\\") and tex.endswith("}")) else f"{{{tex}}}"


def _numeric_entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _XML_ENTITIES or name not in name2codepoint:
        return match.group(0)
    return f"&#{name2codepoint[name]};"


def _clean_block(text: str) -> str:
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()
