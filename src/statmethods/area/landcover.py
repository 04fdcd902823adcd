"""Areas from a classified map: pixel counting, probability sums, and stratified estimation.

A classifier's map gives the stratum of every unit and its mapped (pixel-counting) area per
class; a reference class is observed for a stratified random sample of units; the stratified
estimator :func:`statmethods.area.stratified_area_estimate` then corrects the pixel counts for
the map's commission and omission errors (Olofsson et al. 2014). The classifiers themselves live
in :mod:`statmethods.classify`.

Orientation: confusion matrices passed to :func:`confusion_corrected_shares` have rows = true
(reference) class and columns = predicted class, as everywhere in :mod:`statmethods.classify`;
the sample counts built here for :func:`statmethods.area.stratified_area_estimate` have rows =
map class, as Part III's estimators expect.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..classify.labels import LabelEncoding
from ..validation import positive_int
from ..validation import rng as make_rng
from .accuracy import StratifiedAreaResult, stratified_area_estimate
from .simulators import draw_stratified_sample

__all__ = [
    "area_comparison",
    "area_from_reference_sample",
    "confusion_corrected_shares",
    "probability_area",
    "stratified_reference_sample",
]


def stratified_reference_sample(map_labels: npt.ArrayLike, n_per_stratum: int, *,
                                seed: int | np.random.Generator = 0,
                                classes: Sequence | None = None) -> np.ndarray:
    """Indices of a stratified random sample: ``n_per_stratum`` units from each map class.

    A map class with fewer units than ``n_per_stratum`` is sampled completely. The draw is
    :func:`statmethods.area.simulators.draw_stratified_sample` with an equal allocation.

    Examples
    --------
    >>> stratified_reference_sample(["a", "a", "a", "b", "b"], 2, seed=0).tolist()
    [1, 2, 3, 4]
    """
    n_per_stratum = positive_int(n_per_stratum, "n_per_stratum", minimum=2)
    m = np.asarray(map_labels, dtype=object)
    levels = list(classes) if classes is not None else sorted(set(m.tolist()), key=str)
    sizes = np.array([np.count_nonzero(m == c) for c in levels], dtype=np.int64)
    sample = draw_stratified_sample(m, np.minimum(n_per_stratum, sizes), levels, rng=make_rng(seed))
    return np.sort(sample["index"].to_numpy())


def area_from_reference_sample(
    map_labels: npt.ArrayLike,
    sample_index: np.ndarray,
    reference_labels: npt.ArrayLike,
    classes: Sequence,
    *,
    pixel_area: float = 1.0,
    confidence: float = 0.95,
) -> StratifiedAreaResult:
    """Stratified area estimate with the predicted classes as strata (Olofsson et al. 2014).

    The classifier's map gives the stratum of every unit and the mapped (pixel-counting) area of
    each class; a reference label is observed for a stratified random sample of units. The
    estimator :func:`statmethods.area.stratified_area_estimate` then corrects the pixel counts for
    the map's commission and omission errors.

    Parameters
    ----------
    map_labels : array_like, shape (N,)
        Predicted class of every unit of the population (the map).
    sample_index : ndarray
        Indices of the units in the reference sample (e.g. :func:`stratified_reference_sample`).
    reference_labels : array_like, shape (n,)
        Reference (true) class of each sampled unit, in ``sample_index`` order.
    classes : sequence
        The classes, in the order of the result.
    pixel_area : float
        Area of one unit (e.g. 0.0064 ha for a 8 m FORMOSAT-2 pixel).
    confidence : float
        Confidence level of the intervals.
    """
    sample_index = np.asarray(sample_index, dtype=np.int64)
    ref = np.asarray(reference_labels)
    if ref.shape != sample_index.shape:
        raise ValueError(f"reference_labels has {ref.size} labels for {sample_index.size} sampled units")
    enc = LabelEncoding(tuple(classes))
    try:
        m = enc.encode(map_labels)
    except ValueError as exc:
        raise ValueError(f"map_labels: {exc}") from exc
    try:
        r = enc.encode(ref)
    except ValueError as exc:
        raise ValueError(f"reference_labels: {exc}") from exc
    k = len(enc)
    map_area = np.bincount(m, minlength=k).astype(float)
    counts = np.bincount(m[sample_index] * k + r, minlength=k * k).reshape(k, k)  # rows map, cols reference
    return stratified_area_estimate(counts, map_area, enc.as_strings(), pixel_area=pixel_area,
                                    confidence=confidence)


def probability_area(proba: np.ndarray, pixel_area: float = 1.0) -> np.ndarray:
    """Area of each class as the sum of predicted probabilities (a "soft" pixel count).

    Unbiased only if the probabilities are calibrated *for the population being mapped*; a model
    trained on a balanced sample is not, so this is shown for comparison, not recommended.
    """
    p = np.asarray(proba, dtype=float)
    if p.ndim != 2 or not np.all(np.isfinite(p)):
        raise ValueError("proba must be a finite (n, k) matrix of class probabilities")
    return p.sum(axis=0) * pixel_area


def confusion_corrected_shares(map_counts: npt.ArrayLike, confusion: npt.ArrayLike) -> np.ndarray:
    """Class shares from mapped counts and a confusion matrix of P(predicted | true), by inversion.

    If ``C[j, i]`` is the probability that a unit of true class ``j`` is predicted as ``i`` and
    ``p`` the true class shares, the expected mapped shares are ``m = C.T @ p``; solving that
    system gives ``p`` (the "matrix inversion" estimator). It needs no reference sample from the
    mapped population, but it assumes that the classifier errs on the mapped population exactly as
    on the data ``C`` was estimated from (the same class-conditional error rates). It gives no
    standard error, and with a noisy ``C`` it can return shares below 0 or above 1, which are
    returned unclipped so that the problem stays visible.

    Parameters
    ----------
    map_counts : array_like, shape (k,)
        Number of units mapped to each class.
    confusion : array_like, shape (k, k)
        Counts or probabilities, rows = true class, columns = predicted class (rows are
        normalised to sum to one).

    Returns
    -------
    ndarray, shape (k,)
        Estimated share of each true class (sums to one).
    """
    m = np.asarray(map_counts, dtype=float)
    c = np.asarray(confusion, dtype=float)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or m.shape != (c.shape[0],):
        raise ValueError(
            f"confusion must be k x k and map_counts have k entries; got {c.shape} and {m.shape}"
        )
    rows = c.sum(axis=1, keepdims=True)
    if np.any(rows <= 0):
        raise ValueError(
            "every true class needs at least one unit in the confusion matrix (a row summed to 0)"
        )
    cond = c / rows
    try:
        return np.linalg.solve(cond.T, m / m.sum())
    except np.linalg.LinAlgError as exc:
        raise ValueError(
            "the confusion matrix is singular: two classes are predicted alike; merge them"
        ) from exc


def area_comparison(
    assessment: StratifiedAreaResult,
    true_labels: npt.ArrayLike | None = None,
    proba: np.ndarray | None = None,
) -> pd.DataFrame:
    """Pixel-counting, probability-sum and stratified areas side by side (and the truth when known).

    Columns: ``pixel_count``, ``probability_sum`` (when ``proba`` is given), ``stratified``, its
    ``ci_low`` / ``ci_high``, and when ``true_labels`` (the whole population's classes) are given,
    ``true`` and ``covered`` (whether the interval contains the true area).
    """
    names = assessment.class_names
    out = pd.DataFrame({"pixel_count": assessment.map_area.to_numpy()}, index=pd.Index(names, name="class"))
    if proba is not None:
        out["probability_sum"] = probability_area(proba, assessment.pixel_area)
    ci = assessment.conf_int()
    out["stratified"] = assessment.area.to_numpy()
    out["ci_low"], out["ci_high"] = ci["lower"].to_numpy(), ci["upper"].to_numpy()
    if true_labels is not None:
        t = np.asarray([str(v) for v in np.asarray(true_labels).tolist()])
        out["true"] = [np.sum(t == c) * assessment.pixel_area for c in names]
        out["covered"] = (out["ci_low"] <= out["true"]) & (out["true"] <= out["ci_high"])
    return out
