"""tf-idf features and the per-query linear SVM of arxiv-sanity-lite, over an in-memory corpus.

Pure compute (scikit-learn). `ARXIV_SANITY` reproduces arxiv-sanity-lite's compute.py settings (unigrams+bigrams,
sublinear tf, max_df 0.1, min_df 5, 20k features); `radar_tfidf` uses our own tokeniser so CJK text gets features.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from academichub.rank.text import tokenize

SVM_C = 0.01
SVM_MAX_ITER = 10_000
SVM_TOL = 1e-6


@dataclass(frozen=True)
class TfidfSettings:
    ngram_max: int = 2
    max_features: int | None = 20_000
    min_df: int | float = 5
    max_df: int | float = 0.1
    sublinear_tf: bool = True
    own_tokenizer: bool = False  # False: arxiv-sanity's token_pattern + English stop words


ARXIV_SANITY = TfidfSettings()


def _word_ngrams(max_n: int) -> Callable[[str], list[str]]:
    def analyze(text: str) -> list[str]:
        toks = tokenize(text)
        grams = list(toks)
        for n in range(2, max_n + 1):
            grams.extend(" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1))
        return grams

    return analyze


def make_vectorizer(settings: TfidfSettings = ARXIV_SANITY) -> TfidfVectorizer:
    """An unfitted TfidfVectorizer with the given settings (l2-normalised rows)."""
    common: dict[str, Any] = {
        "max_features": settings.max_features,
        "min_df": settings.min_df,
        "max_df": settings.max_df,
        "sublinear_tf": settings.sublinear_tf,
        "norm": "l2",
        "use_idf": True,
        "smooth_idf": True,
        "dtype": np.float64,
    }
    if settings.own_tokenizer:
        return TfidfVectorizer(analyzer=_word_ngrams(settings.ngram_max), **common)
    return TfidfVectorizer(
        input="content",
        decode_error="replace",
        strip_accents="unicode",
        lowercase=True,
        analyzer="word",
        stop_words="english",
        token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b",
        ngram_range=(1, settings.ngram_max),
        **common,
    )


def fit_tfidf(texts: Sequence[str], settings: TfidfSettings = ARXIV_SANITY) -> tuple[TfidfVectorizer, sp.csr_matrix]:
    """Fit on `texts`; returns the vectorizer and their l2-normalised feature rows."""
    vectorizer = make_vectorizer(settings)
    features = sp.csr_matrix(vectorizer.fit_transform(list(texts)))
    return vectorizer, features


def cosine_scores(query: sp.csr_matrix, docs: sp.csr_matrix) -> NDArray[np.float64]:
    """Cosine of one l2-normalised query row against each document row."""
    return np.asarray((docs @ query.T).toarray(), dtype=np.float64).ravel()


def svm_scores(
    positives: sp.csr_matrix, negatives: sp.csr_matrix, docs: sp.csr_matrix, *, c: float = SVM_C
) -> NDArray[np.float64]:
    """arxiv-sanity's exemplar SVM: fit positives vs negatives (balanced LinearSVC), return decision values on docs."""
    x = sp.vstack([positives, negatives]).tocsr()
    y = np.concatenate([np.ones(positives.shape[0]), np.zeros(negatives.shape[0])])
    clf = LinearSVC(class_weight="balanced", max_iter=SVM_MAX_ITER, tol=SVM_TOL, C=c)
    clf.fit(x, y)
    return np.asarray(clf.decision_function(docs), dtype=np.float64)
