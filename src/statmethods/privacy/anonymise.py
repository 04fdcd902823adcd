"""k-anonymisation: full-domain global recoding along hierarchies plus suppression.

:func:`anonymise` searches the lattice of generalisation levels (every combination of one
level per quasi-identifier, as ARX and Incognito do) for the node that reaches ``k`` with at
most ``max_suppression`` of the records suppressed, and keeps the node of least
discernibility. The records still in classes smaller than ``k`` are suppressed (all their
quasi-identifiers set to ``*``). :func:`local_suppression` instead blanks single key values,
as sdcMicro's ``kAnon`` does, counting a missing value as matching every value.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import validation
from .._summary import Summary
from .hierarchy import Hierarchy
from .infoloss import _nue_from_codes
from .risk import check_keys, frequency_counts

__all__ = ["AnonymisationResult", "LocalSuppressionResult", "anonymise", "local_suppression"]


@dataclass(frozen=True)
class AnonymisationResult:
    """Result of :func:`anonymise`: the released file and the chosen lattice node."""

    k: int
    keys: list[str]
    levels: dict[str, int]
    data: pd.DataFrame
    k_reached: int
    suppressed_records: int
    discernibility: float
    non_uniform_entropy: float
    nodes_checked: int
    lattice: pd.DataFrame

    def table(self) -> pd.DataFrame:
        """The chosen generalisation level of each quasi-identifier."""
        return pd.DataFrame({"level": self.levels}).rename_axis("quasi-identifier")

    def summary(self) -> Summary:
        return Summary(f"k-anonymisation (k = {self.k})", {
            "k reached": str(self.k_reached),
            "suppressed records": f"{self.suppressed_records} of {len(self.data)}",
            "discernibility": f"{self.discernibility:.4g}",
            "non-uniform entropy (bits)": f"{self.non_uniform_entropy:.4g}",
            "lattice nodes checked": str(self.nodes_checked),
        }, self.table())


def anonymise(data: pd.DataFrame, keys: Sequence[str], hierarchies: Mapping[str, Hierarchy], k: int,
              max_suppression: float = 0.05, suppressed: str = "*") -> AnonymisationResult:
    """k-anonymise ``data`` by global recoding along ``hierarchies`` plus record suppression.

    Parameters
    ----------
    data : DataFrame
    keys : list of str
        Quasi-identifiers; each needs a hierarchy (use :meth:`Hierarchy.suppression_only`
        for a variable that can only be kept or suppressed).
    hierarchies : mapping of column to :class:`Hierarchy`
    k : int
        Smallest class size wanted.
    max_suppression : float
        Largest share of records that may be suppressed.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"a": ["1", "2", "3", "3"]})
    >>> h = {"a": Hierarchy.from_frame("a", pd.DataFrame([["1", "1-2", "*"], ["2", "1-2", "*"],
    ...                                                   ["3", "3", "*"]]))}
    >>> r = anonymise(d, ["a"], h, k=2, max_suppression=0)
    >>> r.levels, r.k_reached, r.suppressed_records
    ({'a': 1}, 2, 0)
    """
    keys = check_keys(data, keys)
    k = validation.positive_int(k, "k")
    max_suppression = validation.unit_interval(max_suppression, "max_suppression")
    for c in keys:
        if c not in hierarchies:
            raise ValueError(f"no hierarchy for quasi-identifier {c!r}. Fix: give one, or use "
                             "Hierarchy.suppression_only")
    n = len(data)
    codes = {c: hierarchies[c].codes(data[c]) for c in keys}
    heights = [hierarchies[c].height for c in keys]
    radix = {c: int(codes[c].max()) + 1 for c in keys}
    rows = []
    best = None
    for node in itertools.product(*[range(h) for h in heights]):
        key = np.zeros(n, dtype=np.int64)
        for c, lev in zip(keys, node, strict=True):
            key = key * radix[c] + codes[c][:, lev]
        inv, _ = pd.factorize(key)
        cnt = np.bincount(inv)
        size = cnt[inv]
        small = size < k
        n_sup = int(small.sum())
        feasible = n_sup <= max_suppression * n
        dm = float((cnt[cnt >= k].astype(float) ** 2).sum() + n_sup * n)
        rows.append((*node, n_sup, dm, feasible))
        if feasible and (best is None or dm < best[1]):
            best = (node, dm, small)
    lattice = pd.DataFrame(rows, columns=[*keys, "suppressed", "discernibility", "feasible"])
    if best is None:
        raise ValueError(f"no generalisation reaches k = {k} with at most {max_suppression:.0%} suppressed "
                         "records. Fix: raise max_suppression or add levels to the hierarchies")
    node, dm, small = best
    levels = dict(zip(keys, map(int, node), strict=True))
    out = data.copy()
    for c, lev in levels.items():
        out[c] = hierarchies[c].recode(data[c], lev)
    out.loc[small, keys] = suppressed
    gen = {c: codes[c][:, lev] for c, lev in levels.items()}
    nue = _nue_from_codes({c: codes[c][:, 0] for c in keys}, gen, small)
    kept = ~small
    if kept.any():
        _, cnt = np.unique(np.column_stack([gen[c][kept] for c in keys]), axis=0, return_counts=True)
        k_reached = int(cnt.min())
    else:
        k_reached = 0
    return AnonymisationResult(k, keys, levels, out, k_reached, int(small.sum()), dm, nue,
                               len(lattice), lattice)


@dataclass(frozen=True)
class LocalSuppressionResult:
    """Result of :func:`local_suppression`."""

    k: int
    keys: list[str]
    data: pd.DataFrame
    suppressed_values: dict[str, int]

    def table(self) -> pd.DataFrame:
        return pd.DataFrame({"suppressed values": self.suppressed_values}).rename_axis("key variable")

    def summary(self) -> Summary:
        fk = frequency_counts(self.data, self.keys).fk
        return Summary(f"Local suppression (k = {self.k})", {
            "records": str(len(self.data)), "suppressed values": str(sum(self.suppressed_values.values())),
            "records below k after suppression": str(int((fk < self.k).sum()))}, self.table())


def local_suppression(data: pd.DataFrame, keys: Sequence[str], k: int,
                      importance: Sequence[str] | None = None) -> LocalSuppressionResult:
    """Blank key values of records below ``k`` until every record has ``fk >= k``.

    A greedy rule in the spirit of sdcMicro's ``kAnon``: for each record below ``k`` the key
    values are blanked in order of ``importance`` (least important, i.e. last, first), stopping
    as soon as the record reaches ``k``. Frequencies count a missing value as matching every
    value (:func:`frequency_counts`).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"a": ["x", "x", "x", "y"], "b": ["1", "1", "1", "1"]})
    >>> local_suppression(d, ["a", "b"], k=2).suppressed_values
    {'a': 1, 'b': 0}
    """
    keys = check_keys(data, keys)
    order = list(importance) if importance is not None else list(keys)
    out = data[keys].copy().astype(object)
    counts = {c: 0 for c in keys}
    fk = frequency_counts(out, keys).fk
    for i in np.flatnonzero(fk < k):
        if frequency_counts(out, keys).fk[i] >= k:
            continue
        for c in reversed(order):  # one value alone, least important first
            j = keys.index(c)
            old = out.iat[i, j]
            out.iat[i, j] = None
            if frequency_counts(out, keys).fk[i] >= k:
                counts[c] += 1
                break
            out.iat[i, j] = old
        else:
            for c in reversed(order):  # otherwise blank cumulatively
                out.iat[i, keys.index(c)] = None
                counts[c] += 1
                if frequency_counts(out, keys).fk[i] >= k:
                    break
    res = data.copy()
    res[keys] = out
    return LocalSuppressionResult(k, keys, res, counts)
