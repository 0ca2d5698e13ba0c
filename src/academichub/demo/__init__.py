"""A small real snapshot for the offline demo, copied unchanged (gzipped) from the recorded fixtures.

- 2026-06-29.jsonl.gz: one day of arXiv cs announcements (dw-dengwei daily dump, 230 records)
- rss_cs.{AI,CL,LG}_2026-04-27_trimmed3.xml.gz: rss.arxiv.org feeds (trimmed by their recorder)
- biorxiv/medrxiv_details_…_cursor0.json.gz: api.biorxiv.org details pages (50 records each)
- nature_rss_2023-12-01T0012Z.rdf.gz: Nature's RSS 1.0 feed (75 items)
- vectors.npz: each paper's e5 vector (float16), and sentence_vectors.npz: the sentence vectors of the ranked
  day and the sample seeds (float16), so the demo encodes nothing but its radars' descriptions; rebuilt by
  tools/demo_vectors.py and tools/demo_sentence_vectors.py
Origins and licences: shared/fixtures/SOURCES.md.
"""
