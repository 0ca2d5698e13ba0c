"""Sentence splitting of abstracts (the units papers are matched by, sentence to sentence)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from academichub.rank.sentences import MAX_SENTENCES, paper_sentences, split_sentences


def test_an_abstract_splits_at_sentence_ends() -> None:
    text = (
        "Graph neural networks predict protein structure. We train on 10k chains from the PDB! "
        "Does it generalise? Results improve by 3.5 points on CASP14."
    )
    assert split_sentences(text) == [
        "Graph neural networks predict protein structure.",
        "We train on 10k chains from the PDB! Does it generalise?",  # under 25 characters: joins the one before
        "Results improve by 3.5 points on CASP14.",
    ]


def test_abbreviations_initials_and_decimals_do_not_end_a_sentence() -> None:
    text = (
        "Priors (e.g. Gaussian processes) are common, cf. Smith et al. 2020 for a review. "
        "J. Doe showed a 0.5 gain with Fig. 3 as the key result of that study."
    )
    assert split_sentences(text) == [
        "Priors (e.g. Gaussian processes) are common, cf. Smith et al. 2020 for a review.",
        "J. Doe showed a 0.5 gain with Fig. 3 as the key result of that study.",
    ]


def test_tex_and_brackets_may_open_a_sentence() -> None:
    text = "We bound the error of the estimator tightly. $\\mathcal{O}(n)$ time suffices for every input graph."
    assert split_sentences(text) == [
        "We bound the error of the estimator tightly.",
        "$\\mathcal{O}(n)$ time suffices for every input graph.",
    ]


def test_chinese_sentences_split_at_full_stops() -> None:
    text = (
        "我们提出一种新的图神经网络方法来预测蛋白质的三维结构与功能。"
        "实验表明该方法在多个公开基准数据集上显著优于现有方法。"
    )
    assert len(split_sentences(text)) == 2


def test_blank_text_has_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n ") == []


def test_a_very_long_abstract_is_capped() -> None:
    text = " ".join(f"Sentence number {i} says something long enough to stand alone." for i in range(100))
    sentences = split_sentences(text)
    assert len(sentences) == MAX_SENTENCES
    assert sentences[-1].endswith("number 99 says something long enough to stand alone.")


@given(st.text(max_size=400))
def test_splitting_loses_no_words(text: str) -> None:
    """Every character survives in order, whitespace aside; where sentences end in English punctuation only, every
    word too (Chinese sentences meet without a space, so a split between them parts what .split() sees as one)."""
    sentences = split_sentences(text)
    assert "".join("".join(sentences).split()) == "".join(text.split())
    assert all(s in text for s in sentences)  # each sentence as written, nothing inserted
    if not any(mark in text for mark in "。！？"):
        assert " ".join(sentences).split() == text.split()


def test_chinese_fragments_join_as_written() -> None:
    """A short Chinese sentence joins its neighbour without the space an English one would get."""
    assert split_sentences("短句。0") == ["短句。0"]
    long = "我们提出一种基于图神经网络的蛋白质结构预测方法，在多个基准上取得了最好的结果。"
    assert split_sentences(long + "代码已开源。" + long) == [long + "代码已开源。", long]


def test_link_sentences_are_not_matching_units() -> None:
    abstract = (
        "We learn neural operators for nonlinear partial differential equations. "
        "Code is available at https://github.com/example/operators for everyone."
    )
    assert paper_sentences("Operators", abstract) == [
        "We learn neural operators for nonlinear partial differential equations."
    ]
    only_link = "Code and data are at https://github.com/example/operators for everyone to use."
    assert paper_sentences("Operators", only_link) == [only_link]  # nothing else to match by
    assert paper_sentences("Neural operators for PDEs", "") == ["Neural operators for PDEs"]
