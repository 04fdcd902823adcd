"""k-anonymity, l-diversity and t-closeness of a (released) microdata file.

Records are grouped into equivalence classes by their quasi-identifiers. Records whose
quasi-identifiers are all suppressed (missing or the suppression symbol) are left out of the
classes, as anonymisation tools such as ARX do when they publish suppressed records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._summary import Summary
from .risk import check_keys

__all__ = ["AnonymityResult", "anonymity_measures", "equivalence_classes"]


def _suppressed(data: pd.DataFrame, keys: list[str], symbol: str) -> np.ndarray:
    qi = data[keys]
    return (qi.isna() | (qi.astype(str) == symbol)).all(axis=1).to_numpy()


def equivalence_classes(data: pd.DataFrame, keys: Sequence[str], suppressed: str = "*") -> pd.Series:
    """Class id of each record (``-1`` for a fully suppressed record).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"a": ["x", "x", "y", "*"], "b": [1, 1, 2, "*"]})
    >>> equivalence_classes(d, ["a", "b"]).tolist()
    [0, 0, 1, -1]
    """
    keys = check_keys(data, keys)
    sup = _suppressed(data, keys, suppressed)
    ids = np.full(len(data), -1)
    if (~sup).any():
        codes = np.column_stack([pd.factorize(data[k].astype(str))[0] for k in keys])[~sup]
        _, inv = np.unique(codes, axis=0, return_inverse=True)
        ids[~sup] = inv.ravel()
    return pd.Series(ids, index=data.index, name="class")


@dataclass(frozen=True)
class AnonymityResult:
    """Result of :func:`anonymity_measures`.

    Not an :class:`~statmethods.results.EstimateResult`: k, l and t are properties of the file
    itself (the released records, counted exactly), not estimates of a population quantity, so
    they have no standard error.
    """

    keys: list[str]
    sensitive: str | None
    k: int
    l_diversity: int | None
    t_closeness: float | None
    n_records: int
    n_suppressed: int
    n_classes: int
    class_sizes: np.ndarray

    def table(self) -> pd.DataFrame:
        """Distribution of the equivalence-class sizes."""
        bins = [1, 2, 3, 5, 10, 20, 50, 100, np.inf]
        cut = pd.cut(self.class_sizes, bins, right=False)
        t = pd.DataFrame({"classes": pd.Series(cut).value_counts(sort=False)})
        t["records"] = pd.Series(self.class_sizes).groupby(cut, observed=False).sum().to_numpy()
        t.index = [f"[{int(i.left)}, {i.right:g})" for i in t.index]
        t.index.name = "class size"
        return t

    def summary(self) -> Summary:
        head = {"quasi-identifiers": ", ".join(self.keys), "records": str(self.n_records),
                "suppressed records": str(self.n_suppressed), "equivalence classes": str(self.n_classes),
                "k (smallest class)": str(self.k)}
        if self.sensitive is not None:
            head[f"l-diversity ({self.sensitive})"] = str(self.l_diversity)
            head[f"t-closeness ({self.sensitive})"] = f"{self.t_closeness:.4f}"
        return Summary("Anonymity measures", head, self.table())


def anonymity_measures(data: pd.DataFrame, keys: Sequence[str], sensitive: str | None = None,
                       suppressed: str = "*") -> AnonymityResult:
    """k-anonymity, distinct l-diversity and t-closeness (equal ground distance).

    ``k`` is the size of the smallest equivalence class; ``l`` the smallest number of distinct
    values of ``sensitive`` in a class; ``t`` the largest total-variation distance (the earth
    mover's distance with equal ground distance) between a class's distribution of
    ``sensitive`` and the whole file's.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"a": ["x", "x", "y", "y"], "s": [0, 1, 0, 0]})
    >>> r = anonymity_measures(d, ["a"], sensitive="s")
    >>> r.k, r.l_diversity, r.t_closeness
    (2, 1, 0.25)
    """
    keys = check_keys(data, keys)
    cls = equivalence_classes(data, keys, suppressed)
    kept = cls >= 0
    sizes = np.bincount(cls[kept]) if kept.any() else np.array([], int)
    l_div = t_close = None
    if sensitive is not None:
        check_keys(data, [sensitive])
        s = data.loc[kept, sensitive].astype(str)
        ct = pd.crosstab(cls[kept], s)
        l_div = int((ct > 0).sum(axis=1).min())
        overall = data[sensitive].astype(str).value_counts(normalize=True).reindex(ct.columns).fillna(0)
        prop = ct.div(ct.sum(axis=1), axis=0)
        t_close = float(0.5 * (prop - overall).abs().sum(axis=1).max())
    return AnonymityResult(keys, sensitive, int(sizes.min()) if len(sizes) else 0, l_div, t_close,
                           len(data), int((~kept).sum()), len(sizes), sizes)
