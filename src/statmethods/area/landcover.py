"""Supervised land-cover classification of image pixels, assessed with spatially separated folds.

Labelled pixels are extracted from an image stack and a raster of class labels on the same
grid. Pixels that are close together look alike (spatial autocorrelation) and often come from
the same training polygon, so cross-validation with randomly assigned pixels tests a model on
near-copies of its training data and overstates accuracy. :func:`spatial_folds` assigns whole
square blocks of pixels to folds (scikit-learn ``GroupKFold`` on block ids) so that test pixels
are spatially separated from training pixels (Roberts et al. 2017).

Two classifiers are provided: a scikit-learn random forest baseline and a small multilayer
perceptron in torch (:class:`TorchMLPClassifier`) that trains deterministically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch
import xarray as xr
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GroupKFold, KFold

from .._summary import Summary
from ..imagery.align import check_same_grid

__all__ = [
    "CrossValidationResult",
    "TorchMLPClassifier",
    "cross_validate_classifier",
    "labelled_pixels",
    "predict_map",
    "random_folds",
    "random_forest_baseline",
    "spatial_blocks",
    "spatial_folds",
]


def labelled_pixels(bands: xr.DataArray, labels: xr.DataArray, *,
                    class_names: Mapping[int, str] | None = None) -> pd.DataFrame:
    """Feature table of the labelled pixels: one row per pixel, one column per band.

    Parameters
    ----------
    bands : xarray.DataArray, dims ``(band, y, x)``
        Image stack (e.g. from :func:`statmethods.imagery.align.stack_bands`), nodata as NaN.
    labels : xarray.DataArray, dims ``(y, x)``
        Class codes on the same grid; its nodata value (or NaN) marks unlabelled pixels.
    class_names : mapping of int to str, optional
        Names of the class codes; adds a ``class`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``row``, ``col``, ``x``, ``y`` (pixel centre), one column per band, ``label``
        (int) and, with ``class_names``, ``class``. Pixels with a missing band value are
        dropped; their number is in ``df.attrs["dropped_incomplete"]``.

    Raises
    ------
    CRSMismatchError, GridMismatchError
        If ``labels`` is not on the grid of ``bands``.
    ValueError
        If ``class_names`` misses a label code present in ``labels``.
    """
    if bands.ndim != 3 or "band" not in bands.dims:
        raise ValueError("bands must have dimensions (band, y, x); build it with stack_bands()")
    check_same_grid(labels, bands.isel(band=0), names=("label raster", "image"))
    lab = np.asarray(labels.values, dtype=float)
    nd = labels.rio.nodata
    valid = np.isfinite(lab) if nd is None else np.isfinite(lab) & (lab != nd)
    rows, cols = np.nonzero(valid)
    X = np.asarray(bands.values, dtype=float)[:, rows, cols].T
    complete = np.all(np.isfinite(X), axis=1)
    df = pd.DataFrame({"row": rows, "col": cols,
                       "x": np.asarray(bands.x.values)[cols], "y": np.asarray(bands.y.values)[rows]})
    for i, b in enumerate(bands.band.values):
        df[str(b)] = X[:, i]
    df["label"] = lab[rows, cols].astype(int)
    if class_names is not None:
        missing = sorted(set(df["label"]) - set(class_names))
        if missing:
            raise ValueError(f"class_names has no name for label code(s) {missing}; add them to the mapping")
        df["class"] = df["label"].map(dict(class_names))
    df = df[complete].reset_index(drop=True)
    df.attrs["dropped_incomplete"] = int((~complete).sum())
    return df


def spatial_blocks(rows: Sequence[int] | np.ndarray, cols: Sequence[int] | np.ndarray,
                   block_size: int) -> np.ndarray:
    """Id of the ``block_size`` x ``block_size`` pixel block each pixel falls in.

    Examples
    --------
    >>> spatial_blocks([0, 0, 5, 25], [0, 21, 3, 25], 20).tolist()
    [0, 1, 0, 100001]
    """
    if not (isinstance(block_size, int | np.integer) and block_size >= 1):
        raise ValueError(f"block_size must be a positive whole number of pixels, got {block_size!r}")
    r = np.asarray(rows, dtype=np.int64) // block_size
    c = np.asarray(cols, dtype=np.int64) // block_size
    return r * 100_000 + c


def spatial_folds(rows: Sequence[int] | np.ndarray, cols: Sequence[int] | np.ndarray, *, n_folds: int = 5,
                  block_size: int = 20, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Spatially separated cross-validation folds: whole pixel blocks go to one fold.

    Parameters
    ----------
    rows, cols : array_like of int
        Pixel positions of the labelled pixels.
    n_folds : int
        Number of folds.
    block_size : int
        Side of the square blocks, in pixels. Choose it larger than the range over which
        pixels resemble each other (and than the training polygons).
    seed : int
        Seed for shuffling blocks among folds.

    Returns
    -------
    list of (train_index, test_index)
        Positional indices, as accepted by scikit-learn's ``cv`` arguments.

    Raises
    ------
    ValueError
        If there are fewer occupied blocks than folds (reduce ``block_size`` or ``n_folds``).
    """
    groups = spatial_blocks(rows, cols, block_size)
    n_blocks = np.unique(groups).size
    if n_blocks < n_folds:
        raise ValueError(
            f"only {n_blocks} blocks of {block_size} x {block_size} pixels hold labelled pixels, fewer than "
            f"n_folds={n_folds}; use a smaller block_size or fewer folds"
        )
    cv = GroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    idx = np.arange(groups.size)
    return [(tr, te) for tr, te in cv.split(idx, groups=groups)]


def random_folds(n: int, *, n_folds: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Ordinary random K-fold split of ``n`` pixels (for comparison with :func:`spatial_folds`)."""
    cv = KFold(n_splits=n_folds, shuffle=True, random_state=seed)
    return list(cv.split(np.arange(n)))


def random_forest_baseline(seed: int = 0, n_estimators: int = 200) -> RandomForestClassifier:
    """The scikit-learn baseline: a random forest with balanced class weights, single-threaded."""
    return RandomForestClassifier(n_estimators=n_estimators, min_samples_leaf=2, class_weight="balanced",
                                  n_jobs=1, random_state=seed)


class TorchMLPClassifier(ClassifierMixin, BaseEstimator):
    """A small multilayer perceptron in torch with a scikit-learn interface.

    Inputs are standardised with the training mean and standard deviation. Training is
    full-batch Adam on the (optionally class-balanced) cross-entropy, in float64 and on one
    thread, from weights initialised with a seeded generator, so that the same data and seed
    give the same model on any machine.

    Parameters
    ----------
    hidden : tuple of int
        Sizes of the hidden layers (ReLU activations).
    epochs : int
        Number of full-batch gradient steps.
    lr : float
        Adam learning rate.
    weight_decay : float
        L2 penalty (Adam ``weight_decay``).
    balanced : bool
        Weight the loss by inverse class frequency.
    seed : int
        Seed of the weight initialisation.

    Examples
    --------
    >>> X = np.r_[np.zeros((20, 2)), np.ones((20, 2))]; y = np.r_[np.zeros(20), np.ones(20)]
    >>> TorchMLPClassifier(epochs=50).fit(X, y).score(X, y)
    1.0
    """

    def __init__(self, hidden: tuple[int, ...] = (32, 32), epochs: int = 300, lr: float = 0.01,
                 weight_decay: float = 1e-4, balanced: bool = True, seed: int = 0) -> None:
        self.hidden = hidden
        self.epochs = epochs
        self.lr = lr
        self.weight_decay = weight_decay
        self.balanced = balanced
        self.seed = seed

    def _net(self, n_in: int, n_out: int, gen: torch.Generator) -> torch.nn.Sequential:
        layers: list[torch.nn.Module] = []
        sizes = [n_in, *self.hidden]
        for a, b in zip(sizes[:-1], sizes[1:], strict=True):
            layers += [torch.nn.Linear(a, b, dtype=torch.float64), torch.nn.ReLU()]
        layers.append(torch.nn.Linear(sizes[-1], n_out, dtype=torch.float64))
        net = torch.nn.Sequential(*layers)
        with torch.no_grad():
            for m in net:
                if isinstance(m, torch.nn.Linear):  # Kaiming-uniform bounds, drawn from our generator
                    bound = 1.0 / np.sqrt(m.in_features)
                    m.weight.uniform_(-bound, bound, generator=gen)
                    m.bias.uniform_(-bound, bound, generator=gen)
        return net

    def fit(self, X: Any, y: Any) -> TorchMLPClassifier:
        """Fit on features ``X`` (n, p) and labels ``y`` (n,)."""
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        if X.ndim != 2 or X.shape[0] != y.shape[0]:
            raise ValueError(f"X must be (n, p) with one label per row; got X {X.shape} and y {y.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("X holds NaN or infinite values; drop or fill incomplete pixels first")
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        if self.classes_.size < 2:
            raise ValueError("y needs at least 2 classes")
        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        Xt = torch.from_numpy((X - self.mean_) / self.scale_)
        yt = torch.from_numpy(y_idx.astype(np.int64))
        counts = np.bincount(y_idx, minlength=self.classes_.size).astype(float)
        w = counts.sum() / (counts.size * counts) if self.balanced else np.ones_like(counts)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            gen = torch.Generator().manual_seed(int(self.seed))
            net = self._net(X.shape[1], self.classes_.size, gen)
            loss_fn = torch.nn.CrossEntropyLoss(weight=torch.from_numpy(w))
            opt = torch.optim.Adam(net.parameters(), lr=self.lr, weight_decay=self.weight_decay)
            for _ in range(int(self.epochs)):
                opt.zero_grad()
                loss = loss_fn(net(Xt), yt)
                loss.backward()
                opt.step()
            self.loss_ = float(loss.detach())
        finally:
            torch.set_num_threads(threads)
        self.net_ = net.eval()
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have {self.n_features_in_} feature columns, got shape {X.shape}")
        with torch.no_grad():
            logits = self.net_(torch.from_numpy((X - self.mean_) / self.scale_))
            return torch.softmax(logits, dim=1).numpy()

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class of each row."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


@dataclass(frozen=True)
class CrossValidationResult:
    """Out-of-fold predictions and the accuracy measures computed from them.

    The confusion matrix has rows = predicted (map) class and columns = reference class,
    as in Olofsson et al. (2014). Accuracies describe the labelled pixels, which are not a
    probability sample of the map, so they are not estimates of map accuracy.
    """

    class_names: list[str]
    labels: np.ndarray
    predicted: np.ndarray
    fold: np.ndarray
    method: str
    confidence: float = 0.95

    @property
    def confusion(self) -> pd.DataFrame:
        m = pd.Categorical(self.predicted, categories=self.class_names)
        r = pd.Categorical(self.labels, categories=self.class_names)
        tab = pd.crosstab(m, r, dropna=False).reindex(index=self.class_names, columns=self.class_names,
                                                      fill_value=0)
        tab.index.name, tab.columns.name = "predicted", "reference"
        return tab

    @property
    def fold_accuracy(self) -> pd.Series:
        """Overall accuracy in each fold."""
        ok = pd.Series(self.labels == self.predicted)
        return ok.groupby(self.fold).mean().rename("accuracy")

    @property
    def overall_accuracy(self) -> float:
        """Share of labelled pixels classified correctly when held out."""
        return float(np.mean(self.labels == self.predicted))

    @property
    def overall_accuracy_se(self) -> float:
        """Standard error of overall accuracy from the spread of the fold accuracies."""
        a = self.fold_accuracy.to_numpy()
        return float(a.std(ddof=1) / np.sqrt(a.size))

    def conf_int(self) -> tuple[float, float]:
        """Normal-approximation interval for overall accuracy from the fold spread."""
        from scipy import stats

        z = float(stats.norm.ppf(0.5 + self.confidence / 2))
        return (self.overall_accuracy - z * self.overall_accuracy_se,
                self.overall_accuracy + z * self.overall_accuracy_se)

    def table(self) -> pd.DataFrame:
        """Per class: reference pixels, user's and producer's accuracy and F1 score."""
        c = self.confusion.to_numpy().astype(float)
        diag = np.diag(c)
        with np.errstate(divide="ignore", invalid="ignore"):
            users = diag / c.sum(axis=1)
            producers = diag / c.sum(axis=0)
            f1 = np.where(users + producers == 0, 0.0, 2 * users * producers / (users + producers))
        return pd.DataFrame({"class": self.class_names, "n_reference": c.sum(axis=0).astype(int),
                             "users_accuracy": users, "producers_accuracy": producers, "f1": f1})

    def summary(self) -> Summary:
        lo, hi = self.conf_int()
        header = {
            "Classifier": self.method,
            "Labelled pixels": f"{self.labels.size:,}",
            "Folds": str(np.unique(self.fold).size),
            "Overall accuracy": f"{self.overall_accuracy:.3f} (SE {self.overall_accuracy_se:.3f}, "
                                f"{self.confidence:.0%} CI {lo:.3f} to {hi:.3f})",
        }
        t = self.table().set_index("class")
        shown = pd.DataFrame({
            "pixels": t["n_reference"],
            "user's": t["users_accuracy"].map("{:.3f}".format),
            "producer's": t["producers_accuracy"].map("{:.3f}".format),
            "F1": t["f1"].map("{:.3f}".format),
        })
        return Summary("Cross-validated classification accuracy", header, shown,
                       ["Accuracy of held-out labelled pixels, not of the map: the labelled pixels are "
                        "not a probability sample of the map."])


def cross_validate_classifier(estimator: BaseEstimator, X: Any, y: Any,
                              folds: Sequence[tuple[np.ndarray, np.ndarray]], *,
                              class_names: Sequence[str] | None = None, method: str | None = None,
                              confidence: float = 0.95) -> CrossValidationResult:
    """Fit a fresh clone of ``estimator`` on each training fold and predict its test fold.

    Parameters
    ----------
    estimator : scikit-learn classifier
        Any estimator with ``fit``/``predict`` (e.g. :func:`random_forest_baseline`,
        :class:`TorchMLPClassifier`).
    X : array_like, shape (n, p)
        Features.
    y : array_like, shape (n,)
        Class labels (names or codes).
    folds : sequence of (train_index, test_index)
        From :func:`spatial_folds` or :func:`random_folds`; every pixel must be tested once.
    class_names : sequence, optional
        Classes in display order (default: sorted unique ``y``).
    method : str, optional
        Label for the summary (default: the estimator's class name).
    confidence : float
        Level of the interval for overall accuracy.

    Returns
    -------
    CrossValidationResult
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    n = y.shape[0]
    fold = np.full(n, -1)
    for i, (_, te) in enumerate(folds):
        if np.any(fold[te] >= 0):
            raise ValueError("folds overlap: a pixel is in more than one test fold; "
                             "build them with spatial_folds")
        fold[te] = i
    if np.any(fold < 0):
        raise ValueError(f"{int((fold < 0).sum())} pixel(s) are in no test fold; "
                         "every pixel must be tested once")
    pred = np.empty(n, dtype=y.dtype)
    for tr, te in folds:
        model = clone(estimator).fit(X[tr], y[tr])
        pred[te] = model.predict(X[te])
    names = list(np.unique(y)) if class_names is None else list(class_names)
    return CrossValidationResult(names, y, pred, fold, method or type(estimator).__name__, confidence)


def predict_map(estimator: Any, bands: xr.DataArray, *, nodata: int = 0,
                chunk: int = 200_000) -> xr.DataArray:
    """Classify every pixel of an image stack with a fitted estimator.

    Parameters
    ----------
    estimator : fitted classifier
        Trained on features in the order of ``bands.band``; its classes must be integers.
    bands : xarray.DataArray, dims ``(band, y, x)``
        The image; pixels with a NaN band get ``nodata``.
    nodata : int
        Code for unclassified pixels.
    chunk : int
        Pixels predicted per call (bounds memory).

    Returns
    -------
    xarray.DataArray
        Integer class map (``uint8`` if codes fit) on the grid of ``bands``.
    """
    if bands.ndim != 3 or "band" not in bands.dims:
        raise ValueError("bands must have dimensions (band, y, x); build it with stack_bands()")
    nb, ny, nx = bands.shape
    X = np.asarray(bands.values, dtype=float).reshape(nb, -1).T
    ok = np.all(np.isfinite(X), axis=1)
    out = np.full(ny * nx, nodata, dtype=np.int64)
    idx = np.flatnonzero(ok)
    for s in range(0, idx.size, chunk):
        part = idx[s:s + chunk]
        out[part] = estimator.predict(X[part])
    dtype = np.uint8 if out.min() >= 0 and out.max() <= 255 else np.int32
    da = bands.isel(band=0, drop=True).copy(data=out.reshape(ny, nx).astype(dtype))
    da = da.rio.write_nodata(nodata)
    da.name = "map"
    return da
