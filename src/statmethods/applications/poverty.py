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
- :func:`village_predictions`: out-of-fold predictions for given fold labels (the paper's five
  in-country folds, or one country left out at a time), through the package's one
  cross-validation loop (:func:`statmethods.classify.validation.out_of_fold_predictions`), and
  :func:`poverty_metrics`, which gives r² (squared Pearson correlation) and R² (coefficient of
  determination) per fold and pooled;
- :func:`match_villages`: the row of a table for each village of the histograms (by latitude,
  longitude and year), so that labels, predictions from elsewhere and images line up;
- :func:`align_predictions`: predictions made elsewhere (the authors' DHS-trained CNNs) in the
  villages' order;
- :func:`district_direct_estimates` and :func:`fay_herriot_gain`: villages to district means.

Examples
--------
>>> import numpy as np
>>> y = np.array([0.0, 1.0, 2.0, 3.0])
>>> round(r2_pearson(y, 2 * y + 5), 3), round(r2_determination(y, 2 * y + 5), 3)
(1.0, -33.8)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..classify._torch import torch_determinism
from ..classify.folds import folds_from_labels
from ..classify.validation import out_of_fold_predictions
from ..results import EstimateResult
from ..validation import BadInputError, choice, positive, positive_int, torch_device, unit_interval

if TYPE_CHECKING:
    from ..area.small_area import FayHerriotResult

__all__ = ["AUTHORS_ALPHAS", "MODEL_KINDS", "CountryMeanRegressor", "GroupedRidgeCV", "HistogramMLP",
           "align_predictions",
           "PovertyCVResult", "district_direct_estimates", "fay_herriot_gain", "fold_labels",
           "match_villages", "poverty_metrics", "r2_determination", "r2_pearson", "ridge_path",
           "split_nightlights", "standardize", "village_predictions"]

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
def split_nightlights(hists: ArrayLike, years: ArrayLike, first_viirs_year: int = 2012) -> np.ndarray:
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


def standardize(X: ArrayLike) -> np.ndarray:
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
def r2_pearson(y: ArrayLike, pred: ArrayLike) -> float:
    """Squared Pearson correlation of labels and predictions (NaN if either is constant)."""
    y, p = np.asarray(y, dtype=float), np.asarray(pred, dtype=float)
    if len(y) < 2 or np.ptp(y) == 0 or np.ptp(p) == 0:
        return float("nan")
    return float(np.corrcoef(y, p)[0, 1] ** 2)


def r2_determination(y: ArrayLike, pred: ArrayLike) -> float:
    """Coefficient of determination ``1 - SSE / SST`` (labels first; NaN if labels are constant).

    Unlike :func:`r2_pearson` it penalises bias and wrong scale: predictions ``2 y + 5`` have
    r² = 1 but R² far below 0.
    """
    y, p = np.asarray(y, dtype=float), np.asarray(pred, dtype=float)
    sst = float(((y - y.mean()) ** 2).sum())
    return float("nan") if sst == 0 else 1.0 - float(((y - p) ** 2).sum()) / sst


# ----------------------------------------------------------------------------- ridge
def ridge_path(X: ArrayLike, y: ArrayLike, X_new: ArrayLike, alphas: Sequence[float],
               n_threads: int | None = 1) -> np.ndarray:
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

    def fit(self, X: ArrayLike, y: ArrayLike, groups: ArrayLike) -> GroupedRidgeCV:
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

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predictions of the refitted ridge at the chosen penalty."""
        if not hasattr(self, "alpha_"):
            raise ValueError("fit the model before predicting")
        return ridge_path(self.X_, self.y_, X, [self.alpha_], self.n_threads)[:, 0]


class CountryMeanRegressor:
    """The mean label of each country's training villages; the overall mean for unseen countries.

    Examples
    --------
    The country is the only feature, so it is the ``X`` of ``fit`` and ``predict``.

    >>> m = CountryMeanRegressor().fit(["a", "a", "b"], [1.0, 3.0, 10.0])
    >>> m.predict(["a", "b", "c"]).tolist()
    [2.0, 10.0, 4.666666666666667]
    """

    def fit(self, country: ArrayLike, y: ArrayLike) -> CountryMeanRegressor:
        """Mean label of each country's training villages."""
        s = pd.Series(np.asarray(y, dtype=float))
        self.means_ = s.groupby(np.asarray(country)).mean()
        self.overall_ = float(s.mean())
        return self

    def predict(self, country: ArrayLike) -> np.ndarray:
        """The training mean of each village's country (the overall mean for unseen countries)."""
        c = pd.Series(np.asarray(country))
        return c.map(self.means_).fillna(self.overall_).to_numpy(dtype=float)


# ----------------------------------------------------------------------------- torch
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
        self.hidden, self.epochs = positive_int(hidden, "hidden"), positive_int(epochs, "epochs")
        self.batch_size = positive_int(batch_size, "batch_size")
        self.lr = positive(lr, "lr")
        self.weight_decay = positive(weight_decay, "weight_decay", allow_zero=True)
        self.dropout = unit_interval(dropout, "dropout")
        if self.dropout == 1:
            raise BadInputError("dropout must be below 1 (1 drops every unit)")
        self.seed, self.n_threads = int(seed), n_threads
        self.device = torch_device(device)

    def fit(self, X: ArrayLike, y: ArrayLike) -> HistogramMLP:
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
        with torch_determinism(self.seed, self.n_threads, self.device):
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

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted labels (original scale)."""
        import torch

        if not hasattr(self, "net_"):
            raise ValueError("fit the model before predicting")
        x = np.asarray(X, dtype=np.float32).reshape(len(X), -1)
        if x.shape[1] != self.n_features_:
            raise ValueError(f"X has {x.shape[1]} features, the model was trained on {self.n_features_}")
        dev = torch.device(self.device)
        with torch_determinism(None, self.n_threads, self.device), torch.no_grad():
            out = self.net_(torch.from_numpy(x).to(dev))[:, 0].double().cpu().numpy()
        return out * self.y_sd_ + self.y_mean_


# ----------------------------------------------------------------------------- evaluation
def match_villages(locs: ArrayLike, years: ArrayLike, lat: ArrayLike, lon: ArrayLike, year: ArrayLike,
                   tol: float = 1e-3) -> np.ndarray | None:
    """Row of a table for each village of the histograms (by lat, lon, year); ``None`` if not one-to-one.

    Coordinates are compared to ``tol`` degrees (files round them differently); a year counts as
    100 degrees, so villages surveyed in two rounds are told apart.

    Examples
    --------
    >>> match_villages([[0, 0], [1, 1]], [2010, 2010], [1, 0], [1, 0], [2010, 2010]).tolist()
    [1, 0]
    """
    from scipy.spatial import cKDTree

    a = np.c_[np.asarray(locs, dtype=float), np.asarray(years, dtype=float) * 100]
    b = np.c_[np.asarray(lat, dtype=float), np.asarray(lon, dtype=float), np.asarray(year, dtype=float) * 100]
    if not (np.isfinite(a).all() and np.isfinite(b).all()) or len(a) != len(b):
        return None
    dist, idx = cKDTree(b).query(a)
    if dist.max() > tol or len(set(idx.tolist())) != len(idx):
        return None
    return idx


def align_predictions(table: pd.DataFrame, locs: ArrayLike, years: ArrayLike, columns: Sequence[str], *,
                      lat: str = "lat", lon: str = "lon", year: str = "year") -> pd.DataFrame:
    """Predictions made elsewhere, one row per village of the histograms, in their order.

    ``table`` has one row per village with its coordinates, its survey year and one column per
    model (for example the authors' DHS-trained CNNs applied to the LSMS villages). Rows are
    matched with :func:`match_villages`; the year is read from the last four characters of the
    ``year`` column, so ``2011`` and ``ethiopia_2011`` both work.

    Raises
    ------
    BadInputError
        A column is missing or not numeric, or the rows do not match the villages one to one.

    Examples
    --------
    >>> t = pd.DataFrame({"lat": [1.0, 0.0], "lon": [1.0, 0.0], "year": ["x_2010"] * 2, "m": [5.0, 7.0]})
    >>> align_predictions(t, [[0, 0], [1, 1]], [2010, 2010], ["m"])["m"].tolist()
    [7.0, 5.0]
    """
    lacking = [c for c in (lat, lon, year, *columns) if c not in table.columns]
    if lacking:
        raise BadInputError(f"the predictions lack the column(s) {', '.join(map(repr, lacking))}; "
                            f"they have {', '.join(map(repr, table.columns))}")
    yr = pd.to_numeric(table[year].astype(str).str.strip().str[-4:], errors="coerce")
    idx = match_villages(locs, years, table[lat], table[lon], yr)
    if idx is None:
        raise BadInputError("the predictions do not have one row for each village (matched on latitude, "
                            "longitude and year to 0.001 degrees); give one row per village of the "
                            "histograms")
    out = table.iloc[idx][list(columns)].reset_index(drop=True)
    bad = [c for c in columns if not pd.api.types.is_numeric_dtype(out[c]) or not np.isfinite(out[c]).all()]
    if bad:
        raise BadInputError(f"prediction column(s) {', '.join(map(repr, bad))} hold empty or "
                            "non-numeric values")
    return out.astype(float)


def fold_labels(folds: Mapping[str, Mapping[str, ArrayLike]], n: int, split: str = "test") -> np.ndarray:
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


MODEL_KINDS = ("ridge", "mlp", "country_mean")


def village_predictions(model: str, features: ArrayLike | None, y: ArrayLike, folds: ArrayLike,
                        country: ArrayLike, *, make_mlp: Callable[[], HistogramMLP] | None = None,
                        n_threads: int | None = 1) -> tuple[np.ndarray, list[dict[str, str | int | float]]]:
    """Out-of-fold predictions of one model, holding out each fold label in turn.

    The folds are :func:`statmethods.classify.folds.folds_from_labels` of ``folds`` and the loop
    is :func:`statmethods.classify.validation.out_of_fold_predictions`, the package's one
    cross-validation loop; this function only chooses the model.

    Parameters
    ----------
    model : str
        ``"ridge"`` (:class:`GroupedRidgeCV`: penalty by leave-one-fold-out CV over the training
        folds), ``"mlp"`` (``make_mlp()`` for each fold), or ``"country_mean"``
        (:class:`CountryMeanRegressor` on ``country``; ``features`` unused).
    features : array or None
        Villages x features.
    y, folds, country : arrays
        Labels, fold label of each village (the paper's folds, or the country for a
        leave-one-country-out evaluation), and country of each village.

    Returns
    -------
    predictions : numpy.ndarray
        One out-of-fold prediction per village.
    info : list of dict
        Per fold (in sorted order of the labels): ``fold``, ``n_test`` and, for ridge, the chosen
        ``alpha``.

    Examples
    --------
    >>> y = np.array([0.0, 1.0, 5.0, 6.0]); c = np.array(["a", "a", "b", "b"])
    >>> village_predictions("country_mean", None, y, [0, 1, 0, 1], c)[0].tolist()
    [1.0, 0.0, 6.0, 5.0]
    """
    choice(model, "model", MODEL_KINDS)
    f = np.asarray(folds).astype(str)
    splits = folds_from_labels(f)
    spec: Callable[[], object]
    params: dict[str, np.ndarray] = {}
    if model == "ridge":
        x = np.asarray(features, dtype=float)
        spec, params = (lambda: GroupedRidgeCV(n_threads=n_threads)), {"groups": f}
    elif model == "mlp":
        if make_mlp is None:
            raise BadInputError("model 'mlp' needs make_mlp, a function returning a HistogramMLP")
        x, spec = np.asarray(features, dtype=float), make_mlp
    else:
        x, spec = np.asarray(country).astype(str), CountryMeanRegressor
    oof = out_of_fold_predictions(spec, x, y, splits, fit_params=params, keep_models=True)
    info: list[dict[str, str | int | float]] = []
    for (_, te), m in zip(splits, oof.models, strict=True):
        row: dict[str, str | int | float] = {"fold": str(f[te[0]]), "n_test": int(te.size)}
        if model == "ridge":
            row["alpha"] = m.alpha_
        info.append(row)
    return oof.output, info


def poverty_metrics(y: ArrayLike, pred: ArrayLike, folds: ArrayLike) -> pd.DataFrame:
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
class PovertyCVResult(EstimateResult):
    """Out-of-fold predictions and metrics of several models and evaluations.

    Follows the package's result protocol (:class:`statmethods.results.EstimateResult`):
    ``estimates`` are the pooled r² and R² of each (model, evaluation), a Series on the index
    (``model``, ``evaluation``, ``metric``); ``se`` their spread over folds, ``sd(fold) / sqrt(k)``;
    ``conf_int``, ``table`` and ``summary`` are inherited, nothing is overridden.

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

    title = "Village wealth from image histograms: pooled out-of-fold r² and R² (se from the fold spread)"

    def _long(self, frame: pd.DataFrame) -> pd.Series:
        out = frame[["r2", "R2"]].stack()
        out.index = out.index.set_names(["model", "evaluation", "metric"])
        return out.astype(float)

    @property
    def estimates(self) -> pd.Series:
        """Pooled r² and R² by (model, evaluation, metric)."""
        m = self.metrics[self.metrics["fold"] == "pooled"]
        return self._long(m.set_index(["model", "evaluation"])).rename("estimate")

    @property
    def se(self) -> pd.Series:
        """Standard error of the pooled figures from the spread over folds: ``sd(fold) / sqrt(k)``."""
        per = self.metrics[self.metrics["fold"] != "pooled"]
        g = per.groupby(["model", "evaluation"], sort=False)[["r2", "R2"]]
        return self._long(g.std(ddof=1) / np.sqrt(g.count())).reindex(self.estimates.index).rename("se")

    def _summary_header(self) -> dict[str, str]:
        return {"Villages": str(len(self.labels)),
                "Models": ", ".join(dict.fromkeys(self.metrics["model"])),
                "Evaluations": ", ".join(dict.fromkeys(self.metrics["evaluation"])),
                "Metrics": "r2: squared Pearson correlation; R2: 1 - SSE/SST",
                **{f"Note {i}": n for i, n in enumerate(self.notes, start=1)}}


# ----------------------------------------------------------------------------- villages -> districts
def district_direct_estimates(labels: ArrayLike, predictions: ArrayLike, district: ArrayLike,
                              stratum: ArrayLike, *, lat: ArrayLike | None = None,
                              lon: ArrayLike | None = None,
                              min_villages: int = 2) -> pd.DataFrame:
    """Direct estimates of district means from surveyed villages, with the satellite covariate.

    The direct estimate of a district is the mean label of its surveyed villages; its sampling
    variance is ``s²_stratum / m``, where ``m`` is the number of villages and ``s²_stratum`` the
    within-district variance pooled over the districts of one stratum (a country): with two or
    three villages a district's own variance is too noisy to be treated as known, as the
    Fay–Herriot model does. The covariate is the mean satellite prediction of the villages.
    Villages with a missing district are left out; districts with fewer than ``min_villages``
    villages are dropped (their variance cannot be estimated). With ``lat`` and ``lon`` (the
    villages' coordinates) each district also gets the mean position of its villages, where
    boundaries are not at hand to map it.

    Returns
    -------
    DataFrame
        Index ``district``; columns ``stratum``, ``villages``, ``direct``, ``sampling_variance``,
        ``satellite`` (and ``lat``, ``lon``).

    Examples
    --------
    >>> t = district_direct_estimates([1.0, 2, 3, 5], [1.5, 2, 3, 4], ["a", "a", "b", "b"], ["x"] * 4)
    >>> t[["direct", "sampling_variance"]].round(3).values.tolist()
    [[1.5, 0.625], [4.0, 0.625]]
    """
    positive_int(min_villages, "min_villages", minimum=2)
    df = pd.DataFrame({"label": np.asarray(labels, dtype=float), "pred": np.asarray(predictions, dtype=float),
                       "district": pd.Series(np.asarray(district, dtype=object)),
                       "stratum": np.asarray(stratum).astype(str)})
    where = ["lat", "lon"] if lat is not None and lon is not None else []
    if where:
        df["lat"], df["lon"] = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    g = df.dropna(subset=["district"]).groupby("district", sort=True)
    tab = pd.DataFrame({"stratum": g["stratum"].first(), "villages": g.size(), "direct": g["label"].mean(),
                        "s2": g["label"].var(ddof=1), "satellite": g["pred"].mean(),
                        **{c: g[c].mean() for c in where}})
    tab = tab[tab["villages"] >= min_villages]
    if len(tab) == 0:
        raise ValueError(f"no district has at least {min_villages} surveyed villages")
    dof = tab["villages"] - 1
    pooled = (tab["s2"] * dof).groupby(tab["stratum"]).sum() / dof.groupby(tab["stratum"]).sum()
    if (pooled <= 0).any():
        raise ValueError("the villages of a stratum have no spread within districts; the sampling variance "
                         f"would be 0 ({', '.join(pooled.index[pooled <= 0])})")
    tab["sampling_variance"] = tab["stratum"].map(pooled) / tab["villages"]
    return tab[["stratum", "villages", "direct", "sampling_variance", "satellite", *where]]


def fay_herriot_gain(table: pd.DataFrame, formula: str = "direct ~ satellite",
                     confidence: float = 0.95) -> tuple[FayHerriotResult, pd.DataFrame]:
    """Fay–Herriot EBLUPs of district means with the satellite covariate, and their MSE gain.

    Calls :func:`statmethods.area.small_area.fay_herriot` on a table from
    :func:`district_direct_estimates` and compares the estimated MSE of each EBLUP (``se²``)
    with the sampling variance of the direct estimate.

    Returns
    -------
    result
        The Fay–Herriot result.
    gains : DataFrame
        Per district: ``villages``, ``direct``, ``eblup``, ``mse_direct``, ``mse_eblup``,
        ``mse_ratio = mse_eblup / mse_direct`` (below 1: the EBLUP is more precise), ``gamma``
        (the weight of the direct estimate in the EBLUP) and, where the table has them, ``lat``
        and ``lon``.
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
    gains["gamma"] = np.asarray(res.gamma, dtype=float)
    for c in ("lat", "lon"):
        if c in t:
            gains[c] = t[c].to_numpy()
    return res, gains
