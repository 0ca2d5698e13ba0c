import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from academichub.rank.text import cjk_bigrams, tokenize


def test_english_is_lowercased_split_on_non_alphanumerics_and_stop_words_dropped() -> None:
    assert tokenize("The GNN-based Model of AlphaFold2, and its 3 variants!") == [
        "gnn",
        "based",
        "model",
        "alphafold2",
        "3",
        "variants",
    ]


def test_chinese_description_yields_character_bigrams() -> None:
    assert tokenize("蛋白质结构预测") == ["蛋白", "白质", "质结", "结构", "构预", "预测"]


def test_mixed_chinese_and_english_keep_their_order() -> None:
    assert tokenize("用GNN做蛋白质 folding") == ["用", "gnn", "做蛋", "蛋白", "白质", "folding"]


def test_single_cjk_character_is_its_own_token_and_full_width_letters_are_folded() -> None:
    assert cjk_bigrams("图") == ["图"]
    assert tokenize("Ｔｒａｎｓｆｏｒｍｅｒ 图") == ["transformer", "图"]


def test_empty_and_punctuation_only_text_give_no_tokens() -> None:
    assert tokenize("") == []
    assert tokenize(" ,.;— 。、") == []


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_ascii_text_splits_exactly_as_the_word_regex_finds(text: str) -> None:
    assert tokenize(text, stop_words=frozenset()) == re.findall(r"[a-z0-9]+", text.lower())


@given(st.text(alphabet=st.sampled_from("aZ9 -.éÅß’—ｆΩ\u00a0\u2028ｌﬁ²"), max_size=200))
def test_non_ascii_text_without_cjk_splits_as_the_word_regex_finds_after_nfkc(text: str) -> None:
    expected = re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKC", text).lower())
    assert tokenize(text, stop_words=frozenset()) == expected
