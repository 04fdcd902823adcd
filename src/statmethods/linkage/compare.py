"""Field comparisons of candidate pairs: the agreement vectors a linkage model scores.

A comparison is ``(label, column, kind, threshold)`` with ``kind`` one of ``"exact"``,
``"jaro_winkler"`` and ``"levenshtein"``; a string similarity agrees (1) when it is at least
``threshold``. A missing value on either side disagrees (0), as in recordlinkage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .strings import jaro_winkler, levenshtein_similarity

KINDS = ("exact", "jaro_winkler", "levenshtein")


@dataclass(frozen=True)
class Comparison:
    """One field comparison."""

    label: str
    column: str
    kind: str = "exact"
    threshold: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"comparison {self.label!r}: unknown kind {self.kind!r}. "
                             f"Fix: use one of {', '.join(KINDS)}")
        if self.kind != "exact" and (self.threshold is None or not 0 <= self.threshold <= 1):
            raise ValueError(f"comparison {self.label!r}: a string comparison needs a threshold in "
                             f"[0, 1], got {self.threshold!r}. Fix: give e.g. threshold=0.85")


def clean_strings(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Strip white space from text columns and make empty text missing (returns a copy).

    Examples
    --------
    >>> clean_strings(pd.DataFrame({"a": [" x", " ", None]}), ["a"])["a"].tolist()
    ['x', nan, nan]
    """
    out = df.copy()
    for c in columns:
        s = out[c].astype("string").str.strip()
        out[c] = s.where(s != "").astype(object).where(s.notna() & (s != ""), np.nan)
    return out


def _values(df: pd.DataFrame, id_column: str, column: str, ids: pd.Series) -> np.ndarray:
    lookup = df.set_index(id_column)[column]
    return lookup.reindex(ids.to_numpy()).to_numpy(dtype=object)


def compare_pairs(pairs: pd.DataFrame, left: pd.DataFrame, right: pd.DataFrame | None,
                  comparisons: Sequence[Comparison], *, id_column: str) -> pd.DataFrame:
    """Agreement (0/1) of each candidate pair on each comparison.

    Parameters
    ----------
    pairs
        ``id_l``, ``id_r`` as from :func:`~statmethods.linkage.block_pairs`.
    left, right
        The files (``right=None`` for deduplication).
    comparisons
        The field comparisons.
    id_column
        Record identifier column in both files.

    Returns
    -------
    pandas.DataFrame
        ``id_l``, ``id_r`` and one ``int8`` column per comparison label.

    Examples
    --------
    >>> a = pd.DataFrame({"id": [1], "name": ["martha"]})
    >>> b = pd.DataFrame({"id": [2], "name": ["marhta"]})
    >>> p = pd.DataFrame({"id_l": [1], "id_r": [2]})
    >>> compare_pairs(p, a, b, [Comparison("name", "name", "jaro_winkler", 0.85)],
    ...               id_column="id")["name"].tolist()
    [1]
    """
    right = left if right is None else right
    out = pairs[["id_l", "id_r"]].copy()
    for comp in comparisons:
        x = _values(left, id_column, comp.column, pairs["id_l"])
        y = _values(right, id_column, comp.column, pairs["id_r"])
        ok = ~(pd.isna(x) | pd.isna(y))
        agree = np.zeros(len(pairs), dtype=np.int8)
        if comp.kind == "exact":
            agree[ok] = (x[ok] == y[ok]).astype(np.int8)
        else:
            fn = jaro_winkler if comp.kind == "jaro_winkler" else levenshtein_similarity
            cache: dict[tuple[str, str], float] = {}
            idx = np.flatnonzero(ok)
            for i in idx:
                key = (str(x[i]), str(y[i]))
                sim = cache.get(key)
                if sim is None:
                    sim = cache[key] = fn(*key)
                agree[i] = sim >= comp.threshold
        out[comp.label] = agree
    return out
