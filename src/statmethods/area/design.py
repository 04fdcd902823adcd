"""Sample-size planning and allocation for a map-stratified reference sample."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..validation import choice, positive, positive_int

__all__ = ["allocate_sample", "sample_size_overall_accuracy"]


def sample_size_overall_accuracy(
    weights: Sequence[float], expected_users_accuracy: Sequence[float], target_se: float
) -> int:
    """Total sample size for a target standard error of overall accuracy.

    Cochran (1977, eq. 5.25) as used by Olofsson et al. (2014, eq. 13):
    ``n = (sum_i W_i S_i / S(O))**2`` with ``S_i = sqrt(U_i (1 - U_i))``.

    Parameters
    ----------
    weights : sequence of float
        Mapped area proportions ``W_i`` (they are normalised to sum to 1).
    expected_users_accuracy : sequence of float
        Anticipated user's accuracy ``U_i`` of each map class, in [0, 1].
    target_se : float
        Target standard error of overall accuracy, e.g. 0.01.

    Returns
    -------
    int
        The sample size, rounded up.

    Examples
    --------
    >>> sample_size_overall_accuracy([0.02, 0.015, 0.32, 0.645], [0.7, 0.6, 0.9, 0.95], 0.01)
    641
    """
    w = np.asarray(weights, dtype=float)
    u = np.asarray(expected_users_accuracy, dtype=float)
    if w.shape != u.shape:
        raise ValueError("weights and expected_users_accuracy need one value per class each")
    if np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    if np.any((u < 0) | (u > 1)):
        raise ValueError("expected_users_accuracy values must lie in [0, 1]")
    target_se = positive(target_se, "target_se")
    w = w / w.sum()
    return int(np.ceil(np.round((np.sum(w * np.sqrt(u * (1 - u))) / target_se) ** 2, 6)))


def _round_preserving_total(x: np.ndarray, total: int) -> np.ndarray:
    base = np.floor(x).astype(int)
    short = total - base.sum()
    order = np.argsort(-(x - base), kind="stable")
    base[order[:short]] += 1
    return base


def allocate_sample(
    n: int,
    weights: Sequence[float],
    method: str = "proportional",
    *,
    expected_users_accuracy: Sequence[float] | None = None,
    min_per_stratum: int = 0,
) -> np.ndarray:
    """Allocate ``n`` sample units to map strata.

    Parameters
    ----------
    n : int
        Total sample size.
    weights : sequence of float
        Mapped area proportion of each stratum.
    method : {"proportional", "equal", "neyman"}
        ``proportional``: ``n_h ∝ W_h``. ``equal``: the same in every stratum.
        ``neyman``: ``n_h ∝ W_h S_h`` with ``S_h = sqrt(U_h(1-U_h))`` from
        ``expected_users_accuracy`` (Neyman allocation for overall accuracy).
    expected_users_accuracy : sequence of float, optional
        Needed for ``neyman``.
    min_per_stratum : int
        Floor per stratum (Olofsson et al. 2014 recommend about 50-100 for rare classes);
        the rest is allocated by ``method``.

    Returns
    -------
    ndarray of int
        Sample size per stratum, summing to ``n``.

    Examples
    --------
    >>> allocate_sample(100, [0.5, 0.3, 0.2]).tolist()
    [50, 30, 20]
    """
    n = positive_int(n, "n")
    method = choice(method, "method", ["proportional", "equal", "neyman"])
    min_per_stratum = positive_int(min_per_stratum, "min_per_stratum", minimum=0)
    w = np.asarray(weights, dtype=float)
    k = w.size
    if np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    if min_per_stratum * k > n:
        raise ValueError(
            f"n={n} is too small for min_per_stratum={min_per_stratum} in {k} strata; "
            f"increase n to at least {min_per_stratum * k} or lower the floor"
        )
    if method == "proportional":
        share = w
    elif method == "equal":
        share = np.ones(k)
    else:  # "neyman"
        if expected_users_accuracy is None:
            raise ValueError("method='neyman' needs expected_users_accuracy (one value per stratum)")
        u = np.asarray(expected_users_accuracy, dtype=float)
        if u.shape != w.shape:
            raise ValueError("expected_users_accuracy needs one value per stratum")
        share = w * np.sqrt(u * (1 - u))
        if share.sum() == 0:
            share = w
    rest = n - min_per_stratum * k
    return min_per_stratum + _round_preserving_total(rest * share / share.sum(), rest)
