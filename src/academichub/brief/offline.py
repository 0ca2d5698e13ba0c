"""The offline extractive provider: deterministic, no network, the default when no LLM key is configured.

It clusters the papers into themes with their embeddings, quotes representative sentences verbatim (so LaTeX and
the abstract's language survive), links papers of different fields that lie close in embedding space, and writes
the same Markdown sections a model is asked for, so the same parser and checker read it.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from academichub.brief.prompts import REMOVED_INSTRUCTION
from academichub.brief.providers import BriefPaper, Completion, CompletionRequest, register_provider
from academichub.config import Settings
from academichub.rank.embedders import HashingEmbedder
from academichub.rank.text import tokenize

MAX_THEMES = 6
MAX_HIGHLIGHTS = 5
MAX_CONNECTIONS = 5
MAX_METHODS = 6
MAX_QUESTIONS = 4
MAX_QUOTE_WORDS = 70
KMEANS_SEED = 0
RARE_TERM_SHARE = 0.34  # a shared term explains a link only if at most this share of the day's papers use it
MIN_SHARED_USES = 2  # … and if it is in one of the two titles or each paper uses it this often

_PROTECT = re.compile(r"\$[^$]+\$|\b(?:e\.g|i\.e|et al|vs|cf|Fig|Eq|Sec|resp)\.")
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9$\\(\[])|(?<=[。！？])")
_CONTRIBUTION = re.compile(r"\b(?:we|this (?:paper|work))\s+(?:propose|present|introduce|develop|design|show)", re.I)
_RESULT = re.compile(r"outperform|achiev|improv|state-of-the-art|surpass|reduc|faster|accuracy|\d+(?:\.\d+)?\s?%", re.I)
_METHOD = re.compile(r"dataset|benchmark|corpus|we release|open-source|framework|architecture|algorithm", re.I)
_OPEN = re.compile(
    r"\bhowever\b|\bremains?\b|limitation|open (?:problem|question)|future work|unclear|\black\b|\bgaps?\b|unexplored"
    r"|yet to be|little is known",
    re.I,
)

WORDS = {
    "en": {"theme_sep": ": ", "item_sep": "; ", "and": " and ", "both": "both concern ", "list": ", ",
           "open": "Still open: ", "end": "."},
    "zh": {"theme_sep": "：", "item_sep": "；", "and": " 与 ", "both": "都涉及 ", "list": "、",
           "open": "有待解决：", "end": "。"},
}  # fmt: skip


class OfflineProvider:
    """Extractive briefings from the papers themselves; costs nothing and never fails for want of a network."""

    name = "offline"
    model = "extractive-2"  # -2: cross-field links name only terms salient in both papers
    context_tokens = 10**9

    def complete(self, request: CompletionRequest) -> Completion:
        papers = request.papers
        text = write_tldrs(papers) if request.task == "tldr" else write_extractive(papers, request.language)
        return Completion(text, self.model, 0, 0, tokens_estimated=False)

    def check(self) -> str:
        return "built in: extractive briefings from the abstracts, no network"


def write_extractive(papers: Sequence[BriefPaper], language: str) -> str:
    """The briefing as Markdown with the canonical headings; every quoted sentence cites its paper."""
    if not papers:
        return ""
    w = WORDS.get(language, WORDS["en"])
    sentences = {p.key: abstract_sentences(p.abstract) for p in papers}
    groups = cluster_papers(papers)
    doc_freq = Counter(t for p in papers for t in set(_terms(p)))
    out = ["## Highlights"]
    leaders = sorted(group[0] for group in groups)
    for paper in _pick(papers, leaders, MAX_HIGHLIGHTS, min_count=min(3, len(papers))):
        out.append(f"- **{paper.paper.title}** — {_quote(_best(sentences[paper.key], _RESULT), paper.key)}")
    out.append("\n## Themes")
    for group in groups:
        members = [p for p in papers if p.key in set(group)]
        label = " · ".join(_top_terms(members, doc_freq, len(papers), 3))
        parts = [_quote(_best(sentences[p.key], _CONTRIBUTION, label), p.key) for p in members]
        out.append(f"- **{label}**{w['theme_sep']}" + w["item_sep"].join(parts))
    connections = _connections(papers, doc_freq, w)
    if connections:
        out.append("\n## Cross-domain connections")
        out += [f"- {line}" for line in connections]
    out.append("\n## Methods, datasets and results")
    ranked = [p for p in papers if any(_METHOD.search(s) or _RESULT.search(s) for s in sentences[p.key])]
    for paper in ranked[:MAX_METHODS]:
        sentence = _best([s for s in sentences[paper.key] if _METHOD.search(s) or _RESULT.search(s)], _RESULT)
        out.append(f"- {_quote(sentence, paper.key)}")
    questions = [p for p in papers if any(_OPEN.search(s) for s in sentences[p.key])][:MAX_QUESTIONS]
    if questions:
        out.append("\n## Open questions")
        for paper in questions:
            sentence = _best([s for s in sentences[paper.key] if _OPEN.search(s)], _OPEN)
            out.append(f"- {w['open']}{_quote(sentence, paper.key)}")
    return "\n".join(out) + "\n"


def write_tldrs(papers: Sequence[BriefPaper]) -> str:
    """One line per paper: its key and its main-contribution sentence (in the abstract's own language)."""
    lines = []
    for paper in papers:
        sentence = _best(abstract_sentences(paper.abstract), _CONTRIBUTION) or paper.paper.title
        lines.append(f"[{paper.key}] {sentence}")
    return "\n".join(lines)


def abstract_sentences(text: str) -> list[str]:
    """Sentences worth quoting: whole, without removed instructions or curly quotes, not too long."""
    protected: list[str] = []

    def hide(match: re.Match[str]) -> str:
        protected.append(match.group())
        return f"\x00{len(protected) - 1}\x00"

    parts = _SPLIT.split(_PROTECT.sub(hide, text))
    restored = [re.sub("\x00(\\d+)\x00", lambda m: protected[int(m.group(1))], s).strip() for s in parts]
    return [
        s
        for s in restored
        if s
        and REMOVED_INSTRUCTION not in s
        and not re.search("[“”「」]", s)
        and 4 <= len(s.split()) <= MAX_QUOTE_WORDS
    ]


def cluster_papers(papers: Sequence[BriefPaper]) -> list[list[int]]:
    """Themes as lists of keys, each in key order; themes ordered by their best-ranked paper."""
    n = len(papers)
    k = min(MAX_THEMES, max(1, round((n / 2) ** 0.5))) if n >= 3 else 1
    if k == 1:
        return [[p.key for p in papers]]
    from sklearn.cluster import KMeans  # imported lazily: sklearn is slow to import

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # KMeans warns about memory leaks on some BLAS builds; harmless here
        labels = KMeans(n_clusters=k, n_init=4, random_state=KMEANS_SEED).fit_predict(paper_matrix(papers))
    groups: dict[int, list[int]] = {}
    for paper, label in zip(papers, labels, strict=True):
        groups.setdefault(int(label), []).append(paper.key)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def paper_matrix(papers: Sequence[BriefPaper]) -> NDArray[np.float32]:
    if all(p.vector is not None for p in papers):
        return np.vstack([p.vector for p in papers if p.vector is not None]).astype(np.float32)
    return HashingEmbedder().encode([f"{p.paper.title}. {p.abstract}" for p in papers])


def _connections(papers: Sequence[BriefPaper], doc_freq: Counter[str], w: dict[str, str]) -> list[str]:
    """Pairs from different fields, most similar first, each paper at most twice, with the salient terms they share:
    a term both papers use that one of them has in its title or each uses at least twice (a word both abstracts
    happen to use once, "especially", "evaluation", explains nothing). A pair sharing none is left out."""
    matrix = paper_matrix(papers)
    sims = matrix @ matrix.T
    pairs = [
        (float(sims[i, j]), i, j)
        for i in range(len(papers))
        for j in range(i + 1, len(papers))
        if papers[i].field != papers[j].field
    ]
    used: Counter[int] = Counter()
    lines = []
    for _sim, i, j in sorted(pairs, key=lambda t: (-t[0], t[1], t[2])):
        a, b = papers[i], papers[j]
        rare = max(2, RARE_TERM_SHARE * len(papers))
        common = {t for t in _salient_shared(a, b) if doc_freq[t] <= rare}
        shared = sorted(common, key=lambda t: (doc_freq[t], t))[:3]
        if not shared or used[i] >= 2 or used[j] >= 2:
            continue
        used.update((i, j))
        lines.append(
            f"[{a.key}] ({a.field}){w['and']}[{b.key}] ({b.field}) {w['both']}{w['list'].join(shared)}{w['end']} "
            f"**{a.paper.title}** [{a.key}] ↔ **{b.paper.title}** [{b.key}]"
        )
        if len(lines) >= MAX_CONNECTIONS:
            break
    return lines


def _salient_shared(a: BriefPaper, b: BriefPaper) -> set[str]:
    """Terms in both papers that one has in its title, or that each uses at least twice."""
    in_a, in_b = Counter(_terms(a)), Counter(_terms(b))
    titles = set(_words(a.paper.title)) | set(_words(b.paper.title))
    return {t for t in in_a.keys() & in_b.keys() if t in titles or min(in_a[t], in_b[t]) >= MIN_SHARED_USES}


def _terms(paper: BriefPaper) -> list[str]:
    return _words(f"{paper.paper.title} {paper.abstract}")


def _words(text: str) -> list[str]:
    """The text's terms that can name a topic: ASCII words of four letters or more, without digits."""
    return [t for t in tokenize(text) if len(t) >= 4 and not any(c.isdigit() for c in t) and t.isascii()]


def _top_terms(members: Sequence[BriefPaper], doc_freq: Counter[str], n_docs: int, count: int) -> list[str]:
    in_members = Counter(t for p in members for t in set(_terms(p)))  # terms several members share rank first
    tf = Counter(t for p in members for t in _terms(p))
    score = {t: (in_members[t] + 0.1 * tf[t]) * np.log((1 + n_docs) / (1 + doc_freq[t])) for t in tf}
    return [t for t, _ in sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))[:count]] or ["—"]


def _best(sentences: Sequence[str], cue: re.Pattern[str], label: str = "") -> str:
    if not sentences:
        return ""
    terms = set(label.split(" · "))

    def score(pair: tuple[int, str]) -> tuple[float, int]:
        index, sentence = pair
        overlap = len(terms & set(tokenize(sentence)))
        return (2.0 * bool(cue.search(sentence)) + overlap - 0.5 * (index == 0), -index)

    return max(enumerate(sentences), key=score)[1]


def _quote(sentence: str, key: int) -> str:
    return f"“{sentence}” [{key}]" if sentence else f"[{key}]"


def _pick(papers: Sequence[BriefPaper], preferred: Sequence[int], limit: int, *, min_count: int) -> list[BriefPaper]:
    chosen = list(dict.fromkeys(preferred))[:limit]
    for paper in papers:
        if len(chosen) >= max(min_count, min(limit, len(preferred))):
            break
        if paper.key not in chosen:
            chosen.append(paper.key)
    by_key = {p.key: p for p in papers}
    return [by_key[k] for k in sorted(chosen)]


def _offline(_settings: Settings) -> OfflineProvider:
    return OfflineProvider()


register_provider("offline", _offline, "built in: extractive briefing from the abstracts (no key, no network)")
