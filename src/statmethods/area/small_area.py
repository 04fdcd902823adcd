"""Small-area estimation: the Fay–Herriot area-level model and the Battese–Harter–Fuller unit-level model.

Area level (Fay & Herriot 1979): a direct estimate ``y_d`` with known sampling variance ``D_d``
is modelled as ``y_d = x_d' beta + v_d + e_d`` with ``v_d ~ N(0, A)`` and ``e_d ~ N(0, D_d)``.
``A`` is fitted by REML (Fisher scoring, as in R ``sae::eblupFH``), the EBLUP is
``gamma_d y_d + (1 - gamma_d) x_d' beta`` with ``gamma_d = A / (A + D_d)``, and its MSE is the
Prasad–Rao / Datta–Lahiri second-order approximation for REML, ``g1 + g2 + 2 g3``, as in R
``sae::mseFH`` (Molina & Marhuenda 2015; Rao & Molina 2015, section 6.2).

Unit level (Battese, Harter & Fuller 1988): ``y_ij = x_ij' beta + v_i + e_ij`` with
``v_i ~ N(0, s2v)`` and ``e_ij ~ N(0, s2e)``, fitted by REML with statsmodels ``MixedLM``. The
EBLUP of each area's population mean uses the known population means of the covariates (and,
when given, the population sizes for the finite-population correction, as ``sae::eblupBHF``);
its MSE is the Prasad–Rao approximation ``g1 + g2 + 2 g3`` of Rao & Molina (2015, section 7.2).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from .._summary import Summary
from ..results import EstimateResult
from ..validation import confidence as confidence_level
from ..validation import positive, positive_int, z_quantile

__all__ = [
    "BatteseHarterFullerResult",
    "FayHerriotResult",
    "battese_harter_fuller",
    "fay_herriot",
]


def _design(formula: str, data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[str], str]:
    """Response and design matrix from a formula, through statsmodels' formula machinery."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError("data must be a pandas DataFrame with one row per area (or unit)")
    try:
        model = smf.ols(formula, data=data, missing="raise")
    except Exception as exc:  # patsy/formulaic raise many kinds of error
        raise ValueError(
            f"cannot build the design from formula {formula!r}: {exc}. Check the column names "
            "and remove or impute rows with missing values."
        ) from exc
    y = np.asarray(model.endog, dtype=float)
    x = np.asarray(model.exog, dtype=float)
    names = list(model.exog_names)
    if not np.all(np.isfinite(x)) or not np.all(np.isfinite(y)):
        raise ValueError("the response and covariates must be finite numbers (no NaN or infinity)")
    rank = np.linalg.matrix_rank(x)
    if rank < x.shape[1]:
        raise ValueError(
            f"singular design: the {x.shape[1]} columns {names} have rank {rank}, so some covariate "
            "is a linear combination of others (a constant column besides the intercept, a duplicated "
            "column, or a category with no rows). Drop or merge the redundant covariates."
        )
    return y, x, names, str(model.endog_names)


# --------------------------------------------------------------------------------------------
# Fay–Herriot
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FayHerriotResult(EstimateResult):
    """Result of :func:`fay_herriot`.

    Area-level arrays are pandas Series indexed by area. ``mse`` is the Prasad–Rao /
    Datta–Lahiri MSE estimate for REML, ``g1 + g2 + 2 g3`` (``g1``, ``g2``, ``g3`` are kept).
    ``estimates`` are the EBLUPs and ``se`` their root MSEs.

    Overrides: :meth:`conf_int` (adds the direct estimates' intervals, ``direct_lower`` and
    ``direct_upper``, for comparison), :meth:`table` (direct and EBLUP side by side, CVs,
    shrinkage) and :meth:`summary` (adds the model fit and coefficients).
    """

    areas: pd.Index
    direct: pd.Series
    sampling_variance: pd.Series
    eblup: pd.Series
    mse: pd.Series
    synthetic: pd.Series
    gamma: pd.Series
    g1: pd.Series
    g2: pd.Series
    g3: pd.Series
    coefficients: pd.DataFrame
    refvar: float
    refvar_se: float
    iterations: int
    loglike: float
    n_params: int
    confidence: float
    formula: str
    notes: list[str] = field(default_factory=list)
    title = "Fay–Herriot EBLUP with Prasad–Rao MSE"

    @property
    def n_areas(self) -> int:
        return len(self.areas)

    @property
    def rmse(self) -> pd.Series:
        """Root MSE of the EBLUP."""
        return np.sqrt(self.mse).rename("rmse")

    @property
    def estimates(self) -> pd.Series:
        """The EBLUP of each area (the same as :attr:`eblup`)."""
        return self.eblup

    @property
    def se(self) -> pd.Series:
        """Root MSE of each EBLUP (the same as :attr:`rmse`)."""
        return self.rmse

    @property
    def aic(self) -> float:
        """AIC as in ``sae::eblupFH``: ``-2 loglike + 2 (p + 1)``."""
        return -2 * self.loglike + 2 * (self.n_params + 1)

    @property
    def bic(self) -> float:
        """BIC as in ``sae::eblupFH``: ``-2 loglike + (p + 1) log m``."""
        return -2 * self.loglike + (self.n_params + 1) * np.log(self.n_areas)

    @property
    def residuals(self) -> pd.Series:
        """Standardised residuals ``(y_d - x_d' beta) / sqrt(A + D_d)``: about N(0, 1) under the model."""
        r = (self.direct - self.synthetic) / np.sqrt(self.refvar + self.sampling_variance)
        return r.rename("std_residual")

    @property
    def random_effects(self) -> pd.Series:
        """Predicted area effects ``gamma_d (y_d - x_d' beta)``."""
        return (self.gamma * (self.direct - self.synthetic)).rename("random_effect")

    def conf_int(self, confidence: float | None = None) -> pd.DataFrame:
        """Normal intervals ``eblup ± z sqrt(mse)`` and, for comparison, for the direct estimates.

        Overrides :meth:`EstimateResult.conf_int` to add the columns ``direct_lower`` and
        ``direct_upper`` (``direct ± z sqrt(D)``); ``confidence`` defaults to the level of the fit.
        """
        ci = super().conf_int(confidence)
        z = self.z if confidence is None else z_quantile(confidence)
        se_d = np.sqrt(self.sampling_variance)
        ci["direct_lower"], ci["direct_upper"] = self.direct - z * se_d, self.direct + z * se_d
        return ci

    def table(self) -> pd.DataFrame:
        """One row per area: direct estimate and SE, EBLUP and root MSE, CVs, shrinkage factor."""
        se_d = np.sqrt(self.sampling_variance)
        ci = self.conf_int()
        return pd.DataFrame({
            "direct": self.direct, "direct_se": se_d, "eblup": self.eblup, "rmse": self.rmse,
            "cv_direct": se_d / self.direct.abs(), "cv_eblup": self.rmse / self.eblup.abs(),
            "gamma": self.gamma, "lower": ci["lower"], "upper": ci["upper"],
        })

    def diagnostics(self) -> pd.Series:
        """Model checks: normality of residuals and random effects, goodness of fit, MSE gain.

        ``sw_*`` are Shapiro–Wilk p-values; ``chi2_stat`` is the sum of squared standardised
        residuals, about chi-square with ``m - p`` degrees of freedom when the model holds
        (``chi2_p`` its upper-tail p-value).
        """
        r = self.residuals.to_numpy()
        u = self.random_effects.to_numpy()
        chi2 = float(np.sum(r**2))
        df = self.n_areas - self.n_params
        return pd.Series({
            "std_residual_mean": float(r.mean()),
            "std_residual_var": float(r.var(ddof=1)),
            "sw_residuals_p": float(stats.shapiro(r).pvalue),
            "sw_random_effects_p": float(stats.shapiro(u).pvalue) if self.refvar > 0 else float("nan"),
            "chi2_stat": chi2,
            "chi2_df": float(df),
            "chi2_p": float(stats.chi2.sf(chi2, df)),
            "share_mse_below_direct": float(np.mean(self.mse < self.sampling_variance)),
            "median_mse_ratio": float(np.median(self.mse / self.sampling_variance)),
        })

    def summary(self) -> Summary:
        """Printable summary: model fit, coefficients, and the per-area table."""
        pct = f"{self.confidence:.0%}"
        header = {
            "Model": "Fay–Herriot area level, REML",
            "Formula": self.formula,
            "Areas": str(self.n_areas),
            "Random-effect variance A": f"{self.refvar:.6g} (SE {self.refvar_se:.3g})",
            "Log-likelihood / AIC / BIC": f"{self.loglike:.3f} / {self.aic:.3f} / {self.bic:.3f}",
            "Fisher-scoring iterations": str(self.iterations),
            "Confidence": pct,
        }
        coef = self.coefficients.round(4).to_string()
        t = self.table()
        shown = pd.DataFrame({
            "direct": t["direct"].map("{:.3f}".format),
            "SE": t["direct_se"].map("{:.3f}".format),
            "EBLUP": t["eblup"].map("{:.3f}".format),
            "RMSE": t["rmse"].map("{:.3f}".format),
            "gamma": t["gamma"].map("{:.2f}".format),
            f"{pct} lower": t["lower"].map("{:.3f}".format),
            f"{pct} upper": t["upper"].map("{:.3f}".format),
        })
        notes = ["Coefficients:", coef, *self.notes]
        return Summary(self.title, header, shown, notes)


def _fh_reml(y: np.ndarray, x: np.ndarray, d: np.ndarray, max_iter: int, tol: float) -> tuple[float, int]:
    """REML estimate of A by Fisher scoring from median(D) (the algorithm of ``sae::eblupFH``)."""
    a = float(np.median(d))
    for k in range(1, max_iter + 1):
        vi = 1.0 / (a + d)
        xtvi = (x * vi[:, None]).T
        q = np.linalg.inv(xtvi @ x)
        p = np.diag(vi) - xtvi.T @ q @ xtvi
        py = p @ y
        score = -0.5 * np.trace(p) + 0.5 * py @ py
        info = 0.5 * np.sum(p * p.T)  # trace(P P)
        a_new = max(a + score / info, 0.0)
        if a_new == 0.0 and a == 0.0:
            return 0.0, k
        if abs(a_new - a) <= tol * max(a, 1e-300):
            return a_new, k
        a = a_new
    raise RuntimeError(
        f"the REML Fisher scoring for the Fay–Herriot variance did not converge in {max_iter} iterations; "
        "check the sampling variances (same units as the squared direct estimates?) or raise max_iter"
    )


def _fh_inputs(formula: str, data: pd.DataFrame, variance: str, area: str | None
               ) -> tuple[np.ndarray, np.ndarray, list[str], str, np.ndarray, pd.Index]:
    """Response, design, sampling variances and area labels of a Fay–Herriot fit, checked."""
    if variance not in getattr(data, "columns", []):
        raise ValueError(
            f"variance column {variance!r} is not in data; give the column of sampling variances")
    y, x, names, yname = _design(formula, data)
    d = pd.to_numeric(data[variance], errors="coerce").to_numpy(dtype=float)
    if d.shape[0] != y.shape[0]:
        raise ValueError("the variance column and the formula's rows differ in length")
    if not np.all(np.isfinite(d)):
        raise ValueError(f"sampling variances in {variance!r} must be finite numbers; found NaN or infinity")
    labels = pd.Index(data[area] if area is not None else data.index, name=area or "area")
    if np.any(d <= 0):
        bad = [str(v) for v in labels[d <= 0][:5]]
        raise ValueError(
            f"sampling variances must be positive, but {variance!r} has {int(np.sum(d <= 0))} value(s) <= 0 "
            f"(areas {', '.join(bad)}). A variance is a squared standard error: pass SE**2, and drop or "
            "smooth areas whose direct variance could not be estimated."
        )
    m, p = x.shape
    if m < p + 2:
        raise ValueError(f"the Fay–Herriot model needs at least {p + 2} areas for {p} coefficients, got {m}")
    return y, x, names, yname, d, labels


def _fh_eblup(y: np.ndarray, x: np.ndarray, d: np.ndarray, a: float) -> dict[str, np.ndarray | float]:
    """EBLUP, its Prasad–Rao / Datta–Lahiri MSE for REML (``sae::mseFH``) and the fit's likelihood."""
    vi = 1.0 / (a + d)
    wls = sm.WLS(y, x, weights=vi).fit(cov_type="fixed scale")  # beta = (X'V^-1 X)^-1 X'V^-1 y
    beta = np.asarray(wls.params)
    q = np.asarray(wls.cov_params())
    xb = x @ beta
    gamma = a * vi
    eblup = xb + gamma * (y - xb)
    # Prasad–Rao / Datta–Lahiri MSE for REML (sae::mseFH): g1 + g2 + 2 g3.
    b = d * vi
    g1 = d * (1 - b)
    g2 = b**2 * np.einsum("ij,jk,ik->i", x, q, x)
    var_a = 2.0 / np.sum(vi**2)
    g3 = b**2 * var_a * vi
    mse = g1 + g2 + 2 * g3
    # REML information for the reported SE of A.
    xtvi = (x * vi[:, None]).T
    pm = np.diag(vi) - xtvi.T @ q @ xtvi
    refvar_se = float(np.sqrt(1.0 / (0.5 * np.sum(pm * pm.T))))
    resid = y - xb
    loglike = float(-0.5 * np.sum(np.log(2 * np.pi * (a + d)) + resid**2 / (a + d)))
    return {"beta": beta, "q": q, "synthetic": xb, "gamma": gamma, "eblup": eblup, "g1": g1, "g2": g2,
            "g3": g3, "mse": mse, "refvar_se": refvar_se, "loglike": loglike}


def fay_herriot(
    formula: str,
    data: pd.DataFrame,
    variance: str,
    *,
    area: str | None = None,
    confidence: float = 0.95,
    max_iter: int = 100,
    tol: float = 1e-8,
) -> FayHerriotResult:
    """Fay–Herriot EBLUPs with REML and the Prasad–Rao (Datta–Lahiri) MSE.

    Parameters
    ----------
    formula : str
        ``"direct ~ covariates"`` in statsmodels formula syntax, e.g. ``"yi ~ C(MajorArea)"``.
    data : DataFrame
        One row per area.
    variance : str
        Column with the sampling variance ``D_d`` of each direct estimate (a variance, i.e. a
        squared standard error), treated as known.
    area : str, optional
        Column with area labels (the row index is used when omitted).
    confidence : float
        Level of the normal intervals ``eblup ± z sqrt(mse)``.
    max_iter, tol : int, float
        Fisher-scoring limits; iteration stops when ``|A_new - A| <= tol * A``.

    Returns
    -------
    FayHerriotResult

    Raises
    ------
    ValueError
        Negative, zero or missing sampling variances; a singular design; fewer areas than
        parameters + 2; missing values in the formula's columns.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.4, 0.8, 1.3, 0.5, 1.0, 1.6, 0.9, 1.5],
    ...                    "x": [1, 1, 2, 0, 1, 2, 0, 1],
    ...                    "D": [0.02, 0.03, 0.01, 0.02, 0.04, 0.02, 0.03, 0.02]})
    >>> r = fay_herriot("y ~ x", df, "D")
    >>> round(r.refvar, 4), r.gamma.round(2).tolist()[:3]
    (0.0588, [0.75, 0.66, 0.85])
    """
    level = confidence_level(confidence)
    y, x, names, yname, d, labels = _fh_inputs(formula, data, variance, area)
    max_iter, tol = positive_int(max_iter, "max_iter"), positive(tol, "tol")
    a, iters = _fh_reml(y, x, d, max_iter, tol)
    fit = _fh_eblup(y, x, d, a)
    coef = pd.DataFrame({"coef": fit["beta"], "std_error": np.sqrt(np.diag(fit["q"]))}, index=names)
    coef["z"] = coef["coef"] / coef["std_error"]
    coef["p_value"] = 2 * stats.norm.sf(np.abs(coef["z"]))
    notes = []
    if a == 0.0:
        notes.append("REML put the random-effect variance at 0: every EBLUP equals the synthetic "
                     "regression estimate x'beta. Check the sampling variances and the covariates.")

    def s(key: str) -> pd.Series:
        return pd.Series(fit[key], index=labels, name=key)

    return FayHerriotResult(
        areas=labels, direct=pd.Series(y, index=labels, name=yname),
        sampling_variance=pd.Series(d, index=labels, name="sampling_variance"),
        eblup=s("eblup"), mse=s("mse"), synthetic=s("synthetic"), gamma=s("gamma"),
        g1=s("g1"), g2=s("g2"), g3=s("g3"), coefficients=coef, refvar=float(a),
        refvar_se=fit["refvar_se"], iterations=iters, loglike=fit["loglike"], n_params=x.shape[1],
        confidence=level, formula=formula, notes=notes,
    )


# --------------------------------------------------------------------------------------------
# Battese–Harter–Fuller
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatteseHarterFullerResult(EstimateResult):
    """Result of :func:`battese_harter_fuller`.

    Area-level Series are indexed by area. ``eblup`` estimates each area's population mean (per
    unit); ``mse`` is the Prasad–Rao MSE ``g1 + g2 + 2 g3`` (with the finite-population terms
    when population sizes were given). ``estimates`` are the EBLUPs and ``se`` their root MSEs;
    :meth:`conf_int` is inherited.

    Overrides: :meth:`table` (sample size, direct, synthetic, EBLUP, gamma per area) and
    :meth:`summary` (adds the variance components and the LR test).
    """

    table_: pd.DataFrame
    coefficients: pd.DataFrame
    sigma2_v: float
    sigma2_e: float
    loglike_reml: float
    lr_stat: float
    lr_pvalue: float
    unit_residuals: pd.Series
    confidence: float
    formula: str
    finite_population: bool
    notes: list[str] = field(default_factory=list)
    title = "Battese–Harter–Fuller EBLUP of area means with Prasad–Rao MSE"

    @property
    def eblup(self) -> pd.Series:
        return self.table_["eblup"]

    @property
    def mse(self) -> pd.Series:
        return self.table_["mse"]

    @property
    def rmse(self) -> pd.Series:
        return np.sqrt(self.table_["mse"]).rename("rmse")

    @property
    def estimates(self) -> pd.Series:
        """The EBLUP of each area's mean (the same as :attr:`eblup`)."""
        return self.eblup

    @property
    def se(self) -> pd.Series:
        """Root MSE of each EBLUP (the same as :attr:`rmse`)."""
        return self.rmse

    @property
    def random_effects(self) -> pd.Series:
        """Predicted area effects ``v_i = gamma_i (ybar_i - xbar_i' beta)`` (0 for unsampled areas)."""
        return self.table_["random_effect"]

    @property
    def intraclass_correlation(self) -> float:
        """``s2v / (s2v + s2e)``: the share of unit-level variance that is between areas."""
        return self.sigma2_v / (self.sigma2_v + self.sigma2_e)

    def table(self) -> pd.DataFrame:
        """One row per area: sample size, direct (sample mean), synthetic, EBLUP, root MSE, gamma."""
        t = self.table_.copy()
        t["rmse"] = self.rmse
        ci = self.conf_int()
        t["lower"], t["upper"] = ci["lower"], ci["upper"]
        return t[["n", "direct", "direct_se", "synthetic", "eblup", "rmse", "gamma", "lower", "upper"]]

    def diagnostics(self) -> pd.Series:
        """Shapiro–Wilk p-values for unit residuals and area effects, intraclass correlation, LR test."""
        u = self.random_effects[self.table_["n"] > 0].to_numpy()
        return pd.Series({
            "sw_unit_residuals_p": float(stats.shapiro(self.unit_residuals.to_numpy()).pvalue),
            "sw_random_effects_p": float(stats.shapiro(u).pvalue) if len(u) >= 3 else float("nan"),
            "intraclass_correlation": self.intraclass_correlation,
            "lr_stat_sigma2v_zero": self.lr_stat,
            "lr_pvalue_sigma2v_zero": self.lr_pvalue,
            "share_mse_below_direct": float(np.mean(
                (self.table_["mse"] < self.table_["direct_se"] ** 2)[self.table_["direct_se"].notna()])),
        })

    def summary(self) -> Summary:
        pct = f"{self.confidence:.0%}"
        header = {
            "Model": "Battese–Harter–Fuller nested-error unit level, REML (statsmodels MixedLM)",
            "Formula": self.formula,
            "Areas / units": f"{len(self.table_)} / {int(self.table_['n'].sum())}",
            "sigma2_v (between areas)": f"{self.sigma2_v:.2f}",
            "sigma2_e (within areas)": f"{self.sigma2_e:.2f}",
            "LR test sigma2_v = 0": f"{self.lr_stat:.2f} (p = {self.lr_pvalue:.3g})",
            "Finite-population correction": "yes" if self.finite_population else "no",
            "Confidence": pct,
        }
        t = self.table()
        shown = pd.DataFrame({
            "n": t["n"].astype(int),
            "direct": t["direct"].map("{:.1f}".format),
            "direct SE": t["direct_se"].map(lambda v: "–" if np.isnan(v) else f"{v:.1f}"),
            "synthetic": t["synthetic"].map("{:.1f}".format),
            "EBLUP": t["eblup"].map("{:.1f}".format),
            "RMSE": t["rmse"].map("{:.1f}".format),
            "gamma": t["gamma"].map("{:.2f}".format),
        })
        notes = ["Coefficients:", self.coefficients.round(4).to_string(), *self.notes]
        return Summary(self.title, header, shown, notes)


def _bhf_inputs(formula: str, data: pd.DataFrame, area: str, population_means: pd.DataFrame,
                population_sizes: pd.Series | Sequence[float] | None
                ) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray, pd.DataFrame, pd.Series,
                           pd.Series | None]:
    """Response, design, areas, covariate means, sample and population sizes of a BHF fit, checked."""
    if area not in getattr(data, "columns", []):
        raise ValueError(f"area column {area!r} is not in data")
    y, x, names, _ = _design(formula, data)
    groups = data[area].to_numpy()
    if pd.isna(groups).any():
        raise ValueError(f"area column {area!r} has missing values; every unit needs an area")
    if not isinstance(population_means, pd.DataFrame):
        raise ValueError("population_means must be a DataFrame indexed by area, one column per covariate")
    cov_names = [c for c in names if c != "Intercept"]
    missing = [c for c in cov_names if c not in population_means.columns]
    if missing:
        raise ValueError(
            f"population_means lacks the population mean of {missing}; it needs one column per design "
            f"column {cov_names} (rename its columns to match)"
        )
    sampled = pd.unique(groups)
    not_in = [str(a) for a in sampled if a not in population_means.index]
    if not_in:
        raise ValueError(f"areas {not_in} have sample units but no row in population_means")
    pm = population_means[cov_names].astype(float)
    if not np.all(np.isfinite(pm.to_numpy())):
        raise ValueError("population_means must be finite numbers")
    n_i = pd.Series(groups).value_counts().reindex(pm.index, fill_value=0).astype(int)
    if (n_i >= 2).sum() == 0:
        raise ValueError(
            "every area has fewer than 2 sample units, so the between-area and within-area variances "
            "cannot be separated; the nested-error model needs some areas with 2 or more units"
        )
    if len(sampled) < 3:
        raise ValueError(f"the nested-error model needs at least 3 sampled areas, got {len(sampled)}")
    return y, x, names, groups, pm, n_i, _bhf_sizes(population_sizes, pm.index, n_i)


def _bhf_sizes(population_sizes: pd.Series | Sequence[float] | None, areas: pd.Index,
               n_i: pd.Series) -> pd.Series | None:
    """Population size of each area (None when not given), checked against the sample sizes."""
    if population_sizes is None:
        return None
    big_n = pd.Series(population_sizes, dtype=float)
    if not isinstance(population_sizes, pd.Series):
        big_n.index = areas
    big_n = big_n.reindex(areas)
    if big_n.isna().any():
        raise ValueError("population_sizes must give a size for every area of population_means")
    if (big_n < n_i).any():
        bad = list(big_n.index[big_n < n_i].astype(str))
        raise ValueError(f"population_sizes smaller than the sample size in areas {bad}")
    return big_n


def _bhf_fit(y: np.ndarray, x: np.ndarray, groups: np.ndarray, lr_test: bool
             ) -> tuple[sm.regression.mixed_linear_model.MixedLMResults, float, float, list[str]]:
    """REML fit of the nested-error model, the LR test of ``s2v = 0`` and statsmodels' convergence notes."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = sm.MixedLM(y, x, groups=groups).fit(reml=True)
        fit_ml = sm.MixedLM(y, x, groups=groups).fit(reml=False) if lr_test else None
    notes = sorted({f"statsmodels: {w.message}" for w in caught if "converge" in str(w.message).lower()})
    if fit_ml is None:
        return fit, float("nan"), float("nan"), notes
    lr = max(2 * (float(fit_ml.llf) - float(sm.OLS(y, x).fit().llf)), 0.0)
    lr_p = 0.5 * float(stats.chi2.sf(lr, 1)) if lr > 0 else 1.0  # boundary: 50:50 chi2(0), chi2(1)
    return fit, lr, lr_p, notes


def _bhf_information(x: np.ndarray, groups: np.ndarray, sampled: np.ndarray, n_i: pd.Series, s2v: float,
                     s2e: float) -> tuple[np.ndarray, np.ndarray]:
    """``Var(beta)`` and the inverse Fisher information of ``(s2v, s2e)`` of the nested-error model."""
    # Var(beta) = (sum_i X_i' V_i^-1 X_i)^-1 with V_i^-1 = (I - gamma_i/n_i J) / s2e.
    xtvx = np.zeros((x.shape[1], x.shape[1]))
    for a in sampled:
        xi = x[groups == a]
        ni = xi.shape[0]
        gi = s2v / (s2v + s2e / ni)
        sx = xi.sum(axis=0)
        xtvx += (xi.T @ xi - gi / ni * np.outer(sx, sx)) / s2e
    vbeta = np.linalg.inv(xtvx)
    # Inverse Fisher information of (s2v, s2e) (Rao & Molina 2015, eq. 7.2.36 ff.), closed form.
    ns = n_i[n_i > 0].to_numpy().astype(float)
    gs = s2v / (s2v + s2e / ns)
    i_vv = 0.5 * np.sum(ns**2 * (1 - gs) ** 2) / s2e**2
    i_ve = 0.5 * np.sum(ns * (1 - gs) ** 2) / s2e**2
    i_ee = 0.5 * np.sum(ns - 2 * gs + gs**2) / s2e**2
    return vbeta, np.linalg.inv(np.array([[i_vv, i_ve], [i_ve, i_ee]]))


def _bhf_area_table(y: np.ndarray, x: np.ndarray, names: list[str], groups: np.ndarray, pm: pd.DataFrame,
                    n_i: pd.Series, big_n: pd.Series | None, beta: np.ndarray, s2v: float, s2e: float,
                    vbeta: np.ndarray, cov_theta: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Per area: direct, synthetic and EBLUP of the mean, Prasad–Rao MSE; and the area effects."""
    areas = pm.index
    xbar_pop = np.column_stack([np.ones(len(areas)) if c == "Intercept" else pm[c].to_numpy()
                                for c in names])
    # Sample means per area (NaN for unsampled areas).
    df_s = pd.DataFrame(x, columns=names).assign(_y=y, _g=groups)
    means = df_s.groupby("_g", sort=False).mean().reindex(areas)
    sds = df_s.groupby("_g", sort=False)["_y"].std(ddof=1).reindex(areas)
    ybar = means["_y"].to_numpy()
    xbar_s = means[names].to_numpy()
    n = n_i.to_numpy().astype(float)
    gamma = np.where(n > 0, s2v / (s2v + s2e / np.maximum(n, 1)), 0.0)
    u = np.where(n > 0, gamma * (ybar - np.nan_to_num(xbar_s) @ beta), 0.0)
    u = np.nan_to_num(u)
    if big_n is not None:
        f = n / big_n.to_numpy()
        # Non-sampled-part mean of x: Xbar_r = (N Xbar - n xbar) / (N - n).
        xbar_r = np.where((n > 0)[:, None],
                          (xbar_pop - f[:, None] * np.nan_to_num(xbar_s)) / (1 - f)[:, None], xbar_pop)
        eblup = f * np.nan_to_num(ybar) + (xbar_pop - f[:, None] * np.nan_to_num(xbar_s)) @ beta + (1 - f) * u
    else:
        f = np.zeros(len(areas))
        xbar_r = xbar_pop
        eblup = xbar_pop @ beta + u
    a_vec = xbar_r - gamma[:, None] * np.nan_to_num(xbar_s)
    g1 = np.where(n > 0, gamma * s2e / np.maximum(n, 1), s2v)
    g2 = np.einsum("ij,jk,ik->i", a_vec, vbeta, a_vec)
    h = (s2e**2 * cov_theta[0, 0] + s2v**2 * cov_theta[1, 1] - 2 * s2e * s2v * cov_theta[0, 1])
    g3 = np.where(n > 0, h / (np.maximum(n, 1) ** 2 * (s2v + s2e / np.maximum(n, 1)) ** 3), 0.0)
    mse = g1 + g2 + 2 * g3
    if big_n is not None:
        extra = np.where(big_n.to_numpy() > n, s2e / np.maximum(big_n.to_numpy() - n, 1), 0.0)
        mse = (1 - f) ** 2 * (mse + extra)
    direct_se = np.where(n >= 2, sds.to_numpy() / np.sqrt(np.maximum(n, 1)) * np.sqrt(1 - f), np.nan)
    table = pd.DataFrame({
        "n": n.astype(int), "direct": ybar, "direct_se": direct_se, "synthetic": xbar_pop @ beta,
        "eblup": eblup, "mse": mse, "gamma": gamma, "random_effect": u,
        "g1": g1, "g2": g2, "g3": g3,
    }, index=areas)
    return table, u


def battese_harter_fuller(
    formula: str,
    data: pd.DataFrame,
    area: str,
    population_means: pd.DataFrame,
    population_sizes: pd.Series | Sequence[float] | None = None,
    *,
    confidence: float = 0.95,
    lr_test: bool = True,
) -> BatteseHarterFullerResult:
    """Battese–Harter–Fuller nested-error EBLUPs of area means, with Prasad–Rao MSE.

    Parameters
    ----------
    formula : str
        Unit-level model, e.g. ``"CornHec ~ CornPix + SoyBeansPix"`` (statsmodels syntax).
    data : DataFrame
        One row per sampled unit.
    area : str
        Column of ``data`` with the area of each unit.
    population_means : DataFrame
        Indexed by area, one column per covariate of the design (named as in the design matrix,
        intercept excepted): the population mean of each covariate in each area. Areas without
        sample units get the synthetic estimate ``Xbar' beta``.
    population_sizes : Series, optional
        Number of population units per area (indexed like ``population_means``). When given,
        the EBLUP targets the finite-population mean (as ``sae::eblupBHF``) and the MSE includes
        the finite-population terms.
    confidence : float
        Level of the normal intervals.
    lr_test : bool
        Also fit by ML to test ``sigma2_v = 0`` against the linear model (likelihood ratio, with the
        50:50 chi-square mixture for a boundary null). False skips it (NaN) and is faster.

    Returns
    -------
    BatteseHarterFullerResult

    Raises
    ------
    ValueError
        A singular design, missing covariate means, population sizes smaller than sample sizes,
        or a sample in which no area has 2 or more units (the two variances cannot be separated).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> g = np.repeat(np.arange(8), 5); x = rng.normal(size=40)
    >>> df = pd.DataFrame({"a": g, "x": x, "y": 2 + x + rng.normal(size=8)[g] + rng.normal(size=40)})
    >>> r = battese_harter_fuller("y ~ x", df, "a", pd.DataFrame({"x": np.zeros(8)}, index=range(8)))
    >>> r.table().shape
    (8, 9)
    """
    level = confidence_level(confidence)
    data = data.reset_index(drop=True) if isinstance(data, pd.DataFrame) else data
    y, x, names, groups, pm, n_i, big_n = _bhf_inputs(formula, data, area, population_means, population_sizes)
    sampled = pd.unique(groups)
    fit, lr, lr_p, notes = _bhf_fit(y, x, groups, lr_test)
    s2v = float(np.asarray(fit.cov_re)[0, 0])
    s2e = float(fit.scale)
    beta = np.asarray(fit.fe_params, dtype=float)
    if s2v <= 0:
        notes.append("REML put the between-area variance at 0: the EBLUPs are synthetic estimates.")
    vbeta, cov_theta = _bhf_information(x, groups, sampled, n_i, s2v, s2e)
    table, u = _bhf_area_table(y, x, names, groups, pm, n_i, big_n, beta, s2v, s2e, vbeta, cov_theta)
    if (table["n"] == 1).any():
        notes.append("Areas with one sample unit have no direct standard error (a variance needs 2 units).")
    coef = pd.DataFrame({"coef": beta, "std_error": np.sqrt(np.diag(vbeta))}, index=names)
    coef["z"] = coef["coef"] / coef["std_error"]
    coef["p_value"] = 2 * stats.norm.sf(np.abs(coef["z"]))
    unit_resid = pd.Series(y - x @ beta - u[pm.index.get_indexer(groups)], name="conditional_residual")
    return BatteseHarterFullerResult(
        table_=table, coefficients=coef, sigma2_v=s2v, sigma2_e=s2e, loglike_reml=float(fit.llf),
        lr_stat=lr, lr_pvalue=lr_p, unit_residuals=unit_resid, confidence=level,
        formula=formula, finite_population=big_n is not None, notes=notes,
    )
