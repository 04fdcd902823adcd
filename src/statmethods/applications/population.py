"""Population of census cells from imagery: models, baselines and an honest evaluation.

The target is the log population density :math:`y = \\log(1 + P / A)` of each cell (``P``
people on ``A`` km²). The models (:data:`MODELS`, in :mod:`.population_models`) share one interface
(:class:`PopulationModel`): baselines (the training mean, night lights alone, the So2Sat POP
authors' random forest on per-cell covariates), imagery alone (MOSAIKS, frozen pretrained
features with ridge, CNNs trained end to end) and imagery combined with night lights or with the
covariates.

Evaluations: *out of city* (train on one city, predict another) and *spatially blocked
cross-validation* within a city (cells grouped into square blocks, whole blocks held out, so
that neighbours of a test cell are not in training). Metrics: R² on :math:`y`, R² on the counts,
and the error of the city total in percent, before and after correcting the back-transform:
:math:`\\hat P = A\\,(c\\, e^{\\hat y} - 1)` with :math:`c` Duan's smearing factor or Snowdon's
ratio, from training cells the model did not fit (:func:`smearing_factor`). Dasymetric calibration
scales the predicted counts to a known total. Every model with a random part is run for several
seeds; :class:`PopulationMetricsResult` reports the mean and the spread.

Examples
--------
>>> import numpy as np
>>> population_metrics(np.array([0.0, 10, 100]), np.log1p([0.0, 10, 100]))["r2_count"]
1.0
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._summary import Summary
from ..results import EstimateResult
from .population_models import (
    IMAGERY_ONLY,
    MODELS,
    SO2SAT_COVARIATES,
    PopulationModel,
    RidgeCVRegressor,
    So2SatForest,
    smearing_factor,
)

__all__ = ["IMAGERY_ONLY", "METRICS", "MODELS", "SO2SAT_COVARIATES", "PopulationMetricsResult",
           "PopulationModel", "RidgeCVRegressor", "So2SatForest", "blocked_cv_folds", "calibrate_to_total",
           "choose_components", "choose_feature_setting", "choose_finetune", "downsample_images",
           "evaluate_blocked_cv", "evaluate_out_of_city", "log_density", "population_metrics",
           "predicted_counts", "pretrained_feature_sets", "pretrained_features", "smearing_factor",
           "spatial_blocks"]

METRICS = ("r2_log_density", "r2_count", "total_error_raw_pct", "total_error_duan_pct", "total_error_pct",
           "smearing")


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


def population_metrics(population: Any, pred_log_density: Any, area_km2: Any = 1.0,
                       smearing: Any = 1.0) -> dict[str, float]:
    """R² on the log density and on counts, and the error of the total (percent), before and after correction.

    Parameters
    ----------
    population
        Census counts of the test cells.
    pred_log_density
        Predicted ``log(1 + density)``.
    area_km2
        Cell areas (km²).
    smearing
        The back-transform factor (one, or one per cell; :func:`smearing_factor`): counts are
        ``area * (smearing * exp(y) - 1)``.

    Returns
    -------
    dict
        ``r2_log_density``; ``r2_count`` (corrected counts); ``total_error_raw_pct`` (the naive
        back-transform ``exp(y) - 1``); ``total_error_pct`` (corrected); ``smearing`` (the mean
        factor). The evaluations add ``total_error_duan_pct`` (Duan's factor).
    """
    p = np.asarray(population, dtype=float)
    pred = np.asarray(pred_log_density, dtype=float)
    if p.shape != pred.shape:
        raise ValueError(f"population has {p.shape} values, predictions {pred.shape}")
    y = log_density(p, area_km2)
    raw, counts = predicted_counts(pred, area_km2), predicted_counts(pred, area_km2, smearing)
    total = p.sum()

    def err(c: np.ndarray) -> float:
        return 100.0 * (c.sum() - total) / total if total > 0 else float("nan")

    return {"r2_log_density": _r2(y, pred), "r2_count": _r2(p, counts), "total_error_raw_pct": err(raw),
            "total_error_pct": err(counts), "smearing": float(np.mean(smearing))}


def predicted_counts(pred_log_density: Any, area_km2: Any = 1.0, smearing: Any = 1.0) -> np.ndarray:
    """People per cell from a predicted log density: ``area * (smearing * exp(y) - 1)``, at least 0.

    Examples
    --------
    >>> predicted_counts([0.0, np.log(11)], 1.0, smearing=1.1).round(2).tolist()
    [0.1, 11.1]
    """
    s = np.asarray(smearing, dtype=float)
    counts = np.maximum(s * np.exp(np.asarray(pred_log_density, dtype=float)) - 1.0, 0.0)
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


def _take(data: Mapping[str, Any], idx: np.ndarray) -> dict[str, Any]:
    """The rows ``idx`` of every per-cell array of ``data`` (scalars such as the cell area stay)."""
    n = len(data["population"])
    return {k: (np.asarray(v)[idx] if v is not None and np.ndim(v) > 0 and len(v) == n else v)
            for k, v in data.items()}


def _row(kind: str, evaluation: str, seed: int, population: Any, area: Any, pred: np.ndarray,
         factor: Any, duan: Any) -> dict[str, Any]:
    m = population_metrics(population, pred, area, factor)
    m["total_error_duan_pct"] = population_metrics(population, pred, area, duan)["total_error_pct"]
    return {"model": kind, "evaluation": evaluation, "seed": seed, **m}


def _default_make(kind: str, seed: int) -> PopulationModel:
    return PopulationModel(kind, seed=seed)


def evaluate_out_of_city(models: Sequence[str], train: Mapping[str, Any], test: Mapping[str, Any],
                         seeds: Sequence[int], make: Callable[[str, int], PopulationModel] | None = None,
                         groups: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train each model on one city and predict the other, once per seed.

    Parameters
    ----------
    models
        Names from :data:`MODELS`.
    train, test
        Per-cell data: ``population`` and ``area_km2``, plus what the models read (``images``,
        ``features``, ``nightlights``, ``covariates``; see :class:`PopulationModel`).
    seeds
        Seeds; models without a random part run once and are repeated for each seed.
    make
        ``make(kind, seed) -> PopulationModel`` (default ``PopulationModel(kind, seed)``).
    groups
        Spatial block of each training cell, for the models' inner cross-validation.

    Returns
    -------
    metrics : DataFrame
        One row per model and seed: ``model``, ``evaluation``, ``seed`` and :data:`METRICS`.
    predictions : DataFrame
        Predicted log density of each test cell (rows) by ``model`` and ``seed`` (columns).
    """
    make = make or _default_make
    y = log_density(train["population"], train.get("area_km2", 1.0))
    area = test.get("area_km2", 1.0)
    rows, preds = [], {}
    for kind in models:
        cache = None
        for seed in seeds:
            m = make(kind, seed)
            if cache is None or m.uses_seed:
                m.fit(train, y, groups)
                cache = (m.predict(test), m.smearing_, m.duan_)
            preds[(kind, seed)] = cache[0]
            rows.append(_row(kind, "out_of_city", seed, test["population"], area, *cache))
    return pd.DataFrame(rows), pd.DataFrame(preds)


def evaluate_blocked_cv(models: Sequence[str], data: Mapping[str, Any], folds: Any, seeds: Sequence[int],
                        make: Callable[[str, int], PopulationModel] | None = None, groups: Any = None
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Spatially blocked cross-validation within one city; metrics on the pooled out-of-fold predictions.

    ``folds`` gives the fold of each cell (e.g. from :func:`blocked_cv_folds`); ``groups`` (the
    spatial blocks) keep the models' inner cross-validation blocked too. Each held-out fold is
    back-transformed with the smearing factor of the model fitted without it. Returns as
    :func:`evaluate_out_of_city`, with ``evaluation = "blocked_cv"``.
    """
    make = make or _default_make
    folds = np.asarray(folds)
    area = np.broadcast_to(np.asarray(data.get("area_km2", 1.0), dtype=float), folds.shape)
    y = log_density(data["population"], area)
    g = None if groups is None else np.asarray(groups)
    rows, preds = [], {}
    for kind in models:
        cache = None
        for seed in seeds:
            if cache is None or make(kind, seed).uses_seed:
                cache = (np.empty(len(y)), np.empty(len(y)), np.empty(len(y)))
                for f in np.unique(folds):
                    tr, te = np.flatnonzero(folds != f), np.flatnonzero(folds == f)
                    m = make(kind, seed).fit(_take(data, tr), y[tr], None if g is None else g[tr])
                    cache[0][te] = m.predict(_take(data, te))
                    cache[1][te], cache[2][te] = m.smearing_, m.duan_
            preds[(kind, seed)] = cache[0].copy()
            rows.append(_row(kind, "blocked_cv", seed, data["population"], area, *cache))
    return pd.DataFrame(rows), pd.DataFrame(preds)

@dataclass(frozen=True)
class PopulationMetricsResult(EstimateResult):
    """Metrics of several models and evaluations, over seeds.

    ``estimates`` and ``se`` (the protocol of :class:`statmethods.results.EstimateResult`) are
    Series indexed by (model, evaluation, metric): the mean over seeds and its standard error
    ``sd / sqrt(seeds)``; ``conf_int`` is inherited. :attr:`means` and :attr:`sd` give the same
    numbers as wide tables, one column per metric.

    Attributes
    ----------
    per_seed : DataFrame
        ``model``, ``evaluation``, ``seed`` and :data:`METRICS`, one row per run.
    confidence : float
        Default level of :meth:`conf_int`.
    """

    per_seed: pd.DataFrame
    confidence: float = 0.95
    title = "Population from imagery: mean ± sd over seeds"

    @property
    def means(self) -> pd.DataFrame:
        """Mean of each metric over the seeds, indexed by (model, evaluation)."""
        return self._grouped().mean()

    @property
    def sd(self) -> pd.DataFrame:
        """Standard deviation over the seeds (0 for models without a random part)."""
        return self._grouped().std(ddof=1).fillna(0.0)

    @property
    def se_table(self) -> pd.DataFrame:
        """Standard error of the mean over the seeds, ``sd / sqrt(number of seeds)``, as a wide table."""
        n = self._grouped().count()
        return self.sd / np.sqrt(n)

    @property
    def estimates(self) -> pd.Series:
        """Seed means, indexed by (model, evaluation, metric)."""
        return self.means.stack().rename("estimate").rename_axis(["model", "evaluation", "metric"])

    @property
    def se(self) -> pd.Series:
        """Standard errors of the seed means, indexed like :attr:`estimates`."""
        return self.se_table.stack().rename("se").rename_axis(["model", "evaluation", "metric"])

    def _grouped(self) -> Any:
        order = {m: i for i, m in enumerate(MODELS)}
        df = self.per_seed.assign(_o=self.per_seed["model"].map(order).fillna(len(order)))
        df = df.sort_values(["evaluation", "_o"], kind="stable").drop(columns="_o")
        return df.groupby(["model", "evaluation"], sort=False)[list(METRICS)]

    def table(self) -> pd.DataFrame:
        """Columns of ``population_metrics.csv``: model, evaluation, seeds, seed means and the SD of R².

        ``r2_log_density_sd`` is the standard deviation over seeds (0 for a model without a
        random part, or with one seed).
        """
        tab = self.means.reset_index()[["model", "evaluation", *METRICS]]
        n = self.per_seed.groupby(["model", "evaluation"], sort=False)["seed"].nunique()
        pairs = zip(tab["model"], tab["evaluation"], strict=True)
        tab.insert(2, "n_seeds", [int(n[(m, e)]) for m, e in pairs])
        tab.insert(4, "r2_log_density_sd", self.sd["r2_log_density"].to_numpy())
        return tab

    def best(self, evaluation: str = "out_of_city", metric: str = "r2_log_density",
             among: Sequence[str] = IMAGERY_ONLY) -> str:
        """The model with the highest mean ``metric`` among ``among`` in one evaluation."""
        est = self.means.xs(evaluation, level="evaluation")
        present = [m for m in among if m in est.index]
        if not present:
            raise ValueError(f"none of {', '.join(among)} was evaluated ({evaluation})")
        return str(est.loc[present, metric].idxmax())

    def summary(self) -> Summary:
        """Seed means with their spread (standard deviation over seeds)."""
        est, sd = self.means, self.sd
        tab = pd.DataFrame({m: est[m].round(3).astype(str) + " ± " + sd[m].round(3).astype(str)
                            for m in METRICS})
        n = self.per_seed.groupby(["model", "evaluation"])["seed"].nunique()
        header = {"Models": ", ".join(dict.fromkeys(self.per_seed["model"])),
                  "Evaluations": ", ".join(dict.fromkeys(self.per_seed["evaluation"])),
                  "Seeds": ", ".join(f"{e}: {int(k)}"
                                     for e, k in n.groupby(level="evaluation").max().items())}
        return Summary("Population from imagery: mean ± sd over seeds", header, tab,
                       ["r2_log_density: R² of log(1 + people per km²); r2_count: R² of people per cell "
                        "(corrected back-transform); total_error_raw_pct / _duan_pct / _pct: 100 (predicted "
                        "- census total) / census total, naive / Duan's smearing / ratio correction; "
                        "smearing: the factor used."])


def _cache_key(settings: object, *arrays: np.ndarray | None) -> str:
    """SHA-256 of the settings and the images: a cached feature file is reused only for the same."""
    import hashlib

    h = hashlib.sha256(repr(settings).encode())
    for a in arrays:
        if a is not None:
            h.update(np.ascontiguousarray(a, dtype=np.float32).tobytes())
    return h.hexdigest()


def pretrained_features(train_images: np.ndarray, test_images: np.ndarray | None = None,
                        cache: str | os.PathLike | None = None, tta: bool = False, device: str = "cpu",
                        n_threads: int | None = 1) -> tuple[np.ndarray, np.ndarray | None]:
    """Frozen EfficientNet-Lite0 features of both cities, extracted once and cached in a file.

    The brightness scaling comes from ``train_images`` only. With ``cache`` (an ``.npz`` path) the
    features are read back when the images and settings are the same as when they were written
    (a SHA-256 of the arrays and settings is stored with them), else extracted and written.

    Examples
    --------
    >>> X = np.random.default_rng(0).uniform(0, 1000, (2, 3, 32, 32)).astype("float32")
    >>> pretrained_features(X)[0].shape
    (2, 1832)
    """
    from ..classify.image_cnn import PretrainedFeatures

    key = _cache_key(("v1", bool(tta)), train_images, test_images)
    if cache is not None and os.path.exists(cache):
        with np.load(cache) as z:
            if str(z["key"]) == key:
                return z["train"], (z["test"] if test_images is not None else None)
    ext = PretrainedFeatures(tta=tta, device=device, n_threads=n_threads).fit(train_images)
    f_train = ext.transform(train_images)
    f_test = ext.transform(test_images) if test_images is not None else None
    if cache is not None:
        np.savez(cache, key=key, train=f_train, test=f_train[:0] if f_test is None else f_test)
    return f_train, f_test


def choose_finetune(data: Mapping[str, Any], folds: Any, epochs: Sequence[int] = (2, 4, 8),
                    lrs: Sequence[float] = (3e-4, 1e-3), seed: int = 0, device: str = "cpu",
                    n_threads: int | None = 1) -> pd.DataFrame:
    """Epochs and learning rate of the fine-tuned EfficientNet-Lite0, chosen by blocked CV in one city.

    Every pair is trained on all folds but one and scored on the held-out fold (mean squared
    error of the log density, pooled); the test city plays no part. Returns one row per pair,
    best first (columns ``epochs``, ``lr``, ``cv_mse``).
    """
    folds = np.asarray(folds)
    y = log_density(data["population"], data.get("area_km2", 1.0))
    rows = []
    for e in epochs:
        for lr in lrs:
            oof = np.empty(len(y))
            for f in np.unique(folds):
                tr, te = np.flatnonzero(folds != f), np.flatnonzero(folds == f)
                m = PopulationModel("cnn_pretrained", seed=seed, epochs=int(e), lr=float(lr), device=device,
                                    n_threads=n_threads).fit(_take(data, tr), y[tr])
                oof[te] = m.predict(_take(data, te))
            rows.append({"epochs": int(e), "lr": float(lr), "cv_mse": float(((oof - y) ** 2).mean())})
    return pd.DataFrame(rows).sort_values("cv_mse", kind="stable").reset_index(drop=True)


def downsample_images(images: np.ndarray, factor: int) -> np.ndarray:
    """Average ``factor`` x ``factor`` pixels of images ``(n, bands, rows, cols)``; 1 returns them unchanged.

    Examples
    --------
    >>> downsample_images(np.arange(16.0).reshape(1, 1, 4, 4), 2)[0, 0].tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """
    n, b, r, c = images.shape
    if factor < 1 or r % factor or c % factor:
        raise ValueError(f"downsample {factor} must divide the patch size ({r} x {c})")
    if factor == 1:
        return images
    return images.reshape(n, b, r // factor, factor, c // factor, factor).mean(axis=(3, 5))


FeatureSets = dict[tuple[int, bool], tuple[np.ndarray, np.ndarray | None]]


def pretrained_feature_sets(train_images: np.ndarray, test_images: np.ndarray | None = None,
                            downsample: Sequence[int] = (1, 2), tta: Sequence[bool] = (False, True),
                            cache: str | os.PathLike | None = None, device: str = "cpu",
                            n_threads: int | None = 1) -> FeatureSets:
    """Frozen features of both cities for every downsampling factor and flip setting, cached.

    For each factor the images are averaged over ``factor`` x ``factor`` pixels
    (:func:`downsample_images`) and passed once through EfficientNet-Lite0; with ``True`` in
    ``tta`` the pass sees four views, the first giving the plain features and the mean of the
    four the flip-averaged ones
    (:meth:`~statmethods.classify.image_cnn.PretrainedFeatures.transform_both`), so both settings
    cost one pass. With ``cache`` (an ``.npz`` path) every set is written with a SHA-256 of the
    images and settings, and read back while those are unchanged.

    Returns
    -------
    dict
        ``(factor, tta) -> (train features, test features or None)``.

    Examples
    --------
    >>> X = np.random.default_rng(0).uniform(0, 1000, (2, 3, 32, 32)).astype("float32")
    >>> sets = pretrained_feature_sets(X, downsample=(1,))
    >>> sorted(sets), sets[(1, True)][0].shape
    ([(1, False), (1, True)], (2, 1832))
    """
    from ..classify.image_cnn import PretrainedFeatures

    keys = [(int(f), bool(v)) for f in downsample for v in dict.fromkeys(bool(t) for t in tta)]
    key = _cache_key(("sets-v1", keys), train_images, test_images)
    if cache is not None and os.path.exists(cache):
        with np.load(cache) as z:
            if str(z["key"]) == key:
                return {(f, v): (z[f"train_{f}_{int(v)}"], z[f"test_{f}_{int(v)}"] if test_images is not None
                                 else None) for f, v in keys}
    sets: FeatureSets = {}
    for f in dict.fromkeys(f for f, _ in keys):
        small = downsample_images(train_images, f)
        ext = PretrainedFeatures(device=device, n_threads=n_threads).fit(small)
        both = any(v for _, v in keys)
        tr = ext.transform_both(small) if both else (ext.transform(small),) * 2
        te: tuple[np.ndarray | None, ...] = (None, None)
        if test_images is not None:
            small_test = downsample_images(test_images, f)
            te = ext.transform_both(small_test) if both else (ext.transform(small_test),) * 2
        for v in (False, True):
            if (f, v) in keys:
                sets[(f, v)] = (tr[int(v)], te[int(v)])
    if cache is not None:
        arrays = {f"{c}_{f}_{int(v)}": (a if a is not None else sets[(f, v)][0][:0])
                  for (f, v), pair in sets.items() for c, a in zip(("train", "test"), pair, strict=True)}
        np.savez(cache, key=key, **arrays)
    return sets


def _best_first(rows: list[dict[str, Any]]) -> pd.DataFrame:
    table = pd.DataFrame(rows).sort_values("cv_r2_log_density", ascending=False, kind="stable")
    return table.reset_index(drop=True)


def _cv_r2(kind: str, data: Mapping[str, Any], folds: np.ndarray, groups: Any, seed: int,
           make: Callable[[str, int], PopulationModel]) -> float:
    m, _ = evaluate_blocked_cv([kind], data, folds, [seed], make, groups)
    return float(m["r2_log_density"].iloc[0])


def choose_feature_setting(feature_sets: Mapping[tuple[int, bool], np.ndarray], data: Mapping[str, Any],
                           folds: Any, groups: Any = None) -> pd.DataFrame:
    """Downsampling and flip averaging of the frozen features, chosen by blocked CV in the training city.

    Each setting's features (``(factor, tta) -> training features``) go into the ``imagery``
    model (ridge, its penalty chosen in the inner folds) under spatially blocked cross-validation
    on ``data`` (the training city: ``population``, ``area_km2``); the test city plays no part.

    Returns
    -------
    DataFrame
        ``downsample``, ``tta``, ``cv_r2_log_density``, one row per setting, best first (ties keep
        the given order).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> good, noise = rng.normal(size=(60, 3)), rng.normal(size=(60, 3))
    >>> data = {"population": np.expm1(good[:, 0] + 3), "area_km2": 1.0}
    >>> t = choose_feature_setting({(1, False): noise, (1, True): good}, data, np.arange(60) % 3)
    >>> int(t.loc[0, "downsample"]), bool(t.loc[0, "tta"])
    (1, True)
    """
    folds = np.asarray(folds)
    rows = [{"downsample": int(f), "tta": bool(v),
             "cv_r2_log_density": _cv_r2("imagery", {**data, "features": X}, folds, groups, 0, _default_make)}
            for (f, v), X in feature_sets.items()]
    return _best_first(rows)


def choose_components(data: Mapping[str, Any], folds: Any, options: Sequence[int] = (5, 10, 20),
                      groups: Any = None, seed: int = 0,
                      make: Callable[..., PopulationModel] | None = None) -> pd.DataFrame:
    """Number of principal components of the frozen features in ``imagery_pca_covariates``, by blocked CV.

    ``data`` is the training city (``population``, ``covariates``, ``features``); each option is
    scored by the pooled out-of-fold R² of the log density. ``make(kind, seed, n_components)``
    builds the model (default :class:`PopulationModel`), so that the forest's other settings match
    the chapter's.

    Returns
    -------
    DataFrame
        ``n_components``, ``cv_r2_log_density``, best first.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> F, C = rng.normal(size=(60, 8)), rng.normal(size=(60, 2))
    >>> data = {"population": np.expm1(3 + F[:, 0] + C[:, 0]), "covariates": C, "features": F}
    >>> sorted(choose_components(data, np.arange(60) % 3, options=(1, 2))["n_components"])
    [1, 2]
    """
    build = make or (lambda kind, s, k: PopulationModel(kind, seed=s, n_components=k))
    folds = np.asarray(folds)
    rows = [{"n_components": int(k),
             "cv_r2_log_density": _cv_r2("imagery_pca_covariates", data, folds, groups, seed,
                                         lambda kind, s, k=k: build(kind, s, k))}
            for k in options]
    return _best_first(rows)
