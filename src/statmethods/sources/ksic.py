"""The Korean Standard Industrial Classification (KSIC) files as tables: codes, tree and concordance.

Data: the KSIC 9th (2008) and 10th (2017) revisions and their concordance as published by
Statistics Korea, from the MIT-licensed R package KSIC (``ksic/*.rda``, read with pyreadr). Each
reader takes a catalogue key (the default) or the path of an ``.rda`` file of the same layout;
the code tree, title retrieval and recoding built on these tables are in
:mod:`statmethods.autocode.ksic`.

Examples
--------
>>> read_ksic_titles(10)["level"].value_counts()["section"]
np.int64(21)
"""

from __future__ import annotations

import os
from functools import lru_cache

import pandas as pd

from .. import inputs
from ..autocode.ksic import KSIC_LEVELS
from ..validation import choice

__all__ = ["KSIC_CODES", "KSIC_CONCORDANCE", "KSIC_TREE", "read_ksic_links", "read_ksic_titles",
           "read_ksic_tree"]

#: Catalogue keys of the three KSIC tables.
KSIC_CODES = "ksic/ksicDB.rda"
KSIC_TREE = "ksic/ksicTreeDB.rda"
KSIC_CONCORDANCE = "ksic/ksic_9_to_10.rda"
_REVISIONS = {9: "C9", 10: "C10"}


@lru_cache(maxsize=8)
def _read_rda(path: str) -> pd.DataFrame:
    import pyreadr

    return next(iter(pyreadr.read_r(path).values()))


def _table(source: str | os.PathLike, parameter: str) -> pd.DataFrame:
    return _read_rda(str(inputs.resolve(source, parameter)))


def _revision(revision: int) -> str:
    return _REVISIONS[choice(revision, "revision", list(_REVISIONS))]


def read_ksic_titles(revision: int = 10, source: str | os.PathLike = KSIC_CODES,
                     parameter: str = "ksic_codes_file") -> pd.DataFrame:
    """Every KSIC code of a revision with its Korean title and level.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``title``, ``digits`` (1-5) and ``level`` (one of
        :data:`statmethods.autocode.ksic.KSIC_LEVELS`).
    """
    db = _table(source, parameter)
    db = db[db["ksic_C"] == _revision(revision)]
    out = pd.DataFrame(
        {
            "code": db["cd"].astype(str).to_numpy(),
            "title": db["nm"].astype(str).to_numpy(),
            "digits": db["digit"].astype(int).to_numpy(),
        }
    )
    out["level"] = [KSIC_LEVELS[d - 1] for d in out["digits"]]
    return out


def read_ksic_tree(revision: int = 10, source: str | os.PathLike = KSIC_TREE,
                   parameter: str = "ksic_tree_file") -> pd.DataFrame:
    """One row per sub-class (5 digits) with its ancestors' codes and titles.

    Returns
    -------
    pandas.DataFrame
        Columns ``section``, ``division``, ``group``, ``class``, ``sub-class`` and the same
        with a ``_title`` suffix, sorted by sub-class.

    Examples
    --------
    >>> read_ksic_tree(10).loc[0, ["section", "division", "sub-class"]].tolist()
    ['A', '01', '01110']
    """
    t = _table(source, parameter)
    t = t[t["ksic_C"] == _revision(revision)]
    out = pd.DataFrame()
    for i, level in enumerate(KSIC_LEVELS, start=1):
        out[level] = t[f"ksic{i}_cd"].astype(str).to_numpy()
        out[f"{level}_title"] = t[f"ksic{i}_nm"].astype(str).to_numpy()
    return out.drop_duplicates("sub-class").sort_values("sub-class").reset_index(drop=True)


def read_ksic_links(source: str | os.PathLike = KSIC_CONCORDANCE,
                    parameter: str = "ksic_concordance_file") -> pd.DataFrame:
    """The published 9th <-> 10th revision concordance, one row per published link.

    Returns
    -------
    pandas.DataFrame
        ``ksic9_code``, ``ksic9_title``, ``ksic10_code``, ``ksic10_title`` and ``detail`` (the
        published note), as text; duplicates are kept as published.
    """
    c = _table(source, parameter)
    out = pd.DataFrame({f"ksic{r}_{what}": c[f"ksic{r}_{col}"].astype(str)
                        for r in (9, 10) for what, col in (("code", "cd"), ("title", "nm"))})
    out["detail"] = c["detail"].astype(str).str.strip()
    return out
