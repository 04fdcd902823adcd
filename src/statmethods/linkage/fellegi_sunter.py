"""The Fellegi-Sunter model on binary agreement vectors, estimated by EM in a few numpy lines.

For a pair with agreement vector ``g`` (one 0/1 entry per field), under conditional independence
``P(g | match) = prod_k m_k^g_k (1 - m_k)^(1 - g_k)`` and likewise with ``u`` for non-matches.
The match weight is ``log2(P(g | M) / P(g | U))`` and the posterior match probability is
``lambda P(g|M) / (lambda P(g|M) + (1 - lambda) P(g|U))``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._summary import Summary


@dataclass(frozen=True)
class FellegiSunterResult:
    """EM estimates of ``m``, ``u`` and ``lambda`` for binary comparisons."""

    m: pd.Series
    u: pd.Series
    lambda_: float
    n_iter: int
    n_pairs: int

    @property
    def estimates(self) -> pd.DataFrame:
        """``m``, ``u`` and the agreement/disagreement weights per field."""
        return pd.DataFrame({"m": self.m, "u": self.u,
                             "w_agree": np.log2(self.m / self.u),
                             "w_disagree": np.log2((1 - self.m) / (1 - self.u))})

    def table(self) -> pd.DataFrame:
        """The estimates, rounded."""
        return self.estimates.round(4)

    def match_weight(self, gamma: np.ndarray | pd.DataFrame) -> np.ndarray:
        """Total match weight ``log2(P(g|M)/P(g|U))`` of each agreement vector."""
        g = np.asarray(gamma, dtype=float)
        e = self.estimates
        return g @ e["w_agree"].to_numpy() + (1 - g) @ e["w_disagree"].to_numpy()

    def match_probability(self, gamma: np.ndarray | pd.DataFrame) -> np.ndarray:
        """Posterior probability of a match for each agreement vector."""
        w = self.match_weight(gamma) + np.log2(self.lambda_ / (1 - self.lambda_))
        return 1.0 / (1.0 + 2.0 ** (-w))

    def summary(self) -> Summary:
        """Pairs, iterations, lambda and the m/u table."""
        return Summary("Fellegi-Sunter model (EM on binary agreement vectors)",
                       {"pairs": f"{self.n_pairs:,}", "EM iterations": str(self.n_iter),
                        "lambda": f"{self.lambda_:.4f}"}, self.table(),
                       ["w_agree = log2(m/u), w_disagree = log2((1-m)/(1-u))"])


def fellegi_sunter_em(gamma: pd.DataFrame | np.ndarray, *, m0: float = 0.9, u0: float = 0.1,
                      lambda0: float = 0.1, tol: float = 1e-8, max_iter: int = 500) -> FellegiSunterResult:
    """Estimate ``m``, ``u`` and ``lambda`` by EM (Winkler 1988) from 0/1 agreement vectors.

    Parameters
    ----------
    gamma
        One row per candidate pair, one 0/1 column per field.
    m0, u0, lambda0
        Starting values (``m0 > u0`` labels the first latent class "match").
    tol, max_iter
        Stop when no parameter moves more than ``tol``.

    Returns
    -------
    FellegiSunterResult

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> match = rng.random(20000) < 0.2
    >>> g = np.where(match[:, None], rng.random((20000, 3)) < 0.9, rng.random((20000, 3)) < 0.05)
    >>> fit = fellegi_sunter_em(g.astype(int))
    >>> round(fit.lambda_, 2), fit.m.round(1).tolist()
    (0.2, [0.9, 0.9, 0.9])
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
    return FellegiSunterResult(pd.Series(np.clip(m, eps, 1 - eps), index=names, name="m"),
                               pd.Series(np.clip(u, eps, 1 - eps), index=names, name="u"),
                               float(lam), it, int(counts.sum()))
