"""The models of :mod:`statmethods.applications.population`: ridge, the So2Sat POP forest, and one front.

- :class:`RidgeCVRegressor`: ridge on standardised features, the penalty chosen by
  cross-validation on the training cells only (spatial blocks as groups where given); its
  out-of-fold predictions are kept for the back-transform.
- :class:`So2SatForest`: the random-forest recipe of the So2Sat POP authors (Doda et al. 2022,
  code ``zhu-xlab/So2Sat-POP``, ``rf_regression.py`` and ``constants.py``): a 500-tree forest on
  every covariate keeps those with an impurity importance of at least 0.002, then a grid search
  over ``max_features`` and ``n_estimators`` with 10-fold cross-validation picks the forest.
- :class:`PopulationModel`: one of :data:`MODELS` behind ``fit(data, y, groups)`` and
  ``predict(data)``, with the Duan smearing factor of its log-scale residuals.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(80, 4)); y = X[:, 0] + rng.normal(scale=0.1, size=80)
>>> round(RidgeCVRegressor().fit(X, y).alpha_, 2) <= 10
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["IMAGERY_ONLY", "MODELS", "PopulationModel", "RidgeCVRegressor", "SO2SAT_COVARIATES",
           "SO2SAT_PARAM_GRID", "So2SatForest", "smearing_factor"]

MODELS = ("mean", "nightlights", "covariates_rf", "mosaiks", "imagery", "imagery_nightlights",
          "imagery_covariates", "imagery_pca_covariates", "cnn_scratch", "cnn_pretrained")
IMAGERY_ONLY = ("mosaiks", "imagery", "cnn_scratch", "cnn_pretrained")

# the So2Sat POP authors' covariates (constants.covariate_list), in their order
SO2SAT_COVARIATES = (
    ["DEM_MEAN", "DEM_MAX", "LCZ_CL", "LU_1_A", "LU_2_A", "LU_3_A", "LU_4_A", "VIIRS_MEAN", "VIIRS_MAX"]
    + [f"SEN2_{s}_{stat}_{b}" for s in ("AUT", "SPR", "SUM", "WIN")
       for stat in ("MEAN", "MED", "STD", "MAX", "MIN") for b in "RGB"]
    + ["aerialway", "aeroway", "amenity", "barrier", "boundary", "building", "craft", "emergency",
       "geological", "healthcare", "highway", "historic", "landuse", "leisure", "man_made", "military",
       "natural", "office", "place", "power", "public Transport", "railway", "route", "shop", "sport",
       "telecom", "tourism", "water", "waterway", "addr:housenumber", "restrictions", "other", "n", "m",
       "k_avg", "intersection_count",
       "streets_per_node_avg", "streets_per_node_counts_argmin", "streets_per_node_counts_min",
       "streets_per_node_counts_argmax", "streets_per_node_counts_max", "streets_per_node_proportion_argmin",
       "streets_per_node_proportion_min", "streets_per_node_proportion_argmax",
       "streets_per_node_proportion_max", "edge_length_total", "edge_length_avg", "street_length_total",
       "street_length_avg", "street_segments_count", "node_density_km", "intersection_density_km",
       "edge_density_km", "street_density_km", "circuity_avg", "self_loop_proportion"])
# the authors' grid (constants.param_grid); "sqrt" and fractions of the covariates
SO2SAT_PARAM_GRID = {"max_features": ["sqrt", 0.05, 0.1, 0.2, 0.3, 0.4],
                     "n_estimators": [250, 350, 500, 750, 1000]}


def smearing_factor(y: np.ndarray, pred: np.ndarray, method: str = "duan") -> float:
    """Factor ``c`` of the back-transform ``1 + d = c * exp(pred)`` of a log-scale model.

    ``"duan"``: Duan's (1983) smearing ``mean(exp(y - pred))``. A model unbiased for
    :math:`y = \\log(1 + d)` predicts the median, not the mean, of :math:`1 + d`; the factor
    estimates the mean without assuming normal residuals, but it assumes the residuals have the
    same spread everywhere. ``"ratio"``: Snowdon's (1991) ratio ``sum(exp(y)) / sum(exp(pred))``,
    which makes the back-transformed total of these cells exact and does not need equal spread.
    Use residuals of cells the model did not see (out of fold or out of bag).

    Examples
    --------
    >>> round(smearing_factor(np.array([0.0, 1.0]), np.array([0.5, 0.5])), 3)
    1.128
    >>> round(smearing_factor(np.array([0.0, 2.0]), np.array([0.5, 0.5]), "ratio"), 3)
    2.544
    """
    y, pred = np.asarray(y, dtype=float), np.asarray(pred, dtype=float)
    if method == "duan":
        return float(np.mean(np.exp(y - pred)))
    if method == "ratio":
        return float(np.exp(y).sum() / np.exp(pred).sum())
    raise ValueError(f"method must be 'duan' or 'ratio', got {method!r}")


def _folds(n: int, groups: np.ndarray | None, cv: int, seed: int) -> np.ndarray:
    """Fold of each row: whole groups with GroupKFold where enough groups exist, else shuffled K-fold."""
    from sklearn.model_selection import GroupKFold, KFold

    folds = np.empty(n, dtype=np.int64)
    if groups is not None and len(np.unique(groups)) >= 2:
        splitter = GroupKFold(n_splits=min(cv, len(np.unique(groups)))).split(np.zeros(n), groups=groups)
    else:
        splitter = KFold(min(cv, n), shuffle=True, random_state=seed).split(np.zeros(n))
    for k, (_, test) in enumerate(splitter):
        folds[test] = k
    return folds


class RidgeCVRegressor:
    """Ridge regression on standardised features, its penalty chosen by K-fold CV on the training rows.

    For each fold, one singular value decomposition of the standardised training rows gives the
    predictions of every penalty at once: with :math:`X = U S V^\\top`, the coefficients are
    :math:`V\\,\\mathrm{diag}(s / (s^2 + \\lambda))\\,U^\\top y`. The final fit is scikit-learn's
    ``Ridge`` at the chosen penalty.

    Parameters
    ----------
    alphas : sequence of float
        Penalties tried.
    cv : int
        Folds of the penalty search (whole ``groups`` per fold where given, else random folds).
    seed : int
        Seeds the random folds (not used with groups).

    Attributes
    ----------
    alpha_ : float
        The chosen penalty.
    cv_mse_ : pandas.Series
        Cross-validated mean squared error of each penalty.
    oof_ : numpy.ndarray
        Out-of-fold predictions at the chosen penalty (for the smearing factor and stacking).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 5)); y = X[:, 0] + rng.normal(scale=0.1, size=60)
    >>> bool(abs(RidgeCVRegressor().fit(X, y).predict(X[:1])[0] - y[0]) < 0.2)
    True
    """

    def __init__(self, alphas: Sequence[float] = tuple(10.0 ** np.arange(-1, 5.5, 0.5)), cv: int = 5,
                 seed: int = 0) -> None:
        self.alphas, self.cv, self.seed = tuple(float(a) for a in alphas), int(cv), int(seed)

    def fit(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray | None = None) -> RidgeCVRegressor:
        """Choose the penalty by CV on ``X, y`` (blocked by ``groups`` if given) and refit on all rows."""
        from sklearn.linear_model import Ridge
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        folds = _folds(len(y), None if groups is None else np.asarray(groups), self.cv, self.seed)
        oof = np.empty((len(y), len(self.alphas)))
        for f in np.unique(folds):
            tr, te = folds != f, folds == f
            mu, sd = X[tr].mean(axis=0), X[tr].std(axis=0)
            sd[sd == 0] = 1.0
            u, s, vt = np.linalg.svd((X[tr] - mu) / sd, full_matrices=False)
            uty, xte = u.T @ (y[tr] - y[tr].mean()), ((X[te] - mu) / sd) @ vt.T
            for j, a in enumerate(self.alphas):
                oof[te, j] = y[tr].mean() + xte @ (s / (s ** 2 + a) * uty)
        mse = ((oof - y[:, None]) ** 2).mean(axis=0)
        best = int(np.argmin(mse))
        self.alpha_, self.oof_ = self.alphas[best], oof[:, best]
        self.cv_mse_ = pd.Series(mse, index=list(self.alphas), name="cv_mse")
        self.model_ = make_pipeline(StandardScaler(), Ridge(alpha=self.alpha_)).fit(X, y)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions for ``X``."""
        return self.model_.predict(np.asarray(X, dtype=float))


class So2SatForest:
    """The So2Sat POP authors' random forest on per-cell covariates (Doda et al. 2022).

    Parameters
    ----------
    grid : {"published", "oob"}
        ``"published"``: the authors' grid (:data:`SO2SAT_PARAM_GRID`, 30 forests) searched by
        10-fold cross-validation on the training cells, as in their code (minutes on a laptop).
        ``"oob"`` (quick): a 100-tree selection forest, then the same six ``max_features`` at 250
        trees, chosen by the out-of-bag R² (the score the authors also report); many times faster.
    min_importance : float
        Covariates whose importance in the 500-tree selection forest is below this are dropped
        (0.002 in the authors' code).
    seed : int
        ``random_state`` of every forest (the authors fix 0).
    n_jobs : int
        Cores for the forests.

    Attributes
    ----------
    selected_ : numpy.ndarray
        Boolean mask of the kept covariates.
    best_params_ : dict
        ``max_features`` and ``n_estimators`` of the chosen forest.
    oof_ : numpy.ndarray
        Out-of-bag predictions of the chosen forest on the training rows.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 4)); y = X[:, 0] + rng.normal(scale=0.1, size=60)
    >>> So2SatForest().fit(X, y).predict(X[:2]).shape
    (2,)
    """

    def __init__(self, grid: str = "oob", min_importance: float = 0.002, seed: int = 0,
                 n_jobs: int = 1) -> None:
        if grid not in ("published", "oob"):
            raise ValueError(f"grid must be 'published' or 'oob', got {grid!r}")
        self.grid, self.min_importance, self.seed = grid, float(min_importance), int(seed)
        self.n_jobs = n_jobs

    def fit(self, X: np.ndarray, y: np.ndarray) -> So2SatForest:
        """Select covariates by importance, then search the grid; ``X`` is (n, covariates)."""
        from sklearn.ensemble import RandomForestRegressor
        from sklearn.model_selection import GridSearchCV, KFold

        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if not np.isfinite(X).all():
            raise ValueError("the covariates hold missing or infinite values; fill or drop those cells")
        select = RandomForestRegressor(500 if self.grid == "published" else 100, max_features=1.0,
                                       random_state=self.seed, n_jobs=self.n_jobs)
        imp = select.fit(X, y).feature_importances_
        self.selected_ = imp >= self.min_importance
        if not self.selected_.any():
            self.selected_[:] = True
        Xs = X[:, self.selected_]
        if self.grid == "published":
            forest = RandomForestRegressor(random_state=self.seed, oob_score=True, bootstrap=True,
                                           n_jobs=self.n_jobs)
            search = GridSearchCV(forest, SO2SAT_PARAM_GRID, cv=KFold(min(10, len(y)))).fit(Xs, y)
            self.best_params_, self.model_ = dict(search.best_params_), search.best_estimator_
        else:
            best = None
            for mf in SO2SAT_PARAM_GRID["max_features"]:
                rf = RandomForestRegressor(250, max_features=mf, oob_score=True, random_state=self.seed,
                                           n_jobs=self.n_jobs).fit(Xs, y)
                if best is None or rf.oob_score_ > best.oob_score_:
                    best = rf
            self.best_params_ = {"max_features": best.max_features, "n_estimators": 250}
            self.model_ = best
        self.oof_ = self.model_.oob_prediction_
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions for ``X`` (all covariates, in the training order)."""
        return self.model_.predict(np.asarray(X, dtype=float)[:, self.selected_])


def _nl(v: object) -> np.ndarray:
    a = np.asarray(v, dtype=float).reshape(-1, 1)
    if not np.isfinite(a).all():
        raise ValueError("night lights hold missing or infinite values")
    return np.log1p(np.maximum(a, 0.0))


def _need(data: Mapping[str, object], key: str, kind: str) -> np.ndarray:
    if data.get(key) is None:
        raise ValueError(f"model {kind!r} needs data[{key!r}]")
    return np.asarray(data[key], dtype=float)


class PopulationModel:
    """One of :data:`MODELS`, fitted on one city's cells and their log density.

    ``data`` is a mapping of per-cell arrays; each model reads what it needs:

    - ``mean``: nothing (the training mean of :math:`y`);
    - ``nightlights``: ``"nightlights"`` (least squares on :math:`\\log(1 + \\text{light})`);
    - ``covariates_rf``: ``"covariates"`` (n, p), the So2Sat POP forest (:class:`So2SatForest`);
    - ``mosaiks``: ``"images"``, random convolutional features and ridge;
    - ``imagery``: ``"features"`` (frozen EfficientNet-Lite0 features,
      :class:`~statmethods.classify.image_cnn.PretrainedFeatures`; computed from ``"images"`` if
      absent) and ridge;
    - ``imagery_nightlights``: least squares on the out-of-fold ``imagery`` prediction and the
      log night light (stacking);
    - ``imagery_covariates``: the So2Sat forest on the covariates plus the out-of-fold
      ``imagery`` prediction;
    - ``imagery_pca_covariates``: the So2Sat forest (same recipe and seed as ``covariates_rf``) on
      the covariates plus the first ``n_components`` principal components of the frozen features
      (the components fitted on the training cells; no target is used to make them);
    - ``cnn_scratch``, ``cnn_pretrained``: the CNNs of :mod:`statmethods.classify.image_cnn`,
      trained end to end (fine-tuned, for the pretrained one).

    Parameters
    ----------
    kind : str
        One of :data:`MODELS`.
    seed : int
        Seeds the random parts (MOSAIKS filters, random ridge folds, forests, CNN weights).
    n_features : int
        MOSAIKS features.
    n_components : int
        Principal components of the frozen features given to ``imagery_pca_covariates``.
    epochs, lr : int, float or None
        CNN epochs and peak learning rate (``None``: the network's default).
    rf_grid : str
        ``"oob"`` or ``"published"`` (:class:`So2SatForest`).
    tta : bool
        Flip-averaged frozen features when ``imagery`` computes them itself.
    device : str
        ``"cpu"`` or ``"cuda"`` for the torch parts.
    n_threads : int or None
        CPU threads of torch (1 by default: on a shared machine more threads can be slower).
    n_jobs : int
        Cores of the forests.
    clip : bool
        Clip predictions to the range of the training log densities (a linear model extrapolates
        without limit, and the exponential turns that into impossible counts).
    correction : {"ratio", "duan"}
        The back-transform factor used for counts (:func:`smearing_factor`).

    Attributes
    ----------
    smearing_ : float
        The factor of ``correction``, from predictions of training cells the model did not fit:
        out of fold (ridge, stacks), out of bag (forests), in sample for the two-parameter
        baselines and the CNNs (optimistic there).
    duan_, ratio_ : float
        Both factors.

    Examples
    --------
    >>> lights = {"nightlights": np.array([1.0, 10, 100])}
    >>> m = PopulationModel("nightlights").fit(lights, np.array([1.0, 2, 3]))
    >>> m.predict({"nightlights": np.array([10.0])}).round(2).tolist()
    [1.91]
    """

    def __init__(self, kind: str, seed: int = 0, n_features: int = 512, epochs: int = 5,
                 lr: float | None = None, rf_grid: str = "oob", tta: bool = False, device: str = "cpu",
                 n_threads: int | None = 1, n_jobs: int = 2, clip: bool = True,
                 correction: str = "ratio", n_components: int = 10) -> None:
        if kind not in MODELS:
            raise ValueError(f"kind must be one of {', '.join(MODELS)}, got {kind!r}")
        if isinstance(n_components, bool) or not isinstance(n_components, int | np.integer) \
                or n_components < 1:
            raise ValueError(f"n_components must be a positive integer, got {n_components!r}")
        self.n_components = int(n_components)
        if correction not in ("ratio", "duan"):
            raise ValueError(f"correction must be 'ratio' or 'duan', got {correction!r}")
        self.correction, self.n_jobs = correction, int(n_jobs)
        self.kind, self.seed, self.n_features, self.epochs, self.lr = kind, int(seed), n_features, epochs, lr
        self.rf_grid, self.tta, self.device, self.n_threads, self.clip = rf_grid, tta, device, n_threads, clip

    @property
    def uses_seed(self) -> bool:
        """Whether the seed can change the predictions (the frozen-feature ridge models have none)."""
        return self.kind not in ("mean", "nightlights", "imagery", "imagery_nightlights")

    def _features(self, data: Mapping[str, object]) -> np.ndarray:
        if data.get("features") is not None:
            return np.asarray(data["features"], dtype=float)
        if not hasattr(self, "extractor_"):
            from ..classify.image_cnn import PretrainedFeatures

            self.extractor_ = PretrainedFeatures(tta=self.tta, device=self.device, n_threads=self.n_threads)
            self.extractor_.fit(_need(data, "images", self.kind))
        return self.extractor_.transform(_need(data, "images", self.kind))

    def _with_components(self, data: Mapping[str, object], features: np.ndarray) -> np.ndarray:
        return np.hstack([_need(data, "covariates", self.kind), self.pca_.transform(features)])

    def _forest(self) -> So2SatForest:
        return So2SatForest(self.rf_grid, seed=self.seed, n_jobs=self.n_jobs)

    def fit(self, data: Mapping[str, object], y: np.ndarray,
            groups: np.ndarray | None = None) -> PopulationModel:
        """Fit on training cells; ``groups`` (e.g. spatial blocks) make the inner CV blocked."""
        from sklearn.linear_model import LinearRegression

        y = np.asarray(y, dtype=float)
        self.range_ = (float(y.min()), float(y.max()))
        k = self.kind
        if k == "mean":
            self.mean_ = float(y.mean())
            fitted = np.full(len(y), self.mean_)
        elif k == "nightlights":
            self.model_ = LinearRegression().fit(_nl(_need(data, "nightlights", k)), y)
            fitted = self.model_.predict(_nl(data["nightlights"]))
        elif k == "covariates_rf":
            self.model_ = self._forest().fit(_need(data, "covariates", k), y)
            fitted = self.model_.oof_
        elif k == "imagery_pca_covariates":
            from sklearn.decomposition import PCA

            X = self._features(data)
            self.pca_ = PCA(min(self.n_components, *X.shape), random_state=0).fit(X)
            self.model_ = self._forest().fit(self._with_components(data, X), y)
            fitted = self.model_.oof_
        elif k in ("mosaiks", "imagery", "imagery_nightlights", "imagery_covariates"):
            if k == "mosaiks":
                from ..classify.mosaiks import MosaiksFeatures

                self.mosaiks_ = MosaiksFeatures(self.n_features, seed=self.seed, device=self.device,
                                                n_threads=self.n_threads)
                X = self.mosaiks_.fit_transform(_need(data, "images", k))
            else:
                X = self._features(data)
            seed = self.seed if k == "mosaiks" else 0  # the ridge folds: fixed unless the features are random
            self.ridge_ = RidgeCVRegressor(seed=seed).fit(X, y, groups)
            fitted = oof = np.clip(self.ridge_.oof_, *self.range_)
            if k == "imagery_nightlights":
                Z = np.hstack([oof[:, None], _nl(_need(data, "nightlights", k))])
                self.model_ = LinearRegression().fit(Z, y)
                fitted = self.model_.predict(Z)
            elif k == "imagery_covariates":
                self.model_ = self._forest().fit(np.hstack([_need(data, "covariates", k), oof[:, None]]), y)
                fitted = self.model_.oof_
        else:
            from ..classify.image_cnn import ImageCNNRegressor

            arch = "scratch" if k == "cnn_scratch" else "efficientnet_lite0"
            self.model_ = ImageCNNRegressor(arch, epochs=self.epochs, lr=self.lr, seed=self.seed,
                                            device=self.device, n_threads=self.n_threads)
            fitted = self.model_.fit(_need(data, "images", k), y).predict(data["images"])
        fitted = np.clip(fitted, *self.range_)
        self.duan_, self.ratio_ = smearing_factor(y, fitted, "duan"), smearing_factor(y, fitted, "ratio")
        self.smearing_ = self.ratio_ if self.correction == "ratio" else self.duan_
        return self

    def predict(self, data: Mapping[str, object]) -> np.ndarray:
        """Predicted log density, clipped to the training range if ``clip``."""
        k = self.kind
        if k == "mean":
            n = next(len(v) for v in data.values() if isinstance(v, np.ndarray | list | pd.Series))
            out = np.full(n, self.mean_)
        elif k == "nightlights":
            out = self.model_.predict(_nl(_need(data, "nightlights", k)))
        elif k == "covariates_rf":
            out = self.model_.predict(_need(data, "covariates", k))
        elif k == "imagery_pca_covariates":
            out = self.model_.predict(self._with_components(data, self._features(data)))
        elif k in ("mosaiks", "imagery", "imagery_nightlights", "imagery_covariates"):
            X = self.mosaiks_.transform(_need(data, "images", k)) if k == "mosaiks" else self._features(data)
            out = base = np.clip(self.ridge_.predict(X), *self.range_)
            if k == "imagery_nightlights":
                out = self.model_.predict(np.hstack([base[:, None], _nl(_need(data, "nightlights", k))]))
            elif k == "imagery_covariates":
                out = self.model_.predict(np.hstack([_need(data, "covariates", k), base[:, None]]))
        else:
            out = self.model_.predict(_need(data, "images", k))
        return np.clip(out, *self.range_) if self.clip else out
