"""Small statistical helpers shared by the estimators."""

from __future__ import annotations

from scipy import stats


def z_quantile(confidence: float) -> float:
    """Two-sided normal quantile ``z_{1-alpha/2}`` for a confidence level in (0, 1).

    Examples
    --------
    >>> round(z_quantile(0.95), 4)
    1.96
    """
    if isinstance(confidence, bool) or not (isinstance(confidence, int | float) and 0 < confidence < 1):
        raise ValueError(f"confidence must be strictly between 0 and 1 (e.g. 0.95), got {confidence!r}")
    return float(stats.norm.ppf(0.5 + confidence / 2))
