"""Key-variable frequencies and individual re-identification risk (sdcMicro's ``freqCalc``/``indivRisk``).

``frequency_counts`` counts, for each record, how many sample records share its combination
of key variables (``fk``) and how many population units they stand for (``Fk``, the sum of
the sampling weights). A missing key value matches every value of that variable, as in
sdcMicro: a record with a missing key counts in every combination it could belong to, and
counts all of them in its own ``fk``.

``individual_risk`` gives the Benedetti-Franconi risk ``rk`` from ``fk`` and ``Fk``, with
the ``approx`` and ``exact`` forms of sdcMicro's ``indivRisk``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import validation
from .._summary import Summary

__all__ = ["FrequencyResult", "RiskResult", "check_keys", "check_weights", "frequency_counts",
           "individual_risk"]


def check_keys(data: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    """The key variables, each checked to be a column of ``data``."""
    keys = [keys] if isinstance(keys, str) else list(keys)
    if not keys:
        raise ValueError("keys is empty. Fix: name at least one key (quasi-identifying) variable")
    missing = [k for k in keys if k not in data.columns]
    if missing:
        raise ValueError(f"key variable(s) {', '.join(map(repr, missing))} not in the data "
                         f"(columns: {', '.join(map(str, data.columns))}). Fix: use column names of the data")
    return keys


def check_weights(data: pd.DataFrame, weights: str | None) -> np.ndarray | None:
    """The sampling weights as floats, refused if missing, negative or non-numeric."""
    if weights is None:
        return None
    if weights not in data.columns:
        raise ValueError(f"weight column {weights!r} not in the data. Fix: give a column of sampling weights")
    w = pd.to_numeric(data[weights], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(w)
    if bad.any():
        raise ValueError(f"weight column {weights!r} has {int(bad.sum())} missing or non-numeric value(s). "
                         "Fix: give every record a weight")
    if (w < 0).any():
        raise ValueError(f"weight column {weights!r} has {int((w < 0).sum())} negative value(s). "
                         "Fix: sampling weights must be at least 0")
    return w


def _codes(data: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Integer codes per key, -1 for missing."""
    cols = []
    for k in keys:
        codes, _ = pd.factorize(data[k], use_na_sentinel=True)
        cols.append(codes)
    return np.column_stack(cols) if cols else np.empty((len(data), 0), int)


def _counts(codes: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(codes)
    complete = (codes >= 0).all(axis=1)
    fk = np.zeros(n)
    Fk = np.zeros(n)
    # complete records: group counts
    if complete.any():
        sub = codes[complete]
        _, inv = np.unique(sub, axis=0, return_inverse=True)
        inv = inv.ravel()
        fk[complete] = np.bincount(inv)[inv]
        Fk[complete] = np.bincount(inv, weights=w[complete])[inv]
    # records with a missing key: match any value in that key (both directions)
    incomplete = np.flatnonzero(~complete)
    for i in incomplete:
        m = ((codes == codes[i]) | (codes < 0) | (codes[i] < 0)).all(axis=1)
        fk[i] = m.sum()
        Fk[i] = w[m].sum()
        # each complete record matching an incomplete one gains it
        cm = m & complete
        fk[cm] += 1
        Fk[cm] += w[i]
    return fk, Fk


@dataclass(frozen=True)
class FrequencyResult:
    """Result of :func:`frequency_counts`: ``table()`` is one row per record with ``fk`` and ``Fk``."""

    keys: list[str]
    weights: str | None
    fk: np.ndarray
    Fk: np.ndarray
    index: pd.Index

    def table(self) -> pd.DataFrame:
        """``fk`` and ``Fk`` per record, aligned with the data's rows."""
        return pd.DataFrame({"fk": self.fk.astype(int), "Fk": self.Fk}, index=self.index)

    def violations(self, k: int) -> int:
        """Number of records whose key combination occurs fewer than ``k`` times in the sample."""
        return int((self.fk < k).sum())

    def summary(self) -> Summary:
        dist = pd.Series(np.minimum(self.fk, 5).astype(int)).value_counts().sort_index()
        dist.index = [f"{i}" if i < 5 else "5+" for i in dist.index]
        tab = pd.DataFrame({"records": dist})
        tab.index.name = "fk"
        return Summary("Key-variable frequencies", {
            "key variables": ", ".join(self.keys),
            "weights": self.weights or "none (Fk = fk)",
            "records": str(len(self.fk)),
            "sample uniques (fk = 1)": str(self.violations(2)),
            "violate 3-anonymity": str(self.violations(3)),
        }, tab)


def frequency_counts(data: pd.DataFrame, keys: Sequence[str], weights: str | None = None) -> FrequencyResult:
    """Sample (``fk``) and weighted population (``Fk``) frequency of each record's key combination.

    Follows sdcMicro's ``freqCalc``: a missing key value matches any value of that variable.

    Parameters
    ----------
    data : DataFrame
        Microdata, one row per record.
    keys : list of str
        Key (quasi-identifying) variables.
    weights : str, optional
        Column of sampling weights; without it ``Fk`` equals ``fk``.

    Returns
    -------
    FrequencyResult

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"a": [1, 1, 2, None], "b": [1, 1, 1, 1], "w": [2.0, 3.0, 4.0, 1.0]})
    >>> frequency_counts(d, ["a", "b"], "w").table()
       fk    Fk
    0   3   6.0
    1   3   6.0
    2   2   5.0
    3   4  10.0
    """
    keys = check_keys(data, keys)
    w = check_weights(data, weights)
    if w is None:
        w = np.ones(len(data))
    fk, Fk = _counts(_codes(data, keys), w)
    return FrequencyResult(keys, weights, fk, Fk, data.index)


@dataclass(frozen=True)
class RiskResult:
    """Result of :func:`individual_risk`: ``rk`` per record, with the global measures."""

    method: str
    rk: np.ndarray
    fk: np.ndarray
    Fk: np.ndarray
    index: pd.Index

    @property
    def expected_reidentifications(self) -> float:
        """Sum of the individual risks (sdcMicro's ``risk_ER``)."""
        return float(self.rk.sum())

    @property
    def global_risk(self) -> float:
        """Expected re-identifications as a share of the records (sdcMicro's ``global$risk``)."""
        return self.expected_reidentifications / len(self.rk)

    def table(self) -> pd.DataFrame:
        """``fk``, ``Fk`` and ``rk`` per record."""
        return pd.DataFrame({"fk": self.fk.astype(int), "Fk": self.Fk, "rk": self.rk}, index=self.index)

    def summary(self) -> Summary:
        q = np.quantile(self.rk, [0, 0.5, 0.9, 0.99, 1])
        tab = pd.DataFrame({"rk": np.round(q, 5)}, index=["min", "median", "90%", "99%", "max"])
        return Summary(f"Individual risk ({self.method})", {
            "records": str(len(self.rk)),
            "expected re-identifications": f"{self.expected_reidentifications:.2f}",
            "global risk": f"{100 * self.global_risk:.2f} %",
        }, tab)


def _rk_exact(fk: float, pk: float) -> float:
    # Benedetti-Franconi exact form for fk > 2, as in sdcMicro's indivRisk.
    A = (pk ** (1 - fk) - 1) / (fk - 1)

    i = np.arange(int(fk) - 2, dtype=float)
    b = ((fk - 1 - i) ** 2 / ((i + 1) * (fk - 2 - i))
         * (pk ** (i + 2 - fk) - 1) / (pk ** (i + 1 - fk) - 1))
    bb = float(np.sum((-1.0) ** (i + 1) * np.cumprod(b)))  # sum_m (-1)^(m+1) prod_{j<=m} B(j)
    return (pk / (1 - pk)) ** fk * (A * (1 + bb) + (-1) ** fk * np.log(pk))


def individual_risk(data: pd.DataFrame | FrequencyResult, keys: Sequence[str] | None = None,
                    weights: str | None = None, method: str = "approx") -> RiskResult:
    """Individual re-identification risk ``rk`` (Benedetti and Franconi), as sdcMicro's ``indivRisk``.

    With ``pk = fk / Fk``: ``rk = pk/(1-pk) log(1/pk)`` for ``fk = 1``,
    ``pk/(1-pk) - (pk/(1-pk))^2 log(1/pk)`` for ``fk = 2``, and for ``fk > 2`` either
    ``pk / (fk - (1 - pk))`` (``approx``) or the exact series (``exact``; where it
    overflows, for large ``fk``, sdcMicro returns NaN and this function the approximation). Where ``fk = Fk``
    (the sample is the population) ``rk = 1/fk``.

    Parameters
    ----------
    data : DataFrame or FrequencyResult
        Microdata (then give ``keys`` and ``weights``) or the result of :func:`frequency_counts`.
    keys, weights : see :func:`frequency_counts`.
    method : {"approx", "exact"}

    Returns
    -------
    RiskResult

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"a": [1, 1, 2], "w": [10.0, 10.0, 5.0]})
    >>> individual_risk(d, ["a"], "w").rk.round(4)
    array([0.0827, 0.0827, 0.4024])
    """
    validation.choice(method, "method", ["approx", "exact"])
    if isinstance(data, FrequencyResult):
        freq = data
    else:
        if keys is None:
            raise ValueError("keys is missing. Fix: name the key variables, or pass a FrequencyResult")
        freq = frequency_counts(data, keys, weights)
    fk, Fk = freq.fk, freq.Fk
    if np.any(Fk < fk - 1e-9) and freq.weights is not None:
        raise ValueError("some Fk (sum of weights) is below fk. Fix: sampling weights must be at least 1")
    rk = np.zeros(len(fk))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        pk = fk / Fk
        cache: dict[tuple[float, float], float] = {}
        for i, (f, p) in enumerate(zip(fk, pk, strict=True)):
            if f == 1:
                rk[i] = p / (1 - p) * np.log(1 / p)
            elif f == 2:
                rk[i] = p / (1 - p) - (p / (1 - p)) ** 2 * np.log(1 / p)
            elif method == "approx":
                rk[i] = p / (f - (1 - p))
            else:
                if (f, p) not in cache:  # records of one class share fk and Fk
                    cache[(f, p)] = _rk_exact(f, p)
                rk[i] = cache[(f, p)]
                if not np.isfinite(rk[i]):  # the series overflows for large fk: sdcMicro gives NaN
                    rk[i] = p / (f - (1 - p))
    same = fk == Fk
    rk[same] = 1 / fk[same]
    return RiskResult(method, rk, fk, Fk, freq.index)
