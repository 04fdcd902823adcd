"""The Fellegi-Sunter model on binary agreement vectors, estimated by EM in a few numpy lines.

For a pair with agreement vector ``g`` (one 0/1 entry per field), under conditional independence
``P(g | match) = prod_k m_k^g_k (1 - m_k)^(1 - g_k)`` and likewise with ``u`` for non-matches.
The match weight is ``log2(P(g | M) / P(g | U))`` and the posterior match probability is
``lambda P(g|M) / (lambda P(g|M) + (1 - lambda) P(g|U))``.

EM maximises the likelihood of this two-class mixture, so the standard errors of ``m``, ``u``
and ``lambda`` come from the inverse of the observed information (Louis 1982), computed here
from the analytic Hessian of the log-likelihood over the distinct agreement patterns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._summary import Summary
from ..results import EstimateResult
from ..validation import z_quantile

__all__ = ["FellegiSunterResult", "fellegi_sunter_em", "observed_information"]

#: Estimates closer than this to 0 or 1 are on the boundary: no standard error (NaN).
BOUNDARY = 1e-6


@dataclass(frozen=True)
class FellegiSunterResult(EstimateResult):
    """EM estimates of ``m``, ``u`` and ``lambda`` for binary comparisons, with standard errors.

    ``estimates`` are ``m`` and ``u`` of each field (index ``"field: m"``, ``"field: u"``) and
    ``lambda``; ``se`` are their maximum-likelihood standard errors, the square roots of the
    diagonal of ``cov``, the inverse observed information of the mixture likelihood. They treat
    the candidate pairs as independent draws from the model, which they are not (one record is
    in many pairs, and fields are seldom conditionally independent), so they understate the
    uncertainty of a real linkage; a bootstrap over records is the honest check there. An
    estimate on the boundary (within ``BOUNDARY`` of 0 or 1) has no standard error (NaN), nor
    has any estimate of a model that is not identified (fewer than three informative fields).

    ``conf_int`` is overridden: the intervals are normal on the logit scale and mapped back, so
    that they stay inside (0, 1). ``table`` and ``summary`` are overridden too: they show the
    per-field ``parameters`` (m, u and the agreement/disagreement weights), which is what a reader
    of a linkage model checks.
    """

    m: pd.Series
    u: pd.Series
    lambda_: float
    n_iter: int
    n_pairs: int
    cov: pd.DataFrame | None = field(default=None, repr=False)
    confidence: float = 0.95
    title = "Fellegi-Sunter model (EM on binary agreement vectors)"

    @property
    def estimates(self) -> pd.Series:
        """``m`` and ``u`` of each field, then ``lambda``."""
        names = [f"{k}: m" for k in self.m.index] + [f"{k}: u" for k in self.u.index] + ["lambda"]
        values = np.concatenate([self.m.to_numpy(float), self.u.to_numpy(float), [self.lambda_]])
        return pd.Series(values, index=names, name="estimate")

    @property
    def se(self) -> pd.Series:
        """Standard errors from the inverse observed information (NaN on the boundary)."""
        est = self.estimates
        if self.cov is None:
            return pd.Series(np.nan, index=est.index, name="se")
        var = np.diag(self.cov.to_numpy(float))
        return pd.Series(np.sqrt(np.where(var >= 0, var, np.nan)), index=est.index, name="se")

    @property
    def parameters(self) -> pd.DataFrame:
        """``m``, ``u`` and the agreement/disagreement weights per field."""
        return pd.DataFrame({"m": self.m, "u": self.u,
                             "w_agree": np.log2(self.m / self.u),
                             "w_disagree": np.log2((1 - self.m) / (1 - self.u))})

    def conf_int(self, confidence: float | None = None) -> pd.DataFrame:
        """Logit-scale normal intervals, mapped back to (0, 1): ``expit(logit(p) ± z se / (p (1 - p)))``."""
        z = z_quantile(self.confidence if confidence is None else confidence)
        p, se = self.estimates, self.se
        logit, half = np.log(p / (1 - p)), z * se / (p * (1 - p))
        return pd.DataFrame({"lower": 1 / (1 + np.exp(-(logit - half))),
                             "upper": 1 / (1 + np.exp(-(logit + half)))})

    def table(self) -> pd.DataFrame:
        """The per-field ``parameters``, rounded."""
        return self.parameters.round(4)

    def match_weight(self, gamma: np.ndarray | pd.DataFrame) -> np.ndarray:
        """Total match weight ``log2(P(g|M)/P(g|U))`` of each agreement vector."""
        g = np.asarray(gamma, dtype=float)
        e = self.parameters
        return g @ e["w_agree"].to_numpy() + (1 - g) @ e["w_disagree"].to_numpy()

    def match_probability(self, gamma: np.ndarray | pd.DataFrame) -> np.ndarray:
        """Posterior probability of a match for each agreement vector."""
        w = self.match_weight(gamma) + np.log2(self.lambda_ / (1 - self.lambda_))
        return 1.0 / (1.0 + 2.0 ** (-w))

    def summary(self) -> Summary:
        """Pairs, iterations, lambda and the m/u table."""
        return Summary(self.title,
                       {"pairs": f"{self.n_pairs:,}", "EM iterations": str(self.n_iter),
                        "lambda": f"{self.lambda_:.4f}"}, self.table(),
                       ["w_agree = log2(m/u), w_disagree = log2((1-m)/(1-u))"])


def observed_information(patterns: np.ndarray, counts: np.ndarray, m: np.ndarray, u: np.ndarray,
                         lambda_: float) -> np.ndarray:
    """Observed information of ``(m_1..m_K, u_1..u_K, lambda)`` in the binary Fellegi-Sunter mixture.

    Minus the Hessian of ``sum_j counts_j log(lambda P(g_j|M) + (1 - lambda) P(g_j|U))``, written
    out: ``P(g|M)`` is linear in each ``m_k``, so only the cross terms of its second derivatives
    are non-zero.

    Parameters
    ----------
    patterns : numpy.ndarray
        Distinct 0/1 agreement vectors, one per row.
    counts : numpy.ndarray
        Number of candidate pairs with each pattern.
    m, u : numpy.ndarray
        Agreement probabilities among matches and non-matches, one per field.
    lambda_ : float
        Share of matches.

    Returns
    -------
    numpy.ndarray
        The ``(2K + 1) x (2K + 1)`` information matrix.

    Examples
    --------
    One field, known classes in the limit: the information of ``lambda`` is ``n / (lambda (1 - lambda))``
    when ``m = 1`` and ``u = 0`` separate them.

    >>> info = observed_information(np.array([[0.0], [1.0]]), np.array([80, 20]),
    ...                             np.array([1 - 1e-9]), np.array([1e-9]), 0.2)
    >>> round(float(info[2, 2]), 3), round(100 / (0.2 * 0.8), 3)
    (625.0, 625.0)
    """
    g = np.asarray(patterns, dtype=float)
    c = np.asarray(counts, dtype=float)
    k = g.shape[1]
    pm = np.prod(m ** g * (1 - m) ** (1 - g), axis=1)
    pu = np.prod(u ** g * (1 - u) ** (1 - g), axis=1)
    f = lambda_ * pm + (1 - lambda_) * pu
    post = lambda_ * pm / f
    d = g / m - (1 - g) / (1 - m)  # d log P(g|M) / d m_k
    e = g / u - (1 - g) / (1 - u)  # d log P(g|U) / d u_k
    score = np.column_stack([post[:, None] * d, (1 - post)[:, None] * e, (pm - pu) / f])
    second = np.zeros((len(g), 2 * k + 1, 2 * k + 1))  # (d2 a + d2 b) / f per pattern
    off = 1 - np.eye(k)
    second[:, :k, :k] = post[:, None, None] * d[:, :, None] * d[:, None, :] * off
    second[:, k:2 * k, k:2 * k] = (1 - post)[:, None, None] * e[:, :, None] * e[:, None, :] * off
    second[:, :k, 2 * k] = second[:, 2 * k, :k] = (pm / f)[:, None] * d
    second[:, k:2 * k, 2 * k] = second[:, 2 * k, k:2 * k] = -(pu / f)[:, None] * e
    outer = score[:, :, None] * score[:, None, :]
    return np.einsum("j,jab->ab", c, outer - second)


def _covariance(info: np.ndarray, theta: np.ndarray, n_patterns: int) -> np.ndarray:
    """Inverse information over the interior parameters; NaN rows/columns for boundary ones.

    All NaN when the model is not identified: more free parameters than the ``n_patterns - 1``
    degrees of freedom of the pattern counts (fewer than three informative fields).
    """
    free = (theta > BOUNDARY) & (theta < 1 - BOUNDARY)
    cov = np.full(info.shape, np.nan)
    if free.any() and free.sum() <= n_patterns - 1:
        try:
            cov[np.ix_(free, free)] = np.linalg.inv(info[np.ix_(free, free)])
        except np.linalg.LinAlgError:  # not identified (e.g. a constant field): no standard errors
            pass
    return cov


def fellegi_sunter_em(gamma: pd.DataFrame | np.ndarray, *, m0: float = 0.9, u0: float = 0.1,
                      lambda0: float = 0.1, tol: float = 1e-8, max_iter: int = 500) -> FellegiSunterResult:
    """Estimate ``m``, ``u`` and ``lambda`` by EM (Winkler 1988) from 0/1 agreement vectors.

    Parameters
    ----------
    gamma : pandas.DataFrame or numpy.ndarray
        One row per candidate pair, one 0/1 column per field.
    m0, u0, lambda0 : float
        Starting values (``m0 > u0`` labels the first latent class "match").
    tol : float
        Stop when no parameter moves more than ``tol``.
    max_iter : int
        Largest number of EM iterations.

    Returns
    -------
    FellegiSunterResult
        ``m``, ``u``, ``lambda_`` and their standard errors (``se``, ``conf_int()``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> match = rng.random(20000) < 0.2
    >>> g = np.where(match[:, None], rng.random((20000, 3)) < 0.9, rng.random((20000, 3)) < 0.05)
    >>> fit = fellegi_sunter_em(g.astype(int))
    >>> round(fit.lambda_, 2), fit.m.round(1).tolist()
    (0.2, [0.9, 0.9, 0.9])
    >>> fit.table().loc["x0", ["m", "u"]].round(3).tolist(), round(float(fit.se["x0: m"]), 4)
    ([0.911, 0.051], 0.0055)
    """
    if isinstance(gamma, pd.DataFrame):
        names = list(gamma.columns)
    else:
        names = [f"x{k}" for k in range(np.shape(gamma)[1])]
    g = np.asarray(gamma, dtype=float)
    # EM works on the distinct patterns and their counts: 2^K rows at most
    patterns, counts = np.unique(g, axis=0, return_counts=True)
    k = g.shape[1]
    m, u, lam = np.full(k, m0), np.full(k, u0), lambda0
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (it is returned)
        pm = np.prod(m ** patterns * (1 - m) ** (1 - patterns), axis=1)      # P(g | M)
        pu = np.prod(u ** patterns * (1 - u) ** (1 - patterns), axis=1)      # P(g | U)
        post = lam * pm / (lam * pm + (1 - lam) * pu)                         # E step
        w_m, w_u = counts * post, counts * (1 - post)
        m_new = w_m @ patterns / w_m.sum()                                     # M step
        u_new = w_u @ patterns / w_u.sum()
        lam_new = w_m.sum() / counts.sum()
        step = max(np.abs(m_new - m).max(), np.abs(u_new - u).max(), abs(lam_new - lam))
        m, u, lam = m_new, u_new, lam_new
        if step < tol:
            break
    eps = 1e-12
    m, u = np.clip(m, eps, 1 - eps), np.clip(u, eps, 1 - eps)
    cov = _covariance(observed_information(patterns, counts, m, u, lam), np.concatenate([m, u, [lam]]),
                      len(patterns))
    labels = [f"{n}: m" for n in names] + [f"{n}: u" for n in names] + ["lambda"]
    return FellegiSunterResult(pd.Series(m, index=names, name="m"), pd.Series(u, index=names, name="u"),
                               float(lam), it, int(counts.sum()),
                               pd.DataFrame(cov, index=labels, columns=labels))
