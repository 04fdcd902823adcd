"""Normalisation and n-grams (statmethods.autocode.text)."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest

from statmethods.autocode.text import (
    EmptyAnswerError,
    char_ngrams,
    check_texts,
    is_hangul,
    normalise_hangul,
    normalise_text,
    word_ngrams,
)


def test_full_width_latin_and_case_are_folded():
    assert normalise_text("ＴＲＵＣＫ  Driver!!") == "truck driver"


def test_hangul_typed_as_jamo_equals_precomposed_syllables():
    decomposed = unicodedata.normalize("NFD", "작물 재배업")
    assert decomposed != "작물 재배업"
    assert normalise_hangul(decomposed) == normalise_hangul("작물 재배업") == "작물재배업"
    assert is_hangul(decomposed)


def test_hangul_spacing_variants_match_after_normalisation():
    assert normalise_hangul("곡물 및 기타 식량 작물 재배업") == normalise_hangul(
        "곡물 및 기타 식량작물 재배업"
    )


@pytest.mark.parametrize("bad", ["", "   ", "?!", None, 3.5, np.nan])
def test_empty_or_non_text_answers_raise_with_position(bad):
    with pytest.raises(EmptyAnswerError, match="position 1"):
        check_texts(["bakery", bad])


def test_single_string_instead_of_list_is_rejected():
    with pytest.raises(EmptyAnswerError, match="not one string"):
        check_texts("bakery")


def test_char_ngrams_match_a_hand_count():
    grams = char_ngrams("ab cd", 2, 3)
    # "<ab>": <a ab b> <ab ab>;  "<cd>": <c cd d> <cd cd>
    assert grams == ["<a", "ab", "b>", "<ab", "ab>", "<c", "cd", "d>", "<cd", "cd>"]
    n = len("<rice>")
    assert len(char_ngrams("rice", 3, 5)) == sum(n - k + 1 for k in (3, 4, 5))


def test_word_ngrams_and_bad_range():
    assert word_ngrams(["a", "b", "c"], 2, 3) == ["a b", "b c", "a b c"]
    with pytest.raises(ValueError, match="n_min"):
        char_ngrams("x", 3, 2)
