"""Village wealth from per-band image histograms: ridge, a torch MLP, baselines, grouped CV.

Yeh et al. (2020) summarise each Landsat scene around a surveyed village by one histogram per
band (102 bins; 7 surface-reflectance bands plus night lights) and regress the village's asset
wealth index on the flattened bins. This module holds that baseline and its companions:

- :func:`split_nightlights`: the night-light band comes from DMSP before 2012 and VIIRS from
  2012 on; the two sensors get separate histogram channels (zeros for the other sensor);
- :func:`standardize`: each bin standardised to mean 0 and variance 1 over all villages (no
  labels are used), as in the authors' notebook;
- :func:`ridge_path` and :class:`GroupedRidgeCV`: ridge regression with the penalty chosen by
  leave-one-group-out cross-validation inside the training folds (the authors' grid
  ``2**arange(-5, 35, 3)``, pooled validation MSE), computed for all penalties from one
  eigendecomposition;
- :class:`HistogramMLP`: a small torch network on the same inputs;
- :class:`CountryMeanRegressor`: the mean wealth of the training villages of each country, the
  baseline a user reaches for first;
- :func:`cross_validate`: out-of-fold predictions for given fold labels (the paper's five
  in-country folds, or one country left out at a time), and :func:`poverty_metrics`, which
  gives r² (squared Pearson correlation) and R² (coefficient of determination) per fold and
  pooled.

Examples
--------
>>> import numpy as np
>>> y = np.array([0.0, 1.0, 2.0, 3.0])
>>> round(r2_pearson(y, 2 * y + 5), 3), round(r2_determination(y, 2 * y + 5), 3)
(1.0, -33.8)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._summary import Summary

__all__ = ["AUTHORS_ALPHAS", "CountryMeanRegressor", "GroupedRidgeCV", "HistogramMLP", "PovertyCVResult",
           "cross_validate", "district_direct_estimates", "fay_herriot_gain",
           "fold_labels", "poverty_metrics", "r2_determination", "r2_pearson",
           "ridge_path", "split_nightlights", "standardize"]

AUTHORS_ALPHAS = tuple(float(a) for a in 2.0 ** np.arange(-5, 35, 3.0))


@contextlib.contextmanager
def _blas_threads(n_threads: int | None) -> Iterator[None]:
    if n_threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(n_threads):
        yield


# ----------------------------------------------------------------------------- features
def split_nightlights(hists: Any, years: Any, first_viirs_year: int = 2012) -> np.ndarray:
    """Give DMSP and VIIRS night lights their own channel: ``(n, C, bins)`` -> ``(n, C + 1, bins)``.

    The last channel of ``hists`` is night lights. Villages surveyed before
    ``first_viirs_year`` keep it in channel ``C - 1`` (DMSP) and have zeros in channel ``C``
    (VIIRS); later ones the other way round. The two sensors measure on different scales, so a
    linear model should not share coefficients between them.

    Examples
    --------
    >>> h = np.ones((2, 3, 4))
    >>> split_nightlights(h, [2010, 2015])[:, 2:, 0].tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    h = np.asarray(hists, dtype=float)
    yr = np.asarray(years)
    if h.ndim != 3:
        raise ValueError(f"histograms must have shape (villages, bands, bins), got {h.shape}")
    if yr.shape != (h.shape[0],):
        raise ValueError(f"years must have one value per village ({h.shape[0]}), got shape {yr.shape}")
    n, c, b = h.shape
    out = np.zeros((n, c + 1, b))
    dmsp = yr < first_viirs_year
    out[dmsp, :c] = h[dmsp]
    out[~dmsp, :c - 1] = h[~dmsp, :c - 1]
    out[~dmsp, c] = h[~dmsp, c - 1]
    return out


def standardize(X: Any) -> np.ndarray:
    """Each column to mean 0 and standard deviation 1; constant columns become 0.

    Examples
    --------
    >>> standardize([[1.0, 5.0], [3.0, 5.0]]).tolist()
    [[-1.0, 0.0], [1.0, 0.0]]
    """
    x = np.asarray(X, dtype=float)
    sd = x.std(axis=0)
    return (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


# ----------------------------------------------------------------------------- metrics
def r2_pearson(y: Any, pred: Any) -> float:
    """Squared Pearson correlation of labels and predictions (NaN if either is constant)."""
    y, p = np.asarray(y, dtype=float), np.asarray(pred, dtype=float)
    if len(y) < 2 or np.ptp(y) == 0 or np.ptp(p) == 0:
        return float("nan")
    return float(np.corrcoef(y, p)[0, 1] ** 2)


def r2_determination(y: Any, pred: Any) -> float:
    """Coefficient of determination ``1 - SSE / SST`` (labels first; NaN if labels are constant).

    Unlike :func:`r2_pearson` it penalises bias and wrong scale: predictions ``2 y + 5`` have
    r² = 1 but R² far below 0.
    """
    y, p = np.asarray(y, dtype=float), np.asarray(pred, dtype=float)
    sst = float(((y - y.mean()) ** 2).sum())
    return float("nan") if sst == 0 else 1.0 - float(((y - p) ** 2).sum()) / sst


# ----------------------------------------------------------------------------- ridge
def ridge_path(X: Any, y: Any, X_new: Any, alphas: Sequence[float], n_threads: int | None = 1) -> np.ndarray:
    """Ridge predictions for ``X_new`` at every penalty, from one eigendecomposition.

    Minimises ``||y - b0 - X w||² + alpha ||w||²`` (intercept not penalised, as in
    scikit-learn's ``Ridge``). With ``X_c`` the centred training matrix and
    ``X_c' X_c = V diag(l) V'``, ``w(alpha) = V diag(1 / (l + alpha)) V' X_c' (y - mean(y))``.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(X_new), len(alphas))``.

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0]]); y = np.array([1.0, 3.0, 5.0])
    >>> ridge_path(X, y, [[3.0]], [0.0, 2.0]).round(3).tolist()
    [[7.0, 5.0]]
    """
    x = np.asarray(X, dtype=float)
    yy = np.asarray(y, dtype=float)
    xn = np.atleast_2d(np.asarray(X_new, dtype=float))
    a = np.asarray(alphas, dtype=float)
    if (a < 0).any():
        raise ValueError("ridge penalties must be at least 0")
    mu, ym = x.mean(axis=0), yy.mean()
    with _blas_threads(n_threads):
        xc = x - mu
        vals, vecs = np.linalg.eigh(xc.T @ xc)
        vals = np.clip(vals, 0.0, None)
        vb = vecs.T @ (xc.T @ (yy - ym))
        with np.errstate(divide="ignore", invalid="ignore"):
            coef = np.where(vals[:, None] + a[None, :] > 1e-12 * max(vals.max(), 1.0),
                            vb[:, None] / (vals[:, None] + a[None, :]), 0.0)
        return ym + ((xn - mu) @ vecs) @ coef


class GroupedRidgeCV:
    """Ridge regression with the penalty chosen by leave-one-group-out CV on the training data.

    For each penalty in ``alphas`` every group of the training data is predicted by a ridge
    fitted on the other groups; the penalty with the lowest pooled validation MSE is kept and
    the model refitted on all training data. With the paper's folds as groups this is the
    nested cross-validation of Yeh et al.'s ``train_linear_logo``.

    Parameters
    ----------
    alphas : sequence of float
        Penalties to try (default :data:`AUTHORS_ALPHAS`, ``2**-5, 2**-2, ..., 2**34``, 14 values).
    n_threads : int or None
        BLAS threads while fitting (``1``: reproducible and polite on shared machines).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 3)); y = X @ [1.0, -1.0, 0.5] + rng.normal(0, 0.1, 60)
    >>> m = GroupedRidgeCV().fit(X, y, groups=np.arange(60) % 3)
    >>> m.alpha_ < 10, round(r2_pearson(y, m.predict(X)), 2)
    (True, 1.0)
    """

    def __init__(self, alphas: Sequence[float] = AUTHORS_ALPHAS, n_threads: int | None = 1) -> None:
        a = np.asarray(alphas, dtype=float)
        if a.ndim != 1 or len(a) == 0 or (a < 0).any():
            raise ValueError("alphas must be a non-empty list of penalties of at least 0")
        self.alphas = a
        self.n_threads = n_threads

    def fit(self, X: Any, y: Any, groups: Any) -> GroupedRidgeCV:
        """Choose the penalty by leave-one-group-out CV over ``groups``, then refit on all rows."""
        x, yy, g = np.asarray(X, dtype=float), np.asarray(y, dtype=float), np.asarray(groups)
        if x.ndim != 2 or len(x) != len(yy) or len(g) != len(yy):
            raise ValueError(f"X {x.shape}, y {yy.shape} and groups {g.shape} must have one row per village")
        levels = pd.unique(g)
        if len(levels) < 2:
            raise ValueError("choosing the penalty needs at least 2 groups in the training data")
        pred = np.empty((len(yy), len(self.alphas)))
        for lev in levels:
            va = g == lev
            pred[va] = ridge_path(x[~va], yy[~va], x[va], self.alphas, self.n_threads)
        self.cv_mse_ = ((pred - yy[:, None]) ** 2).mean(axis=0)
        self.alpha_ = float(self.alphas[int(np.argmin(self.cv_mse_))])
        self.X_, self.y_ = x, yy
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predictions of the refitted ridge at the chosen penalty."""
        if not hasattr(self, "alpha_"):
            raise ValueError("fit the model before predicting")
        return ridge_path(self.X_, self.y_, X, [self.alpha_], self.n_threads)[:, 0]


class CountryMeanRegressor:
    """The mean label of each country's training villages; the overall mean for unseen countries.

    Examples
    --------
    >>> m = CountryMeanRegressor().fit([1.0, 3.0, 10.0], ["a", "a", "b"])
    >>> m.predict(["a", "b", "c"]).tolist()
    [2.0, 10.0, 4.666666666666667]
    """

    def fit(self, y: Any, country: Any) -> CountryMeanRegressor:
        s = pd.Series(np.asarray(y, dtype=float))
        self.means_ = s.groupby(np.asarray(country)).mean()
        self.overall_ = float(s.mean())
        return self

    def predict(self, country: Any) -> np.ndarray:
        c = pd.Series(np.asarray(country))
        return c.map(self.means_).fillna(self.overall_).to_numpy(dtype=float)


# ----------------------------------------------------------------------------- torch
def _check_device(device: str) -> str:
    from ..classify.mosaiks import check_device

    return check_device(device)


@contextlib.contextmanager
def _torch_deterministic(device: str, n_threads: int | None) -> Iterator[None]:
    import os

    import torch

    old_threads = torch.get_num_threads()
    old_det = (torch.are_deterministic_algorithms_enabled(),
               torch.is_deterministic_algorithms_warn_only_enabled())
    if device.startswith("cuda"):
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    if n_threads is not None:
        torch.set_num_threads(n_threads)
    torch.use_deterministic_algorithms(True, warn_only=device.startswith("cuda"))
    try:
        yield
    finally:
        torch.set_num_threads(old_threads)
        torch.use_deterministic_algorithms(old_det[0], warn_only=old_det[1])


class HistogramMLP:
    """A small multilayer perceptron (torch) on the standardised histogram bins.

    ``inputs -> Linear(hidden) -> ReLU -> Dropout -> Linear(hidden // 2) -> ReLU -> Linear(1)``,
    trained on the mean squared error with AdamW (weight decay) and a one-cycle learning rate.
    The label is centred and scaled with the training mean and standard deviation.

    Parameters
    ----------
    hidden : int
        Units of the first hidden layer.
    epochs : int
        Passes over the training data (at least 1).
    batch_size, lr, weight_decay, dropout : int, float, float, float
        Training settings.
    seed : int
        Seeds initialisation and shuffling (runs are identical for a fixed ``n_threads`` on CPU).
    device : str
        ``"cpu"`` or ``"cuda"``; a missing GPU is an error.
    n_threads : int or None
        CPU threads torch may use (``1`` by default).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 10)); y = X[:, 0] - X[:, 1]
    >>> m = HistogramMLP(epochs=30, hidden=32).fit(X, y)
    >>> r2_pearson(y, m.predict(X)) > 0.8
    True
    """

    def __init__(self, hidden: int = 128, epochs: int = 40, batch_size: int = 64, lr: float = 3e-3,
                 weight_decay: float = 1e-2, dropout: float = 0.3, seed: int = 0, device: str = "cpu",
                 n_threads: int | None = 1) -> None:
        for name, v in {"hidden": hidden, "epochs": epochs, "batch_size": batch_size}.items():
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        if not (0 <= dropout < 1) or lr <= 0 or weight_decay < 0:
            raise ValueError("dropout must be in [0, 1), lr > 0 and weight_decay >= 0")
        self.hidden, self.epochs, self.batch_size = int(hidden), int(epochs), int(batch_size)
        self.lr, self.weight_decay, self.dropout = float(lr), float(weight_decay), float(dropout)
        self.seed, self.n_threads = int(seed), n_threads
        self.device = _check_device(device)

    def fit(self, X: Any, y: Any) -> HistogramMLP:
        """Train on ``X`` (villages x features) and labels ``y``."""
        import torch
        from torch import nn

        x = np.asarray(X, dtype=np.float32).reshape(len(X), -1)
        yy = np.asarray(y, dtype=np.float64)
        if len(x) != len(yy) or len(x) < 2:
            raise ValueError(f"X has {len(x)} rows and y {len(yy)} values; at least 2 villages are needed")
        self.y_mean_, self.y_sd_ = float(yy.mean()), float(yy.std()) or 1.0
        target = ((yy - self.y_mean_) / self.y_sd_).astype(np.float32)
        dev = torch.device(self.device)
        with _torch_deterministic(self.device, self.n_threads), torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed)
            h = self.hidden
            net = nn.Sequential(nn.Linear(x.shape[1], h), nn.ReLU(), nn.Dropout(self.dropout),
                                nn.Linear(h, max(h // 2, 1)), nn.ReLU(), nn.Linear(max(h // 2, 1), 1)).to(dev)
            xt, yt = torch.from_numpy(x).to(dev), torch.from_numpy(target).to(dev)
            opt = torch.optim.AdamW(net.parameters(), lr=self.lr, weight_decay=self.weight_decay)
            steps = self.epochs * -(-len(x) // self.batch_size)
            sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=self.lr, total_steps=steps)
            gen = torch.Generator().manual_seed(self.seed)
            net.train()
            for _ in range(self.epochs):
                perm = torch.randperm(len(x), generator=gen).to(dev)
                for start in range(0, len(x), self.batch_size):
                    b = perm[start:start + self.batch_size]
                    opt.zero_grad()
                    loss = torch.mean((net(xt[b])[:, 0] - yt[b]) ** 2)
                    loss.backward()
                    opt.step()
                    sched.step()
        net.eval()
        self.net_ = net
        self.n_features_ = x.shape[1]
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted labels (original scale)."""
        import torch

        if not hasattr(self, "net_"):
            raise ValueError("fit the model before predicting")
        x = np.asarray(X, dtype=np.float32).reshape(len(X), -1)
        if x.shape[1] != self.n_features_:
            raise ValueError(f"X has {x.shape[1]} features, the model was trained on {self.n_features_}")
        dev = torch.device(self.device)
        with _torch_deterministic(self.device, self.n_threads), torch.no_grad():
            out = self.net_(torch.from_numpy(x).to(dev))[:, 0].double().cpu().numpy()
        return out * self.y_sd_ + self.y_mean_


# ----------------------------------------------------------------------------- evaluation
def fold_labels(folds: dict[str, dict[str, Any]], n: int, split: str = "test") -> np.ndarray:
    """Fold name of each village from a folds dict ``{fold: {"test": indices, ...}}``.

    Every village must be in exactly one fold's ``split`` indices.

    Examples
    --------
    >>> fold_labels({"A": {"test": [0, 2]}, "B": {"test": [1]}}, 3).tolist()
    ['A', 'B', 'A']
    """
    out = np.full(n, None, dtype=object)
    for name, parts in folds.items():
        if not isinstance(parts, dict) or split not in parts:
            raise ValueError(f"fold {name!r} has no {split!r} indices; each fold must map "
                             f"{split!r} to an array of village indices")
        idx = np.asarray(parts[split])
        if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
            raise ValueError(f"fold {name!r}: {split!r} must be a 1-D array of integer indices")
        if len(idx) and (idx.min() < 0 or idx.max() >= n):
            raise ValueError(f"fold {name!r}: indices must lie in 0..{n - 1} (there are {n} villages), "
                             f"got {int(idx.min())}..{int(idx.max())}")
        if any(v is not None for v in out[idx]):
            raise ValueError(f"fold {name!r}: some villages are already in another fold's {split!r} set")
        out[idx] = str(name)
    missing = int(sum(v is None for v in out))
    if missing:
        raise ValueError(f"{missing} village(s) are in no fold's {split!r} set; the folds must cover all "
                         f"{n} villages")
    return out.astype(str)


def cross_validate(model: str, features: Any, y: Any, folds: Any, country: Any, *,
                   make_mlp: Callable[[], HistogramMLP] | None = None,
                   n_threads: int | None = 1) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Out-of-fold predictions of one model, holding out each fold label in turn.

    Parameters
    ----------
    model : str
        ``"ridge"`` (penalty by leave-one-fold-out CV over the training folds), ``"mlp"``
        (``make_mlp()`` for each fold), or ``"country_mean"`` (``features`` unused).
    features : array
        Villages x features.
    y, folds, country : arrays
        Labels, fold label of each village (the paper's folds, or the country for a
        leave-one-country-out evaluation), and country of each village.

    Returns
    -------
    predictions : numpy.ndarray
        One out-of-fold prediction per village.
    info : list of dict
        Per fold: ``fold``, ``n_test`` and, for ridge, the chosen ``alpha``.
    """
    yy = np.asarray(y, dtype=float)
    f = np.asarray(folds).astype(str)
    c = np.asarray(country).astype(str)
    x = None if model == "country_mean" else np.asarray(features, dtype=float)
    pred = np.full(len(yy), np.nan)
    info = []
    levels = sorted(set(f.tolist()))
    if len(levels) < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    for lev in levels:
        te = f == lev
        tr = ~te
        row: dict[str, Any] = {"fold": str(lev), "n_test": int(te.sum())}
        if model == "ridge":
            m = GroupedRidgeCV(n_threads=n_threads).fit(x[tr], yy[tr], f[tr])
            pred[te] = m.predict(x[te])
            row["alpha"] = m.alpha_
        elif model == "mlp":
            if make_mlp is None:
                raise ValueError("model 'mlp' needs make_mlp, a function returning a HistogramMLP")
            pred[te] = make_mlp().fit(x[tr], yy[tr]).predict(x[te])
        elif model == "country_mean":
            pred[te] = CountryMeanRegressor().fit(yy[tr], c[tr]).predict(c[te])
        else:
            raise ValueError(f"unknown model {model!r}; use 'ridge', 'mlp' or 'country_mean'")
        info.append(row)
    return pred, info


def poverty_metrics(y: Any, pred: Any, folds: Any) -> pd.DataFrame:
    """r² and R² in each fold and pooled over all out-of-fold predictions.

    Returns a DataFrame with columns ``fold``, ``n``, ``r2`` (squared Pearson correlation) and
    ``R2`` (coefficient of determination); the last row has ``fold = "pooled"``.

    Examples
    --------
    >>> poverty_metrics([0, 1, 2, 3], [0, 1, 3, 2], ["A", "A", "B", "B"])["R2"].tolist()
    [1.0, -3.0, 0.6]
    """
    yy, pp = np.asarray(y, dtype=float), np.asarray(pred, dtype=float)
    f = np.asarray(folds).astype(str)
    rows = [{"fold": lev, "n": int((f == lev).sum()), "r2": r2_pearson(yy[f == lev], pp[f == lev]),
             "R2": r2_determination(yy[f == lev], pp[f == lev])} for lev in sorted(set(f.tolist()))]
    rows.append({"fold": "pooled", "n": len(yy), "r2": r2_pearson(yy, pp), "R2": r2_determination(yy, pp)})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class PovertyCVResult:
    """Out-of-fold predictions and metrics of several models and evaluations.

    Attributes
    ----------
    metrics : DataFrame
        ``model``, ``evaluation``, ``fold``, ``n``, ``r2``, ``R2``: the rows of
        ``poverty_metrics.csv`` (per fold and ``fold = "pooled"``).
    predictions : DataFrame
        One column per ``(model, evaluation)``, one row per village.
    labels : numpy.ndarray
        The village labels.
    confidence : float
        Default level of :meth:`conf_int`.
    """

    metrics: pd.DataFrame
    predictions: pd.DataFrame
    labels: np.ndarray
    confidence: float = 0.95
    notes: list[str] = field(default_factory=list)

    def _pooled(self) -> pd.DataFrame:
        m = self.metrics[self.metrics["fold"] == "pooled"]
        return m.set_index(["model", "evaluation"])[["r2", "R2"]]

    @property
    def estimates(self) -> pd.DataFrame:
        """Pooled r² and R² by (model, evaluation)."""
        return self._pooled()

    @property
    def se(self) -> pd.DataFrame:
        """Standard error of the pooled figures from the spread over folds: ``sd(fold) / sqrt(k)``."""
        per = self.metrics[self.metrics["fold"] != "pooled"]
        g = per.groupby(["model", "evaluation"], sort=False)[["r2", "R2"]]
        return (g.std(ddof=1) / np.sqrt(g.count())).reindex(self._pooled().index)

    def conf_int(self, confidence: float | None = None) -> pd.DataFrame:
        """Normal interval ``pooled -/+ z se``; columns ``r2_lower/_upper``, ``R2_lower/_upper``."""
        from .._stats import z_quantile

        z = z_quantile(self.confidence if confidence is None else confidence)
        est, se = self.estimates, self.se
        return pd.DataFrame({"r2_lower": est["r2"] - z * se["r2"], "r2_upper": est["r2"] + z * se["r2"],
                             "R2_lower": est["R2"] - z * se["R2"], "R2_upper": est["R2"] + z * se["R2"]})

    def table(self) -> pd.DataFrame:
        """The rows of ``poverty_metrics.csv``: model, evaluation, fold, r2, R2."""
        return self.metrics[["model", "evaluation", "fold", "r2", "R2"]].reset_index(drop=True)

    def summary(self) -> Summary:
        """Pooled r² and R² with the fold spread."""
        est, se = self.estimates, self.se
        tab = pd.DataFrame({k: est[k].round(3).astype(str) + " ± " + se[k].round(3).astype(str)
                            for k in ("r2", "R2")})
        header = {"Villages": str(len(self.labels)),
                  "Models": ", ".join(dict.fromkeys(self.metrics["model"])),
                  "Evaluations": ", ".join(dict.fromkeys(self.metrics["evaluation"]))}
        return Summary("Village wealth from image histograms: pooled out-of-fold r² and R² (± se over folds)",
                       header, tab, ["r2: squared Pearson correlation; R2: coefficient of determination "
                                     "1 - SSE/SST."] + list(self.notes))


# ----------------------------------------------------------------------------- villages -> districts
def district_direct_estimates(labels: Any, predictions: Any, district: Any, stratum: Any,
                              min_villages: int = 2) -> pd.DataFrame:
    """Direct estimates of district means from surveyed villages, with the satellite covariate.

    The direct estimate of a district is the mean label of its surveyed villages; its sampling
    variance is ``s²_stratum / m``, where ``m`` is the number of villages and ``s²_stratum`` the
    within-district variance pooled over the districts of one stratum (a country): with two or
    three villages a district's own variance is too noisy to be treated as known, as the
    Fay–Herriot model does. The covariate is the mean satellite prediction of the villages.
    Villages with a missing district are left out; districts with fewer than ``min_villages``
    villages are dropped (their variance cannot be estimated).

    Returns
    -------
    DataFrame
        Index ``district``; columns ``stratum``, ``villages``, ``direct``, ``sampling_variance``,
        ``satellite``.

    Examples
    --------
    >>> t = district_direct_estimates([1.0, 2, 3, 5], [1.5, 2, 3, 4], ["a", "a", "b", "b"], ["x"] * 4)
    >>> t[["direct", "sampling_variance"]].round(3).values.tolist()
    [[1.5, 0.625], [4.0, 0.625]]
    """
    if isinstance(min_villages, bool) or not isinstance(min_villages, int) or min_villages < 2:
        raise ValueError(f"min_villages must be an integer of at least 2, got {min_villages!r}")
    df = pd.DataFrame({"label": np.asarray(labels, dtype=float), "pred": np.asarray(predictions, dtype=float),
                       "district": pd.Series(np.asarray(district, dtype=object)),
                       "stratum": np.asarray(stratum).astype(str)}).dropna(subset=["district"])
    g = df.groupby("district", sort=True)
    tab = pd.DataFrame({"stratum": g["stratum"].first(), "villages": g.size(), "direct": g["label"].mean(),
                        "s2": g["label"].var(ddof=1), "satellite": g["pred"].mean()})
    tab = tab[tab["villages"] >= min_villages]
    if len(tab) == 0:
        raise ValueError(f"no district has at least {min_villages} surveyed villages")
    dof = tab["villages"] - 1
    pooled = (tab["s2"] * dof).groupby(tab["stratum"]).sum() / dof.groupby(tab["stratum"]).sum()
    if (pooled <= 0).any():
        raise ValueError("the villages of a stratum have no spread within districts; the sampling variance "
                         f"would be 0 ({', '.join(pooled.index[pooled <= 0])})")
    tab["sampling_variance"] = tab["stratum"].map(pooled) / tab["villages"]
    return tab[["stratum", "villages", "direct", "sampling_variance", "satellite"]]


def fay_herriot_gain(table: pd.DataFrame, formula: str = "direct ~ satellite",
                     confidence: float = 0.95) -> tuple[Any, pd.DataFrame]:
    """Fay–Herriot EBLUPs of district means with the satellite covariate, and their MSE gain.

    Calls :func:`statmethods.area.small_area.fay_herriot` on a table from
    :func:`district_direct_estimates` and compares the estimated MSE of each EBLUP (``se²``)
    with the sampling variance of the direct estimate.

    Returns
    -------
    result
        The Fay–Herriot result.
    gains : DataFrame
        Per district: ``villages``, ``direct``, ``eblup``, ``mse_direct``, ``mse_eblup`` and
        ``mse_ratio = mse_eblup / mse_direct`` (below 1: the EBLUP is more precise).
    """
    from ..area.small_area import fay_herriot

    t = table.reset_index()
    res = fay_herriot(formula, t, "sampling_variance", area="district", confidence=confidence)
    mse = np.asarray(res.se, dtype=float) ** 2
    gains = pd.DataFrame({"villages": t["villages"].to_numpy(), "direct": t["direct"].to_numpy(),
                          "eblup": np.asarray(res.estimates, dtype=float),
                          "mse_direct": t["sampling_variance"].to_numpy(), "mse_eblup": mse},
                         index=pd.Index(t["district"], name="district"))
    gains["mse_ratio"] = gains["mse_eblup"] / gains["mse_direct"]
    return res, gains
