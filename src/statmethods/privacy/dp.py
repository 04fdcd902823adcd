"""Differentially private releases through OpenDP: counts, sums and means, Laplace or Gaussian.

The privacy unit is one person, who adds or removes one record (one contribution to one
cell of a count table). The budget is explicit: ``epsilon`` for the Laplace mechanism (pure
DP); for the Gaussian mechanism ``epsilon`` and ``delta`` are turned into a zero-concentrated
budget ``rho`` with ``epsilon = rho + 2 sqrt(rho log(1/delta))`` (Bun and Steinke 2016), and
OpenDP's privacy map confirms that the measurement spends no more than that. Intervals come
from OpenDP's accuracy functions: the noise exceeds the half-width with probability at most
``1 - confidence``.

OpenDP draws its noise from the operating system's randomness, so releases cannot be seeded.
:func:`simulate_counts` draws the same discrete noise from a seeded numpy generator for
coverage checks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._summary import Summary

__all__ = ["DPRelease", "dp_counts", "dp_mean", "dp_sum", "gaussian_rho", "integer_postprocess",
           "simulate_counts"]

MECHANISMS = ("laplace", "gaussian")


def _dp():
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp


def _check_budget(epsilon: float, mechanism: str, delta: float) -> None:
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float) or not epsilon > 0 \
            or not math.isfinite(epsilon):
        raise ValueError(f"epsilon must be a positive number, got {epsilon!r}. Fix: give epsilon > 0, "
                         "for example 1.0")
    if mechanism not in MECHANISMS:
        raise ValueError(f"mechanism must be one of {MECHANISMS}, got {mechanism!r}")
    if mechanism == "gaussian" and not 0 < delta < 1:
        raise ValueError(f"delta must be in (0, 1) for the Gaussian mechanism, got {delta!r}")


def gaussian_rho(epsilon: float, delta: float) -> float:
    """The zCDP budget ``rho`` whose (epsilon, delta) conversion equals ``epsilon``.

    Examples
    --------
    >>> round(gaussian_rho(1.0, 1e-6), 5)
    0.01747
    """
    ln = math.log(1 / delta)
    return (math.sqrt(ln + epsilon) - math.sqrt(ln)) ** 2


@dataclass(frozen=True)
class DPRelease:
    """A differentially private release: noisy ``estimates`` with their noise ``se``."""

    statistic: str
    mechanism: str
    epsilon: float
    delta: float
    rho: float | None
    scale: float
    labels: list[str]
    true: np.ndarray | None
    estimates: np.ndarray
    se: float
    confidence: float
    privacy_spent: float

    def accuracy(self, confidence: float | None = None) -> float:
        """Half-width ``a`` with ``P(|noise| > a) <= 1 - confidence`` (OpenDP's accuracy function)."""
        dp = _dp()
        conf = self.confidence if confidence is None else confidence
        discrete = self.statistic == "count"
        if self.mechanism == "laplace":
            f = dp.discrete_laplacian_scale_to_accuracy if discrete else dp.laplacian_scale_to_accuracy
        else:
            f = dp.discrete_gaussian_scale_to_accuracy if discrete else dp.gaussian_scale_to_accuracy
        return float(f(self.scale, 1 - conf))

    def conf_int(self, confidence: float | None = None) -> np.ndarray:
        """Intervals ``estimate +- a`` from OpenDP's accuracy function (columns low, high)."""
        a = self.accuracy(confidence)
        return np.column_stack([self.estimates - a, self.estimates + a])

    def table(self) -> pd.DataFrame:
        ci = self.conf_int()
        t = pd.DataFrame({"cell": self.labels, "noisy": self.estimates, "ci_low": ci[:, 0],
                          "ci_high": ci[:, 1]})
        if self.true is not None:
            t.insert(1, "true", self.true)
        return t

    def summary(self) -> Summary:
        head = {"statistic": self.statistic, "mechanism": self.mechanism, "epsilon": f"{self.epsilon:g}",
                "noise scale": f"{self.scale:.4g}", "noise s.e.": f"{self.se:.4g}",
                f"{self.confidence:.0%} half-width": f"{self.accuracy():.4g}"}
        if self.mechanism == "gaussian":
            head["delta"] = f"{self.delta:g}"
            head["rho (zCDP)"] = f"{self.rho:.4g}"
        return Summary("Differentially private release (OpenDP)", head,
                       self.table().drop(columns=["true"], errors="ignore"))


def _finish(stat, mechanism, epsilon, delta, rho, scale, labels, true, noisy, confidence, spent, discrete):
    se = scale * math.sqrt(2) if mechanism == "laplace" else scale
    r = DPRelease(stat, mechanism, float(epsilon), float(delta), rho, float(scale), list(labels),
                  None if true is None else np.asarray(true, float), np.asarray(noisy, float), se,
                  confidence, float(spent))
    return r


def dp_counts(counts: Sequence[int] | pd.Series, epsilon: float, mechanism: str = "laplace",
              delta: float = 1e-6, confidence: float = 0.95,
              labels: Sequence[str] | None = None) -> DPRelease:
    """Noisy counts of a table in which each person is in one cell (add/remove sensitivity 1).

    Examples
    --------
    >>> r = dp_counts([10, 20, 5], epsilon=1.0)
    >>> r.scale, r.privacy_spent
    (1.0, 1.0)
    """
    _check_budget(epsilon, mechanism, delta)
    x = np.asarray(counts)
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("counts must be non-negative whole numbers")
    labels = list(map(str, labels if labels is not None else (counts.index if isinstance(counts, pd.Series)
                                                              else range(len(x)))))
    dp = _dp()
    if mechanism == "laplace":
        scale, rho = 1.0 / epsilon, None
        meas = dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale)
        spent = meas.map(1)
    else:
        rho = gaussian_rho(epsilon, delta)
        scale = 1.0 / math.sqrt(2 * rho)
        meas = dp.m.make_gaussian(dp.vector_domain(dp.atom_domain(T=int)), dp.l2_distance(T=int), scale=scale)
        spent = meas.map(1)
        if spent > rho * (1 + 1e-9):
            raise AssertionError("OpenDP's privacy map exceeds the budget")
    noisy = meas([int(v) for v in x])
    return _finish("count", mechanism, epsilon, delta, rho, scale, labels, x, noisy, confidence, spent, True)


def _numeric(values, bounds):
    v = np.asarray(values, float)
    if not np.all(np.isfinite(v)):
        raise ValueError("values have missing or infinite entries. Fix: drop or impute them first")
    lo, hi = map(float, bounds)
    if not lo < hi:
        raise ValueError(f"bounds must be (lower, upper) with lower < upper, got {bounds!r}")
    return v, lo, hi


def dp_sum(values: Sequence[float], bounds: tuple[float, float], epsilon: float, mechanism: str = "laplace",
           delta: float = 1e-6, confidence: float = 0.95) -> DPRelease:
    """Noisy sum of values clamped to ``bounds`` (add/remove one record).

    Examples
    --------
    >>> r = dp_sum([1.0, 2.0, 3.0], (0.0, 10.0), epsilon=1.0)
    >>> round(r.scale, 1)
    10.0
    """
    _check_budget(epsilon, mechanism, delta)
    v, lo, hi = _numeric(values, bounds)
    dp = _dp()
    sens = max(abs(lo), abs(hi))
    dom = (dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.symmetric_distance())
    pre = dom >> dp.t.then_clamp((lo, hi)) >> dp.t.then_sum()
    if mechanism == "laplace":
        scale, rho = sens / epsilon, None
        meas = pre >> dp.m.then_laplace(scale=scale)
    else:
        rho = gaussian_rho(epsilon, delta)
        scale = sens / math.sqrt(2 * rho)
        meas = pre >> dp.m.then_gaussian(scale=scale)
    spent = meas.map(1)
    budget = epsilon if mechanism == "laplace" else rho
    scale_used = scale
    while spent > budget * (1 + 1e-9):  # OpenDP accounts for float rounding in the sum
        scale_used *= 1.001
        meas = pre >> (dp.m.then_laplace(scale=scale_used) if mechanism == "laplace"
                       else dp.m.then_gaussian(scale=scale_used))
        spent = meas.map(1)
    noisy = meas(v.tolist())
    return _finish("sum", mechanism, epsilon, delta, rho, scale_used, ["sum"], [np.clip(v, lo, hi).sum()],
                   [noisy], confidence, spent, False)


def dp_mean(values: Sequence[float], bounds: tuple[float, float], epsilon: float, mechanism: str = "laplace",
            delta: float = 1e-6, confidence: float = 0.95) -> DPRelease:
    """Noisy mean of clamped values, the number of records ``n`` being public (change one record).

    Examples
    --------
    >>> r = dp_mean([1.0, 2.0, 3.0, 4.0], (0.0, 10.0), epsilon=1.0)
    >>> round(r.scale, 3)
    2.5
    """
    _check_budget(epsilon, mechanism, delta)
    v, lo, hi = _numeric(values, bounds)
    n = len(v)
    dp = _dp()
    dom = (dp.vector_domain(dp.atom_domain(T=float, nan=False), size=n), dp.symmetric_distance())
    pre = dom >> dp.t.then_clamp((lo, hi)) >> dp.t.then_mean()
    sens = (hi - lo) / n
    if mechanism == "laplace":
        scale, rho = sens / epsilon, None
    else:
        rho = gaussian_rho(epsilon, delta)
        scale = sens / math.sqrt(2 * rho)
    budget = epsilon if mechanism == "laplace" else rho
    while True:
        meas = pre >> (dp.m.then_laplace(scale=scale) if mechanism == "laplace"
                       else dp.m.then_gaussian(scale=scale))
        spent = meas.map(2)  # one record changed = distance 2 in the symmetric metric
        if spent <= budget * (1 + 1e-9):
            break
        scale *= 1.001
    noisy = meas(v.tolist())
    return _finish("mean", mechanism, epsilon, delta, rho, scale, ["mean"], [np.clip(v, lo, hi).mean()],
                   [noisy], confidence, spent, False)


def simulate_counts(counts: Sequence[int], scale: float, mechanism: str, n_replicates: int,
                    rng: np.random.Generator) -> np.ndarray:
    """Seeded draws of the discrete Laplace or discrete Gaussian mechanism, shape (n_replicates, cells).

    Discrete Laplace is the difference of two geometric variables with ``p = 1 - exp(-1/scale)``;
    the discrete Gaussian is drawn by rejection from it (Canonne, Kamath and Steinke 2020).
    """
    x = np.asarray(counts, np.int64)
    shape = (n_replicates, len(x))
    if mechanism == "laplace":
        p = 1 - math.exp(-1 / scale)
        return x + rng.geometric(p, shape) - rng.geometric(p, shape)
    t = max(1, math.floor(scale)) if scale >= 1 else 1
    out = np.empty(shape, np.int64)
    flat = out.reshape(-1)
    filled = 0
    while filled < flat.size:
        m = 2 * (flat.size - filled) + 16
        p = 1 - math.exp(-1 / t)
        y = rng.geometric(p, m) - rng.geometric(p, m)
        acc = rng.random(m) < np.exp(-((np.abs(y) - scale**2 / t) ** 2) / (2 * scale**2))
        y = y[acc][: flat.size - filled]
        flat[filled:filled + len(y)] = y
        filled += len(y)
    return x + out


def integer_postprocess(noisy: Sequence[float], total: float) -> np.ndarray:
    """Non-negative integers closest (least squares) to ``noisy`` that add up to ``total``.

    Projects onto the simplex ``{y >= 0, sum y = total}``, then rounds by largest remainders.
    Post-processing spends no privacy budget.

    Examples
    --------
    >>> integer_postprocess([3.6, -1.2, 7.9], 11).tolist()
    [3, 0, 8]
    """
    z = np.asarray(noisy, float)
    total = float(total)
    if total < 0 or total != round(total):
        raise ValueError("total must be a non-negative whole number")
    u = np.sort(z)[::-1]
    css = np.cumsum(u) - total
    rho_i = np.nonzero(u - css / np.arange(1, len(u) + 1) > 0)[0][-1]
    theta = css[rho_i] / (rho_i + 1)
    y = np.maximum(z - theta, 0)
    base = np.floor(y).astype(int)
    short = int(round(total - base.sum()))
    if short > 0:
        base[np.argsort(-(y - base), kind="stable")[:short]] += 1
    return base
