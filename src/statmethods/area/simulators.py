"""Resampling a known map or a synthetic population: sampling distributions and interval coverage.

When a complete reference map is available (here a simulation in which one map plays the role
of the ground truth), the sampling distribution of the stratified area estimator can be
computed by drawing many reference samples. Within each map stratum, a simple random sample
of ``n_h`` pixels without replacement from ``N_h`` pixels, ``N_hj`` of which belong to reference
class ``j``, yields counts ``(n_h1, ..., n_hk)`` that follow the multivariate hypergeometric
distribution. :func:`simulate_sample_counts` draws those counts directly for all replicates
at once, which is exactly equivalent to drawing the pixels and cross-tabulating them
(:func:`coverage_simulation_loop` does the latter, one replicate at a time, with
:func:`draw_stratified_sample`, the one stratified sampler of the package), and
:func:`coverage_simulation` feeds them to
:func:`statmethods.area.accuracy.stratified_estimates_batch`.

One simulator per estimator builds a synthetic population whose truth is known, draws repeated
samples and measures the coverage of its intervals with
:func:`statmethods.area.coverage.interval_coverage`: :func:`simulate_stratified_accuracy`
(stratified area and accuracy estimators), :func:`simulate_regression_estimator` (regression and
direct expansion estimators) and :func:`simulate_fay_herriot` (Fay–Herriot EBLUP and direct
estimates).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..validation import confidence as confidence_level
from ..validation import positive, positive_int
from ..validation import rng as make_rng
from .accuracy import counts_from_samples, stratified_area_estimate, stratified_estimates_batch
from .coverage import (
    AccuracySimulation,
    CoverageSimulation,
    FayHerriotSimulation,
    RegressionSimulation,
    interval_coverage,
)

if TYPE_CHECKING:
    from .small_area import FayHerriotResult

__all__ = [
    "cap_allocation",
    "coverage_simulation",
    "coverage_simulation_loop",
    "draw_stratified_sample",
    "population_confusion",
    "simulate_fay_herriot",
    "simulate_regression_estimator",
    "simulate_sample_counts",
    "simulate_stratified_accuracy",
]


def _codes(values: npt.ArrayLike, classes: Sequence, what: str) -> np.ndarray:
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


def population_confusion(map_classes: npt.ArrayLike, reference_classes: npt.ArrayLike,
                         classes: Sequence) -> pd.DataFrame:
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


def _check_allocation(allocation: npt.ArrayLike, stratum_sizes: np.ndarray, names: Sequence) -> np.ndarray:
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


def draw_stratified_sample(strata: npt.ArrayLike, allocation: npt.ArrayLike, classes: Sequence, *,
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


def simulate_sample_counts(population: npt.ArrayLike | pd.DataFrame, allocation: npt.ArrayLike,
                           n_replicates: int, *,
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
    n_replicates = positive_int(n_replicates, "n_replicates")
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


def coverage_simulation(population: npt.ArrayLike | pd.DataFrame, allocation: npt.ArrayLike, *,
                        n_replicates: int = 1000,
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
    level = confidence_level(confidence)
    pixel_area = positive(pixel_area, "pixel_area")
    rng = make_rng(seed)
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
    return CoverageSimulation(names, pop, alloc, est, se, level, pixel_area)


def coverage_simulation_loop(map_classes: npt.ArrayLike, reference_classes: npt.ArrayLike, classes: Sequence,
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
    rng = make_rng(seed)
    n_replicates = positive_int(n_replicates, "n_replicates")
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


def simulate_stratified_accuracy(
    sample_counts: npt.ArrayLike | pd.DataFrame,
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
    fit = stratified_area_estimate(sample_counts, map_area, class_names, pixel_area=pixel_area,
                                   confidence=confidence)
    counts, area, names = fit.counts, fit.map_area_px, fit.class_names
    n_replicates = positive_int(n_replicates, "n_replicates")
    n_obs = counts.sum(axis=1)
    sizes = n_obs if sample_sizes is None else np.asarray(sample_sizes)
    if sizes.shape != n_obs.shape or np.any(sizes < 0) or np.any(sizes != np.round(sizes)):
        raise ValueError(f"sample_sizes needs one non-negative whole number per stratum ({n_obs.size})")
    sizes = sizes.astype(np.int64)
    w = area / area.sum()
    true_q = np.divide(counts, n_obs[:, None], out=np.zeros_like(counts), where=n_obs[:, None] > 0)
    rng = make_rng(seed)
    draws = np.stack([rng.multinomial(int(n), true_q[i], size=n_replicates) for i, n in enumerate(sizes)],
                     axis=1)  # (replicates, map class, reference class)
    true = fit.batch
    sim = stratified_estimates_batch(draws, w)
    cov = {key: interval_coverage(sim[key], sim[f"{key}_se"], true[key], confidence, names=names)
           for key in ("area_prop", "users", "producers")}
    cov["overall"] = interval_coverage(sim["overall"], sim["overall_se"], true["overall"], confidence,
                                       names=["overall"])
    cov["area"] = cov.pop("area_prop")
    return AccuracySimulation(names, sizes, cov, float(area.sum() * fit.pixel_area), fit.confidence)


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

    n_replicates = positive_int(n_replicates, "n_replicates")
    xs = [x] if isinstance(x, str) else list(x)
    fit = regression_estimator(sample, y, xs, population, strata=strata, size=size,
                               collapse_singletons=collapse_singletons, confidence=confidence)
    rng = make_rng(seed)
    n_h = sample.groupby(strata).size()
    bb = fit.coefficients.loc[y, xs].to_numpy()
    e = sample[y].to_numpy(dtype=float) - sample[xs].to_numpy(dtype=float) @ bb
    e_stratum = pd.Series(e).groupby(sample[strata].to_numpy()).transform("mean").to_numpy()
    sd_within = float(np.sqrt(np.sum((e - e_stratum) ** 2) / (len(e) - (n_h > 1).sum())))
    sd_stratum = float(pd.Series(e).groupby(sample[strata].to_numpy()).mean().std()) if len(n_h) > 1 else 0.0
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

    n_replicates = positive_int(n_replicates, "n_replicates")
    level = fit.confidence if confidence is None else confidence_level(confidence)
    rng = make_rng(seed)
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
