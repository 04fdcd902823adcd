"""Population of census cells from imagery: models, baselines and an honest evaluation.

The target is the log population density :math:`y = \\log(1 + P / A)` of each cell (``P``
people on ``A`` km²). Five models share one interface (:class:`PopulationModel`):

- ``mean``: the training mean of :math:`y` (what knowing nothing gives);
- ``nightlights``: least squares of :math:`y` on :math:`\\log(1 + \\text{night light})`, the
  baseline a user would reach for first;
- ``mosaiks``: random convolutional features (:class:`~statmethods.classify.mosaiks.MosaiksFeatures`)
  and ridge regression, the penalty chosen by cross-validation on the training cells only;
- ``cnn_scratch`` and ``cnn_pretrained``: the CNNs of :mod:`statmethods.classify.image_cnn`.

Evaluations: *out of city* (train on one city, predict another) and *spatially blocked
cross-validation* within a city (cells grouped into square blocks, whole blocks held out, so
that neighbours of a test cell are not in training). Metrics: R² on :math:`y`, R² on the counts
:math:`\\hat P = A (e^{\\hat y} - 1)`, and the error of the city total in percent. Dasymetric
calibration scales the predicted counts to a known total. Every model with a random part is run
for several seeds; :class:`PopulationMetricsResult` reports the mean and the spread.

Examples
--------
>>> import numpy as np
>>> population_metrics(np.array([0.0, 10, 100]), np.log1p([0.0, 10, 100]))["r2_count"]
1.0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._summary import Summary

__all__ = ["MODELS", "METRICS", "PopulationMetricsResult", "PopulationModel", "RidgeCVRegressor",
           "blocked_cv_folds", "calibrate_to_total", "evaluate_blocked_cv", "evaluate_out_of_city",
           "log_density", "population_metrics", "spatial_blocks"]

MODELS = ("mean", "nightlights", "mosaiks", "cnn_scratch", "cnn_pretrained")
METRICS = ("r2_log_density", "r2_count", "total_error_pct")


def log_density(population: Any, area_km2: Any = 1.0) -> np.ndarray:
    """``log(1 + population / area)``, the target; refuses negative counts and areas <= 0.

    Examples
    --------
    >>> log_density([0, 99], 1.0).round(3).tolist()
    [0.0, 4.605]
    """
    p = np.asarray(population, dtype=float)
    a = np.broadcast_to(np.asarray(area_km2, dtype=float), p.shape)
    if (p < 0).any() or not np.isfinite(p).all():
        raise ValueError("population must be finite counts of at least 0")
    if (a <= 0).any():
        raise ValueError("cell areas must be greater than 0")
    return np.log1p(p / a)


def _r2(y: np.ndarray, pred: np.ndarray) -> float:
    ss = float(((y - y.mean()) ** 2).sum())
    return float("nan") if ss == 0 else 1.0 - float(((y - pred) ** 2).sum()) / ss


def population_metrics(population: Any, pred_log_density: Any, area_km2: Any = 1.0) -> dict[str, float]:
    """R² on the log density and on counts, and the error of the total (percent).

    Parameters
    ----------
    population
        Census counts of the test cells.
    pred_log_density
        Predicted ``log(1 + density)``; negative predictions are counted as zero people.
    area_km2
        Cell areas (km²).
    """
    p = np.asarray(population, dtype=float)
    pred = np.asarray(pred_log_density, dtype=float)
    if p.shape != pred.shape:
        raise ValueError(f"population has {p.shape} values, predictions {pred.shape}")
    y = log_density(p, area_km2)
    counts = predicted_counts(pred, area_km2)
    return {"r2_log_density": _r2(y, pred), "r2_count": _r2(p, counts),
            "total_error_pct": 100.0 * (counts.sum() - p.sum()) / p.sum() if p.sum() > 0 else float("nan")}


def predicted_counts(pred_log_density: Any, area_km2: Any = 1.0) -> np.ndarray:
    """People per cell from a predicted log density: ``area * (exp(y) - 1)``, at least 0."""
    counts = np.maximum(np.expm1(np.asarray(pred_log_density, dtype=float)), 0.0)
    return counts * np.asarray(area_km2, dtype=float)


def calibrate_to_total(counts: Any, total: float) -> np.ndarray:
    """Dasymetric calibration: scale predicted counts so that they add up to a known ``total``.

    The predictions only distribute the total over the cells; the total itself comes from a
    census or register.

    Examples
    --------
    >>> calibrate_to_total([1.0, 3.0], 100).tolist()
    [25.0, 75.0]
    """
    c = np.asarray(counts, dtype=float)
    if (c < 0).any():
        raise ValueError("counts must be at least 0")
    if c.sum() <= 0:
        raise ValueError("the predicted counts add up to 0: there is nothing to scale to the total")
    return c * (float(total) / c.sum())


def spatial_blocks(x: Any, y: Any, block_size: float) -> np.ndarray:
    """Block id of each point, blocks counted from the smallest ``x`` and ``y``.

    The package's one implementation is :func:`statmethods.classify.folds.spatial_blocks`; this
    calls it with ``origin="min"``.

    Examples
    --------
    >>> spatial_blocks([0, 1500, 3100], [0, 200, 0], 2000).tolist()
    [0, 0, 1]
    """
    from ..classify.folds import spatial_blocks as blocks

    return blocks(x, y, block_size, origin="min")


def blocked_cv_folds(x: Any, y: Any, block_size: float, n_folds: int = 5) -> np.ndarray:
    """Fold (0..n_folds-1) of each cell: whole spatial blocks go to one fold.

    :func:`statmethods.classify.folds.spatial_block_folds` with ``seed=None`` (blocks dealt to
    folds by :class:`sklearn.model_selection.GroupKFold`, which balances the number of cells per
    fold; the result does not depend on a seed) and ``origin="min"``, as one fold per cell.

    Examples
    --------
    >>> f = blocked_cv_folds([0, 100, 5000, 5100, 9000, 9100], [0] * 6, 1000, n_folds=3)
    >>> sorted(set(f.tolist())), bool(f[0] == f[1])
    ([0, 1, 2], True)
    """
    from ..classify.folds import fold_ids, spatial_block_folds

    folds = spatial_block_folds(x, y, block_size, n_folds, seed=None, origin="min")
    return fold_ids(folds, len(np.asarray(x)))


class RidgeCVRegressor:
    """Ridge regression on standardised features, its penalty chosen by K-fold CV on the training rows.

    Parameters
    ----------
    alphas : sequence of float
        Penalties tried.
    cv : int
        Folds of the penalty search (random folds of the training rows only).
    seed : int
        Seeds the folds of the penalty search.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 5)); y = X[:, 0] + rng.normal(scale=0.1, size=60)
    >>> bool(abs(RidgeCVRegressor().fit(X, y).predict(X[:1])[0] - y[0]) < 0.2)
    True
    """

    def __init__(self, alphas: Sequence[float] = tuple(10.0 ** np.arange(-2, 6.5, 0.5)), cv: int = 5,
                 seed: int = 0) -> None:
        self.alphas, self.cv, self.seed = tuple(float(a) for a in alphas), int(cv), int(seed)

    def fit(self, X: Any, y: Any) -> RidgeCVRegressor:
        """Choose the penalty by CV on ``X, y`` and refit on all of them."""
        from sklearn.linear_model import Ridge
        from sklearn.model_selection import GridSearchCV, KFold
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        search = GridSearchCV(make_pipeline(StandardScaler(), Ridge()), {"ridge__alpha": list(self.alphas)},
                              cv=KFold(self.cv, shuffle=True, random_state=self.seed),
                              scoring="neg_mean_squared_error")
        search.fit(X, y)
        self.alpha_ = float(search.best_params_["ridge__alpha"])
        self.cv_mse_ = pd.Series(-search.cv_results_["mean_test_score"], index=list(self.alphas),
                                 name="cv_mse")
        self.model_ = search.best_estimator_
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predictions for ``X``."""
        return self.model_.predict(np.asarray(X, dtype=float))


class PopulationModel:
    """One of :data:`MODELS`, fitted on images and/or night lights and a log density.

    Parameters
    ----------
    kind : str
        ``"mean"``, ``"nightlights"``, ``"mosaiks"``, ``"cnn_scratch"`` or ``"cnn_pretrained"``.
    seed : int
        Seeds the MOSAIKS filters and the ridge folds, or the CNN's weights and batches.
    n_features : int
        MOSAIKS features.
    epochs : int
        CNN epochs.
    device : str
        ``"cpu"`` or ``"cuda"`` for the MOSAIKS convolutions and the CNNs.
    n_threads : int or None
        CPU threads of torch (fixed, so that results do not depend on the machine).
    clip : bool
        Clip predictions to the range of the training log densities: outside it the exponential
        turns small errors of the log into huge counts (a linear model extrapolates without limit).
    **options
        Passed to :class:`~statmethods.classify.mosaiks.MosaiksFeatures` (``mosaiks_``-prefixed
        keys) or :class:`~statmethods.classify.image_cnn.ImageCNNRegressor` (the rest).

    Examples
    --------
    >>> m = PopulationModel("nightlights").fit(None, np.array([1.0, 10, 100]), np.array([1.0, 2, 3]))
    >>> m.predict(None, np.array([10.0])).round(2).tolist()
    [1.91]
    """

    def __init__(self, kind: str, seed: int = 0, n_features: int = 512, epochs: int = 5, device: str = "cpu",
                 n_threads: int | None = 2, clip: bool = True, **options: Any) -> None:
        if kind not in MODELS:
            raise ValueError(f"kind must be one of {', '.join(MODELS)}, got {kind!r}")
        self.kind, self.seed, self.n_features = kind, seed, n_features
        self.epochs, self.device, self.n_threads, self.clip = epochs, device, n_threads, clip
        self.options = options

    @property
    def uses_seed(self) -> bool:
        """Whether the seed changes the predictions."""
        return self.kind not in ("mean", "nightlights")

    def fit(self, images: Any, nightlights: Any, y: Any) -> PopulationModel:
        """Fit on training ``images`` (n, bands, rows, cols), ``nightlights`` (n,) and ``y`` (n,)."""
        from sklearn.linear_model import LinearRegression

        y = np.asarray(y, dtype=float)
        self.range_ = (float(y.min()), float(y.max()))
        if self.kind == "mean":
            self.mean_ = float(y.mean())
        elif self.kind == "nightlights":
            self.model_ = LinearRegression().fit(_nl(nightlights), y)
        elif self.kind == "mosaiks":
            from ..classify.mosaiks import MosaiksFeatures

            mo = {k.removeprefix("mosaiks_"): v for k, v in self.options.items() if k.startswith("mosaiks_")}
            self.features_ = MosaiksFeatures(self.n_features, seed=self.seed, device=self.device,
                                             n_threads=self.n_threads, **mo)
            self.model_ = RidgeCVRegressor(seed=self.seed).fit(self.features_.fit_transform(images), y)
        else:
            from ..classify.image_cnn import ImageCNNRegressor

            arch = "scratch" if self.kind == "cnn_scratch" else "efficientnet_lite0"
            cnn = {k: v for k, v in self.options.items() if not k.startswith("mosaiks_")}
            self.model_ = ImageCNNRegressor(arch, epochs=self.epochs, seed=self.seed, device=self.device,
                                            n_threads=self.n_threads, **cnn).fit(images, y)
        return self

    def predict(self, images: Any, nightlights: Any) -> np.ndarray:
        """Predicted log density, clipped to the training range if ``clip``."""
        if self.kind == "mean":
            n = len(nightlights) if nightlights is not None else len(images)
            out = np.full(n, self.mean_)
        elif self.kind == "nightlights":
            out = self.model_.predict(_nl(nightlights))
        elif self.kind == "mosaiks":
            out = self.model_.predict(self.features_.transform(images))
        else:
            out = self.model_.predict(images)
        return np.clip(out, *self.range_) if self.clip else out


def _nl(v: Any) -> np.ndarray:
    a = np.asarray(v, dtype=float).reshape(-1, 1)
    if not np.isfinite(a).all():
        raise ValueError("night lights hold missing or infinite values")
    return np.log1p(np.maximum(a, 0.0))


def evaluate_out_of_city(models: Sequence[str], train: dict[str, Any], test: dict[str, Any],
                         seeds: Sequence[int], make: Callable[[str, int], PopulationModel] | None = None
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train each model on one city and predict the other, once per seed.

    Parameters
    ----------
    models
        Names from :data:`MODELS`.
    train, test
        ``{"images": ..., "nightlights": ..., "population": ..., "area_km2": ...}``.
    seeds
        Seeds; models without a random part run once and are repeated for each seed.
    make
        ``make(kind, seed) -> PopulationModel`` (default ``PopulationModel(kind, seed)``).

    Returns
    -------
    metrics : DataFrame
        One row per model and seed: ``model``, ``evaluation``, ``seed`` and :data:`METRICS`.
    predictions : DataFrame
        Predicted log density of each test cell (rows) by ``model`` and ``seed`` (columns).
    """
    make = make or (lambda kind, seed: PopulationModel(kind, seed=seed))
    y = log_density(train["population"], train.get("area_km2", 1.0))
    rows, preds = [], {}
    for kind in models:
        cache = None
        for seed in seeds:
            m = make(kind, seed)
            if cache is None or m.uses_seed:
                m.fit(train["images"], train["nightlights"], y)
                cache = m.predict(test["images"], test["nightlights"])
            preds[(kind, seed)] = cache
            rows.append({"model": kind, "evaluation": "out_of_city", "seed": seed,
                         **population_metrics(test["population"], cache, test.get("area_km2", 1.0))})
    return pd.DataFrame(rows), pd.DataFrame(preds)


def evaluate_blocked_cv(models: Sequence[str], data: dict[str, Any], folds: Any, seeds: Sequence[int],
                        make: Callable[[str, int], PopulationModel] | None = None
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Spatially blocked cross-validation within one city; metrics on the pooled out-of-fold predictions.

    ``folds`` gives the fold of each cell (e.g. from :func:`blocked_cv_folds`). Returns as
    :func:`evaluate_out_of_city`, with ``evaluation = "blocked_cv"``.
    """
    make = make or (lambda kind, seed: PopulationModel(kind, seed=seed))
    folds = np.asarray(folds)
    area = np.broadcast_to(np.asarray(data.get("area_km2", 1.0), dtype=float), folds.shape)
    y = log_density(data["population"], area)
    images, nl = data["images"], data["nightlights"]

    def take(a: Any, idx: np.ndarray) -> Any:
        return None if a is None else np.asarray(a)[idx]

    rows, preds = [], {}
    for kind in models:
        cache = None
        for seed in seeds:
            if cache is None or make(kind, seed).uses_seed:
                cache = np.empty(len(y))
                for f in np.unique(folds):
                    tr, te = np.flatnonzero(folds != f), np.flatnonzero(folds == f)
                    m = make(kind, seed).fit(take(images, tr), take(nl, tr), y[tr])
                    cache[te] = m.predict(take(images, te), take(nl, te))
            preds[(kind, seed)] = cache.copy()
            rows.append({"model": kind, "evaluation": "blocked_cv", "seed": seed,
                         **population_metrics(data["population"], cache, area)})
    return pd.DataFrame(rows), pd.DataFrame(preds)


@dataclass(frozen=True)
class PopulationMetricsResult:
    """Metrics of several models and evaluations, over seeds.

    Attributes
    ----------
    per_seed : DataFrame
        ``model``, ``evaluation``, ``seed`` and :data:`METRICS`, one row per run.
    confidence : float
        Default level of :meth:`conf_int`.
    """

    per_seed: pd.DataFrame
    confidence: float = 0.95

    @property
    def estimates(self) -> pd.DataFrame:
        """Mean of each metric over the seeds, indexed by (model, evaluation)."""
        return self._grouped().mean()

    @property
    def sd(self) -> pd.DataFrame:
        """Standard deviation over the seeds (0 for models without a random part)."""
        return self._grouped().std(ddof=1).fillna(0.0)

    @property
    def se(self) -> pd.DataFrame:
        """Standard error of the mean over the seeds: ``sd / sqrt(number of seeds)``."""
        n = self._grouped().count()
        return self.sd / np.sqrt(n)

    def _grouped(self) -> Any:
        order = {m: i for i, m in enumerate(MODELS)}
        df = self.per_seed.assign(_o=self.per_seed["model"].map(order).fillna(len(order)))
        df = df.sort_values(["evaluation", "_o"], kind="stable").drop(columns="_o")
        return df.groupby(["model", "evaluation"], sort=False)[list(METRICS)]

    def conf_int(self, confidence: float | None = None) -> pd.DataFrame:
        """Normal interval of the seed mean: estimate -/+ z * se, columns ``<metric>_lower/_upper``."""
        from .._stats import z_quantile

        z = z_quantile(self.confidence if confidence is None else confidence)
        est, se = self.estimates, self.se
        out = {}
        for m in METRICS:
            out[f"{m}_lower"], out[f"{m}_upper"] = est[m] - z * se[m], est[m] + z * se[m]
        return pd.DataFrame(out)

    def table(self) -> pd.DataFrame:
        """Columns of ``population_metrics.csv``: model, evaluation, seed means of :data:`METRICS`."""
        return self.estimates.reset_index()[["model", "evaluation", *METRICS]]

    def best(self, evaluation: str = "out_of_city", metric: str = "r2_log_density",
             among: Sequence[str] = ("mosaiks", "cnn_scratch", "cnn_pretrained")) -> str:
        """The model with the highest mean ``metric`` among ``among`` in one evaluation."""
        est = self.estimates.xs(evaluation, level="evaluation")
        return str(est.loc[[m for m in among if m in est.index], metric].idxmax())

    def summary(self) -> Summary:
        """Seed means with their spread (standard deviation over seeds)."""
        est, sd = self.estimates, self.sd
        tab = pd.DataFrame({m: est[m].round(3).astype(str) + " ± " + sd[m].round(3).astype(str)
                            for m in METRICS})
        n = self.per_seed.groupby(["model", "evaluation"])["seed"].nunique()
        header = {"Models": ", ".join(dict.fromkeys(self.per_seed["model"])),
                  "Evaluations": ", ".join(dict.fromkeys(self.per_seed["evaluation"])),
                  "Seeds": ", ".join(f"{e}: {int(k)}"
                                     for e, k in n.groupby(level="evaluation").max().items())}
        return Summary("Population from imagery: mean ± sd over seeds", header, tab,
                       ["r2_log_density: R² of log(1 + people per km²); r2_count: R² of people per cell; "
                        "total_error_pct: 100 (predicted - census total) / census total."])
