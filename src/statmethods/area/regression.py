"""Area-frame regression estimator with a remote-sensing auxiliary variable.

A sample of segments (or points) from an area frame gives ground-surveyed crop areas ``y``; a
classified satellite image gives, for every segment of the frame, the classified area ``x``.
The regression estimator of the population mean per segment (Cochran 1977, ch. 7; Gallego 2004;
FAO GSARS Handbook on remote sensing for agricultural statistics, 2017) is

``ybar_reg = ybar + b (Xbar - xbar)``

with ``Xbar`` the known population mean of ``x``. With strata ``h`` (counties, land-use strata)
the combined estimator is ``sum_h N_h [ybar_h + b' (Xbar_h - xbar_h)]`` with a common slope
``b`` from the pooled within-stratum regression weighted by ``N_h^2 (1 - f_h) / n_h`` (Cochran
1977, section 7.8). Its design-based variance is estimated from the residuals ``e = y - b'x``
within strata; the direct expansion estimator ``sum_h N_h ybar_h`` uses ``y`` instead. The
efficiency gain is about ``1 / (1 - r^2)``, with ``r`` the (pooled within-stratum) correlation
of ``y`` and ``x``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from .._summary import Summary
from ..results import EstimateResult
from ..validation import confidence as confidence_level
from ..validation import z_quantile

__all__ = ["RegressionResult", "regression_estimator"]


@dataclass(frozen=True)
class RegressionResult(EstimateResult):
    """Result of :func:`regression_estimator`.

    ``estimates`` and ``se`` are the regression estimates of the totals and their standard
    errors, one per response; the inherited :meth:`conf_int` gives their intervals and
    :meth:`direct_conf_int` those of the direct expansion estimator.

    Overrides: :meth:`table` (both estimators, CVs, r² and efficiency per response) and
    :meth:`summary` (adds the design and the slopes).

    ``table_`` has one row per response variable with the direct expansion and regression
    estimates of the population total, their standard errors, ``r2`` and the relative
    efficiency (observed variance ratio ``re_observed`` and ``re_theory = 1 / (1 - r2)``).
    ``strata_`` holds per-stratum estimates of the mean per unit for each response.
    """

    table_: pd.DataFrame
    coefficients: pd.DataFrame
    strata_: dict[str, pd.DataFrame]
    population_size: float
    sample_size: int
    confidence: float
    auxiliaries: list[str]
    notes: list[str] = field(default_factory=list)
    title = "Regression estimator with a satellite auxiliary"

    @property
    def estimates(self) -> pd.Series:
        """Regression estimate of each response's population total (the same as :attr:`total`)."""
        return self.total

    @property
    def se(self) -> pd.Series:
        """Standard error of each regression estimate (the same as :attr:`total_se`)."""
        return self.total_se

    @property
    def total(self) -> pd.Series:
        """Regression estimate of each response's population total."""
        return self.table_["reg_total"]

    @property
    def total_se(self) -> pd.Series:
        return self.table_["reg_se"]

    @property
    def direct_total(self) -> pd.Series:
        """Direct expansion estimate ``sum_h N_h ybar_h``."""
        return self.table_["direct_total"]

    @property
    def direct_se(self) -> pd.Series:
        return self.table_["direct_se"]

    @property
    def relative_efficiency(self) -> pd.Series:
        """``v(direct) / v(regression)``, both estimated from the same sample."""
        return self.table_["re_observed"]

    def direct_conf_int(self, confidence: float | None = None) -> pd.DataFrame:
        """Normal intervals (``lower``, ``upper``) of the direct expansion totals, one row per response.

        ``confidence`` defaults to the level the estimator was called with.
        """
        z = self.z if confidence is None else z_quantile(confidence)
        est, se = self.direct_total, self.direct_se
        return pd.DataFrame({"lower": est - z * se, "upper": est + z * se})

    def table(self) -> pd.DataFrame:
        """One row per response: both estimates, SEs, CVs, intervals, r² and efficiency."""
        t = self.table_.copy()
        t["direct_cv"] = t["direct_se"] / t["direct_total"].abs()
        t["reg_cv"] = t["reg_se"] / t["reg_total"].abs()
        ci = self.conf_int()
        t["reg_lower"], t["reg_upper"] = ci["lower"], ci["upper"]
        return t

    def strata(self, response: str) -> pd.DataFrame:
        """Per-stratum means per unit: direct ``ybar_h`` and regression ``ybar_h + b'(Xbar_h - xbar_h)``."""
        if response not in self.strata_:
            raise ValueError(f"unknown response {response!r}; choose from {list(self.strata_)}")
        return self.strata_[response]

    def summary(self) -> Summary:
        pct = f"{self.confidence:.0%}"
        header = {
            "Estimator": "combined regression estimator (Cochran 1977, 7.8) vs direct expansion",
            "Auxiliary": ", ".join(self.auxiliaries),
            "Population units": f"{self.population_size:,.0f}",
            "Sample units": str(self.sample_size),
            "Confidence": pct,
        }
        t = self.table()
        shown = pd.DataFrame({
            "direct": t["direct_total"].map("{:,.0f}".format),
            "SE dir": t["direct_se"].map("{:,.0f}".format),
            "regression": t["reg_total"].map("{:,.0f}".format),
            "SE reg": t["reg_se"].map("{:,.0f}".format),
            f"{pct} lower": t["reg_lower"].map("{:,.0f}".format),
            f"{pct} upper": t["reg_upper"].map("{:,.0f}".format),
            "r²": t["r2"].map("{:.3f}".format),
            "1/(1-r²)": t["re_theory"].map("{:.2f}".format),
            "v_dir/v_reg": t["re_observed"].map("{:.2f}".format),
        })
        notes = ["Slopes b:", self.coefficients.round(4).to_string(), *self.notes]
        return Summary(self.title, header, shown, notes)


def _as_list(v: str | Sequence[str], what: str) -> list[str]:
    out = [v] if isinstance(v, str) else list(v)
    if not out or not all(isinstance(s, str) for s in out):
        raise ValueError(f"{what} must be a column name or a non-empty list of column names")
    return out


def regression_estimator(
    data: pd.DataFrame,
    y: str | Sequence[str],
    x: str | Sequence[str],
    population: pd.DataFrame,
    *,
    strata: str | None = None,
    size: str = "N",
    collapse_singletons: bool = False,
    confidence: float = 0.95,
) -> RegressionResult:
    """Design-based regression and direct expansion estimators of population totals.

    Parameters
    ----------
    data : DataFrame
        One row per sample unit (segment or point), drawn by simple random sampling without
        replacement within each stratum.
    y : str or list of str
        Surveyed variable(s), e.g. hectares of corn per segment.
    x : str or list of str
        Auxiliary variable(s) known for every population unit, e.g. classified pixels per segment.
    population : DataFrame
        One row per stratum (indexed by the stratum labels used in ``data[strata]``; a single row
        when ``strata`` is None) with the number of population units in column ``size`` and the
        population mean per unit of each ``x`` column (same names).
    strata : str, optional
        Column of ``data`` with the stratum of each unit; None for one unstratified sample.
    size : str
        Column of ``population`` with the number of units ``N_h``.
    collapse_singletons : bool
        Strata with a single sample unit have no variance estimate. If True they are pooled into
        one collapsed stratum for the variance only (Cochran 1977, 5A.12; conservative; the
        finite-population correction is dropped for them). If False such strata raise an error.
    confidence : float
        Level of the normal intervals.

    Returns
    -------
    RegressionResult

    Raises
    ------
    ValueError
        Missing columns or strata, a stratum with fewer than 2 sample units (unless
        ``collapse_singletons``), more sample than population units, a singular auxiliary design.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"y": [3.0, 5.0, 7.0, 8.0], "x": [1.0, 2.0, 3.0, 4.0]})
    >>> r = regression_estimator(s, "y", "x", pd.DataFrame({"N": [100], "x": [2.0]}))
    >>> round(float(r.total.iloc[0]), 1)
    490.0
    """
    level = confidence_level(confidence)
    ys, xs = _as_list(y, "y"), _as_list(x, "x")
    sample, labels, pop = _frame(data, ys, xs, population, strata, size)
    big_n, n_h, single = _stratum_sizes(labels, pop, size, collapse_singletons)
    design = _Design(sample[xs].to_numpy(dtype=float), labels, xs, pop[xs].astype(float), big_n, n_h, single,
                     one_stratum=strata is None)
    rows, coefs, per_stratum = {}, {}, {}
    for yc in ys:
        rows[yc], coefs[yc], per_stratum[yc] = design.estimate(sample[yc].to_numpy(dtype=float))
    notes: list[str] = []
    if single:
        notes.append(f"Strata {[str(s) for s in single]} have one sample unit each; they were collapsed into "
                     "one stratum for the variance (conservative).")
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "response"
    return RegressionResult(
        table_=table, coefficients=pd.DataFrame(coefs).T, strata_=per_stratum,
        population_size=float(big_n.sum()),
        sample_size=int(len(data)), confidence=level, auxiliaries=xs, notes=notes,
    )


def _frame(data: pd.DataFrame, ys: list[str], xs: list[str], population: pd.DataFrame, strata: str | None,
           size: str) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """The numeric sample columns, the stratum of each unit and the population table, checked."""
    if not isinstance(data, pd.DataFrame) or not isinstance(population, pd.DataFrame):
        raise ValueError("data and population must be pandas DataFrames")
    for c in ys + xs + ([strata] if strata else []):
        if c not in data.columns:
            raise ValueError(f"column {c!r} is not in data")
    for c in xs + [size]:
        if c not in population.columns:
            raise ValueError(
                f"population needs column {c!r} (population mean of each x and the size {size!r})")
    sample = data[ys + xs].apply(pd.to_numeric, errors="coerce")
    if not np.all(np.isfinite(sample.to_numpy())):
        raise ValueError("y and x must be finite numbers in every sample row (no NaN); drop or impute them")
    if strata is None:
        if len(population) != 1:
            raise ValueError("without strata, population must have exactly one row (N and the x means)")
        return sample, np.zeros(len(data), dtype=int), population.set_axis([0])
    labels = data[strata].to_numpy()
    if pd.isna(labels).any():
        raise ValueError(f"stratum column {strata!r} has missing values")
    unknown = sorted({str(v) for v in pd.unique(labels) if v not in population.index})
    if unknown:
        raise ValueError(f"strata {unknown} are in the sample but not in population's index")
    return sample, labels, population


def _stratum_sizes(labels: np.ndarray, pop: pd.DataFrame, size: str,
                   collapse_singletons: bool) -> tuple[pd.Series, pd.Series, list]:
    """Population sizes ``N_h``, sample sizes ``n_h`` and the single-unit strata, checked."""
    big_n = pop[size].astype(float)
    n_h = pd.Series(labels).value_counts().reindex(pop.index, fill_value=0)
    if (n_h == 0).any():
        empty = [str(v) for v in n_h.index[n_h == 0]]
        raise ValueError(
            f"strata {empty} have no sample units, so their totals cannot be estimated; "
            "drop them from population or add sample units"
        )
    if (big_n < n_h).any():
        raise ValueError("a stratum has more sample units than population units (check the size column)")
    single = list(n_h.index[n_h < 2])
    if single and not collapse_singletons:
        raise ValueError(
            f"strata {[str(s) for s in single]} have fewer than 2 sample units, so their variance cannot be "
            "estimated. Merge them with similar strata, or pass collapse_singletons=True to pool them "
            "into one collapsed stratum for the variance (conservative)."
        )
    if single and len(single) < 2:
        raise ValueError(
            f"only one stratum ({single[0]!s}) has a single sample unit, and a collapsed stratum needs at "
            "least 2; merge that stratum with a neighbour in data and population instead"
        )
    return big_n, n_h, single


class _Design:
    """The auxiliaries of one stratified sample, with the weights of the pooled slope."""

    def __init__(self, xv: np.ndarray, labels: np.ndarray, xs: list[str], pop_x: pd.DataFrame,
                 big_n: pd.Series, n_h: pd.Series, single: list, *, one_stratum: bool) -> None:
        self.xv, self.labels, self.xs, self.big_n, self.n_h, self.single = xv, labels, xs, big_n, n_h, single
        self.one_stratum = one_stratum
        nn = n_h.reindex(labels).to_numpy(dtype=float)
        nh_u = n_h.reindex(labels).to_numpy()
        big_n_u = big_n.reindex(labels).to_numpy()
        f_u = nn / big_n_u
        xmean_h = pd.DataFrame(xv, columns=xs).groupby(labels).transform("mean").to_numpy()
        self.dx = xv - xmean_h
        p = len(xs)
        if one_stratum and len(xv) < p + 2:
            raise ValueError(
                f"the regression estimator with {p} auxiliaries needs at least {p + 2} sample units")
        # Weights a_h / (n_h - 1), a_h = N_h^2 (1 - f_h) / n_h (0 for single-unit strata).
        self.w = np.where(nh_u >= 2, big_n_u**2 * (1 - f_u) / nn / np.maximum(nn - 1, 1), 0.0)
        w = self.w
        if np.linalg.matrix_rank(self.dx[w > 0] * np.sqrt(w[w > 0])[:, None]) < p:
            raise ValueError(
                f"singular design: the auxiliaries {xs} do not vary (or are collinear) within strata, so the "
                "slope cannot be estimated; drop a redundant auxiliary or use fewer, larger strata"
            )
        if not np.all(np.isfinite(pop_x.to_numpy())):
            raise ValueError("population means of x must be finite numbers")
        self.pop_x = pop_x

    def _slope(self, yv: np.ndarray) -> tuple[np.ndarray, float]:
        """Common slope ``b`` (OLS for one stratum, pooled within-stratum WLS otherwise) and r²."""
        if self.one_stratum:
            ols = sm.OLS(yv, sm.add_constant(self.xv, has_constant="add")).fit()
            return np.asarray(ols.params[1:]), float(ols.rsquared)
        dy = yv - pd.Series(yv).groupby(self.labels).transform("mean").to_numpy()
        b = np.asarray(sm.WLS(dy, self.dx, weights=self.w).fit().params)
        sst = float(np.sum(self.w * dy**2))
        r2 = float(1 - np.sum(self.w * (dy - self.dx @ b) ** 2) / sst) if sst > 0 else float("nan")
        return b, r2

    def _collapsed(self, ybar: pd.Series, ebar: pd.Series) -> tuple[float, float]:
        """Variances of the direct and regression totals of the collapsed single-unit strata."""
        ns, k = self.big_n[self.single], len(self.single)
        out = []
        for zbar in (ybar[self.single], ebar[self.single]):
            t = ns * zbar
            dev = t - ns / ns.sum() * t.sum()
            out.append(float(k / (k - 1) * np.sum(dev**2)))
        return out[0], out[1]

    def estimate(self, yv: np.ndarray) -> tuple[dict, pd.Series, pd.DataFrame]:
        """Direct and regression totals of one response, their variances and per-stratum means."""
        b, r2 = self._slope(yv)
        big_n, n_h, index = self.big_n, self.n_h, self.big_n.index
        e = yv - self.xv @ b
        by = pd.DataFrame({"y": yv, "e": e}, index=self.labels).groupby(level=0)
        ybar, ebar = by["y"].mean().reindex(index), by["e"].mean().reindex(index)
        s2y = by["y"].var(ddof=1).reindex(index)
        s2e = by["e"].var(ddof=1).reindex(index)
        if self.one_stratum:  # Cochran (1977) eq. 7.9: divisor n - 1 - p for the residual variance
            n0 = float(n_h.iloc[0])
            ss = by["e"].apply(lambda v: np.sum((v - v.mean()) ** 2)).reindex(index)
            s2e = ss / (n0 - 1 - len(self.xs))
        xbar_h = (pd.DataFrame(self.xv, index=self.labels, columns=self.xs).groupby(level=0).mean()
                  .reindex(index))
        reg_mean_h = ybar + (self.pop_x - xbar_h).to_numpy() @ b
        f_h = n_h / big_n
        ok = n_h >= 2
        v_dir = float((big_n**2 * (1 - f_h) * s2y / n_h)[ok].sum())
        v_reg = float((big_n**2 * (1 - f_h) * s2e / n_h)[ok].sum())
        if self.single:
            c_dir, c_reg = self._collapsed(ybar, ebar)
            v_dir += c_dir
            v_reg += c_reg
        row = {
            "n": int(n_h.sum()), "direct_total": float((big_n * ybar).sum()), "direct_se": np.sqrt(v_dir),
            "reg_total": float((big_n * reg_mean_h).sum()), "reg_se": np.sqrt(v_reg), "r2": r2,
            "re_theory": 1 / (1 - r2) if r2 < 1 else float("inf"),
            "re_observed": v_dir / v_reg if v_reg > 0 else float("inf"),
        }
        per_stratum = pd.DataFrame({
            "N": big_n, "n": n_h, "direct_mean": ybar,
            "direct_se": np.sqrt(((1 - f_h) * s2y / n_h).where(ok)),
            "reg_mean": reg_mean_h, "reg_se": np.sqrt(((1 - f_h) * s2e / n_h).where(ok)),
        })
        return row, pd.Series(b, index=self.xs), per_stratum
