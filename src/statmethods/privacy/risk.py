"""Key-variable frequencies and individual re-identification risk (sdcMicro's ``freqCalc``/``indivRisk``).

``frequency_counts`` counts, for each record, how many sample records share its combination
of key variables (``fk``) and how many population units they stand for (``Fk``, the sum of
the sampling weights). A missing key value matches every value of that variable, as in
sdcMicro: a record with a missing key counts in every combination it could belong to, and
counts all of them in its own ``fk``.

``individual_risk`` gives the Benedetti-Franconi risk ``rk`` from ``fk`` and ``Fk``, with
the ``approx`` and ``exact`` forms of sdcMicro's ``indivRisk``. ``rk`` is the expected value of
``1/F_k`` given ``f_k`` when ``F_k - f_k`` is negative binomial with ``f_k`` successes of
probability ``p_k = f_k / F_k``; the same model gives the variance of ``1/F_k``, and so a
standard error of the expected number of re-identifications (:class:`RiskResult`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import integrate

from .. import validation
from .._summary import Summary
from ..results import EstimateResult

__all__ = ["FrequencyResult", "RiskResult", "check_keys", "check_weights", "frequency_counts",
           "individual_risk", "inverse_moments"]


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
    """Result of :func:`frequency_counts`: ``table()`` is one row per record with ``fk`` and ``Fk``.

    ``classes`` numbers the records' key combinations (a missing value is a value of its own
    here), so that records of one combination share one id.
    """

    keys: list[str]
    weights: str | None
    fk: np.ndarray
    Fk: np.ndarray
    index: pd.Index
    classes: np.ndarray | None = field(default=None, repr=False)

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
    codes = _codes(data, keys)
    fk, Fk = _counts(codes, w)
    classes = np.unique(codes, axis=0, return_inverse=True)[1].ravel() if len(codes) else np.empty(0, int)
    return FrequencyResult(keys, weights, fk, Fk, data.index, classes)


@dataclass(frozen=True)
class RiskResult(EstimateResult):
    """Result of :func:`individual_risk`: ``rk`` per record, with the global measures.

    ``estimates`` are the expected number of re-identifications (sdcMicro's ``risk_ER``) and the
    global risk (its share of the records). ``se`` is the model's standard error of the
    unknown true number ``sum_i 1/F_k(i)``: under the Benedetti-Franconi model the ``F_k`` of the
    key combinations are independent given the sample, so its variance is
    ``sum_k n_k^2 Var(1/F_k | f_k)`` over the combinations (``n_k`` records each), with the
    variance from :func:`inverse_moments`. It takes ``p_k = f_k / F_k`` as known (the uncertainty
    of the weights is not in it) and ignores that a record with a missing key value counts in
    several combinations. Where every record has ``fk == Fk`` (no weights: the file is the
    population) the risk is a count on the full file with no sampling error, and ``se`` is NaN.

    ``table`` and ``summary`` are overridden: they show the records' ``fk``, ``Fk`` and ``rk``
    and the quantiles of ``rk``, the per-record view that disclosure control works with.
    """

    method: str
    rk: np.ndarray
    fk: np.ndarray
    Fk: np.ndarray
    index: pd.Index
    classes: np.ndarray | None = field(default=None, repr=False)
    confidence: float = 0.95
    title = "Re-identification risk"

    @property
    def estimates(self) -> pd.Series:
        """Expected re-identifications and global risk."""
        return pd.Series({"expected_reidentifications": self.expected_reidentifications,
                          "global_risk": self.global_risk}, name="estimate")

    @cached_property
    def se(self) -> pd.Series:
        """Model standard errors of the two global measures (NaN without sampling, see the class)."""
        idx = ["expected_reidentifications", "global_risk"]
        sampled = self.fk != self.Fk
        if self.classes is None or not sampled.any():
            return pd.Series(np.nan, index=idx, name="se")
        first = np.unique(self.classes, return_index=True)[1]
        n_k = np.bincount(self.classes)[self.classes[first]]
        e1, e2 = inverse_moments(self.fk[first], self.fk[first] / self.Fk[first])
        var = float(np.sum(n_k.astype(float) ** 2 * np.maximum(e2 - e1 ** 2, 0.0)))
        return pd.Series([np.sqrt(var), np.sqrt(var) / len(self.rk)], index=idx, name="se")

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


def _moments_one(f: float, p: float) -> tuple[float, float]:
    # E[1/F] = int_0^inf phi(s)^f ds and E[1/F^2] = int_0^inf s phi(s)^f ds, phi(s) = p / (e^s - q):
    # from 1/F = int_0^1 t^(F-1) dt, 1/F^2 = int_0^1 t^(F-1) (-log t) dt, t = e^-s, and the
    # generating function E[t^(F-f)] = (p / (1 - q t))^f of the negative binomial.
    def phi(s: float) -> float:
        return (p / (np.expm1(s) + p)) ** f

    e1 = e2 = 0.0
    cuts = sorted({0.0, p / f, p, 1.0}) + [np.inf]  # the mass lies within about p / f of 0
    with np.errstate(over="ignore"):
        for a, b in zip(cuts[:-1], cuts[1:], strict=True):
            e1 += integrate.quad(phi, a, b, epsabs=0, epsrel=1e-10, limit=200)[0]
            e2 += integrate.quad(lambda s: s * phi(s), a, b, epsabs=0, epsrel=1e-10, limit=200)[0]
    return e1, e2


def inverse_moments(fk: np.ndarray, pk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``E[1/F]`` and ``E[1/F^2]`` when ``F - f`` is negative binomial (``f`` successes, probability ``p``).

    The model of Benedetti and Franconi for the population frequency ``F_k`` of a key combination
    seen ``f_k`` times in the sample; ``E[1/F]`` is the exact individual risk and
    ``E[1/F^2] - E[1/F]^2`` the variance of ``1/F``. Computed by quadrature of the integrals
    ``int_0^inf s^j (p / (e^s - 1 + p))^f ds`` (``j = 0, 1``); where ``p = 1``, ``F = f``.

    Parameters
    ----------
    fk : numpy.ndarray
        Sample frequencies (at least 1).
    pk : numpy.ndarray
        Sampling fractions ``fk / Fk`` in (0, 1].

    Returns
    -------
    tuple of numpy.ndarray
        ``E[1/F]`` and ``E[1/F^2]``, one value per ``(fk, pk)``.

    Examples
    --------
    With ``f = 1``, ``F`` is geometric: ``E[1/F] = p/q log(1/p)`` and ``E[1/F^2] = p/q Li2(q)``.

    >>> from scipy.special import spence
    >>> e1, e2 = inverse_moments(np.array([1.0]), np.array([0.1]))
    >>> np.allclose([e1[0], e2[0]], [0.1 / 0.9 * np.log(10), 0.1 / 0.9 * spence(0.1)])
    True
    """
    f = np.asarray(fk, dtype=float)
    p = np.asarray(pk, dtype=float)
    e1, e2 = np.empty(f.shape), np.empty(f.shape)
    cache: dict[tuple[float, float], tuple[float, float]] = {}
    for i, (fi, pi) in enumerate(zip(f.ravel(), p.ravel(), strict=True)):
        if (fi, pi) not in cache:
            cache[(fi, pi)] = (1 / fi, 1 / fi ** 2) if pi >= 1 else _moments_one(fi, pi)
        e1.flat[i], e2.flat[i] = cache[(fi, pi)]
    return e1, e2


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
        ``rk`` per record; ``estimates`` (expected re-identifications, global risk) with the
        model's standard errors ``se``.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"a": [1, 1, 2], "w": [10.0, 10.0, 5.0]})
    >>> r = individual_risk(d, ["a"], "w")
    >>> r.rk.round(4)
    array([0.0827, 0.0827, 0.4024])
    >>> r.estimates.round(4).tolist(), r.se.round(4).tolist()
    ([0.5677, 0.1892], [0.3591, 0.1197])
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
    return RiskResult(method, rk, fk, Fk, freq.index, freq.classes)
