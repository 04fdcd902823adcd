"""Differentially private releases through OpenDP: counts, sums and means, Laplace or Gaussian.

The privacy unit is one person. Two neighbour relations are offered for count tables:

- ``"add-remove"``: a neighbouring data set adds or removes one person, who is in one cell, so
  the count vector moves by 1 in L1 (and L2). Every published number must then be noisy: an
  exact total is not private at all under this relation.
- ``"change-one"``: a neighbouring data set changes one person's cell, the number of persons and
  any totals kept exact (invariants) being equal in both. The count vector moves by 2 in L1
  (1 in one cell, 1 in another), and OpenDP's privacy map of the same noise gives twice the
  loss; the noise scale is doubled so that the stated budget is still what the map gives.

The budget is explicit: ``epsilon`` for the Laplace mechanism (pure DP); for the Gaussian
mechanism ``epsilon`` and ``delta`` are turned into a zero-concentrated budget ``rho`` with
``epsilon = rho + 2 sqrt(rho log(1/delta))`` (Bun and Steinke 2016). The result keeps the OpenDP
measurement and the input distance ``d_in`` of its neighbour relation, and
``measurement.map(d_in)`` is the budget spent (:attr:`DPRelease.privacy_spent`). Intervals come
from OpenDP's accuracy functions: the noise exceeds the half-width with probability at most
``1 - confidence``.

OpenDP draws its noise from the operating system's randomness, so releases cannot be seeded.
:func:`simulate_counts` draws the same discrete noise from a seeded numpy generator for
coverage checks. A release holds only released values; the truth never enters it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import validation
from ..results import EstimateResult

if TYPE_CHECKING:
    from opendp.mod import Measurement

__all__ = ["NEIGHBOURS", "DPRelease", "count_measurement", "dp_counts", "dp_mean", "dp_sum", "gaussian_rho",
           "integer_postprocess", "simulate_counts"]

MECHANISMS = ("laplace", "gaussian")
NEIGHBOURS = {"add-remove": 1, "change-one": 2}  # L1 (and integer L2 bound) distance of the counts


def _dp():
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp


def _check_budget(epsilon: float, mechanism: str, delta: float, confidence: float = 0.95) -> float:
    validation.confidence(confidence)
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float) or not epsilon > 0 \
            or not math.isfinite(epsilon):
        validation.fail("epsilon", f"must be a positive number, got {epsilon!r}",
                        "give a finite epsilon > 0, for example 1.0 (an infinite budget protects nothing)")
    validation.choice(mechanism, "mechanism", MECHANISMS)
    if mechanism == "gaussian":
        validation.unit_interval(delta, "delta", open_=True)
    return float(epsilon)


def gaussian_rho(epsilon: float, delta: float) -> float:
    """The zCDP budget ``rho`` whose (epsilon, delta) conversion equals ``epsilon``.

    Examples
    --------
    >>> round(gaussian_rho(1.0, 1e-6), 5)
    0.01747
    """
    ln = math.log(1 / delta)
    return (math.sqrt(ln + epsilon) - math.sqrt(ln)) ** 2


class DPRelease(EstimateResult):
    """A differentially private release: noisy ``estimates``, their noise ``se`` and the accounting.

    ``conf_int`` is overridden: the interval is ``estimate +- a`` with ``a`` from OpenDP's accuracy
    function (a tail bound for the discrete or continuous noise), not a normal interval.
    ``measurement`` is the OpenDP measurement that made the release and ``d_in`` the distance
    of its neighbour relation; ``privacy_spent`` is ``measurement.map(d_in)`` (epsilon for
    Laplace, rho for Gaussian). Nothing in the release is confidential.
    """

    title = "Differentially private release (OpenDP)"

    def __init__(self, statistic: str, mechanism: str, epsilon: float, delta: float, rho: float | None,
                 scale: float, labels: Sequence[str], noisy: Sequence[float], confidence: float,
                 measurement: Measurement, d_in: int, neighbours: str) -> None:
        self.statistic, self.mechanism, self.neighbours = statistic, mechanism, neighbours
        self.epsilon, self.delta, self.rho, self.scale = float(epsilon), float(delta), rho, float(scale)
        self.labels = [str(x) for x in labels]
        self.estimates = pd.Series(np.asarray(noisy, float), index=self.labels, name="estimate")
        sd = scale * math.sqrt(2) if mechanism == "laplace" else scale
        self.se = pd.Series(sd, index=self.labels, name="se")
        self.confidence = validation.confidence(confidence)
        self.measurement, self.d_in = measurement, int(d_in)
        self.privacy_spent = float(measurement.map(d_in))

    @property
    def budget(self) -> float:
        """The stated budget in OpenDP's units: epsilon (Laplace) or rho (Gaussian)."""
        return self.epsilon if self.mechanism == "laplace" else float(self.rho)

    def accuracy(self, confidence: float | None = None) -> float:
        """Half-width ``a`` with ``P(|noise| > a) <= 1 - confidence`` (OpenDP's accuracy function)."""
        dp = _dp()
        conf = self.confidence if confidence is None else validation.confidence(confidence)
        discrete = self.statistic == "count"
        if self.mechanism == "laplace":
            f = dp.discrete_laplacian_scale_to_accuracy if discrete else dp.laplacian_scale_to_accuracy
        else:
            f = dp.discrete_gaussian_scale_to_accuracy if discrete else dp.gaussian_scale_to_accuracy
        return float(f(self.scale, 1 - conf))

    def conf_int(self, confidence: float | None = None) -> pd.DataFrame:
        """Intervals ``estimate +- a`` from OpenDP's accuracy function (columns lower, upper)."""
        a = self.accuracy(confidence)
        return pd.DataFrame({"lower": self.estimates - a, "upper": self.estimates + a})

    def _summary_header(self) -> dict[str, str]:
        head = {"statistic": self.statistic, "mechanism": self.mechanism, "neighbours": self.neighbours,
                "epsilon": f"{self.epsilon:g}", "noise scale": f"{self.scale:.4g}",
                "noise s.e.": f"{float(self.se.iloc[0]):.4g}",
                f"{self.confidence:.0%} half-width": f"{self.accuracy():.4g}",
                "OpenDP privacy map": f"{self.privacy_spent:.6g} at d_in = {self.d_in}"}
        if self.mechanism == "gaussian":
            head["delta"] = f"{self.delta:g}"
            head["rho (zCDP)"] = f"{self.rho:.4g}"
        return head


def count_measurement(mechanism: str, scale: float) -> Measurement:
    """OpenDP's discrete Laplace (L1) or discrete Gaussian (L2) measurement on an integer count vector.

    Examples
    --------
    >>> count_measurement("laplace", 2.0).map(2)
    1.0
    """
    dp = _dp()
    validation.choice(mechanism, "mechanism", MECHANISMS)
    dom = dp.vector_domain(dp.atom_domain(T=int))
    if mechanism == "laplace":
        return dp.m.make_laplace(dom, dp.l1_distance(T=int), scale=float(scale))
    return dp.m.make_gaussian(dom, dp.l2_distance(T=int), scale=float(scale))


def dp_counts(counts: Sequence[int] | pd.Series, epsilon: float, mechanism: str = "laplace",
              delta: float = 1e-6, confidence: float = 0.95, labels: Sequence[str] | None = None,
              neighbours: str = "add-remove") -> DPRelease:
    """Noisy counts of a table in which each person is in one cell.

    The noise is calibrated so that OpenDP's privacy map at the neighbour relation's distance
    (1 for ``"add-remove"``, 2 for ``"change-one"``, the relation under which exact totals may be
    published as invariants) equals the stated budget.

    Examples
    --------
    >>> r = dp_counts([10, 20, 5], epsilon=1.0)
    >>> r.scale, r.privacy_spent
    (1.0, 1.0)
    >>> r2 = dp_counts([10, 20, 5], epsilon=1.0, neighbours="change-one")
    >>> r2.scale, r2.d_in, r2.privacy_spent
    (2.0, 2, 1.0)
    """
    epsilon = _check_budget(epsilon, mechanism, delta, confidence)
    validation.choice(neighbours, "neighbours", list(NEIGHBOURS))
    d_in = NEIGHBOURS[neighbours]
    x = np.asarray(counts)
    if x.ndim != 1 or not np.all(np.isfinite(x.astype(float))) or np.any(x < 0) or np.any(x != np.round(x)):
        validation.fail("counts", "must be non-negative whole numbers", "give the counts of a table")
    labels = list(map(str, labels if labels is not None else (counts.index if isinstance(counts, pd.Series)
                                                              else range(len(x)))))
    if mechanism == "laplace":
        rho = None
        scale = d_in / epsilon
    else:
        rho = gaussian_rho(epsilon, delta)
        scale = d_in / math.sqrt(2 * rho)
    meas = count_measurement(mechanism, scale)
    budget = epsilon if rho is None else rho
    if meas.map(d_in) > budget * (1 + 1e-9):
        raise AssertionError("OpenDP's privacy map exceeds the budget")
    noisy = meas([int(v) for v in x])
    return DPRelease("count", mechanism, epsilon, delta, rho, scale, labels, noisy, confidence, meas, d_in,
                     neighbours)


def _numeric(values, bounds):
    v = np.asarray(values, float)
    if not np.all(np.isfinite(v)):
        validation.fail("values", "have missing or infinite entries", "drop or impute them first")
    lo, hi = map(float, bounds)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        validation.fail("bounds", f"must be finite (lower, upper) with lower < upper, got {bounds!r}",
                        "give the clamp, e.g. (0, 99)")
    return v, lo, hi


def _calibrated(pre: object, mechanism: str, scale: float, budget: float,
                d_in: int) -> tuple[Measurement, float]:
    dp = _dp()
    while True:  # OpenDP accounts for float rounding, so the map may exceed the ideal scale's budget
        noise = dp.m.then_laplace(scale=scale) if mechanism == "laplace" else dp.m.then_gaussian(scale=scale)
        meas = pre >> noise
        if meas.map(d_in) <= budget * (1 + 1e-9):
            return meas, scale
        scale *= 1.001


def dp_sum(values: Sequence[float], bounds: tuple[float, float], epsilon: float, mechanism: str = "laplace",
           delta: float = 1e-6, confidence: float = 0.95) -> DPRelease:
    """Noisy sum of values clamped to ``bounds`` (add/remove one record).

    Examples
    --------
    >>> r = dp_sum([1.0, 2.0, 3.0], (0.0, 10.0), epsilon=1.0)
    >>> round(r.scale, 1)
    10.0
    """
    epsilon = _check_budget(epsilon, mechanism, delta, confidence)
    v, lo, hi = _numeric(values, bounds)
    dp = _dp()
    sens = max(abs(lo), abs(hi))
    dom = (dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.symmetric_distance())
    pre = dom >> dp.t.then_clamp((lo, hi)) >> dp.t.then_sum()
    rho = None if mechanism == "laplace" else gaussian_rho(epsilon, delta)
    scale = sens / epsilon if rho is None else sens / math.sqrt(2 * rho)
    meas, scale = _calibrated(pre, mechanism, scale, epsilon if rho is None else rho, 1)
    return DPRelease("sum", mechanism, epsilon, delta, rho, scale, ["sum"], [meas(v.tolist())], confidence,
                     meas, 1, "add-remove")


def dp_mean(values: Sequence[float], bounds: tuple[float, float], epsilon: float, mechanism: str = "laplace",
            delta: float = 1e-6, confidence: float = 0.95) -> DPRelease:
    """Noisy mean of clamped values, the number of records ``n`` being public (change one record).

    Examples
    --------
    >>> r = dp_mean([1.0, 2.0, 3.0, 4.0], (0.0, 10.0), epsilon=1.0)
    >>> round(r.scale, 3)
    2.5
    """
    epsilon = _check_budget(epsilon, mechanism, delta, confidence)
    v, lo, hi = _numeric(values, bounds)
    n = len(v)
    dp = _dp()
    dom = (dp.vector_domain(dp.atom_domain(T=float, nan=False), size=n), dp.symmetric_distance())
    pre = dom >> dp.t.then_clamp((lo, hi)) >> dp.t.then_mean()
    sens = (hi - lo) / n
    rho = None if mechanism == "laplace" else gaussian_rho(epsilon, delta)
    scale = sens / epsilon if rho is None else sens / math.sqrt(2 * rho)
    # one record changed = distance 2 in the symmetric metric
    meas, scale = _calibrated(pre, mechanism, scale, epsilon if rho is None else rho, 2)
    return DPRelease("mean", mechanism, epsilon, delta, rho, scale, ["mean"], [meas(v.tolist())], confidence,
                     meas, 2, "change-one")


def simulate_counts(counts: Sequence[int], scale: float, mechanism: str, n_replicates: int,
                    rng: np.random.Generator) -> np.ndarray:
    """Seeded draws of the discrete Laplace or discrete Gaussian mechanism, shape (n_replicates, cells).

    Discrete Laplace is the difference of two geometric variables with ``p = 1 - exp(-1/scale)``;
    the discrete Gaussian is drawn by rejection from it (Canonne, Kamath and Steinke 2020).

    Examples
    --------
    >>> simulate_counts([10, 0], 1.0, "laplace", 3, np.random.default_rng(0)).shape
    (3, 2)
    """
    scale = validation.positive(scale, "scale")
    n_replicates = validation.positive_int(n_replicates, "n_replicates")
    validation.choice(mechanism, "mechanism", MECHANISMS)
    rng = validation.rng(rng, "rng")
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
    if not math.isfinite(total) or total < 0 or total != round(total):
        validation.fail("total", f"must be a non-negative whole number, got {total!r}",
                        "give the (rounded) total that the counts must add up to")
    if len(z) == 0 or not np.all(np.isfinite(z)):
        validation.fail("noisy", "must be a non-empty vector of finite numbers", "give the noisy counts")
    if total == 0:
        return np.zeros(len(z), int)
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
