"""Blocking: the candidate pairs that agree exactly on one or more key columns."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def block_pairs(left: pd.DataFrame, right: pd.DataFrame | None, on: str | Sequence[str], *,
                id_column: str) -> pd.DataFrame:
    """Candidate pairs agreeing exactly on ``on``; records with a missing key form no pair.

    Parameters
    ----------
    left, right
        The two files (``right=None`` deduplicates ``left``: each unordered pair once).
    on
        Blocking column(s).
    id_column
        Record identifier, unique within each file.

    Returns
    -------
    pandas.DataFrame
        Columns ``id_l`` and ``id_r``, one row per candidate pair, in a stable order.

    Examples
    --------
    >>> a = pd.DataFrame({"id": [1, 2, 3], "k": ["x", "y", None]})
    >>> b = pd.DataFrame({"id": [7, 8], "k": ["x", "x"]})
    >>> block_pairs(a, b, "k", id_column="id").values.tolist()
    [[1, 7], [1, 8]]
    """
    keys = [on] if isinstance(on, str) else list(on)
    dedupe = right is None
    right = left if dedupe else right
    lk = left[[id_column, *keys]].dropna(subset=keys)
    rk = right[[id_column, *keys]].dropna(subset=keys)
    pairs = lk.merge(rk, on=keys, suffixes=("_l", "_r"))[[f"{id_column}_l", f"{id_column}_r"]]
    pairs.columns = ["id_l", "id_r"]
    if dedupe:
        pairs = pairs[pairs["id_l"] < pairs["id_r"]]
    return pairs.sort_values(["id_l", "id_r"], kind="stable").reset_index(drop=True)


def count_block_pairs(left: pd.DataFrame, right: pd.DataFrame | None, on: str | Sequence[str]) -> int:
    """Number of candidate pairs a blocking rule makes, without making them.

    Examples
    --------
    >>> a = pd.DataFrame({"k": ["x", "x", "y"]})
    >>> count_block_pairs(a, pd.DataFrame({"k": ["x", "y", "y"]}), "k")
    4
    >>> count_block_pairs(a, None, "k")
    1
    """
    keys = [on] if isinstance(on, str) else list(on)
    ca = left.dropna(subset=keys).groupby(keys).size()
    if right is None:
        return int((ca * (ca - 1) // 2).sum())
    cb = right.dropna(subset=keys).groupby(keys).size()
    both = ca.to_frame("a").join(cb.to_frame("b"), how="inner")
    return int((both["a"] * both["b"]).sum())
