"""Good-practice accuracy assessment and stratified area estimation.

Implements the estimators of Olofsson et al. (2013, 2014) for a stratified random sample
in which the strata are the map classes: area proportions and areas, user's, producer's and
overall accuracy, with their standard errors and confidence intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._summary import Summary
from ..results import EstimateResult
from ..validation import confidence as confidence_level
from ..validation import positive, z_quantile

__all__ = [
    "StratifiedAreaResult",
    "counts_from_samples",
    "stratified_area_estimate",
    "stratified_estimates_batch",
]


def _validate(sample_counts: npt.ArrayLike | pd.DataFrame, map_area: npt.ArrayLike,
              class_names: Sequence[str] | None,
              pixel_area: float, min_per_stratum: int = 2) -> tuple[np.ndarray, np.ndarray, list[str]]:
    if isinstance(sample_counts, pd.DataFrame):
        if class_names is None:
            class_names = [str(c) for c in sample_counts.index]
        if list(map(str, sample_counts.index)) != list(map(str, sample_counts.columns)):
            raise ValueError(
                "sample_counts: row labels (map classes) and column labels (reference classes) "
                "must be the same classes in the same order"
            )
    counts = np.asarray(sample_counts, dtype=float)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(
            f"sample_counts must be a square matrix (rows = map class, columns = reference class), "
            f"got shape {counts.shape}"
        )
    k = counts.shape[0]
    if k < 2:
        raise ValueError("sample_counts needs at least 2 classes")
    if not np.all(np.isfinite(counts)) or np.any(counts < 0):
        raise ValueError("sample_counts must be non-negative finite counts; found a negative or NaN entry")
    if np.any(counts != np.round(counts)):
        raise ValueError("sample_counts must be whole numbers (counts of sample units)")
    area = np.asarray(map_area, dtype=float)
    if area.shape != (k,):
        raise ValueError(
            f"map_area must give one mapped area per class ({k} values to match sample_counts), "
            f"got shape {area.shape}"
        )
    if np.any(area < 0) or not np.all(np.isfinite(area)) or area.sum() <= 0:
        raise ValueError("map_area must be non-negative, finite and not all zero")
    names = [f"class {i + 1}" for i in range(k)] if class_names is None else list(class_names)
    if len(names) != k:
        raise ValueError(
            f"class_names has {len(names)} names but sample_counts is {k}x{k}; "
            "give one name per row/column of the matrix"
        )
    if len(set(names)) != k:
        raise ValueError("class_names must be unique")
    positive(pixel_area, "pixel_area")
    n_i = counts.sum(axis=1)
    for name, n, a in zip(names, n_i, area, strict=True):
        if a > 0 and n < min_per_stratum:
            raise ValueError(
                f"map class {name!r} (a stratum with mapped area {a:g}) has {int(n)} sample unit(s); "
                f"at least {min_per_stratum} are needed to estimate its variance. "
                "Add sample units to this stratum or merge the class with another."
            )
    return counts, area, names


def stratified_estimates_batch(counts: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
    """Olofsson et al. (2014) estimators for one or many confusion matrices at once.

    Parameters
    ----------
    counts : ndarray, shape (..., k, k)
        Sample counts, rows = map class (stratum), columns = reference class. Leading
        dimensions are replicates (used for vectorised Monte Carlo).
    weights : ndarray, shape (k,)
        Mapped area proportion ``W_i`` of each map class.

    Returns
    -------
    dict of ndarray
        ``p`` (estimated cell proportions, ``(..., k, k)``), ``area_prop`` and
        ``area_prop_se`` (``(..., k)``), ``users``, ``users_se``, ``producers``,
        ``producers_se`` (``(..., k)``), ``overall`` and ``overall_se`` (``(...)``).
    """
    counts = np.asarray(counts, dtype=float)
    w = np.asarray(weights, dtype=float)
    n_i = counts.sum(axis=-1)  # (..., k) sample size per stratum
    n = n_i[..., None]
    # A stratum with no mapped area and no sample contributes nothing (W_i = 0).
    q = np.divide(counts, n, out=np.zeros_like(counts), where=n > 0)  # n_ij / n_i.
    p = w[:, None] * q  # eq. (9): p_ij = W_i n_ij / n_i.
    var_q = np.divide(q * (1 - q), n - 1, out=np.zeros_like(q), where=n > 1)
    area_prop = p.sum(axis=-2)
    area_prop_se = np.sqrt((w[:, None] ** 2 * var_q).sum(axis=-2))  # eq. (10)
    diag = np.diagonal(q, axis1=-2, axis2=-1)  # U_i = n_ii / n_i.
    var_diag = np.diagonal(var_q, axis1=-2, axis2=-1)
    users = np.where(n_i > 0, diag, np.nan)
    users_se = np.where(n_i > 1, np.sqrt(var_diag), np.nan)
    overall = (w * diag).sum(axis=-1)
    overall_se = np.sqrt((w**2 * var_diag).sum(axis=-1))
    # Producer's accuracy, variance from Olofsson et al. (2013) eq. (6), in area weights.
    p_jj = np.diagonal(p, axis1=-2, axis2=-1)
    k = w.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        producers = p_jj / area_prop
        off = w[:, None] ** 2 * var_q  # (..., i, j)
        off_sum = off.sum(axis=-2) - np.diagonal(off, axis1=-2, axis2=-1)
        term1 = w**2 * (1 - producers) ** 2 * var_diag
        producers_se = np.sqrt((term1 + producers**2 * off_sum) / area_prop**2)
    assert p.shape[-1] == k
    return {
        "p": p, "area_prop": area_prop, "area_prop_se": area_prop_se,
        "users": users, "users_se": users_se, "producers": producers,
        "producers_se": producers_se, "overall": overall, "overall_se": overall_se,
    }


@dataclass(frozen=True)
class StratifiedAreaResult(EstimateResult):
    """Result of :func:`stratified_area_estimate`.

    ``estimates`` and ``se`` are the error-adjusted areas and their standard errors, and the
    inherited :meth:`conf_int` gives their intervals; the accuracies are in ``users_accuracy``,
    ``producers_accuracy``, ``overall_accuracy`` with their ``*_se``, and their intervals in
    :meth:`users_conf_int` and :meth:`producers_conf_int`. ``*_ci`` are half-widths of the
    ``confidence`` intervals (normal approximation, ``z * se``). ``batch`` holds the raw arrays
    of :func:`stratified_estimates_batch`.

    Overrides: :meth:`table` (one row per class with the accuracies: the columns of the
    chapter's ``area_estimates.csv``) and :meth:`summary` (adds the design and overall accuracy).
    """

    class_names: list[str]
    counts: np.ndarray
    map_area_px: np.ndarray
    pixel_area: float
    confidence: float
    batch: dict[str, np.ndarray]
    title = "Accuracy assessment and area estimation"

    @property
    def estimates(self) -> pd.Series:
        """Error-adjusted area of each reference class (the same as :attr:`area`)."""
        return self.area

    @property
    def se(self) -> pd.Series:
        """Standard error of each area (the same as :attr:`area_se`)."""
        return self.area_se

    @property
    def n(self) -> int:
        """Total sample size."""
        return int(self.counts.sum())

    @property
    def total_area(self) -> float:
        """Total mapped area in area units (ha by default)."""
        return float(self.map_area_px.sum() * self.pixel_area)

    @property
    def weights(self) -> np.ndarray:
        """Mapped area proportions ``W_i``."""
        return self.map_area_px / self.map_area_px.sum()

    def _get(self, key: str) -> pd.Series:
        return pd.Series(self.batch[key], index=self.class_names, name=key)

    @property
    def proportions(self) -> pd.DataFrame:
        """Estimated area proportions ``p_ij`` (rows map, columns reference), as Table 9."""
        return pd.DataFrame(self.batch["p"], index=self.class_names, columns=self.class_names)

    @property
    def area_proportion(self) -> pd.Series:
        return self._get("area_prop")

    @property
    def area_proportion_se(self) -> pd.Series:
        return self._get("area_prop_se")

    @property
    def area(self) -> pd.Series:
        """Error-adjusted (stratified) area estimate of each reference class."""
        return self.area_proportion * self.total_area

    @property
    def area_se(self) -> pd.Series:
        return self.area_proportion_se * self.total_area

    @property
    def area_ci(self) -> pd.Series:
        return self.z * self.area_se

    @property
    def map_area(self) -> pd.Series:
        """Pixel-counting area of each map class."""
        return pd.Series(self.map_area_px * self.pixel_area, index=self.class_names)

    @property
    def users_accuracy(self) -> pd.Series:
        return self._get("users")

    @property
    def users_se(self) -> pd.Series:
        return self._get("users_se")

    @property
    def producers_accuracy(self) -> pd.Series:
        return self._get("producers")

    @property
    def producers_se(self) -> pd.Series:
        return self._get("producers_se")

    @property
    def overall_accuracy(self) -> float:
        return float(self.batch["overall"])

    @property
    def overall_accuracy_se(self) -> float:
        return float(self.batch["overall_se"])

    def _interval(self, est: pd.Series, se: pd.Series, confidence: float | None) -> pd.DataFrame:
        z = self.z if confidence is None else z_quantile(confidence)
        return pd.DataFrame({"lower": est - z * se, "upper": est + z * se})

    def users_conf_int(self, confidence: float | None = None) -> pd.DataFrame:
        """Normal intervals of the user's accuracies (``lower``, ``upper``), one row per class.

        Examples
        --------
        >>> r = stratified_area_estimate([[45, 5], [4, 46]], [300, 700])
        >>> r.users_conf_int(0.9).round(3).loc["class 1"].tolist()
        [0.83, 0.97]
        """
        return self._interval(self.users_accuracy, self.users_se, confidence)

    def producers_conf_int(self, confidence: float | None = None) -> pd.DataFrame:
        """Normal intervals of the producer's accuracies (``lower``, ``upper``), one row per class."""
        return self._interval(self.producers_accuracy, self.producers_se, confidence)

    def table(self) -> pd.DataFrame:
        """One row per class: the columns of the chapter's ``area_estimates.csv``."""
        return pd.DataFrame({
            "class": self.class_names,
            "map_area_ha": self.map_area.to_numpy(),
            "area_ha": self.area.to_numpy(),
            "area_ci_ha": self.area_ci.to_numpy(),
            "users_accuracy": self.users_accuracy.to_numpy(),
            "users_ci": (self.z * self.users_se).to_numpy(),
            "producers_accuracy": self.producers_accuracy.to_numpy(),
            "producers_ci": (self.z * self.producers_se).to_numpy(),
        })

    def summary(self) -> Summary:
        """A printable summary: sample design, overall accuracy and the per-class table."""
        pct = f"{self.confidence:.0%}"
        header = {
            "Estimator": "stratified (Olofsson et al. 2014)",
            "Classes": str(len(self.class_names)),
            "Sample size": str(self.n),
            "Total area": f"{self.total_area:,.0f}",
            "Confidence": pct,
            "Overall accuracy": f"{self.overall_accuracy:.3f} ± {self.z * self.overall_accuracy_se:.3f}",
        }
        t = self.table().set_index("class")
        shown = pd.DataFrame({
            "map area": t["map_area_ha"].map("{:,.0f}".format),
            "area": t["area_ha"].map("{:,.0f}".format),
            f"± {pct}": t["area_ci_ha"].map("{:,.0f}".format),
            "user's": t["users_accuracy"].map("{:.3f}".format),
            "± u": t["users_ci"].map("{:.3f}".format),
            "producer's": t["producers_accuracy"].map("{:.3f}".format),
            "± p": t["producers_ci"].map("{:.3f}".format),
        })
        return Summary(self.title, header, shown)


def stratified_area_estimate(
    sample_counts: npt.ArrayLike | pd.DataFrame,
    map_area: Sequence[float] | np.ndarray,
    class_names: Sequence[str] | None = None,
    *,
    pixel_area: float = 0.09,
    confidence: float = 0.95,
) -> StratifiedAreaResult:
    """Stratified estimators of area and accuracy from a map-stratified reference sample.

    Parameters
    ----------
    sample_counts : array_like or DataFrame, shape (k, k)
        Sample counts; rows = map class (the strata), columns = reference class.
    map_area : array_like, shape (k,)
        Mapped area of each class in pixels (or any unit; see ``pixel_area``).
    class_names : sequence of str, optional
        Class names in matrix order; taken from a DataFrame's index when omitted.
    pixel_area : float
        Area of one ``map_area`` unit, e.g. 0.09 ha for a 30 m pixel.
    confidence : float
        Confidence level of the intervals, in (0, 1).

    Returns
    -------
    StratifiedAreaResult

    Raises
    ------
    ValueError
        Negative counts, a non-square matrix, mismatched class names or areas, a
        stratum with fewer than 2 sample units, or ``confidence`` outside (0, 1).

    Examples
    --------
    The worked example of Olofsson et al. (2014, Table 8):

    >>> r = stratified_area_estimate(
    ...     [[66, 0, 5, 4], [0, 55, 8, 12], [1, 0, 153, 11], [2, 1, 9, 313]],
    ...     [200_000, 150_000, 3_200_000, 6_450_000])
    >>> round(r.area.iloc[0]), round(r.area_ci.iloc[0])
    (21158, 6158)
    """
    level = confidence_level(confidence)
    counts, area, names = _validate(sample_counts, map_area, class_names, pixel_area)
    est = stratified_estimates_batch(counts, area / area.sum())
    return StratifiedAreaResult(names, counts, area, float(pixel_area), level, est)


def counts_from_samples(map_class: Sequence, reference_class: Sequence,
                        classes: Sequence) -> pd.DataFrame:
    """Cross-tabulate sample units into a (map x reference) count matrix over ``classes``.

    Examples
    --------
    >>> counts_from_samples(["a", "a", "b"], ["a", "b", "b"], ["a", "b"]).to_numpy().tolist()
    [[1, 1], [0, 1]]
    """
    classes = list(classes)
    m = pd.Categorical(list(map_class), categories=classes)
    r = pd.Categorical(list(reference_class), categories=classes)
    for what, values, cat in (("map_class", map_class, m), ("reference_class", reference_class, r)):
        if cat.isna().any():
            bad = sorted({str(v) for v, missing in zip(values, cat.isna(), strict=True) if missing})[:5]
            raise ValueError(f"{what} holds value(s) {bad} that are not in classes {classes}; "
                             "add them to the classes or recode them")
    tab = pd.crosstab(m, r, dropna=False).reindex(index=classes, columns=classes, fill_value=0)
    tab.index.name, tab.columns.name = "map", "reference"
    return tab

