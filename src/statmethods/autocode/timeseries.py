"""Classifying labelled time series (crop types from NDVI profiles) and turning maps into areas.

The module covers one job end to end, from a table of labelled series to an area estimate:

- reading and validating labelled series (:func:`read_labelled_series`, :func:`validate_series`),
  with a fixed label encoding (:class:`LabelEncoding`) and a checksum of the training data;
- stratified held-out folds that keep identical series in the same fold (:func:`stratified_folds`);
- two classifiers with the same interface: a scikit-learn tree-ensemble baseline on the series
  plus simple temporal features (:class:`BaselineClassifier`) and a small torch 1D-CNN with
  deterministic CPU training (:class:`CNNClassifier`); both save to a file that records the label
  encoding and the training-data checksum, and :func:`load_classifier` refuses a mismatch;
- cross-validated evaluation with per-class accuracy, macro-F1 and the largest confusions
  (:func:`cross_validate`, :class:`CrossValidation`);
- area totals without pixel-counting bias: the predicted classes are the map strata of a
  stratified reference sample, estimated with Part III's
  :func:`statmethods.area.stratified_area_estimate` (:func:`area_from_reference_sample`).

Examples
--------
>>> from statmethods import data
>>> from statmethods.autocode.timeseries import read_labelled_series
>>> ds = read_labelled_series(data.path("ucr-crop/Crop_TRAIN.tsv"), length=46)  # doctest: +SKIP
>>> ds.n_series, ds.length, len(ds.classes)  # doctest: +SKIP
(7200, 46, 24)
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from .._summary import Summary
from ..area import AccuracyAssessment, stratified_area_estimate

__all__ = [
    "CROP_CLASS_NAMES",
    "BaselineClassifier",
    "CNNClassifier",
    "CrossValidation",
    "LabelEncoding",
    "LabelledSeries",
    "SeriesClassifier",
    "area_comparison",
    "area_from_reference_sample",
    "check_chapter_parameters",
    "confusion_corrected_shares",
    "cross_validate",
    "data_checksum",
    "load_classifier",
    "per_class_table",
    "probability_area",
    "read_labelled_series",
    "series_groups",
    "stratified_folds",
    "stratified_reference_sample",
    "temporal_features",
    "top_confusions",
    "validate_series",
]

#: English names of the 24 classes of the UCR "Crop" set, translated from the French names in the data
#: set's README (its own English glosses are partly machine translations, e.g. "but drilling" for
#: "mais ensilage", silage corn).
CROP_CLASS_NAMES: dict[int, str] = {
    1: "corn", 2: "wheat", 3: "dense building", 4: "industrial building", 5: "diffuse building",
    6: "temporary meadow", 7: "hardwood", 8: "wasteland", 9: "fallow", 10: "soy", 11: "water",
    12: "meadow", 13: "softwood", 14: "sunflower", 15: "sorghum", 16: "eucalyptus", 17: "rapeseed",
    18: "silage corn", 19: "barley", 20: "peas", 21: "poplars", 22: "mineral surface",
    23: "gravel pit", 24: "lake",
}

_FORMAT = "statmethods.autocode.timeseries/1"


# --------------------------------------------------------------------------- data and validation


@dataclass(frozen=True)
class LabelEncoding:
    """A fixed mapping between class labels and the integer indices ``0..k-1`` a model predicts.

    Parameters
    ----------
    classes : sequence
        The class labels, in index order. Labels are compared as strings when checking a
        saved model, so ``1`` and ``"1"`` are the same class.

    Examples
    --------
    >>> enc = LabelEncoding((1, 2, 5))
    >>> enc.encode([5, 1]).tolist(), enc.decode([0, 2]).tolist()
    ([2, 0], [1, 5])
    """

    classes: tuple

    def __post_init__(self) -> None:
        if len(self.classes) < 2:
            raise ValueError(f"a label encoding needs at least 2 classes, got {list(self.classes)!r}")
        if len({str(c) for c in self.classes}) != len(self.classes):
            raise ValueError(f"class labels must be unique, got {list(self.classes)!r}")

    @classmethod
    def from_labels(cls, y: Sequence | np.ndarray) -> LabelEncoding:
        """The sorted unique labels of ``y``."""
        return cls(tuple(v.item() if hasattr(v, "item") else v for v in np.unique(np.asarray(y))))

    def __len__(self) -> int:
        return len(self.classes)

    def encode(self, y: Sequence | np.ndarray) -> np.ndarray:
        """Integer index of every label; ``ValueError`` naming any label not in the encoding."""
        lookup = {str(c): i for i, c in enumerate(self.classes)}
        y = np.asarray(y)
        unknown = sorted({str(v) for v in y.tolist()} - set(lookup))
        if unknown:
            raise ValueError(
                f"labels {unknown[:10]} are not in the label encoding {list(self.classes)}; "
                "drop those records, map them to a known class, or retrain with them included"
            )
        return np.array([lookup[str(v)] for v in y.tolist()], dtype=np.int64)

    def decode(self, idx: Sequence[int] | np.ndarray) -> np.ndarray:
        """Class labels of integer indices."""
        return np.asarray(self.classes, dtype=object if _mixed(self.classes) else None)[np.asarray(idx)]

    def as_strings(self) -> list[str]:
        """The labels as strings (how a saved model stores them)."""
        return [str(c) for c in self.classes]


def _mixed(values: Sequence) -> bool:
    return len({type(v) for v in values}) > 1


def validate_series(
    X: Any,
    y: Any = None,
    *,
    length: int | None = None,
    classes: Sequence | LabelEncoding | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Check a matrix of time series (one row per series, one column per date) and its labels.

    Parameters
    ----------
    X : array_like, shape (n, t)
        The series. Must be numeric, finite and have ``length`` dates when given.
    y : array_like, shape (n,), optional
        Class labels.
    length : int, optional
        The number of dates every series must have (e.g. 46 for the Crop set).
    classes : sequence or LabelEncoding, optional
        The allowed labels; any other label in ``y`` is an error.

    Returns
    -------
    X : ndarray of float32, shape (n, t)
    y : ndarray or None

    Raises
    ------
    ValueError
        Wrong shape or series length, missing (NaN) or infinite values, a label count that does not
        match the number of series, or labels outside ``classes``.

    Examples
    --------
    >>> validate_series([[0.1, 0.2, float("nan")]])
    Traceback (most recent call last):
    ...
    ValueError: X has 1 missing (NaN) or infinite value(s) in 1 series (first: series 0, date 2); ...
    """
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"X must be a numeric matrix of series (rows) by dates (columns): {exc}") from exc
    if arr.ndim == 1:
        raise ValueError(
            f"X is 1-D (shape {arr.shape}); pass a 2-D matrix with one series per row, "
            "e.g. X.reshape(1, -1) for a single series"
        )
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"X must be a non-empty 2-D matrix (series x dates), got shape {arr.shape}")
    if length is not None and arr.shape[1] != length:
        raise ValueError(
            f"series have {arr.shape[1]} dates but {length} are expected; resample each series to the "
            f"{length} acquisition dates the model was trained on (e.g. linear interpolation in time)"
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        rows, cols = np.nonzero(bad)
        raise ValueError(
            f"X has {int(bad.sum())} missing (NaN) or infinite value(s) in {len(np.unique(rows))} series "
            f"(first: series {rows[0]}, date {cols[0]}); gap-fill them (e.g. linear interpolation over "
            "time between the neighbouring cloud-free dates) or drop those series"
        )
    labels = None
    if y is not None:
        labels = np.asarray(y)
        if labels.ndim != 1 or labels.shape[0] != arr.shape[0]:
            raise ValueError(
                f"y must hold one label per series: X has {arr.shape[0]} series, y has shape {labels.shape}"
            )
        if classes is not None:
            enc = classes if isinstance(classes, LabelEncoding) else LabelEncoding(tuple(classes))
            enc.encode(labels)  # raises on unknown labels
    return arr.astype(np.float32), labels


def data_checksum(X: np.ndarray, y: np.ndarray | None = None) -> str:
    """SHA-256 of the series (as float32) and labels (as strings): identifies a training set."""
    h = hashlib.sha256()
    arr = np.ascontiguousarray(np.asarray(X, dtype=np.float32))
    h.update(str(arr.shape).encode())
    h.update(arr.tobytes())
    if y is not None:
        h.update("\x1f".join(str(v) for v in np.asarray(y).tolist()).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class LabelledSeries:
    """A validated set of labelled series: ``X`` (series x dates), ``y`` and the label encoding."""

    X: np.ndarray
    y: np.ndarray
    encoding: LabelEncoding
    source: str = ""

    @property
    def n_series(self) -> int:
        return int(self.X.shape[0])

    @property
    def length(self) -> int:
        """Number of dates per series."""
        return int(self.X.shape[1])

    @property
    def classes(self) -> tuple:
        return self.encoding.classes

    @property
    def checksum(self) -> str:
        """:func:`data_checksum` of ``X`` and ``y``."""
        return data_checksum(self.X, self.y)

    def class_counts(self) -> pd.Series:
        """Number of series per class, in encoding order."""
        codes = self.encoding.encode(self.y)
        return pd.Series(np.bincount(codes, minlength=len(self.encoding)),
                         index=list(self.classes), name="series")


def read_labelled_series(
    path: str | Path,
    *,
    length: int | None = None,
    classes: Sequence | None = None,
    sep: str | None = None,
) -> LabelledSeries:
    """Read labelled series in the UCR archive layout: one series per row, the label first.

    Parameters
    ----------
    path : str or Path
        A text table without header; ``.tsv`` files are tab-separated, others comma-separated
        unless ``sep`` is given.
    length : int, optional
        Expected number of dates per series (46 for the Crop set).
    classes : sequence, optional
        Allowed labels; the encoding is then this sequence. By default, the sorted labels found.
    sep : str, optional
        Column separator.

    Returns
    -------
    LabelledSeries

    Raises
    ------
    ValueError
        As :func:`validate_series`, or when the file has fewer than two columns.
    """
    path = Path(path)
    if sep is None:
        sep = "\t" if path.suffix.lower() == ".tsv" else ","
    table = pd.read_csv(path, sep=sep, header=None)
    if table.shape[1] < 2:
        raise ValueError(
            f"{path.name}: found {table.shape[1]} column(s); expected the label in the first column "
            f"and one column per date (is the separator {sep!r} right?)"
        )
    y = table.iloc[:, 0].to_numpy()
    if pd.isna(y).any():
        raise ValueError(f"{path.name}: {int(pd.isna(y).sum())} series have no label in the first column")
    if np.issubdtype(y.dtype, np.floating) and np.all(y == np.round(y)):
        y = y.astype(np.int64)
    X, y = validate_series(table.iloc[:, 1:].to_numpy(), y, length=length, classes=classes)
    enc = LabelEncoding(tuple(classes)) if classes is not None else LabelEncoding.from_labels(y)
    return LabelledSeries(X, y, enc, source=path.name)


def series_groups(X: np.ndarray) -> np.ndarray:
    """Group ids such that identical series share an id (to keep duplicates in one fold)."""
    arr = np.ascontiguousarray(np.asarray(X, dtype=np.float32))
    return pd.factorize(pd.Series([row.tobytes() for row in arr]))[0]


def stratified_folds(
    y: Sequence | np.ndarray,
    n_folds: int = 5,
    *,
    seed: int = 0,
    groups: np.ndarray | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Held-out folds stratified by class; with ``groups``, a group never spans two folds.

    Parameters
    ----------
    y : array_like
        Class labels.
    n_folds : int
        Number of folds (at least 2; no class may have fewer series than folds).
    seed : int
        Seed of the shuffle.
    groups : ndarray, optional
        Group ids (e.g. :func:`series_groups`): identical series then stay in the same fold, so
        that a test series never has an exact copy in its training set.

    Returns
    -------
    list of (train_index, test_index)

    Examples
    --------
    >>> folds = stratified_folds([0, 0, 1, 1, 0, 1], n_folds=2)
    >>> [len(test) for _, test in folds]
    [3, 3]
    """
    y = np.asarray(y)
    if not isinstance(n_folds, int | np.integer) or isinstance(n_folds, bool) or n_folds < 2:
        raise ValueError(f"n_folds must be an integer of at least 2, got {n_folds!r}")
    _, counts = np.unique(y, return_counts=True)
    if counts.min() < n_folds:
        raise ValueError(
            f"the smallest class has {counts.min()} series, fewer than n_folds={n_folds}; "
            "lower n_folds or drop/merge the rarest classes"
        )
    if groups is None:
        splitter: Any = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
        splits = splitter.split(np.zeros(len(y)), y)
    else:
        splitter = StratifiedGroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
        splits = splitter.split(np.zeros(len(y)), y, groups)
    return [(np.sort(tr), np.sort(te)) for tr, te in splits]


def temporal_features(X: np.ndarray) -> np.ndarray:
    """The series plus simple phenological features, one row per series.

    Columns: the ``t`` values; the ``t - 1`` first differences (growth between dates); then
    maximum, date index of the maximum, minimum, date index of the minimum, mean, standard
    deviation, amplitude, the first date above half the amplitude (green-up) and the last such
    date (senescence), and the area under the curve.
    """
    X = np.asarray(X, dtype=np.float32)
    lo, hi = X.min(axis=1, keepdims=True), X.max(axis=1, keepdims=True)
    above = X >= lo + 0.5 * (hi - lo)
    t = X.shape[1]
    greenup = above.argmax(axis=1)
    senescence = t - 1 - above[:, ::-1].argmax(axis=1)
    extra = np.column_stack([
        hi[:, 0], X.argmax(axis=1), lo[:, 0], X.argmin(axis=1), X.mean(axis=1), X.std(axis=1),
        (hi - lo)[:, 0], greenup, senescence, X.sum(axis=1),
    ]).astype(np.float32)
    return np.hstack([X, np.diff(X, axis=1), extra])


# --------------------------------------------------------------------------- classifiers


class SeriesClassifier:
    """Common interface: ``fit``, ``predict_proba``, ``predict``, ``save``.

    After ``fit`` a classifier knows its label encoding (``encoding_``), the series length
    (``length_``) and the checksum of its training data (``data_checksum_``).
    """

    kind = "abstract"
    encoding_: LabelEncoding
    length_: int
    data_checksum_: str

    def _check_fitted(self) -> None:
        if not hasattr(self, "encoding_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet; call fit(X, y) first")

    @property
    def classes_(self) -> tuple:
        self._check_fitted()
        return self.encoding_.classes

    def _prepare_fit(self, X: Any, y: Any, classes: Sequence | None) -> tuple[np.ndarray, np.ndarray]:
        X, y = validate_series(X, y, classes=classes)
        if y is None:
            raise ValueError("fit needs labels y")
        self.encoding_ = (LabelEncoding(tuple(classes)) if classes is not None
                          else LabelEncoding.from_labels(y))
        self.length_ = int(X.shape[1])
        self.data_checksum_ = data_checksum(X, y)
        return X, self.encoding_.encode(y)

    def fit(self, X: Any, y: Any, classes: Sequence | None = None) -> SeriesClassifier:
        raise NotImplementedError

    def predict_proba(self, X: Any) -> np.ndarray:
        raise NotImplementedError

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class label of every series."""
        return self.encoding_.decode(self.predict_proba(X).argmax(axis=1))

    def _check_X(self, X: Any) -> np.ndarray:
        self._check_fitted()
        arr, _ = validate_series(X, length=self.length_)
        return arr

    def _meta(self) -> dict[str, Any]:
        return {
            "format": _FORMAT, "kind": self.kind, "classes": self.encoding_.as_strings(),
            "length": self.length_, "data_checksum": self.data_checksum_,
        }

    def save(self, path: str | Path) -> Path:
        raise NotImplementedError


class BaselineClassifier(SeriesClassifier):
    """A scikit-learn tree ensemble on the series plus :func:`temporal_features`.

    Parameters
    ----------
    method : {"extra-trees", "random-forest"}
        Extremely randomised trees (default: as accurate as a random forest on NDVI profiles
        and about three times faster to train) or Breiman's random forest.
    n_estimators : int
        Number of trees.
    seed : int
        ``random_state`` of the ensemble.
    n_jobs : int
        Parallel jobs for training and prediction (results do not depend on it).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (20, 8)), rng.normal(3, 1, (20, 8))])
    >>> y = np.repeat(["a", "b"], 20)
    >>> BaselineClassifier(n_estimators=20).fit(X, y).predict(X[:2]).tolist()
    ['a', 'a']
    """

    kind = "baseline"

    def __init__(self, method: str = "extra-trees", n_estimators: int = 200, seed: int = 0,
                 n_jobs: int = 1) -> None:
        if method not in ("extra-trees", "random-forest"):
            raise ValueError(f"method must be 'extra-trees' or 'random-forest', got {method!r}")
        self.method = method
        self.n_estimators = n_estimators
        self.seed = seed
        self.n_jobs = n_jobs

    def fit(self, X: Any, y: Any, classes: Sequence | None = None) -> BaselineClassifier:
        """Fit on series ``X`` (n x t) and labels ``y``; ``classes`` fixes the label encoding."""
        from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier

        X, codes = self._prepare_fit(X, y, classes)
        cls = ExtraTreesClassifier if self.method == "extra-trees" else RandomForestClassifier
        self.model_ = cls(n_estimators=self.n_estimators, random_state=self.seed, n_jobs=self.n_jobs)
        self.model_.fit(temporal_features(X), codes)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities (share of trees' votes), columns in encoding order."""
        arr = self._check_X(X)
        raw = self.model_.predict_proba(temporal_features(arr))
        out = np.zeros((arr.shape[0], len(self.encoding_)))
        out[:, self.model_.classes_] = raw  # classes absent from training get probability 0
        return out

    def save(self, path: str | Path) -> Path:
        """Write the model and its metadata with joblib (load only files you trust)."""
        import joblib

        self._check_fitted()
        path = Path(path)
        meta = self._meta() | {"params": {"method": self.method, "n_estimators": self.n_estimators,
                                           "seed": self.seed}}
        joblib.dump({"meta": meta, "model": self.model_}, path)
        return path


def _torch_module(n_classes: int, channels: int, length: int) -> Any:
    import torch
    from torch import nn

    class CNN1D(nn.Module):
        """Two 1-D convolutions over time, max-pooling by 2, then a dense layer on the flattened maps.

        Flattening (rather than pooling over all dates) keeps *when* a feature occurs, which is
        what separates crops with similar shapes but different calendars (after TempCNN,
        Pelletier et al. 2019).
        """

        def __init__(self) -> None:
            super().__init__()
            c = channels
            self.features = nn.Sequential(
                nn.Conv1d(1, c, 5, padding=2), nn.BatchNorm1d(c), nn.ReLU(),
                nn.Conv1d(c, c, 5, padding=2), nn.BatchNorm1d(c), nn.ReLU(),
                nn.MaxPool1d(2),
            )
            self.head = nn.Sequential(
                nn.Flatten(), nn.Dropout(0.2), nn.Linear(c * (length // 2), 128), nn.ReLU(),
                nn.Linear(128, n_classes),
            )

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(self.features(x.unsqueeze(1)))

    return CNN1D()


def _check_device(device: str) -> str:
    import torch

    if not isinstance(device, str) or not (device == "cpu" or device.startswith("cuda")):
        raise ValueError(f"device must be 'cpu' or 'cuda' (or 'cuda:N'), got {device!r}")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} was requested but torch finds no CUDA GPU; use device='cpu'")
    return device


@contextlib.contextmanager
def _torch_settings(n_threads: int | None) -> Iterator[None]:
    import torch

    old_threads = torch.get_num_threads()
    old_cudnn = torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark
    if n_threads is not None:
        torch.set_num_threads(n_threads)
    torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = True, False
    try:
        yield
    finally:
        torch.set_num_threads(old_threads)
        torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = old_cudnn


class CNNClassifier(SeriesClassifier):
    """A small 1D convolutional network over the dates of each series (torch).

    Two convolutions over the dates (kernel 5, ``channels`` filters, batch normalisation, ReLU),
    max-pooling by 2, then the feature maps are flattened (so the network knows *when* a feature
    occurs), with dropout 0.2, a dense layer of 128 units and a linear layer to the classes, in the
    spirit of TempCNN (Pelletier et al. 2019). Trained with AdamW and a one-cycle learning-rate
    schedule on cross-entropy. Inputs are standardised with
    the training mean and standard deviation (one scalar each, so that NDVI levels still count).

    Parameters
    ----------
    epochs : int
        Passes over the training data.
    channels : int
        Filters in each convolution.
    batch_size : int
        Mini-batch size.
    lr : float
        Peak learning rate of the one-cycle schedule.
    seed : int
        Seeds weight initialisation and shuffling (training is deterministic on CPU for a fixed
        ``n_threads``).
    device : str
        ``"cpu"`` (default) or ``"cuda"``; the same code runs on both.
    n_threads : int or None
        CPU threads torch may use while training and predicting (``1`` by default, so that runs
        are reproducible bit for bit and polite on shared machines); ``None`` keeps torch's setting.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (32, 10)), rng.normal(2, 1, (32, 10))])
    >>> y = np.repeat([1, 2], 32)
    >>> m = CNNClassifier(epochs=5, channels=4).fit(X, y)
    >>> m.predict_proba(X[:1]).shape
    (1, 2)
    """

    kind = "cnn"

    def __init__(self, epochs: int = 20, channels: int = 32, batch_size: int = 128, lr: float = 0.01,
                 seed: int = 0, device: str = "cpu", n_threads: int | None = 1) -> None:
        for name, v in {"epochs": epochs, "channels": channels, "batch_size": batch_size}.items():
            if not isinstance(v, int | np.integer) or isinstance(v, bool) or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        if not (isinstance(lr, int | float) and lr > 0):
            raise ValueError(f"lr must be a positive number, got {lr!r}")
        self.epochs, self.channels, self.batch_size, self.lr = int(epochs), int(channels), int(batch_size), lr
        self.seed = seed
        self.device = _check_device(device)
        self.n_threads = n_threads

    def _params(self) -> dict[str, Any]:
        return {"epochs": self.epochs, "channels": self.channels, "batch_size": self.batch_size,
                "lr": float(self.lr), "seed": self.seed}

    def fit(self, X: Any, y: Any, classes: Sequence | None = None) -> CNNClassifier:
        """Fit on series ``X`` (n x t) and labels ``y``; ``classes`` fixes the label encoding."""
        import torch
        import torch.nn.functional as F

        X, codes = self._prepare_fit(X, y, classes)
        if self.length_ < 4:
            raise ValueError(f"the CNN needs series of at least 4 dates, got {self.length_}; "
                             "use BaselineClassifier for very short series")
        self.mean_, self.std_ = float(X.mean()), float(X.std()) or 1.0
        dev = torch.device(self.device)
        with _torch_settings(self.n_threads), torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed)
            net = _torch_module(len(self.encoding_), self.channels, self.length_).to(dev)
            xt = torch.from_numpy((X - self.mean_) / self.std_).to(dev)
            yt = torch.from_numpy(codes).to(dev)
            opt = torch.optim.AdamW(net.parameters(), lr=self.lr / 10, weight_decay=1e-4)
            steps = self.epochs * -(-len(codes) // self.batch_size)
            sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=self.lr, total_steps=steps)
            gen = torch.Generator().manual_seed(self.seed)
            net.train()
            for _ in range(self.epochs):
                perm = torch.randperm(len(codes), generator=gen).to(dev)
                for start in range(0, len(codes), self.batch_size):
                    batch = perm[start:start + self.batch_size]
                    if len(batch) < 2:  # batch normalisation needs two series
                        continue
                    opt.zero_grad()
                    loss = F.cross_entropy(net(xt[batch]), yt[batch])
                    loss.backward()
                    opt.step()
                    sched.step()
        net.eval()
        self.net_ = net
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Softmax class probabilities, columns in encoding order."""
        import torch

        arr = self._check_X(X)
        dev = torch.device(self.device)
        out = []
        with _torch_settings(self.n_threads), torch.no_grad():
            for start in range(0, arr.shape[0], 4096):
                xb = torch.from_numpy((arr[start:start + 4096] - self.mean_) / self.std_).to(dev)
                out.append(torch.softmax(self.net_(xb), dim=1).double().cpu().numpy())
        return np.vstack(out)

    def save(self, path: str | Path) -> Path:
        """Write weights and metadata with ``torch.save`` (plain types only: loads with weights_only)."""
        import torch

        self._check_fitted()
        path = Path(path)
        state = {k: v.detach().cpu() for k, v in self.net_.state_dict().items()}
        meta = self._meta() | {"params": self._params(), "mean": self.mean_, "std": self.std_}
        torch.save({"meta": meta, "state_dict": state}, path)
        return path


def load_classifier(
    path: str | Path,
    *,
    classes: Sequence | LabelEncoding | None = None,
    data_checksum: str | None = None,
    device: str = "cpu",
) -> SeriesClassifier:
    """Load a classifier saved by ``save``, checking its label encoding and training data.

    Parameters
    ----------
    path : str or Path
        A ``.pt`` file (CNN) or any other file written by :meth:`BaselineClassifier.save`.
    classes : sequence or LabelEncoding, optional
        The label encoding you expect (class labels in index order). A saved model predicts
        indices ``0..k-1``; reading them with another encoding would silently mislabel every
        prediction, so a mismatch is an error.
    data_checksum : str, optional
        The :func:`data_checksum` of the training data you expect the model to come from.
    device : str
        Where to put a CNN's weights.

    Raises
    ------
    ValueError
        The file is not a saved classifier, or its encoding or checksum differ from those given.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no saved model at {path}")
    blob: Any = None
    with path.open("rb") as fh:
        is_zip = fh.read(4) == b"PK\x03\x04"  # torch.save writes a zip archive; joblib a pickle
    try:
        if is_zip:
            import torch

            blob = torch.load(path, map_location="cpu", weights_only=True)
        else:
            import joblib

            blob = joblib.load(path)
    except Exception as exc:
        raise ValueError(
            f"{path} is neither a saved CNNClassifier nor a BaselineClassifier: {exc}"
        ) from exc
    meta = blob.get("meta", {}) if isinstance(blob, dict) else {}
    if meta.get("format") != _FORMAT:
        raise ValueError(f"{path} was not written by statmethods.autocode.timeseries (format {_FORMAT})")
    saved = list(meta["classes"])
    if classes is not None:
        want = classes.as_strings() if isinstance(classes, LabelEncoding) else [str(c) for c in classes]
        if want != saved:
            diff = [f"index {i}: saved {sv!r} vs expected {w!r}"
                    for i, (sv, w) in enumerate(zip(saved, want, strict=False)) if sv != w][:3]
            if not diff:
                diff = [f"the first {min(len(saved), len(want))} agree, the lengths differ"]
            raise ValueError(
                f"label encoding mismatch: the model at {path.name} was trained with {len(saved)} classes "
                f"but {len(want)} were expected ({'; '.join(diff)}). Its predictions would be mislabelled: "
                f"retrain the model or pass its own encoding. Saved: {saved}; expected: {want}"
            )
    if data_checksum is not None and data_checksum != meta["data_checksum"]:
        raise ValueError(
            f"training-data checksum mismatch: the model at {path.name} was trained on data with checksum "
            f"{meta['data_checksum'][:12]}..., not {data_checksum[:12]}...; retrain on the data you mean"
        )
    encoding = LabelEncoding(tuple(int(c) if c.lstrip("-").isdigit() else c for c in saved))
    params = meta.get("params", {})
    model: SeriesClassifier
    if meta["kind"] == "cnn":
        cnn = CNNClassifier(**params, device=device)
        cnn.mean_, cnn.std_ = meta["mean"], meta["std"]
        net = _torch_module(len(saved), cnn.channels, int(meta["length"]))
        net.load_state_dict(blob["state_dict"])
        net.to(device).eval()
        cnn.net_ = net
        model = cnn
    else:
        base = BaselineClassifier(**params)
        base.model_ = blob["model"]
        model = base
    model.encoding_, model.length_ = encoding, int(meta["length"])
    model.data_checksum_ = meta["data_checksum"]
    return model


# --------------------------------------------------------------------------- evaluation


def _codes(y_true: Any, y_pred: Any, classes: Sequence) -> tuple[np.ndarray, np.ndarray, int]:
    enc = LabelEncoding(tuple(classes))
    return enc.encode(y_true), enc.encode(y_pred), len(enc)


def per_class_table(y_true: Any, y_pred: Any, classes: Sequence, names: dict | None = None) -> pd.DataFrame:
    """Per-class accuracy (recall, the producer's accuracy), precision (user's accuracy), F1, support.

    Rows follow ``classes``; ``names`` maps a label to a display name (column ``name``).
    """
    labels = list(classes)
    yt, yp, k = _codes(y_true, y_pred, labels)
    prec, rec, f1, sup = precision_recall_fscore_support(yt, yp, labels=range(k), zero_division=0)
    out = pd.DataFrame({"accuracy": rec, "precision": prec, "f1": f1, "support": sup},
                       index=pd.Index(labels, name="class"))
    if names is not None:
        out.insert(0, "name", [names.get(c, str(c)) for c in labels])
    return out


def top_confusions(y_true: Any, y_pred: Any, classes: Sequence, k: int = 10,
                   names: dict | None = None) -> pd.DataFrame:
    """The ``k`` largest off-diagonal cells of the confusion matrix.

    Columns: true class, predicted class, count, and ``share``: the count as a share of the
    true class's series (how much of that class is lost to the predicted one).
    """
    labels = list(classes)
    yt, yp, n = _codes(y_true, y_pred, labels)
    cm = confusion_matrix(yt, yp, labels=range(n))
    off = cm.astype(float)
    np.fill_diagonal(off, -1)
    flat = np.argsort(-off, axis=None, kind="stable")[:k]
    rows, cols = np.unravel_index(flat, cm.shape)
    rows_keep = [(r, c) for r, c in zip(rows, cols, strict=True) if cm[r, c] > 0]
    support = cm.sum(axis=1)
    nm = names or {}
    return pd.DataFrame({
        "true": [nm.get(labels[r], str(labels[r])) for r, _ in rows_keep],
        "predicted": [nm.get(labels[c], str(labels[c])) for _, c in rows_keep],
        "count": [int(cm[r, c]) for r, c in rows_keep],
        "share": [cm[r, c] / support[r] for r, c in rows_keep],
    })


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold predictions of one model over the folds that were run.

    ``proba`` and ``pred`` cover every series; rows of series in folds that were not run are
    NaN / None and ``evaluated`` is False for them. ``fit_seconds`` and ``predict_seconds`` are
    wall-clock times per fold (for benchmarks; the chapter does not print them); ``models`` holds
    the fitted model of each fold.
    """

    name: str
    classes: tuple
    y: np.ndarray
    proba: np.ndarray
    fold: np.ndarray
    fit_seconds: list[float] = field(default_factory=list)
    predict_seconds: list[float] = field(default_factory=list)
    models: list[SeriesClassifier] = field(default_factory=list, repr=False, compare=False)

    @property
    def evaluated(self) -> np.ndarray:
        """Series that were held out in a fold that was run."""
        return self.fold >= 0

    @property
    def encoding(self) -> LabelEncoding:
        return LabelEncoding(self.classes)

    @property
    def pred(self) -> np.ndarray:
        """Predicted label of every evaluated series (None for series in folds not run)."""
        out = np.full(len(self.y), None, dtype=object)
        ev = self.evaluated
        out[ev] = self.encoding.decode(self.proba[ev].argmax(axis=1))
        return out

    def _codes(self, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        ev = self.evaluated if mask is None else self.evaluated & mask
        return self.encoding.encode(self.y[ev]), self.proba[ev].argmax(axis=1)

    @property
    def accuracy(self) -> float:
        yt, yp = self._codes()
        return float(np.mean(yt == yp))

    @property
    def macro_f1(self) -> float:
        yt, yp = self._codes()
        return float(f1_score(yt, yp, labels=range(len(self.classes)), average="macro", zero_division=0))

    def fold_accuracy(self) -> pd.Series:
        """Accuracy in each fold that was run."""
        folds = sorted(set(self.fold[self.evaluated].tolist()))
        acc = [float(np.mean(np.subtract(*self._codes(self.fold == f)) == 0)) for f in folds]
        return pd.Series(acc, index=pd.Index(folds, name="fold"), name="accuracy")

    def per_class(self, names: dict | None = None) -> pd.DataFrame:
        """Per-class accuracy, precision, F1 and support (:func:`per_class_table`)."""
        yt, yp = self._codes()
        dec = self.encoding.decode
        return per_class_table(dec(yt), dec(yp), self.classes, names)

    def confusion(self) -> pd.DataFrame:
        """Confusion matrix, rows = true class, columns = predicted class."""
        yt, yp = self._codes()
        cm = confusion_matrix(yt, yp, labels=range(len(self.classes)))
        return pd.DataFrame(cm, index=pd.Index(self.classes, name="true"),
                            columns=pd.Index(self.classes, name="predicted"))

    def top_confusions(self, k: int = 10, names: dict | None = None) -> pd.DataFrame:
        """The ``k`` largest confusions (:func:`top_confusions`)."""
        yt, yp = self._codes()
        dec = self.encoding.decode
        return top_confusions(dec(yt), dec(yp), self.classes, k, names)

    @property
    def records_per_second(self) -> float:
        """Inference throughput over the evaluated series."""
        return float(self.evaluated.sum() / max(sum(self.predict_seconds), 1e-12))

    def summary(self, names: dict | None = None) -> Summary:
        """Overall accuracy, macro-F1, fold accuracies and the per-class table (rounded, no timings)."""
        folds = self.fold_accuracy()
        header = {
            "Model": self.name,
            "Folds run": f"{len(folds)} (held-out series: {int(self.evaluated.sum()):,})",
            "Accuracy": f"{self.accuracy:.3f}",
            "Macro-F1": f"{self.macro_f1:.3f}",
            "Accuracy by fold": ", ".join(f"{a:.3f}" for a in folds),
        }
        table = self.per_class(names).round(3)
        return Summary("Held-out evaluation", header, table)


def cross_validate(
    make_model: Callable[[], SeriesClassifier],
    X: np.ndarray,
    y: np.ndarray,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    classes: Sequence | None = None,
    name: str = "",
) -> CrossValidation:
    """Fit a fresh model on each fold's training part and predict its held-out part.

    Parameters
    ----------
    make_model : callable
        Returns a new unfitted :class:`SeriesClassifier`.
    X, y : ndarray
        Series and labels.
    folds : sequence of (train_index, test_index)
        E.g. ``stratified_folds(...)[:2]`` to run only the first two folds.
    classes : sequence, optional
        Label encoding shared by all folds (defaults to the sorted labels of ``y``).
    name : str
        Model name for the summary.

    Returns
    -------
    CrossValidation
    """
    X, y = validate_series(X, y, classes=classes)
    assert y is not None
    enc = LabelEncoding(tuple(classes)) if classes is not None else LabelEncoding.from_labels(y)
    if len(folds) == 0:
        raise ValueError("folds is empty; pass at least one (train_index, test_index) pair")
    proba = np.full((len(y), len(enc)), np.nan)
    fold_id = np.full(len(y), -1)
    fit_s, pred_s, fitted = [], [], []
    for f, (tr, te) in enumerate(folds):
        if np.intersect1d(tr, te).size:
            raise ValueError(f"fold {f}: training and held-out indices overlap")
        model = make_model()
        t0 = time.perf_counter()
        model.fit(X[tr], y[tr], classes=enc.classes)
        t1 = time.perf_counter()
        proba[te] = model.predict_proba(X[te])
        t2 = time.perf_counter()
        fold_id[te] = f
        fit_s.append(t1 - t0)
        pred_s.append(t2 - t1)
        fitted.append(model)
    return CrossValidation(name or type(model).__name__, enc.classes, y, proba, fold_id, fit_s, pred_s,
                           fitted)


# --------------------------------------------------------------------------- area estimation


def stratified_reference_sample(map_labels: Any, n_per_stratum: int, *, seed: int = 0,
                                classes: Sequence | None = None) -> np.ndarray:
    """Indices of a stratified random sample: ``n_per_stratum`` units from each map class.

    A map class with fewer units than ``n_per_stratum`` is sampled completely.
    """
    m = np.asarray(map_labels, dtype=object)
    if not isinstance(n_per_stratum, int | np.integer) or n_per_stratum < 2:
        raise ValueError(f"n_per_stratum must be an integer of at least 2 (needed for variances), "
                         f"got {n_per_stratum!r}")
    rng = np.random.default_rng(seed)
    levels = list(classes) if classes is not None else sorted(set(m.tolist()), key=str)
    picks = []
    for c in levels:
        idx = np.flatnonzero(m == c)
        if idx.size:
            picks.append(rng.choice(idx, size=min(n_per_stratum, idx.size), replace=False))
    return np.sort(np.concatenate(picks)) if picks else np.array([], dtype=int)


def area_from_reference_sample(
    map_labels: Any,
    sample_index: np.ndarray,
    reference_labels: Any,
    classes: Sequence,
    *,
    pixel_area: float = 1.0,
    confidence: float = 0.95,
) -> AccuracyAssessment:
    """Stratified area estimate with the predicted classes as strata (Olofsson et al. 2014).

    The classifier's map gives the stratum of every unit and the mapped (pixel-counting) area of
    each class; a reference label is observed for a stratified random sample of units. The
    estimator :func:`statmethods.area.stratified_area_estimate` then corrects the pixel counts for
    the map's commission and omission errors.

    Parameters
    ----------
    map_labels : array_like, shape (N,)
        Predicted class of every unit of the population (the map).
    sample_index : ndarray
        Indices of the units in the reference sample (e.g. :func:`stratified_reference_sample`).
    reference_labels : array_like, shape (n,)
        Reference (true) class of each sampled unit, in ``sample_index`` order.
    classes : sequence
        The classes, in the order of the result.
    pixel_area : float
        Area of one unit (e.g. 0.0064 ha for a 8 m FORMOSAT-2 pixel).
    confidence : float
        Confidence level of the intervals.
    """
    sample_index = np.asarray(sample_index, dtype=np.int64)
    ref = np.asarray(reference_labels)
    if ref.shape != sample_index.shape:
        raise ValueError(f"reference_labels has {ref.size} labels for {sample_index.size} sampled units")
    enc = LabelEncoding(tuple(classes))
    try:
        m = enc.encode(map_labels)
    except ValueError as exc:
        raise ValueError(f"map_labels: {exc}") from exc
    try:
        r = enc.encode(ref)
    except ValueError as exc:
        raise ValueError(f"reference_labels: {exc}") from exc
    k = len(enc)
    map_area = np.bincount(m, minlength=k).astype(float)
    counts = np.bincount(m[sample_index] * k + r, minlength=k * k).reshape(k, k)  # rows map, cols reference
    return stratified_area_estimate(counts, map_area, enc.as_strings(), pixel_area=pixel_area,
                                    confidence=confidence)


def probability_area(proba: np.ndarray, pixel_area: float = 1.0) -> np.ndarray:
    """Area of each class as the sum of predicted probabilities (a "soft" pixel count).

    Unbiased only if the probabilities are calibrated *for the population being mapped*; a model
    trained on a balanced sample is not, so this is shown for comparison, not recommended.
    """
    p = np.asarray(proba, dtype=float)
    if p.ndim != 2 or not np.all(np.isfinite(p)):
        raise ValueError("proba must be a finite (n, k) matrix of class probabilities")
    return p.sum(axis=0) * pixel_area


def confusion_corrected_shares(map_counts: Any, confusion: Any) -> np.ndarray:
    """Class shares from mapped counts and a confusion matrix of P(predicted | true), by inversion.

    If ``C[j, i]`` is the probability that a unit of true class ``j`` is predicted as ``i`` and
    ``p`` the true class shares, the expected mapped shares are ``m = C.T @ p``; solving that
    system gives ``p`` (the "matrix inversion" estimator). It needs no reference sample from the
    mapped population, but it assumes that the classifier errs on the mapped population exactly as
    on the data ``C`` was estimated from (the same class-conditional error rates). It gives no
    standard error, and with a noisy ``C`` it can return shares below 0 or above 1, which are
    returned unclipped so that the problem stays visible.

    Parameters
    ----------
    map_counts : array_like, shape (k,)
        Number of units mapped to each class.
    confusion : array_like, shape (k, k)
        Counts or probabilities, rows = true class, columns = predicted class (rows are
        normalised to sum to one).

    Returns
    -------
    ndarray, shape (k,)
        Estimated share of each true class (sums to one).
    """
    m = np.asarray(map_counts, dtype=float)
    c = np.asarray(confusion, dtype=float)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or m.shape != (c.shape[0],):
        raise ValueError(
            f"confusion must be k x k and map_counts have k entries; got {c.shape} and {m.shape}"
        )
    rows = c.sum(axis=1, keepdims=True)
    if np.any(rows <= 0):
        raise ValueError(
            "every true class needs at least one unit in the confusion matrix (a row summed to 0)"
        )
    cond = c / rows
    try:
        return np.linalg.solve(cond.T, m / m.sum())
    except np.linalg.LinAlgError as exc:
        raise ValueError(
            "the confusion matrix is singular: two classes are predicted alike; merge them"
        ) from exc


def area_comparison(
    assessment: AccuracyAssessment,
    true_labels: Any | None = None,
    proba: np.ndarray | None = None,
) -> pd.DataFrame:
    """Pixel-counting, probability-sum and stratified areas side by side (and the truth when known).

    Columns: ``pixel_count``, ``probability_sum`` (when ``proba`` is given), ``stratified``, its
    ``ci_low`` / ``ci_high``, and when ``true_labels`` (the whole population's classes) are given,
    ``true`` and ``covered`` (whether the interval contains the true area).
    """
    names = assessment.class_names
    out = pd.DataFrame({"pixel_count": assessment.map_area.to_numpy()}, index=pd.Index(names, name="class"))
    if proba is not None:
        out["probability_sum"] = probability_area(proba, assessment.pixel_area)
    ci = assessment.conf_int("area")
    out["stratified"] = assessment.area.to_numpy()
    out["ci_low"], out["ci_high"] = ci["lower"].to_numpy(), ci["upper"].to_numpy()
    if true_labels is not None:
        t = np.asarray([str(v) for v in np.asarray(true_labels).tolist()])
        out["true"] = [np.sum(t == c) * assessment.pixel_area for c in names]
        out["covered"] = (out["ci_low"] <= out["true"]) & (out["true"] <= out["ci_high"])
    return out


# --------------------------------------------------------------------------- chapter parameters


def check_chapter_parameters(params: dict[str, Any]) -> None:
    """Validate the ``autocode-crop-types`` chapter's parameters before it runs."""
    models = params.get("models", [])
    bad = [m for m in models if m not in ("baseline", "cnn")]
    if not models or bad:
        raise ValueError(f"models must be a non-empty list drawn from ['baseline', 'cnn'], got {models!r}")
    n_folds, run = params.get("n_folds"), params.get("folds_to_run")
    if not isinstance(n_folds, int) or n_folds < 2:
        raise ValueError(f"n_folds must be an integer of at least 2, got {n_folds!r}")
    if run is not None and not (isinstance(run, int) and 1 <= run <= n_folds):
        raise ValueError(f"folds_to_run must be between 1 and n_folds={n_folds}, got {run!r}")
    if params.get("epochs", 1) < 1:
        raise ValueError(f"epochs must be at least 1, got {params['epochs']!r}")
    _check_device(params.get("device", "cpu"))
    n_ref = params.get("n_reference_per_class")
    if n_ref is not None and n_ref < 2:
        raise ValueError(f"n_reference_per_class must be at least 2, got {n_ref!r}")
