"""A small made-up Curated Daily (English with LaTeX, Chinese, a journal paper) for `academichub deliver-test`."""

from __future__ import annotations

import datetime as dt

from academichub.models import Announcement, Author, Digest, Link, Paper, Radar, Reason, ScoredPaper

SAMPLE_BRIEFING = """## Today in brief

- **Protein design**: two papers push diffusion models toward $SE(3)$-equivariant backbones.
- 中文摘要：今天的论文集中在蛋白质结构预测。

This is a sample message sent by `academichub deliver-test`."""


def sample_digest(day: dt.date | None = None) -> Digest:
    """Three sample papers with reasons, dated `day` (default today)."""
    when = day or dt.date.today()
    papers = [
        Paper(
            keys=("arxiv:2604.22002",),
            title="Equivariant Diffusion for Protein Backbones with $SE(3)$ Symmetry & 50% Fewer Steps",
            abstract="We propose a diffusion model over $\\mathbb{R}^3$ frames that respects $SE(3)$ symmetry.",
            authors=(Author("Jörg Müller"), Author("Ana de la Cruz")),
            source="arxiv-rss",
            source_label="arXiv",
            announcements=(Announcement(when, "arxiv-rss", "q-bio.BM"),),
            links=(Link("abs", "https://arxiv.org/abs/2604.22002"),),
        ),
        Paper(
            keys=("doi:10.1101/2026.01.01.000001",),
            title="用图神经网络做蛋白质结构预测",
            abstract="我们提出一种基于图神经网络的蛋白质结构预测方法。",
            authors=(Author("林小明"), Author("欧阳娜娜")),
            source="biorxiv",
            source_label="bioRxiv (Bioinformatics)",
            announcements=(Announcement(when, "biorxiv", "Bioinformatics"),),
        ),
        Paper(
            keys=("doi:10.1038/s41586-026-00001-1",),
            title="A structural atlas of the human proteome",
            abstract="An atlas of predicted structures.",
            authors=(Author("ATLAS Collaboration"),),
            source="journal",
            source_label="Nature",
            venue="Nature",
            announcements=(Announcement(when, "journal", "Nature"),),
        ),
    ]
    reasons = [  # as the ranker writes them (rank.reasons), so the sample reads in the reader's language too
        (
            Reason("keyword", "matches “protein structure”", 1.0, (("keywords", "“protein structure”"),)),
            Reason("seed", "like your seed paper “AlphaFold 3”", 0.9, (("title", "AlphaFold 3"),)),
        ),
        (Reason("description", "close to your description (0.86)", 0.86, (("similarity", "0.86"),)),),
        (Reason("author", "by David Baker (followed)", values=(("names", "David Baker"),)),),
    ]
    items = tuple(
        ScoredPaper(paper, 1.0 - n / 10, why, n + 1) for n, (paper, why) in enumerate(zip(papers, reasons, strict=True))
    )
    return Digest(Radar(name="sample", id=0), when, items, candidates=len(items))
