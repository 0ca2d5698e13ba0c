"""BibTeX field values (LaTeX) → plain Unicode text.

Decodes each macro spot on its own through pylatexenc, cached; `$...$` math stays verbatim.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import get_default_latex_context_db

from academichub.sources.library.entries import collapse

_BARE_PERCENT = re.compile(r"(?<!\\)%")
_LATEX_SPOT = re.compile(
    r"(?P<math>\$\$.+?\$\$|(?<!\\)\$[^$]+?(?<!\\)\$|\\\(.+?\\\))"
    r"|(?P<atom>\{\\[^{}]*\}"  # {\"u}, {\ss}, {\c c}
    r"|\\[^a-zA-Z\s](?:\{[^{}]*\}|\\[a-zA-Z]+|[a-zA-Z])?"  # \"u, \'{e}, \'\i, \%, \&
    r"|\\[a-zA-Z]+\*?(?:\s*\{(?:[^{}]|\{[^{}]*\})*\})*(?:\s+[a-zA-Z](?![a-zA-Z]))?)"  # \emph{..}, \o, \c c
    r"|(?P<dash>-{2,3})|(?P<tie>~)|(?P<quote>``|'')|(?P<brace>[{}])",
    re.DOTALL,
)


def latex_text(value: str) -> str:
    """BibTeX value → Unicode text: braces and accents resolved, `$...$` math kept verbatim.

    pylatexenc decodes each macro spot (`{\\"u}`, `\\emph{...}`, `\\%`) on its own: run on a whole
    abstract it costs ~10 µs a character, far too slow for a 20 MiB library.
    """
    return collapse(_LATEX_SPOT.sub(_replace_latex_spot, value))


@functools.cache
def _latex_decoder() -> tuple[LatexNodes2Text, Any]:
    """The decoder and one parsing context, built once (pylatexenc rebuilds the context per call otherwise)."""
    return LatexNodes2Text(math_mode="verbatim", keep_braced_groups=False), get_default_latex_context_db()


@functools.lru_cache(maxsize=16384)  # the same accents and names recur all over a library
def _decode_latex_atom(atom: str) -> str:
    decoder, context = _latex_decoder()
    try:
        return str(decoder.latex_to_text(_BARE_PERCENT.sub(r"\\%", atom), latex_context=context))
    except Exception:  # pylatexenc is tolerant; this is a last resort for input it still rejects
        return atom.replace("\\", "").replace("{", "").replace("}", "")


def _replace_latex_spot(match: re.Match[str]) -> str:
    text, kind = match.group(0), match.lastgroup
    if kind == "math":
        return text
    if kind == "atom":
        return _decode_latex_atom(text)
    if kind == "dash":
        return "\u2013" if len(text) == 2 else "\u2014"
    if kind == "quote":
        return "\u201c" if text == "``" else "\u201d"
    return " " if kind == "tie" else ""  # "~" is a space; protective braces go
