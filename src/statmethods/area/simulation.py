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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .._summary import Summary
from .accuracy import counts_from_samples, stratified_area_estimate, stratified_estimates_batch

__all__ = [
    "NLCD_ZION_CLASSES",
    "CoverageSimulation",
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
class CoverageSimulation:
    """Monte Carlo sampling distribution of stratified area estimates against the known truth.

    ``estimates`` and ``se`` are area proportions per replicate (``n_replicates x k``);
    ``true_prop`` and ``map_prop`` are the true and the pixel-counting proportions.
    """

    class_names: list[str]
    population: np.ndarray
    allocation: np.ndarray
    estimates: np.ndarray
    se: np.ndarray
    confidence: float
    pixel_area: float

    @property
    def n_replicates(self) -> int:
        return int(self.estimates.shape[0])

    @property
    def z(self) -> float:
        return float(stats.norm.ppf(0.5 + self.confidence / 2))

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
        return np.abs(self.estimates - self.true_prop) <= self.z * self.se

    def table(self) -> pd.DataFrame:
        """Per class: truth, pixel counting and the stratified estimator's bias, RMSE and coverage (ha)."""
        a, r = self.total_area, self.n_replicates
        err = (self.estimates - self.true_prop) * a
        cov = self.covered.mean(axis=0)
        return pd.DataFrame({
            "class": self.class_names,
            "sample_size": self.allocation,
            "true_area_ha": self.true_prop * a,
            "pixel_count_area_ha": self.map_prop * a,
            "pixel_count_bias_ha": (self.map_prop - self.true_prop) * a,
            "mean_estimate_ha": self.estimates.mean(axis=0) * a,
            "bias_ha": err.mean(axis=0),
            "bias_mcse_ha": err.std(axis=0, ddof=1) / np.sqrt(r),
            "rmse_ha": np.sqrt((err**2).mean(axis=0)),
            "mean_se_ha": self.se.mean(axis=0) * a,
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
        return Summary("Repeated stratified sampling against the known truth", header, shown,
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


NLCD_ZION_CLASSES = ["Water", "Developed", "Barren", "Forest", "Shrubland", "Herbaceous", "Cultivated",
                     "Wetlands"]
"""Names of codes 1-8 of ``landsat8-zion/nlcd.tif`` (NLCD 2011 Anderson level I)."""


def check_chapter_parameters(params: dict[str, Any]) -> None:
    """Validate the ``area-landcover-map`` chapter's parameters before it runs."""
    coi = list(params["classes_of_interest"])
    unknown = [c for c in coi if c not in NLCD_ZION_CLASSES]
    if unknown or not coi or len(set(coi)) != len(coi):
        raise ValueError(
            f"classes_of_interest must be distinct NLCD class names from {NLCD_ZION_CLASSES}; "
            f"got {coi} (unknown: {unknown})"
        )
    k = len(coi) + (len(coi) < len(NLCD_ZION_CLASSES))
    if params["allocation"] not in ("proportional", "equal", "neyman"):
        raise ValueError("allocation must be 'proportional', 'equal' or 'neyman', "
                         f"got {params['allocation']!r}")
    ua = list(params["expected_users_accuracy"])
    if len(ua) != k or not all(0 <= u <= 1 for u in ua):
        raise ValueError(
            f"expected_users_accuracy needs {k} values in [0, 1]: one per class of interest and one for "
            f"'Other', in that order; got {ua}"
        )
    n, floor = params["sample_size"], params["min_per_stratum"]
    if floor * k > n:
        raise ValueError(f"sample_size={n} is too small for min_per_stratum={floor} in {k} strata; "
                         f"raise sample_size to at least {floor * k}")
    for name in ("n_replicates", "sample_size", "n_train_pixels", "n_folds", "block_size"):
        if params[name] < 1:
            raise ValueError(f"{name} must be a positive integer, got {params[name]!r}")
    if not 0 < params["confidence"] < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {params['confidence']!r}")
