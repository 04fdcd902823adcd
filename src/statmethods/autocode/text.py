"""Normalising free-text answers and cutting them into character and word n-grams.

Survey write-ins arrive in every shape: mixed case, full-width characters, stray punctuation,
Hangul typed as separate jamo. Every model in :mod:`statmethods.autocode` sees text through
:func:`normalise_text`, so that training data and new answers are cleaned the same way.

Examples
--------
>>> normalise_text("  Ｓoybean  FARMING, field & seed ")
'soybean farming field & seed'
>>> char_ngrams("rice", 3, 3)
['<ri', 'ric', 'ice', 'ce>']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "EmptyAnswerError",
    "char_ngrams",
    "check_texts",
    "is_hangul",
    "normalise_hangul",
    "normalise_text",
    "word_ngrams",
]

# Keep letters (any script), digits, whitespace and the few symbols that carry meaning in
# industry and occupation titles ("&", "/", "-", "+", "'"); everything else becomes a space.
_DROP = re.compile(r"[^\w\s&/+'\-]", flags=re.UNICODE)
_SPACE = re.compile(r"\s+")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


class EmptyAnswerError(ValueError):
    """A free-text answer is empty, missing or not text."""


def normalise_text(text: str, *, lowercase: bool = True) -> str:
    """Unicode-normalise (NFKC), lower-case, drop punctuation and collapse whitespace.

    NFKC maps full-width Latin letters to ASCII, composes decomposed Hangul jamo into
    syllables and unifies compatibility characters, so that ``"Ｓoy"`` and ``"Soy"`` or a
    syllable typed as jamo and the same syllable typed whole end up as the same string.

    Parameters
    ----------
    text : str
        One answer.
    lowercase : bool, default True
        Case-fold the result (no effect on Hangul).

    Returns
    -------
    str
        The cleaned answer (possibly empty).

    Examples
    --------
    >>> normalise_text("Dentists' offices (e.g., DDS)")
    "dentists' offices e g dds"
    """
    if not isinstance(text, str):
        raise EmptyAnswerError(f"expected a text answer, got {type(text).__name__} {text!r}")
    t = unicodedata.normalize("NFKC", text)
    if lowercase:
        t = t.casefold()
    t = _DROP.sub(" ", t).replace("_", " ")
    return _SPACE.sub(" ", t).strip()


def is_hangul(text: str) -> bool:
    """Whether ``text`` contains any Hangul syllable or jamo.

    Examples
    --------
    >>> is_hangul("작물 재배업"), is_hangul("crop farming")
    (True, False)
    """
    return bool(_HANGUL.search(text))


def normalise_hangul(text: str, *, remove_spaces: bool = True) -> str:
    """Normalise a Korean answer: NFKC, punctuation dropped and, by default, no spaces.

    Korean spacing (띄어쓰기) is applied inconsistently in write-in answers and even in
    official titles (``"식량 작물"`` and ``"식량작물"`` both occur in KSIC), so character
    n-grams are taken over the text with spaces removed.

    Examples
    --------
    >>> normalise_hangul("곡물 및 기타 식량 작물 재배업")
    '곡물및기타식량작물재배업'
    >>> normalise_hangul("\u1100\u1161\u11a8")  # a syllable typed as three jamo
    '각'
    """
    t = normalise_text(text)
    return t.replace(" ", "") if remove_spaces else t


def check_texts(texts: Sequence[str] | pd.Series, *, name: str = "texts") -> list[str]:
    """Validate a sequence of answers: every one must be a non-empty string after normalising.

    Parameters
    ----------
    texts : sequence of str or pandas Series
        Free-text answers.
    name : str
        What to call them in the error message.

    Returns
    -------
    list of str
        The normalised answers.

    Raises
    ------
    EmptyAnswerError
        Naming the first offending positions and what to do about them.

    Examples
    --------
    >>> check_texts(["Bakers", "  TRUCK driver "])
    ['bakers', 'truck driver']
    """
    if isinstance(texts, str):
        raise EmptyAnswerError(f"{name} must be a sequence of answers, not one string; wrap it in a list")
    values = list(texts.tolist() if isinstance(texts, pd.Series | np.ndarray) else texts)
    if not values:
        raise EmptyAnswerError(f"{name} is empty: give at least one answer")
    bad_type = [i for i, v in enumerate(values) if not isinstance(v, str)]
    if bad_type:
        i = bad_type[0]
        raise EmptyAnswerError(
            f"{name}: {len(bad_type)} answer(s) are not text (first at position {i}: {values[i]!r}); "
            "drop missing answers or convert them with str() before coding"
        )
    out = [normalise_text(v) for v in values]
    empty = [i for i, v in enumerate(out) if not v]
    if empty:
        raise EmptyAnswerError(
            f"{name}: {len(empty)} answer(s) are empty after normalisation (first at position {empty[0]}: "
            f"{values[empty[0]]!r}); route them to the human queue instead of the auto-coder"
        )
    return out


def char_ngrams(text: str, n_min: int = 3, n_max: int = 5, *, per_word: bool = True) -> list[str]:
    """Character n-grams with word-boundary marks ``<`` and ``>`` (as in fastText).

    Parameters
    ----------
    text : str
        A normalised answer.
    n_min, n_max : int
        Smallest and largest n-gram length.
    per_word : bool, default True
        Cut n-grams inside each word (padded with ``<`` ``>``); else over the whole string.

    Examples
    --------
    >>> char_ngrams("재배업", 2, 2)
    ['<재', '재배', '배업', '업>']
    """
    if n_min < 1 or n_max < n_min:
        raise ValueError(f"need 1 <= n_min <= n_max, got n_min={n_min}, n_max={n_max}")
    pieces: Iterable[str] = text.split() if per_word else [text]
    grams: list[str] = []
    for w in pieces:
        w = f"<{w}>"
        for n in range(n_min, n_max + 1):
            grams += [w[i : i + n] for i in range(len(w) - n + 1)]
    return grams


def word_ngrams(text: str | Sequence[str], n_min: int = 1, n_max: int = 2) -> list[str]:
    """Word n-grams joined by a space.

    Examples
    --------
    >>> word_ngrams("frozen rice dishes", 1, 2)
    ['frozen', 'rice', 'dishes', 'frozen rice', 'rice dishes']
    """
    words = text.split() if isinstance(text, str) else list(text)
    return [" ".join(words[i : i + n]) for n in range(n_min, n_max + 1) for i in range(len(words) - n + 1)]
