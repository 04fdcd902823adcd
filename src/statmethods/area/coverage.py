"""Interval coverage of any estimator against a known truth, with its Monte Carlo standard error.

:func:`interval_coverage` takes replicate estimates, their standard errors and the truth and
returns an :class:`IntervalCoverage`: the coverage rate of the intervals ``estimate ± z SE`` of
each target (``estimates``) with its Monte Carlo standard error ``sqrt(c (1 - c) / R)``
(``se``). The results of the simulators of :mod:`statmethods.area.simulators` are here too:
:class:`CoverageSimulation` (resampling a known map), :class:`AccuracySimulation`,
:class:`RegressionSimulation` and :class:`FayHerriotSimulation`. In every one of them
``estimates`` are coverage rates and ``se`` their Monte Carlo SEs; the replicate draws have
their own names (``draws``, ``estimate_draws``).

Examples
--------
>>> rng = np.random.default_rng(0)
>>> cov = interval_coverage(rng.normal(0, 1, size=4000), np.ones(4000), 0.0, 0.95)
>>> round(float(cov.estimates.iloc[0]), 3), round(float(cov.se.iloc[0]), 4)
(0.952, 0.0034)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._summary import Summary
from ..results import EstimateResult
from ..validation import confidence as confidence_level

__all__ = [
    "AccuracySimulation",
    "CoverageSimulation",
    "FayHerriotSimulation",
    "IntervalCoverage",
    "RegressionSimulation",
    "interval_coverage",
]


@dataclass(frozen=True)
class CoverageSimulation(EstimateResult):
    """Monte Carlo sampling distribution of stratified area estimates against the known truth.

    ``estimates`` are the coverage rates of the area intervals, one per class, and ``se`` their
    Monte Carlo standard errors. The replicates are in ``draws`` (estimated area proportions,
    ``n_replicates x k``) and ``draw_se`` (their estimated SEs); ``true_prop`` and ``map_prop``
    are the true and the pixel-counting proportions.

    Overrides: :meth:`table` (truth, pixel counting, bias, RMSE and coverage per class, in ha)
    and :meth:`summary`.
    """

    class_names: list[str]
    population: np.ndarray
    allocation: np.ndarray
    draws: np.ndarray
    draw_se: np.ndarray
    confidence: float
    pixel_area: float
    title = "Repeated stratified sampling against the known truth"

    @property
    def n_replicates(self) -> int:
        return int(self.draws.shape[0])

    @property
    def estimates(self) -> pd.Series:
        """Coverage rate of the area interval of each class."""
        return pd.Series(self.covered.mean(axis=0), index=self.class_names, name="coverage")

    @property
    def se(self) -> pd.Series:
        """Monte Carlo standard error of each coverage rate, ``sqrt(c (1 - c) / R)``."""
        c = self.estimates
        return np.sqrt(c * (1 - c) / self.n_replicates).rename("coverage_mcse")

    @property
    def total_area(self) -> float:
        return float(self.population.sum() * self.pixel_area)

    @property
    def true_prop(self) -> np.ndarray:
        return self.population.sum(axis=0) / self.population.sum()

    @property
    def map_prop(self) -> np.ndarray:
        return self.population.sum(axis=1) / self.population.sum()

    @property
    def covered(self) -> np.ndarray:
        """Whether each replicate's interval contains the true proportion (``R x k``)."""
        return np.abs(self.draws - self.true_prop) <= self.z * self.draw_se

    def table(self) -> pd.DataFrame:
        """Per class: truth, pixel counting and the stratified estimator's bias, RMSE and coverage (ha)."""
        a, r = self.total_area, self.n_replicates
        err = (self.draws - self.true_prop) * a
        cov = self.covered.mean(axis=0)
        return pd.DataFrame({
            "class": self.class_names,
            "sample_size": self.allocation,
            "true_area_ha": self.true_prop * a,
            "pixel_count_area_ha": self.map_prop * a,
            "pixel_count_bias_ha": (self.map_prop - self.true_prop) * a,
            "mean_estimate_ha": self.draws.mean(axis=0) * a,
            "bias_ha": err.mean(axis=0),
            "bias_mcse_ha": err.std(axis=0, ddof=1) / np.sqrt(r),
            "rmse_ha": np.sqrt((err**2).mean(axis=0)),
            "mean_se_ha": self.draw_se.mean(axis=0) * a,
            "coverage": cov,
            "coverage_mcse": np.sqrt(cov * (1 - cov) / r),
        })

    def summary(self) -> Summary:
        t = self.table().set_index("class")
        header = {
            "Design": "stratified random sample, strata = map classes",
            "Sample size": f"{int(self.allocation.sum())} ({', '.join(map(str, self.allocation))})",
            "Replicates": f"{self.n_replicates:,}",
            "Total area": f"{self.total_area:,.0f} ha",
            "Nominal coverage": f"{self.confidence:.0%}",
        }
        shown = pd.DataFrame({
            "true area": t["true_area_ha"].map("{:,.0f}".format),
            "pixel count": t["pixel_count_area_ha"].map("{:,.0f}".format),
            "count bias": t["pixel_count_bias_ha"].map("{:+,.0f}".format),
            "estimator bias": t["bias_ha"].map("{:+,.0f}".format),
            "± MC": (2 * t["bias_mcse_ha"]).map("{:,.0f}".format),
            "RMSE": t["rmse_ha"].map("{:,.0f}".format),
            "coverage": t["coverage"].map("{:.3f}".format),
        })
        return Summary(self.title, header, shown,
                       ["Areas in ha. '± MC' is twice the Monte Carlo standard error of the bias: "
                        "an estimator bias within it is indistinguishable from zero."])


@dataclass(frozen=True)
class IntervalCoverage(EstimateResult):
    """Monte Carlo coverage of normal intervals ``estimate ± z SE`` against a known truth.

    ``estimates`` are the coverage rates per target and ``se`` their Monte Carlo standard errors
    ``sqrt(c (1 - c) / R)`` (``R`` the replicates with a finite estimate and SE); the inherited
    :meth:`conf_int` gives intervals for the rates (Monte Carlo uncertainty only). The draws are
    kept: ``estimate_draws``, ``se_draws`` and ``truth``, each ``R x k``.

    Overrides: :meth:`table` (bias, empirical and mean estimated SE, interval length and
    coverage per target) and :meth:`summary` (adds the pooled coverage).
    """

    names: list[str]
    estimate_draws: np.ndarray
    se_draws: np.ndarray
    truth: np.ndarray
    confidence: float
    title = "Interval coverage against the known truth"

    @property
    def n_replicates(self) -> int:
        return int(self.estimate_draws.shape[0])

    @property
    def valid(self) -> np.ndarray:
        """Replicates whose estimate and SE are finite (``R x k``)."""
        return np.isfinite(self.estimate_draws) & np.isfinite(self.se_draws) & np.isfinite(self.truth)

    @property
    def covered(self) -> np.ndarray:
        """1 where the interval holds the truth, 0 where not, NaN where it is undefined (``R x k``)."""
        with np.errstate(invalid="ignore"):
            inside = (np.abs(self.estimate_draws - self.truth) <= self.z * self.se_draws).astype(float)
        return np.where(self.valid, inside, np.nan)

    def _series(self, v: np.ndarray, name: str) -> pd.Series:
        return pd.Series(v, index=self.names, name=name)

    @property
    def n_valid(self) -> pd.Series:
        return self._series(self.valid.sum(axis=0), "n_valid")

    @property
    def estimates(self) -> pd.Series:
        """Coverage rate of each target."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return self._series(np.nanmean(self.covered, axis=0), "coverage")

    @property
    def se(self) -> pd.Series:
        """Monte Carlo standard error of each coverage rate."""
        c = self.estimates
        return (np.sqrt(c * (1 - c) / self.n_valid.where(self.n_valid > 0))).rename("coverage_mcse")

    @property
    def pooled(self) -> tuple[float, float]:
        """Coverage over all targets together, and its Monte Carlo SE from the replicate means.

        Targets of one replicate (the areas of one simulated survey) are not independent, so
        the SE is that of the mean of the per-replicate coverages.
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            per_rep = np.nanmean(self.covered, axis=1)
        per_rep = per_rep[np.isfinite(per_rep)]
        sd = float(per_rep.std(ddof=1)) if per_rep.size > 1 else float("nan")
        return float(per_rep.mean()), sd / np.sqrt(per_rep.size)

    def table(self) -> pd.DataFrame:
        """Per target: mean estimate, truth, bias (with MC SE), empirical and mean estimated SE, coverage."""
        err = np.where(self.valid, self.estimate_draws - self.truth, np.nan)
        n = self.n_valid.to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            emp_se = np.nanstd(np.where(self.valid, self.estimate_draws, np.nan), axis=0, ddof=1)
            return pd.DataFrame({
                "truth": np.nanmean(np.where(self.valid, self.truth, np.nan), axis=0),
                "mean_estimate": np.nanmean(np.where(self.valid, self.estimate_draws, np.nan), axis=0),
                "bias": np.nanmean(err, axis=0),
                "bias_mcse": np.nanstd(err, axis=0, ddof=1) / np.sqrt(n),
                "rmse": np.sqrt(np.nanmean(err**2, axis=0)),
                "empirical_se": emp_se,
                "mean_se": np.nanmean(np.where(self.valid, self.se_draws, np.nan), axis=0),
                "mean_length": 2 * self.z * np.nanmean(np.where(self.valid, self.se_draws, np.nan), axis=0),
                "coverage": self.estimates.to_numpy(),
                "coverage_mcse": self.se.to_numpy(),
                "n_valid": n,
            }, index=pd.Index(self.names, name="target"))

    def summary(self) -> Summary:
        t = self.table()
        pooled, pooled_se = self.pooled
        header = {"Replicates": f"{self.n_replicates:,}", "Nominal coverage": f"{self.confidence:.0%}",
                  "Pooled coverage": f"{pooled:.3f} (MC SE {pooled_se:.3f})"}
        shown = pd.DataFrame({
            "bias": t["bias"].map("{:+.4g}".format), "empirical SE": t["empirical_se"].map("{:.4g}".format),
            "mean SE": t["mean_se"].map("{:.4g}".format), "coverage": t["coverage"].map("{:.3f}".format),
            "± MC": t["coverage_mcse"].map("{:.3f}".format),
        })
        return Summary(self.title, header, shown,
                       ["'± MC' is the Monte Carlo standard error of the coverage rate."])


def interval_coverage(estimate: npt.ArrayLike, se: npt.ArrayLike, truth: npt.ArrayLike,
                      confidence: float = 0.95, *,
                      names: Sequence[str] | None = None) -> IntervalCoverage:
    """Coverage of the intervals ``estimate ± z SE`` over Monte Carlo replicates, with its MC SE.

    Parameters
    ----------
    estimate, se : array_like, shape (R,) or (R, k)
        One estimate and its standard error per replicate (and target). NaN marks a replicate
        in which the estimator is undefined; it is left out of that target's rate.
    truth : array_like, broadcastable to (R, k)
        The true value of each target (fixed, shape (k,), or per replicate, shape (R, k)).
    confidence : float
        Nominal coverage, in (0, 1).
    names : sequence of str, optional
        Target names (default ``target 1``, ...).

    Returns
    -------
    IntervalCoverage
        ``estimates`` (coverage rates), ``se`` (their Monte Carlo SEs), ``table()``, ``summary()``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> est = rng.normal(0, 1, size=4000)
    >>> cov = interval_coverage(est, np.ones(4000), 0.0, 0.95)
    >>> round(float(cov.estimates.iloc[0]), 3), round(float(cov.se.iloc[0]), 4)
    (0.952, 0.0034)
    """
    level = confidence_level(confidence)
    est = np.asarray(estimate, dtype=float)
    if est.ndim == 1:
        est = est[:, None]
    if est.ndim != 2 or est.shape[0] < 1:
        raise ValueError(f"estimate must have shape (replicates,) or (replicates, targets), got {est.shape}")
    s = np.asarray(se, dtype=float)
    s = s[:, None] if s.ndim == 1 and est.shape[1] == 1 and s.shape[0] == est.shape[0] else s
    try:
        s = np.broadcast_to(s, est.shape)
        t = np.asarray(truth, dtype=float)
        t = t[:, None] if t.ndim == 1 and est.shape[1] == 1 and t.shape[0] == est.shape[0] else t
        t = np.broadcast_to(t, est.shape)
    except ValueError as exc:
        raise ValueError(f"se and truth must broadcast to the estimates' shape {est.shape}: {exc}") from exc
    if np.any(s[np.isfinite(s)] < 0):
        raise ValueError("standard errors cannot be negative")
    k = est.shape[1]
    labels = [f"target {i + 1}" for i in range(k)] if names is None else [str(n) for n in names]
    if len(labels) != k:
        raise ValueError(f"names has {len(labels)} names for {k} targets")
    return IntervalCoverage(labels, est, np.array(s), np.array(t), level)


_TARGETS = ("area", "users", "producers")


@dataclass(frozen=True)
class AccuracySimulation(EstimateResult):
    """Result of :func:`simulate_stratified_accuracy`: coverage of area and accuracy intervals.

    ``coverage`` maps ``"area"``, ``"users"``, ``"producers"`` and ``"overall"`` to an
    :class:`IntervalCoverage`; area draws are proportions (multiply by ``total_area``).
    ``rates`` is the class x target table of coverage rates; ``estimates`` and ``se`` are those
    rates and their Monte Carlo SEs as Series indexed by (target, class).

    Overrides: :meth:`table` (the rates by class, with the area bias) and :meth:`summary`.
    """

    class_names: list[str]
    sample_sizes: np.ndarray
    coverage: dict[str, IntervalCoverage]
    total_area: float
    confidence: float
    title = "Coverage of stratified area and accuracy intervals"

    @property
    def n_replicates(self) -> int:
        return self.coverage["area"].n_replicates

    @property
    def rates(self) -> pd.DataFrame:
        """Coverage rate per class (rows) of the area, user's and producer's accuracy intervals."""
        return pd.DataFrame({k: self.coverage[k].estimates for k in _TARGETS})

    @property
    def rates_mcse(self) -> pd.DataFrame:
        """Monte Carlo standard errors of :attr:`rates`."""
        return pd.DataFrame({k: self.coverage[k].se for k in _TARGETS})

    @property
    def estimates(self) -> pd.Series:
        """The coverage rates of :attr:`rates` as one Series indexed by (target, class)."""
        return pd.concat({k: self.coverage[k].estimates for k in _TARGETS}, names=["target", "class"])

    @property
    def se(self) -> pd.Series:
        """Monte Carlo standard errors of :attr:`estimates`."""
        return pd.concat({k: self.coverage[k].se for k in _TARGETS}, names=["target", "class"])

    def table(self) -> pd.DataFrame:
        """Per class: coverage of area, user's and producer's accuracy; area bias in area units."""
        t = self.rates.rename(columns={"users": "user's accuracy", "producers": "producer's accuracy"})
        t["area_bias"] = self.coverage["area"].table()["bias"].to_numpy() * self.total_area
        t["area_bias_mcse"] = self.coverage["area"].table()["bias_mcse"].to_numpy() * self.total_area
        return t

    def summary(self) -> Summary:
        o, o_se = self.coverage["overall"].estimates.iloc[0], self.coverage["overall"].se.iloc[0]
        header = {"Design": "stratified random sample, strata = map classes",
                  "Sample size": f"{int(self.sample_sizes.sum())} ({', '.join(map(str, self.sample_sizes))})",
                  "Replicates": f"{self.n_replicates:,}", "Nominal coverage": f"{self.confidence:.0%}",
                  "Overall accuracy coverage": f"{o:.3f} (MC SE {o_se:.3f})"}
        return Summary(self.title, header, self.table().round(3))


@dataclass(frozen=True)
class RegressionSimulation(EstimateResult):
    """Result of :func:`simulate_regression_estimator`.

    ``coverage`` covers the ``"regression"`` and ``"direct"`` estimators of the total;
    ``population`` is the synthetic frame (one row per unit) and ``true_total`` its total.
    ``estimates`` are the two coverage rates and ``se`` their Monte Carlo SEs.

    Overrides: :meth:`table` (relative bias, true and estimated SE, coverage per estimator)
    and :meth:`summary`.
    """

    response: str
    coverage: IntervalCoverage
    true_total: float
    population: pd.DataFrame
    confidence: float
    title = "Regression and direct estimators on a synthetic frame"

    @property
    def n_replicates(self) -> int:
        return self.coverage.n_replicates

    @property
    def estimates(self) -> pd.Series:
        """Coverage rate of the regression and of the direct intervals."""
        return self.coverage.estimates

    @property
    def se(self) -> pd.Series:
        """Monte Carlo standard errors of the coverage rates."""
        return self.coverage.se

    def table(self) -> pd.DataFrame:
        """Per estimator: relative bias (%), true (empirical) SE, mean estimated SE, coverage and MC SE."""
        t = self.coverage.table()
        return pd.DataFrame({
            "relative_bias_pct": 100 * (t["mean_estimate"] / self.true_total - 1),
            "true_se": t["empirical_se"], "mean_estimated_se": t["mean_se"],
            "coverage": t["coverage"], "coverage_mcse": t["coverage_mcse"],
        })

    def summary(self) -> Summary:
        header = {"Response": self.response, "True total": f"{self.true_total:,.1f}",
                  "Replicates": f"{self.n_replicates:,}", "Nominal coverage": f"{self.confidence:.0%}"}
        return Summary(self.title, header, self.table().round(3))


@dataclass(frozen=True)
class FayHerriotSimulation(EstimateResult):
    """Result of :func:`simulate_fay_herriot`: ``eblup`` and ``direct`` coverages over all areas.

    ``estimates`` are the pooled coverage rates of the EBLUP and direct intervals and ``se``
    their Monte Carlo SEs. ``mse_ratio`` is the empirical MSE of the EBLUP over the mean
    estimated MSE, per replicate.

    Overrides: :meth:`table` (adds the mean interval length) and :meth:`summary`.
    """

    eblup: IntervalCoverage
    direct: IntervalCoverage
    mse_ratio: np.ndarray
    confidence: float
    title = "Fay–Herriot intervals on a synthetic population"

    @property
    def n_replicates(self) -> int:
        return self.eblup.n_replicates

    @property
    def estimates(self) -> pd.Series:
        """Coverage over all areas of the EBLUP and of the direct intervals."""
        return pd.Series({"eblup": self.eblup.pooled[0], "direct": self.direct.pooled[0]}, name="coverage")

    @property
    def se(self) -> pd.Series:
        """Monte Carlo standard errors of the pooled coverage rates."""
        return pd.Series({"eblup": self.eblup.pooled[1], "direct": self.direct.pooled[1]},
                         name="coverage_mcse")

    def table(self) -> pd.DataFrame:
        """Coverage, its MC SE and the mean interval length of the EBLUP and direct intervals."""
        return pd.DataFrame({
            "coverage": self.estimates.to_numpy(), "coverage_mcse": self.se.to_numpy(),
            "mean interval length": [float(self.eblup.table()["mean_length"].mean()),
                                     float(self.direct.table()["mean_length"].mean())],
        }, index=pd.Index(["EBLUP ± z·√mse", "direct ± z·SE"]))

    def summary(self) -> Summary:
        header = {"Replicates": f"{self.n_replicates:,}", "Areas": str(len(self.eblup.names)),
                  "Nominal coverage": f"{self.confidence:.0%}",
                  "Empirical / estimated MSE": f"{float(np.mean(self.mse_ratio)):.3f}"}
        return Summary(self.title, header, self.table().round(3))
