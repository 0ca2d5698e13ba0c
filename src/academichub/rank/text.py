"""Tokenisation for lexical ranking: lowercased ASCII words minus English stop words, plus CJK character bigrams.

Pure functions over strings. A Chinese radar description ("用图神经网络做蛋白质结构预测") still yields tokens:
each run of CJK characters becomes its overlapping character bigrams (a lone character stays a unigram).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_ASCII_WORD = re.compile(r"[a-z0-9]+")
# Every other ASCII character → space: in lower-cased ASCII text, split() then yields exactly the [a-z0-9]+ runs,
# about three times faster than the regex (a radar's seed abstracts are tokenised at every ranking).
_ASCII_GAPS = str.maketrans({chr(c): " " for c in range(128) if not (chr(c).islower() or chr(c).isdigit())})
# CJK Unified Ideographs (+ ext. A, compatibility), Hiragana/Katakana, Hangul syllables.
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+")

# scikit-learn's ENGLISH_STOP_WORDS (Glasgow list), frozen here so tokenisation does not depend on sklearn.
ENGLISH_STOP_WORDS: frozenset[str] = frozenset(
    """a about above across after afterwards again against all almost alone along already also although always am
    among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere are around as at back be
    became because become becomes becoming been before beforehand behind being below beside besides between beyond
    bill both bottom but by call can cannot cant co con could couldnt cry de describe detail do done down due during
    each eg eight either eleven else elsewhere empty enough etc even ever every everyone everything everywhere except
    few fifteen fifty fill find fire first five for former formerly forty found four from front full further get give
    go had has hasnt have he hence her here hereafter hereby herein hereupon hers herself him himself his how however
    hundred i ie if in inc indeed interest into is it its itself keep last latter latterly least less ltd made many
    may me meanwhile might mill mine more moreover most mostly move much must my myself name namely neither never
    nevertheless next nine no nobody none noone nor not nothing now nowhere of off often on once one only onto or
    other others otherwise our ours ourselves out over own part per perhaps please put rather re same see seem seemed
    seeming seems serious several she should show side since sincere six sixty so some somehow someone something
    sometime sometimes somewhere still such system take ten than that the their them themselves then thence there
    thereafter thereby therefore therein thereupon these they thick thin third this those though three through
    throughout thru thus to together too top toward towards twelve twenty two un under until up upon us very via was
    we well were what whatever when whence whenever where whereafter whereas whereby wherein whereupon wherever
    whether which while whither who whoever whole whom whose why will with within without would yet you your yours
    yourself yourselves""".split()
)


def cjk_bigrams(run: str) -> list[str]:
    """Overlapping character bigrams of one CJK run; a single character is its own token."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _ascii_words(text: str) -> list[str]:
    """The [a-z0-9]+ runs of lower-cased ASCII `text`, in order."""
    return text.lower().translate(_ASCII_GAPS).split()


def tokenize(text: str, *, stop_words: frozenset[str] = ENGLISH_STOP_WORDS) -> list[str]:
    """Lexical tokens of `text` in order: [a-z0-9]+ words (lowercased, NFKC, stop words dropped) and CJK bigrams."""
    if text.isascii():  # NFKC is the identity and there are no CJK runs
        return [w for w in _ascii_words(text) if w not in stop_words]
    norm = unicodedata.normalize("NFKC", text).lower()
    if not _CJK_RUN.search(norm):  # every other non-ASCII character only separates words, as a space does
        return [w for w in _ascii_words(norm.encode("ascii", "replace").decode("ascii")) if w not in stop_words]
    tokens: list[str] = []
    pos = 0
    for match in _CJK_RUN.finditer(norm):
        tokens.extend(w for w in _ASCII_WORD.findall(norm, pos, match.start()) if w not in stop_words)
        tokens.extend(cjk_bigrams(match.group()))
        pos = match.end()
    tokens.extend(w for w in _ASCII_WORD.findall(norm, pos) if w not in stop_words)
    return tokens


def tokenize_all(texts: Iterable[str]) -> list[list[str]]:
    """`tokenize` over many texts."""
    return [tokenize(t) for t in texts]


def tokenize_split(text: str) -> tuple[list[str], frozenset[str]]:
    """`tokenize(text)` and, from the same pass, the stop words the text contains (for phrase lookups)."""
    words = _ascii_words(text) if text.isascii() else tokenize(text, stop_words=frozenset())
    return [w for w in words if w not in ENGLISH_STOP_WORDS], ENGLISH_STOP_WORDS.intersection(words)
