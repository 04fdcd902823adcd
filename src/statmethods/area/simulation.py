"""Repeated stratified sampling from a map whose truth is known: bias, RMSE and coverage.

When a complete reference map is available (here a simulation in which one map plays the role
of the ground truth), the sampling distribution of the stratified area estimator can be
computed by drawing many reference samples. Within each map stratum, a simple random sample
of ``n_h`` pixels without replacement from ``N_h`` pixels, ``N_hj`` of which belong to reference
class ``j``, yields counts ``(n_h1, ..., n_hk)`` that follow the multivariate hypergeometric
distribution. :func:`simulate_sample_counts` draws those counts directly for all replicates
at once, which is exactly equivalent to drawing the pixels and cross-tabulating them
(:func:`coverage_simulation_loop` does the latter, one replicate at a time), and
:func:`coverage_simulation` feeds them to
:func:`statmethods.area.accuracy.stratified_estimates_batch`.

Interval coverage of any estimator is measured by :func:`interval_coverage` (estimate, SE,
truth, confidence -> coverage rate with its Monte Carlo standard error). One simulator per
estimator builds a synthetic population whose truth is known, draws repeated samples and returns
those coverages: :func:`simulate_stratified_accuracy` (stratified area and accuracy estimators),
:func:`simulate_regression_estimator` (regression and direct expansion estimators) and
:func:`simulate_fay_herriot` (Fay–Herriot EBLUP and direct estimates).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._summary import Summary
from ..results import EstimateResult
from ..validation import z_quantile
from .accuracy import _validate, counts_from_samples, stratified_area_estimate, stratified_estimates_batch

if TYPE_CHECKING:
    from .small_area import FayHerriotResult

__all__ = [
    "AccuracySimulation",
    "CoverageSimulation",
    "FayHerriotSimulation",
    "IntervalCoverage",
    "RegressionSimulation",
    "interval_coverage",
    "simulate_fay_herriot",
    "simulate_regression_estimator",
    "simulate_stratified_accuracy",
    "cap_allocation",
    "coverage_simulation",
    "coverage_simulation_loop",
    "draw_stratified_sample",
    "population_confusion",
    "simulate_sample_counts",
]


def _codes(values: Any, classes: Sequence, what: str) -> np.ndarray:
    v = np.asarray(values).ravel()
    legend = pd.Index(list(classes))
    if not legend.is_unique:
        raise ValueError(f"classes must be unique, got {list(classes)}")
    codes = legend.get_indexer(v).astype(np.int64)
    if np.any(codes < 0):
        bad = pd.unique(v[codes < 0])[:5]
        raise ValueError(
            f"{what} holds value(s) {list(bad)} that are not in classes {list(classes)}; "
            "add them to classes, recode them (e.g. into an 'other' class) or mask them out first"
        )
    return codes


def population_confusion(map_classes: Any, reference_classes: Any, classes: Sequence) -> pd.DataFrame:
    """Full-population confusion matrix ``N_ij``: pixels of map class i and reference class j.

    Parameters
    ----------
    map_classes, reference_classes : array_like
        The map and the reference (truth) on the same grid, any shape; flattened.
    classes : sequence
        The legend, in matrix order; every value must be one of these.

    Returns
    -------
    pandas.DataFrame
        ``k x k`` integer counts, rows = map class, columns = reference class.

    Examples
    --------
    >>> population_confusion([1, 1, 2, 2], [1, 2, 2, 2], [1, 2]).to_numpy().tolist()
    [[1, 1], [0, 2]]
    """
    m = _codes(map_classes, classes, "map_classes")
    r = _codes(reference_classes, classes, "reference_classes")
    if m.size != r.size:
        raise ValueError(
            f"map_classes has {m.size} pixels but reference_classes has {r.size}; put both on one grid "
            "first (statmethods.imagery.align.align_categorical)"
        )
    k = len(classes)
    n = np.bincount(m * k + r, minlength=k * k).reshape(k, k)
    out = pd.DataFrame(n, index=list(classes), columns=list(classes))
    out.index.name, out.columns.name = "map", "reference"
    return out


def _check_allocation(allocation: Any, stratum_sizes: np.ndarray, names: Sequence) -> np.ndarray:
    alloc = np.asarray(allocation)
    k = stratum_sizes.size
    if alloc.shape != (k,):
        raise ValueError(f"allocation needs one sample size per stratum ({k}), got shape {alloc.shape}")
    if not np.all(alloc == np.round(alloc)) or np.any(alloc < 0):
        raise ValueError("allocation must be non-negative whole numbers of pixels")
    alloc = alloc.astype(np.int64)
    over = np.flatnonzero(alloc > stratum_sizes)
    if over.size:
        h = over[0]
        raise ValueError(
            f"allocation asks for {alloc[h]} pixels in stratum {names[h]!r}, which has only "
            f"{stratum_sizes[h]}; lower its allocation (e.g. allocate_sample(..., method='proportional')) "
            "or merge the class with another"
        )
    return alloc


def cap_allocation(allocation: Sequence[int] | np.ndarray, stratum_sizes: Sequence[int] | np.ndarray
                   ) -> np.ndarray:
    """Cap each stratum's sample at its size and give the excess to the other strata.

    A stratum smaller than its allocation is taken whole (a census of that stratum); the pixels
    it cannot absorb are shared among the remaining strata in proportion to their allocation,
    repeatedly, so the total is kept whenever the strata hold enough pixels.

    Parameters
    ----------
    allocation : sequence of int
        Sample size per stratum, e.g. from :func:`statmethods.area.allocate_sample`.
    stratum_sizes : sequence of int
        Number of pixels in each stratum.

    Returns
    -------
    ndarray of int

    Raises
    ------
    ValueError
        If the strata together hold fewer pixels than the total sample size.

    Examples
    --------
    >>> cap_allocation([500, 500, 500, 500], [11, 10_000, 20_000, 70_000]).tolist()
    [11, 663, 663, 663]
    """
    a = np.asarray(allocation, dtype=np.int64).copy()
    size = np.asarray(stratum_sizes, dtype=np.int64)
    if a.shape != size.shape or np.any(a < 0) or np.any(size < 0):
        raise ValueError("allocation and stratum_sizes need one non-negative whole number per stratum each")
    total = int(a.sum())
    if total > size.sum():
        raise ValueError(f"the sample of {total} pixels is larger than the {int(size.sum())} pixels of "
                         "all strata; lower the sample size")
    while True:
        full = a >= size
        excess = int((a - size)[full].sum())
        a = np.minimum(a, size)
        if excess == 0:
            return a
        room = np.where(full, 0, size - a)
        share = np.where(room > 0, np.maximum(a, 1), 0).astype(float)
        extra = excess * share / share.sum()
        add = np.floor(extra).astype(np.int64)
        rest = excess - int(add.sum())
        order = np.argsort(-(extra - add), kind="stable")
        add[order[:rest]] += 1
        a = a + add


def draw_stratified_sample(strata: Any, allocation: Sequence[int] | np.ndarray, classes: Sequence, *,
                           rng: np.random.Generator) -> pd.DataFrame:
    """Draw one stratified random sample of pixels, without replacement within each stratum.

    Parameters
    ----------
    strata : array_like, 1-D or 2-D
        The map whose classes are the strata (e.g. a land-cover map on its grid).
    allocation : sequence of int
        Sample size per stratum, in the order of ``classes`` (e.g. from
        :func:`statmethods.area.allocate_sample`).
    classes : sequence
        The strata; values of ``strata`` not listed here are never sampled (masked pixels).
    rng : numpy.random.Generator
        Source of randomness (``numpy.random.default_rng(seed)``).

    Returns
    -------
    pandas.DataFrame
        One row per sampled pixel: ``stratum``, flat ``index`` into ``strata`` and, for a 2-D
        map, ``row`` and ``col``.

    Examples
    --------
    >>> m = np.array([[1, 1, 2], [2, 2, 2]])
    >>> s = draw_stratified_sample(m, [1, 2], [1, 2], rng=np.random.default_rng(0))
    >>> s["stratum"].tolist()
    [1, 2, 2]
    """
    arr = np.asarray(strata)
    flat = arr.ravel()
    classes = list(classes)
    members = [np.flatnonzero(flat == c) for c in classes]
    alloc = _check_allocation(allocation, np.array([m.size for m in members]), classes)
    idx = [np.sort(rng.choice(m, size=n, replace=False)) for m, n in zip(members, alloc, strict=True)]
    out = pd.DataFrame({"stratum": np.repeat(np.array(classes, dtype=object), alloc),
                        "index": np.concatenate(idx) if idx else np.array([], dtype=np.int64)})
    out["stratum"] = out["stratum"].astype(np.asarray(classes).dtype)
    if arr.ndim == 2:
        out["row"], out["col"] = np.divmod(out["index"].to_numpy(), arr.shape[1])
    return out


def simulate_sample_counts(population: Any, allocation: Sequence[int] | np.ndarray, n_replicates: int, *,
                           rng: np.random.Generator) -> np.ndarray:
    """Sample confusion matrices of many stratified samples at once.

    Row ``h`` of each replicate is a multivariate hypergeometric draw of ``n_h`` pixels from
    the ``N_h1, ..., N_hk`` pixels of stratum ``h``: the distribution of the counts of a simple
    random sample without replacement.

    Parameters
    ----------
    population : array_like, shape (k, k)
        Population confusion matrix ``N_ij`` (rows = map stratum), from :func:`population_confusion`.
    allocation : sequence of int, length k
        Sample size per stratum.
    n_replicates : int
        Number of samples.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of int, shape (n_replicates, k, k)
    """
    pop = np.asarray(population, dtype=np.int64)
    k = pop.shape[0]
    if pop.ndim != 2 or pop.shape != (k, k) or np.any(pop < 0):
        raise ValueError("population must be a square matrix of non-negative pixel counts (map x reference)")
    if not (isinstance(n_replicates, int | np.integer) and n_replicates >= 1):
        raise ValueError(f"n_replicates must be a positive integer, got {n_replicates!r}")
    alloc = _check_allocation(allocation, pop.sum(axis=1), [f"stratum {h + 1}" for h in range(k)])
    out = np.zeros((n_replicates, k, k), dtype=np.int64)
    for h in range(k):
        if alloc[h] > 0:
            out[:, h, :] = rng.multivariate_hypergeometric(pop[h], int(alloc[h]), size=n_replicates,
                                                           method="marginals")
    return out


def _estimate(counts: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Area proportions and SEs; strata with no mapped area carry no weight and no sample."""
    counts = counts.astype(float).copy()
    empty = weights == 0
    if np.any(empty):  # a placeholder row keeps the batch arithmetic finite; its weight is zero
        idx = np.flatnonzero(empty)
        counts[..., idx, :] = 0
        counts[..., idx, idx] = 2
    est = stratified_estimates_batch(counts, weights)
    return est["area_prop"], est["area_prop_se"]


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


def coverage_simulation(population: Any, allocation: Sequence[int] | np.ndarray, *, n_replicates: int = 1000,
                        seed: int = 0, confidence: float = 0.95, pixel_area: float = 0.09,
                        class_names: Sequence[str] | None = None) -> CoverageSimulation:
    """Bias, RMSE and interval coverage of the stratified area estimator, vectorised.

    Parameters
    ----------
    population : array_like or DataFrame, shape (k, k)
        Population confusion matrix ``N_ij`` (rows = map class = stratum, columns = reference
        class), e.g. from :func:`population_confusion`.
    allocation : sequence of int
        Sample size per stratum (:func:`statmethods.area.allocate_sample`); at least 2 in every
        stratum with mapped pixels, so that its variance can be estimated.
    n_replicates : int
        Number of repeated samples.
    seed : int
        Seed of ``numpy.random.default_rng``.
    confidence : float
        Nominal coverage of the intervals ``estimate ± z * SE``.
    pixel_area : float
        Area of one pixel (0.09 ha for 30 m pixels).
    class_names : sequence of str, optional
        Defaults to a DataFrame's index.

    Returns
    -------
    CoverageSimulation

    Raises
    ------
    ValueError
        A stratum with mapped pixels gets fewer than 2 sample units, an allocation exceeds a
        stratum's size, or the matrix is not square.

    Examples
    --------
    >>> sim = coverage_simulation([[900, 100], [50, 950]], [50, 50], n_replicates=200)
    >>> round(float(sim.table()["coverage"].iloc[0]), 2) > 0.8
    True
    """
    if isinstance(population, pd.DataFrame) and class_names is None:
        class_names = [str(c) for c in population.index]
    pop = np.asarray(population, dtype=np.int64)
    k = pop.shape[0] if pop.ndim == 2 else 0
    names = [f"class {i + 1}" for i in range(k)] if class_names is None else list(class_names)
    if len(names) != k:
        raise ValueError(f"class_names has {len(names)} names for a {k} x {k} population matrix")
    if not (0 < confidence < 1):
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    if not pixel_area > 0:
        raise ValueError(f"pixel_area must be positive (area per pixel), got {pixel_area!r}")
    rng = np.random.default_rng(seed)
    counts = simulate_sample_counts(pop, allocation, n_replicates, rng=rng)
    alloc = counts[0].sum(axis=1)
    sizes = pop.sum(axis=1)
    short = np.flatnonzero((sizes > 0) & (alloc < 2))
    if short.size:
        h = short[0]
        raise ValueError(
            f"stratum {names[h]!r} has {sizes[h]} mapped pixels but only {alloc[h]} sample unit(s); "
            "at least 2 are needed to estimate its variance. Raise its allocation "
            "(allocate_sample(..., min_per_stratum=2)) or merge the class with another"
        )
    weights = sizes / sizes.sum()
    est, se = _estimate(counts, weights)
    return CoverageSimulation(names, pop, alloc, est, se, float(confidence), float(pixel_area))


def coverage_simulation_loop(map_classes: Any, reference_classes: Any, classes: Sequence,
                             allocation: Sequence[int] | np.ndarray, *, n_replicates: int = 100,
                             seed: int = 0, confidence: float = 0.95,
                             pixel_area: float = 0.09) -> CoverageSimulation:
    """The same simulation as :func:`coverage_simulation`, the plain way: one replicate at a time.

    Each replicate draws actual pixels with :func:`draw_stratified_sample`, cross-tabulates
    map and reference classes with :func:`statmethods.area.counts_from_samples` and calls
    :func:`statmethods.area.stratified_area_estimate`. Slow; kept as a transparent reference
    for tests and benchmarks. Every class in ``classes`` must be present in the map.
    """
    classes = list(classes)
    m = np.asarray(map_classes).ravel()
    r = np.asarray(reference_classes).ravel()
    pop = population_confusion(m, r, classes)
    map_area = pop.sum(axis=1).to_numpy()
    rng = np.random.default_rng(seed)
    est = np.empty((n_replicates, len(classes)))
    se = np.empty_like(est)
    for i in range(n_replicates):
        s = draw_stratified_sample(m, allocation, classes, rng=rng)
        tab = counts_from_samples(m[s["index"]], r[s["index"]], classes)
        res = stratified_area_estimate(tab, map_area, [str(c) for c in classes], pixel_area=pixel_area,
                                       confidence=confidence)
        est[i], se[i] = res.area_proportion.to_numpy(), res.area_proportion_se.to_numpy()
    alloc = np.asarray(allocation, dtype=np.int64)
    return CoverageSimulation([str(c) for c in classes], pop.to_numpy(), alloc, est, se, float(confidence),
                              float(pixel_area))



# --------------------------------------------------------------------------------------------
# Interval coverage of any estimator, and one simulator per estimator
# --------------------------------------------------------------------------------------------


def _rng(seed: int | np.random.Generator) -> np.random.Generator:
    """``numpy.random.default_rng(seed)``; a Generator passes through, so draws can continue."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer | np.random.Generator):
        raise ValueError(f"seed must be an integer (or a numpy Generator), got {seed!r}")
    return np.random.default_rng(seed)


def _check_replicates(n_replicates: Any, minimum: int = 1) -> int:
    ok = isinstance(n_replicates, int | np.integer) and not isinstance(n_replicates, bool)
    if not ok or n_replicates < minimum:
        raise ValueError(f"n_replicates must be an integer of at least {minimum}, got {n_replicates!r}")
    return int(n_replicates)


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


def interval_coverage(estimate: Any, se: Any, truth: Any, confidence: float = 0.95, *,
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
    z_quantile(confidence)
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
    return IntervalCoverage(labels, est, np.array(s), np.array(t), float(confidence))


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


def simulate_stratified_accuracy(
    sample_counts: Any,
    map_area: Sequence[float] | np.ndarray,
    *,
    sample_sizes: Sequence[int] | np.ndarray | None = None,
    class_names: Sequence[str] | None = None,
    n_replicates: int = 1000,
    seed: int | np.random.Generator = 0,
    confidence: float = 0.95,
    pixel_area: float = 1.0,
) -> AccuracySimulation:
    """Coverage of the stratified (Olofsson et al. 2014) intervals on a synthetic population.

    The population is synthetic on purpose: the observed within-stratum reference shares
    ``n_ij / n_i.`` are taken as the truth, so the true areas and accuracies are known. Each
    replicate draws, in every stratum, a multinomial sample of ``sample_sizes[i]`` units
    (sampling with replacement from that population, i.e. an infinite stratum), and the
    estimators of :func:`statmethods.area.stratified_estimates_batch` are applied to all
    replicates at once.

    Parameters
    ----------
    sample_counts : array_like, shape (k, k)
        The observed error matrix (rows = map class = stratum, columns = reference class).
    map_area : array_like, shape (k,)
        Mapped area of each class (pixels).
    sample_sizes : sequence of int, optional
        Sample size per stratum in the simulation; defaults to the observed row totals.
    class_names : sequence of str, optional
    n_replicates : int
    seed : int or numpy.random.Generator
        Seed of ``numpy.random.default_rng`` (a Generator continues its stream).
    confidence : float
    pixel_area : float
        Area of one ``map_area`` unit, used for the bias in area units.

    Returns
    -------
    AccuracySimulation

    Examples
    --------
    >>> sim = simulate_stratified_accuracy([[45, 5], [4, 46]], [300, 700], n_replicates=500, seed=1)
    >>> bool(0.9 < sim.coverage["overall"].estimates.iloc[0] < 1.0)
    True
    """
    counts, area, names = _validate(sample_counts, map_area, class_names, pixel_area)
    z_quantile(confidence)
    n_replicates = _check_replicates(n_replicates)
    n_obs = counts.sum(axis=1)
    sizes = n_obs if sample_sizes is None else np.asarray(sample_sizes)
    if sizes.shape != n_obs.shape or np.any(sizes < 0) or np.any(sizes != np.round(sizes)):
        raise ValueError(f"sample_sizes needs one non-negative whole number per stratum ({n_obs.size})")
    sizes = sizes.astype(np.int64)
    w = area / area.sum()
    true_q = np.divide(counts, n_obs[:, None], out=np.zeros_like(counts), where=n_obs[:, None] > 0)
    rng = _rng(seed)
    draws = np.stack([rng.multinomial(int(n), true_q[i], size=n_replicates) for i, n in enumerate(sizes)],
                     axis=1)  # (replicates, map class, reference class)
    true = stratified_estimates_batch(counts, w)
    sim = stratified_estimates_batch(draws, w)
    cov = {key: interval_coverage(sim[key], sim[f"{key}_se"], true[key], confidence, names=names)
           for key in ("area_prop", "users", "producers")}
    cov["overall"] = interval_coverage(sim["overall"], sim["overall_se"], true["overall"], confidence,
                                       names=["overall"])
    cov["area"] = cov.pop("area_prop")
    return AccuracySimulation(names, sizes, cov, float(area.sum() * pixel_area), float(confidence))


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


def simulate_regression_estimator(
    sample: pd.DataFrame,
    y: str,
    x: str | Sequence[str],
    population: pd.DataFrame,
    *,
    strata: str,
    size: str = "N",
    collapse_singletons: bool = False,
    n_replicates: int = 400,
    seed: int | np.random.Generator = 0,
    confidence: float = 0.95,
) -> RegressionSimulation:
    """Coverage of the regression and direct estimators of a total on a synthetic frame.

    The frame is synthetic on purpose, so that the true total is known. In each stratum ``h``
    it holds ``N_h`` units whose auxiliaries are drawn from the sample's units and shifted to
    the stratum's known means; their ``y`` follows the fitted combined regression, plus a
    stratum effect and a unit error with the spreads of the observed residuals. Each replicate
    draws a stratified simple random sample with the observed ``n_h`` and applies
    :func:`statmethods.area.regression_estimator`.

    Parameters
    ----------
    sample, y, x, population, strata, size, collapse_singletons
        As for :func:`statmethods.area.regression_estimator` (one response ``y``).
    n_replicates : int
    seed : int or numpy.random.Generator
    confidence : float

    Returns
    -------
    RegressionSimulation

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> s = pd.DataFrame({"h": np.repeat(["a", "b"], 6), "x": rng.uniform(0, 10, 12)})
    >>> s["y"] = 2 * s["x"] + rng.normal(0, 1, 12)
    >>> pop = pd.DataFrame({"N": [60, 80], "x": [5.0, 6.0]}, index=["a", "b"])
    >>> sim = simulate_regression_estimator(s, "y", "x", pop, strata="h", n_replicates=50, seed=1)
    >>> sim.table().index.tolist()
    ['regression', 'direct']
    """
    from .regression import regression_estimator

    n_replicates = _check_replicates(n_replicates)
    z_quantile(confidence)
    xs = [x] if isinstance(x, str) else list(x)
    fit = regression_estimator(sample, y, xs, population, strata=strata, size=size,
                               collapse_singletons=collapse_singletons, confidence=confidence)
    rng = _rng(seed)
    n_h = sample.groupby(strata).size()
    bb = fit.coefficients.loc[y, xs].to_numpy()
    e = sample[y].to_numpy(dtype=float) - sample[xs].to_numpy(dtype=float) @ bb
    e_stratum = pd.Series(e).groupby(sample[strata].to_numpy()).transform("mean").to_numpy()
    sd_within = float(np.sqrt(np.sum((e - e_stratum) ** 2) / (len(e) - (n_h > 1).sum())))
    sd_stratum = float(pd.Series(e).groupby(sample[strata].to_numpy()).mean().std())
    pop_rows = []
    x_sample = sample[xs].to_numpy(dtype=float)
    for c, row in population.iterrows():
        idx = rng.integers(0, len(sample), int(row[size]))
        xv = x_sample[idx]
        xv = xv - xv.mean(axis=0) + row[xs].to_numpy(dtype=float)
        yv = e.mean() + xv @ bb + rng.normal(0, sd_stratum) + rng.normal(0, sd_within, len(xv))
        pop_rows.append(pd.DataFrame(xv, columns=xs).assign(**{y: yv, strata: c}))
    frame = pd.concat(pop_rows, ignore_index=True)
    true_total = float(frame[y].sum())
    frame_pop = frame.groupby(strata)[xs].mean().assign(**{size: frame.groupby(strata).size()})
    groups = {c: np.flatnonzero(frame[strata].to_numpy() == c) for c in frame_pop.index}
    est = np.empty((n_replicates, 2))
    se = np.empty_like(est)
    for i in range(n_replicates):
        pick = np.concatenate([rng.choice(groups[c], int(n_h[c]), replace=False) for c in frame_pop.index])
        r = regression_estimator(frame.iloc[pick], y, xs, frame_pop, strata=strata, size=size,
                                 collapse_singletons=collapse_singletons, confidence=confidence)
        t = r.table().loc[y]
        est[i] = t["reg_total"], t["direct_total"]
        se[i] = t["reg_se"], t["direct_se"]
    cov = interval_coverage(est, se, true_total, confidence, names=["regression", "direct"])
    return RegressionSimulation(y, cov, true_total, frame, float(confidence))


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


def simulate_fay_herriot(
    fit: FayHerriotResult,
    data: pd.DataFrame,
    variance: str,
    *,
    n_replicates: int = 200,
    seed: int | np.random.Generator = 0,
    confidence: float | None = None,
) -> FayHerriotSimulation:
    """Coverage of Fay–Herriot EBLUP and direct intervals on a population built from a fit.

    The population is synthetic on purpose: true area means ``theta_d = x_d' beta + v_d`` with
    ``v_d ~ N(0, A)`` from the fitted model, and direct estimates ``y_d = theta_d + e_d`` with
    ``e_d ~ N(0, D_d)``. Each replicate refits the model with the fit's formula.

    Parameters
    ----------
    fit : FayHerriotResult
        A fit of :func:`statmethods.area.fay_herriot` on ``data``.
    data : DataFrame
        The data of that fit (its response column is replaced in each replicate).
    variance : str
        Column of sampling variances.
    n_replicates : int
    seed : int or numpy.random.Generator
    confidence : float, optional
        Defaults to the fit's.

    Returns
    -------
    FayHerriotSimulation

    Examples
    --------
    >>> from statmethods.area import fay_herriot
    >>> df = pd.DataFrame({"y": [1.4, 0.8, 1.3, 0.5, 1.0, 1.6, 0.9, 1.5],
    ...                    "x": [1, 1, 2, 0, 1, 2, 0, 1],
    ...                    "D": [0.02, 0.03, 0.01, 0.02, 0.04, 0.02, 0.03, 0.02]})
    >>> sim = simulate_fay_herriot(fay_herriot("y ~ x", df, "D"), df, "D", n_replicates=20, seed=1)
    >>> sim.table().shape
    (2, 3)
    """
    from .small_area import fay_herriot

    n_replicates = _check_replicates(n_replicates)
    level = fit.confidence if confidence is None else float(confidence)
    z_quantile(level)
    rng = _rng(seed)
    mean_true = fit.synthetic.to_numpy()
    d = fit.sampling_variance.to_numpy()
    m = fit.n_areas
    yname = str(fit.direct.name)
    theta = np.empty((n_replicates, m))
    est, mse, direct = np.empty_like(theta), np.empty_like(theta), np.empty_like(theta)
    for i in range(n_replicates):
        theta[i] = mean_true + rng.normal(0, np.sqrt(fit.refvar), m)
        direct[i] = theta[i] + rng.normal(0, np.sqrt(d))
        r = fay_herriot(fit.formula, data.assign(**{yname: direct[i]}), variance, confidence=level)
        est[i], mse[i] = r.eblup.to_numpy(), r.mse.to_numpy()
    names = [str(a) for a in fit.areas]
    eblup = interval_coverage(est, np.sqrt(mse), theta, level, names=names)
    direct_se = np.broadcast_to(np.sqrt(d), theta.shape)
    direct_cov = interval_coverage(direct, direct_se, theta, level, names=names)
    ratio = np.mean((est - theta) ** 2, axis=1) / np.mean(mse, axis=1)
    return FayHerriotSimulation(eblup, direct_cov, ratio, level)
