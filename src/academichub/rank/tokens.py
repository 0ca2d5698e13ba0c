"""Every word of a day's papers in one flat array, tokenised in one pass per paper: it feeds BM25 (title ×2 +
abstract, stop words left out), the stop-word postings and a positional index, so multi-word and hyphenated
phrases are found by comparing token ids instead of scanning texts. Papers with non-ASCII text (listed in
`scanned`: their BM25 tokens come from rank.text.tokenize instead) are in the positional index by the words of their
accent-folded text, a word being a run of Unicode letters and digits, as the phrase definition has it. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise, repeat

import numpy as np
from numpy.typing import NDArray

from academichub.rank.kernels import offsets, phrase_postings, union_postings
from academichub.rank.text import ENGLISH_STOP_WORDS

_PIECES = re.compile(r"([a-z0-9]+)")
_UNICODE_PIECES = re.compile(r"([^\W_]+)")  # a word of a folded non-ASCII text: letters and digits of any script
_PHRASE = re.compile(r"[a-z0-9]+(?:[ -][a-z0-9]+)*")  # what the positional index can answer: a word or words
_NO_PAPERS = np.zeros(0, dtype=np.intp)
GAP_SPACE, GAP_HYPHEN, GAP_OTHER = 0, 1, 2  # what follows a word: " ", "-", anything else or the paper's end
_GAPS = {" ": GAP_SPACE, "-": GAP_HYPHEN}


def indexable(needle: str) -> bool:
    """Whether a folded needle is what the positional index answers: one word, or words joined by single spaces
    or hyphens."""
    return _PHRASE.fullmatch(needle) is not None


@dataclass(frozen=True)
class DayTokens:
    """Positions are the words of the folded "title abstract" of each indexed paper, paper after paper."""

    vocab: dict[str, int]  # every word, stop words included
    ids: NDArray[np.intp]  # [positions] word id
    gaps: NDArray[np.int8]  # [positions] GAP_* after the word
    docs: NDArray[np.intp]  # [positions] paper
    in_title: NDArray[np.bool_]  # [positions]
    by_word: NDArray[np.intp]  # positions sorted by word id (ascending within a word)
    word_starts: NDArray[np.intp]  # [vocab + 1] where each word's positions start in by_word
    word_docs_flat: NDArray[np.intp]  # the distinct papers holding each word (ascending), word after word
    word_doc_starts: NDArray[np.int64]  # [vocab + 1] where each word's papers start in word_docs_flat
    scanned: NDArray[np.intp]  # papers with non-ASCII text (indexed by their folded words), ascending
    is_scanned: NDArray[np.bool_]  # [papers]

    def phrase_docs(self, needle: str) -> NDArray[np.intp] | None:
        """Indexed papers holding the folded needle (one word, or words joined by single spaces or hyphens) as whole
        words, the last one possibly plural ("s", "es"); None when the needle is not that."""
        return self.phrases_docs([needle])[0] if indexable(needle) else None

    def phrases_docs(self, needles: Sequence[str]) -> list[NDArray[np.intp]]:
        """phrase_docs of many indexable needles: the one-word ones through word_docs, the others checked together in
        one compiled pass (rank.kernels.phrase_postings), each at the positions of its rarest word."""
        out = [_NO_PAPERS] * len(needles)
        parsed = [(k, _PIECES.split(needle)) for k, needle in enumerate(needles)]
        single = [(k, parts[1]) for k, parts in parsed if len(parts) == 3]
        for (k, _), docs in zip(single, self.word_docs([word for _, word in single]), strict=True):
            out[k] = docs
        phrases, lengths, anchors, forms, gap_before = [], [], [], [], []
        for k, parts in parsed:
            words = parts[1::2]
            if len(words) < 2:
                continue
            ids = [self._forms(w, plural=j == len(words) - 1) for j, w in enumerate(words)]
            if not all(ids):
                continue  # a word no paper has: no paper has the phrase
            sizes = [sum(int(self.word_starts[j + 1] - self.word_starts[j]) for j in word) for word in ids]
            phrases.append(k)
            lengths.append(len(words))
            anchors.append(sizes.index(min(sizes)))
            forms += ids
            gap_before += [GAP_OTHER] + [_GAPS[g] for g in parts[2:-1:2]]
        if phrases:
            flat = np.fromiter((j for word in forms for j in word), dtype=np.int64, count=sum(map(len, forms)))
            found, where = phrase_postings(
                (self.word_starts, self.by_word, self.ids, self.gaps, self.docs),
                offsets(lengths),
                np.asarray(anchors, dtype=np.int64), offsets([len(word) for word in forms]), flat,
                np.asarray(gap_before, dtype=np.int8),
            )  # fmt: skip
            for k, (a, b) in zip(phrases, pairwise(where.tolist()), strict=True):
                out[k] = found[a:b]
        return out

    def word_docs(self, words: Sequence[str]) -> list[NDArray[np.intp]]:
        """For each folded word, the indexed papers holding it or its plural ("s", "es") as a whole word (ascending):
        a word found in one form is a slice of its papers, the others are merged together in one compiled pass."""
        ids = [self._forms(w, plural=True) for w in words]
        out = [self._papers_of(forms[0]) if len(forms) == 1 else _NO_PAPERS for forms in ids]
        merged = [k for k, forms in enumerate(ids) if len(forms) > 1]
        if merged:
            group_start = offsets([len(ids[k]) for k in merged])
            terms = np.fromiter((j for k in merged for j in ids[k]), dtype=np.int64, count=int(group_start[-1]))
            unions, where = union_postings(self.word_doc_starts, self.word_docs_flat, terms, group_start)
            for k, (a, b) in zip(merged, pairwise(where.tolist()), strict=True):
                out[k] = unions[a:b]
        return out

    def _forms(self, word: str, *, plural: bool) -> list[int]:
        """The ids of the word as written and, with `plural`, of its plurals ("s", "es"), those the day has."""
        vocab = self.vocab
        return [vocab[f] for f in ((word, word + "s", word + "es") if plural else (word,)) if f in vocab]

    def _papers_of(self, word: int) -> NDArray[np.intp]:
        return self.word_docs_flat[self.word_doc_starts[word] : self.word_doc_starts[word + 1]]

    def stop_word_docs(self) -> dict[str, NDArray[np.intp]]:
        """Stop word → ASCII papers containing it (ascending): a word's positions are in paper order."""
        out: dict[str, NDArray[np.intp]] = {}
        for word in ENGLISH_STOP_WORDS.intersection(self.vocab):
            docs = self._papers_of(self.vocab[word])
            docs = docs[~self.is_scanned[docs]]  # the others' stop words come from their own tokenising
            if len(docs):
                out[word] = docs
        return out


def tokenize_day(titles: list[str | None], abstracts: list[str]) -> DayTokens:
    """Words of lower-cased title and abstract per ASCII paper; titles[i] is None for a non-ASCII paper, whose
    abstracts[i] is then its whole folded, single-spaced text (positions only: no title words)."""
    words: list[str] = []
    gaps: list[str] = []
    counts: list[int] = []  # per paper: title words, abstract words
    for title, abstract in zip(titles, abstracts, strict=True):
        if title is None:
            part = _UNICODE_PIECES.split(abstract)
            words += part[1::2]
            gaps += part[2::2]
            counts += [0, len(part) // 2]
            continue
        pieces = [_PIECES.split(title), _PIECES.split(abstract)]
        for part in pieces:
            words += part[1::2]
            gaps += part[2::2]
            counts.append(len(part) // 2)
        if counts[-2] and counts[-1]:  # the title's last word: title and abstract are joined by one space
            gaps[-counts[-1] - 1] = " " if not pieces[0][-1] and not pieces[1][0] else "\n"
    vocab = dict.fromkeys(words)
    vocab_ids = {w: j for j, w in enumerate(vocab)}
    ids = np.fromiter(map(vocab_ids.__getitem__, words), dtype=np.intp, count=len(words))
    gap_codes = np.fromiter(map(_GAPS.get, gaps, repeat(GAP_OTHER)), dtype=np.int8, count=len(gaps))
    per_part = np.asarray(counts, dtype=np.intp).reshape(-1, 2)
    ends = np.cumsum(per_part.sum(axis=1))
    if len(ends):  # a paper's last word is followed by its end
        last = ends[per_part.sum(axis=1) > 0] - 1
        gap_codes[last] = GAP_OTHER
    docs = np.repeat(np.arange(len(per_part)), per_part.sum(axis=1))
    in_title = np.repeat(np.tile([True, False], len(per_part)), per_part.ravel())
    by_word = np.argsort(ids, kind="stable")
    word_starts = np.concatenate([[0], np.cumsum(np.bincount(ids, minlength=len(vocab_ids)))])
    is_scanned = np.fromiter((t is None for t in titles), dtype=bool, count=len(titles))
    scanned = np.flatnonzero(is_scanned)
    word_docs, word_doc_starts = _papers_by_word(ids[by_word], docs[by_word], len(vocab_ids))
    return DayTokens(vocab_ids, ids, gap_codes, docs, in_title, by_word, word_starts, word_docs, word_doc_starts,
                     scanned, is_scanned)  # fmt: skip


def _papers_by_word(words: NDArray[np.intp], docs: NDArray[np.intp], vocab: int) -> tuple[NDArray[np.intp], ...]:
    """From every position's (word, paper), sorted by word then paper: each word's distinct papers, word after
    word, and where each word's papers start."""
    first = np.ones(len(words), dtype=bool)
    first[1:] = (words[1:] != words[:-1]) | (docs[1:] != docs[:-1])
    kept = words[first]
    return docs[first], offsets(np.bincount(kept, minlength=vocab))
