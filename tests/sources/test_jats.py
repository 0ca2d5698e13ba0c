"""JATS/HTML/MathML fragments → clean text with TeX kept."""

from __future__ import annotations

import pytest

from academichub.sources.jats import jats_to_text


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<jats:title>Abstract</jats:title><jats:p>We show <jats:italic>x</jats:italic>.</jats:p>", "We show x."),
        ("<jats:p>One.</jats:p><jats:p>Two.</jats:p>", "One.\n\nTwo."),
        (
            "<jats:sec><jats:title>Background</jats:title><jats:p>Why.</jats:p></jats:sec>"
            "<jats:sec><jats:title>Results</jats:title><jats:p>What.</jats:p></jats:sec>",
            "Background: Why.\n\nResults: What.",
        ),
        (
            '<jats:p>Energy <mml:math alttext="E=mc^2"><mml:mi>E</mml:mi></mml:math> holds.</jats:p>',
            "Energy $E=mc^2$ holds.",
        ),
        (
            r"<jats:p>Let <jats:inline-formula><jats:alternatives><jats:tex-math>"
            r"\documentclass[12pt]{minimal}\begin{document}$$\alpha_1$$\end{document}</jats:tex-math>"
            r"<mml:math><mml:mi>α</mml:mi></mml:math></jats:alternatives></jats:inline-formula> vary.</jats:p>",
            r"Let $\alpha_1$ vary.",
        ),
        (
            "<p>Rate <mml:math><mml:msup><mml:mi>s</mml:mi><mml:mrow><mml:mo>-</mml:mo><mml:mn>1</mml:mn>"
            "</mml:mrow></mml:msup></mml:math> and <mml:math><mml:mfrac><mml:mi>a</mml:mi><mml:mi>b</mml:mi>"
            "</mml:mfrac></mml:math></p>",
            r"Rate $s^{-1}$ and $\frac{a}{b}$",
        ),
        ("<p>Caf&eacute; &amp; bar&nbsp;&lt;3</p>", "Café & bar <3"),
        ("<p>Keep $\\mathcal{O}(n^2)$ verbatim</p>", "Keep $\\mathcal{O}(n^2)$ verbatim"),
        ("Plain text &amp; no tags", "Plain text & no tags"),
        ("<p>x<script>alert(1)</script> y</p>", "x y"),
        ("", ""),
    ],
)
def test_fragments(markup: str, expected: str) -> None:
    assert jats_to_text(markup) == expected


def test_broken_markup_still_gives_text() -> None:
    assert "unclosed" in jats_to_text("<jats:p>unclosed <jats:italic>tag")
