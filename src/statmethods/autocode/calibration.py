"""Calibrating a coder's confidences: temperature scaling, reliability diagrams and ECE.

A coder's top probability is used as a confidence to decide which answers are coded
automatically, so it must mean what it says: among answers coded with confidence 0.9,
about 90% should be right. Temperature scaling :cite:`guo2017calibration` divides all logits by
one number :math:`T>0` fitted by maximum likelihood on a calibration split that the model
never saw:

.. math::  \\hat T = \\arg\\min_T -\\sum_i \\log \\operatorname{softmax}(z_i / T)_{y_i}.

It does not change which code is predicted, only how confident the model claims to be.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> logits = rng.normal(0, 3, size=(4000, 5))
>>> from scipy.special import softmax
>>> y = np.array([rng.choice(5, p=p) for p in softmax(logits / 2.0, axis=1)])
>>> bool(abs(TemperatureScaler().fit(logits, y).temperature_ - 2.0) < 0.2)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax

__all__ = ["TemperatureScaler", "expected_calibration_error", "reliability_table"]


@dataclass
class TemperatureScaler:
    """Fit one temperature on held-out logits by minimising the negative log-likelihood.

    Attributes
    ----------
    temperature_ : float
        The fitted :math:`T` (``> 1`` means the raw model was over-confident).
    nll_before_, nll_after_ : float
        Mean negative log-likelihood on the calibration data at :math:`T=1` and at :math:`\\hat T`.
    """

    bounds: tuple[float, float] = (0.01, 100.0)
    temperature_: float | None = None
    nll_before_: float | None = None
    nll_after_: float | None = None

    @staticmethod
    def _nll(logits: np.ndarray, y: np.ndarray, t: float) -> float:
        return float(-np.mean(log_softmax(logits / t, axis=1)[np.arange(len(y)), y]))

    def fit(self, logits: np.ndarray, y: np.ndarray) -> TemperatureScaler:
        """Fit on calibration logits ``(n, K)`` and integer true classes ``y`` (0..K-1).

        Records whose true code the model does not know (``y < 0``) cannot be scored and are
        dropped; pass them as ``-1``.
        """
        logits = np.asarray(logits, dtype=float)
        y = np.asarray(y)
        if logits.ndim != 2 or len(y) != len(logits):
            raise ValueError(
                f"logits must be (n, K) with one true class per row; got {logits.shape} and {len(y)}"
            )
        keep = y >= 0
        if keep.sum() < 2:
            raise ValueError("need at least two calibration records with a known code to fit a temperature")
        z, yy = logits[keep], y[keep].astype(int)
        lo, hi = np.log(self.bounds)
        res = minimize_scalar(
            lambda s: self._nll(z, yy, float(np.exp(s))),
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": 1e-6},
        )
        self.temperature_ = float(np.exp(res.x))
        self.nll_before_ = self._nll(z, yy, 1.0)
        self.nll_after_ = self._nll(z, yy, self.temperature_)
        return self

    def transform(self, logits: np.ndarray) -> np.ndarray:
        """Calibrated probabilities ``softmax(logits / T)``."""
        if self.temperature_ is None:
            raise RuntimeError("fit the TemperatureScaler on calibration logits first")
        return softmax(np.asarray(logits, dtype=float) / self.temperature_, axis=1)


def _check(confidence: np.ndarray, correct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = np.asarray(confidence, dtype=float)
    k = np.asarray(correct, dtype=bool)
    if c.shape != k.shape or c.ndim != 1 or len(c) == 0:
        raise ValueError("confidence and correct must be 1-D arrays of the same non-zero length")
    if np.any((c < 0) | (c > 1)) or not np.all(np.isfinite(c)):
        raise ValueError("confidences must be probabilities in [0, 1]")
    return c, k


def reliability_table(confidence: np.ndarray, correct: np.ndarray, n_bins: int = 10) -> pd.DataFrame:
    """Data of a reliability diagram: records binned by confidence into equal-width bins.

    Returns
    -------
    pandas.DataFrame
        One row per non-empty bin: ``bin_lower``, ``bin_upper``, ``n``, ``mean_confidence``,
        ``accuracy`` and ``gap`` (accuracy minus mean confidence).
    """
    c, k = _check(confidence, correct)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    b = np.clip(np.searchsorted(edges, c, side="left") - 1, 0, n_bins - 1)  # bins (lo, hi], first [0, hi]
    rows = []
    for i in range(n_bins):
        m = b == i
        if m.any():
            rows.append(
                {
                    "bin_lower": edges[i],
                    "bin_upper": edges[i + 1],
                    "n": int(m.sum()),
                    "mean_confidence": float(c[m].mean()),
                    "accuracy": float(k[m].mean()),
                }
            )
    out = pd.DataFrame(rows)
    out["gap"] = out["accuracy"] - out["mean_confidence"]
    return out


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, n_bins: int = 10) -> float:
    """Expected calibration error: :math:`\\sum_b \\frac{n_b}{n}\\,|\\mathrm{acc}_b - \\mathrm{conf}_b|`
    over equal-width confidence bins :cite:`guo2017calibration`.

    Examples
    --------
    >>> expected_calibration_error(np.array([0.9, 0.9, 0.6, 0.6]), np.array([1, 1, 1, 0]))
    0.1
    """
    t = reliability_table(confidence, correct, n_bins)
    return float(np.round((t["n"] * t["gap"].abs()).sum() / t["n"].sum(), 12))
