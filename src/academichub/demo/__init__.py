"""A small real snapshot for the offline demo, copied unchanged (gzipped) from the recorded fixtures.

- 2026-06-29.jsonl.gz: one day of arXiv cs announcements (dw-dengwei daily dump, 230 records)
- rss_cs.{AI,CL,LG}_2026-04-27_trimmed3.xml.gz: rss.arxiv.org feeds (trimmed by their recorder)
- biorxiv/medrxiv_details_…_cursor0.json.gz: api.biorxiv.org details pages (50 records each)
- nature_rss_2023-12-01T0012Z.rdf.gz: Nature's RSS 1.0 feed (75 items)
Origins and licences: shared/fixtures/SOURCES.md.
"""
