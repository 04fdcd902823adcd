"""Cross-validation of any classifier, with one result type.

**Confusion-matrix orientation, everywhere in** :mod:`statmethods.classify`: rows are the
reference (true) class, columns the predicted class, as in scikit-learn's
``confusion_matrix``. (Area estimation in :mod:`statmethods.area` uses the transpose, rows =
map class, as Olofsson et al. 2014 do; :meth:`CrossValidationResult.confusion` says which axis is
which in its index and column names.)

Accuracies from cross-validation describe the labelled records, which are rarely a probability
sample of the population to be mapped or coded: they are not estimates of map accuracy.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._summary import Summary
from .labels import LabelEncoding

__all__ = ["CrossValidationResult", "cross_validate", "per_class_table", "top_confusions"]


def _confusion(yt: np.ndarray, yp: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(yt * k + yp, minlength=k * k).reshape(k, k)


def _per_class(cm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    diag = np.diag(cm).astype(float)
    support = cm.sum(axis=1)
    predicted = cm.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = np.where(support > 0, diag / np.maximum(support, 1), 0.0)
        precision = np.where(predicted > 0, diag / np.maximum(predicted, 1), 0.0)
        f1 = np.where(recall + precision > 0, 2 * recall * precision / (recall + precision), 0.0)
    return recall, precision, f1, support


def per_class_table(y_true: Any, y_pred: Any, classes: Sequence, names: dict | None = None) -> pd.DataFrame:
    """Per class: ``support`` (reference records), ``producers_accuracy`` (recall),
    ``users_accuracy`` (precision) and ``f1``.

    Rows follow ``classes``; ``names`` maps a label to a display name (column ``name``).

    Examples
    --------
    >>> per_class_table(["a", "a", "b"], ["a", "b", "b"], ["a", "b"])["producers_accuracy"].tolist()
    [0.5, 1.0]
    """
    enc = LabelEncoding(tuple(classes))
    cm = _confusion(enc.encode(y_true), enc.encode(y_pred), len(enc))
    rec, prec, f1, sup = _per_class(cm)
    out = pd.DataFrame({"support": sup, "producers_accuracy": rec, "users_accuracy": prec, "f1": f1},
                       index=pd.Index(list(classes), name="class"))
    if names is not None:
        out.insert(0, "name", [names.get(c, names.get(str(c), str(c))) for c in classes])
    return out


def top_confusions(y_true: Any, y_pred: Any, classes: Sequence, k: int = 10,
                   names: dict | None = None) -> pd.DataFrame:
    """The ``k`` largest off-diagonal cells of the confusion matrix (an empty table if none).

    Columns: true class, predicted class, count, and ``share``: the count as a share of the true
    class's records (how much of that class is lost to the predicted one).

    Examples
    --------
    >>> top_confusions(["a", "a", "b"], ["a", "a", "b"], ["a", "b"]).empty
    True
    """
    labels = list(classes)
    enc = LabelEncoding(tuple(labels))
    cm = _confusion(enc.encode(y_true), enc.encode(y_pred), len(enc))
    off = cm.astype(float)
    np.fill_diagonal(off, -1)
    flat = np.argsort(-off, axis=None, kind="stable")[:k]
    rows, cols = np.unravel_index(flat, cm.shape)
    keep = [(r, c) for r, c in zip(rows, cols, strict=True) if r != c and cm[r, c] > 0]
    support = cm.sum(axis=1)
    nm = names or {}

    def name(c: Any) -> str:
        return nm.get(c, nm.get(str(c), str(c)))

    return pd.DataFrame({
        "true": [name(labels[r]) for r, _ in keep],
        "predicted": [name(labels[c]) for _, c in keep],
        "count": [int(cm[r, c]) for r, c in keep],
        "share": [cm[r, c] / support[r] for r, c in keep],
    }, columns=["true", "predicted", "count", "share"])


@dataclass(frozen=True)
class CrossValidationResult:
    """Out-of-fold predictions of one classifier, and the accuracy measures computed from them.

    ``y`` and ``fold`` cover every record; records in folds that were not run have ``fold == -1``
    (``evaluated`` is False) and a NaN ``proba`` row. ``proba`` is None for classifiers without
    ``predict_proba``; then ``predicted`` holds the labels. ``fit_seconds`` and
    ``predict_seconds`` are wall-clock times per fold (for benchmarks only); ``models`` holds the
    fitted model of each fold.

    The confusion matrix has rows = reference (true) class and columns = predicted class.
    """

    name: str
    classes: tuple
    y: np.ndarray
    fold: np.ndarray
    codes: np.ndarray
    proba: np.ndarray | None = None
    confidence: float = 0.95
    fit_seconds: list[float] = field(default_factory=list)
    predict_seconds: list[float] = field(default_factory=list)
    models: list[Any] = field(default_factory=list, repr=False, compare=False)

    @property
    def encoding(self) -> LabelEncoding:
        return LabelEncoding(self.classes)

    @property
    def evaluated(self) -> np.ndarray:
        """Records held out in a fold that was run."""
        return self.fold >= 0

    @property
    def predicted(self) -> np.ndarray:
        """Predicted label of every record (None for records in folds not run)."""
        out = np.full(len(self.y), None, dtype=object)
        ev = self.evaluated
        out[ev] = self.encoding.decode(self.codes[ev])
        return out

    def _pairs(self, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        ev = self.evaluated if mask is None else self.evaluated & mask
        return self.encoding.encode(self.y[ev]), self.codes[ev]

    @property
    def n_evaluated(self) -> int:
        return int(self.evaluated.sum())

    @property
    def accuracy(self) -> float:
        """Share of the held-out records classified correctly (overall accuracy)."""
        yt, yp = self._pairs()
        return float(np.mean(yt == yp))

    @property
    def macro_f1(self) -> float:
        """Unweighted mean of the per-class F1 scores (classes absent from the held-out set count 0)."""
        return float(_per_class(self.confusion().to_numpy())[2].mean())

    def fold_accuracy(self) -> pd.Series:
        """Accuracy in each fold that was run."""
        folds = sorted(set(self.fold[self.evaluated].tolist()))
        acc = [float(np.mean(np.subtract(*self._pairs(self.fold == f)) == 0)) for f in folds]
        return pd.Series(acc, index=pd.Index(folds, name="fold"), name="accuracy")

    @property
    def estimates(self) -> pd.Series:
        """Overall accuracy and macro-F1."""
        return pd.Series({"accuracy": self.accuracy, "macro_f1": self.macro_f1}, name="estimate")

    @property
    def se(self) -> pd.Series:
        """Standard errors from the spread of the fold values (NaN with one fold)."""
        a = self.fold_accuracy().to_numpy()
        se = float(a.std(ddof=1) / np.sqrt(a.size)) if a.size > 1 else float("nan")
        return pd.Series({"accuracy": se, "macro_f1": float("nan")}, name="se")

    def conf_int(self, confidence: float | None = None) -> pd.DataFrame:
        """Normal-approximation interval for overall accuracy from the fold spread."""
        from scipy import stats

        level = self.confidence if confidence is None else confidence
        if not 0 < level < 1:
            raise ValueError(f"confidence must be in (0, 1), got {level!r}")
        z = float(stats.norm.ppf(0.5 + level / 2))
        est, se = self.accuracy, float(self.se["accuracy"])
        return pd.DataFrame({"lower": [est - z * se], "upper": [est + z * se]}, index=["accuracy"])

    def confusion(self) -> pd.DataFrame:
        """Confusion matrix: rows = reference (true) class, columns = predicted class."""
        yt, yp = self._pairs()
        cm = _confusion(yt, yp, len(self.classes))
        return pd.DataFrame(cm, index=pd.Index(list(self.classes), name="reference"),
                            columns=pd.Index(list(self.classes), name="predicted"))

    def table(self, names: dict | None = None) -> pd.DataFrame:
        """Per class: ``support``, ``producers_accuracy`` (recall), ``users_accuracy`` (precision), ``f1``."""
        yt, yp = self._pairs()
        dec = self.encoding.decode
        return per_class_table(dec(yt), dec(yp), self.classes, names)

    def top_confusions(self, k: int = 10, names: dict | None = None) -> pd.DataFrame:
        """The ``k`` largest confusions (:func:`top_confusions`)."""
        yt, yp = self._pairs()
        dec = self.encoding.decode
        return top_confusions(dec(yt), dec(yp), self.classes, k, names)

    @property
    def records_per_second(self) -> float:
        """Prediction throughput over the evaluated records."""
        return float(self.n_evaluated / max(sum(self.predict_seconds), 1e-12))

    def summary(self, names: dict | None = None) -> Summary:
        """Overall accuracy (with its fold-spread interval), macro-F1, fold accuracies, per-class table."""
        folds = self.fold_accuracy()
        acc = f"{self.accuracy:.3f}"
        if folds.size > 1:
            ci = self.conf_int().iloc[0]
            acc += (f" (SE {float(self.se['accuracy']):.3f}, {self.confidence:.0%} CI {ci['lower']:.3f} "
                    f"to {ci['upper']:.3f})")
        header = {
            "Classifier": self.name,
            "Folds run": f"{len(folds)} (held-out records: {self.n_evaluated:,})",
            "Accuracy": acc,
            "Macro-F1": f"{self.macro_f1:.3f}",
            "Accuracy by fold": ", ".join(f"{a:.3f}" for a in folds),
        }
        return Summary("Cross-validated classification accuracy", header, self.table(names).round(3),
                       ["Accuracy of held-out labelled records: they are not a probability sample of the "
                        "population, so this is not an estimate of map or coding accuracy."])


def cross_validate(model: Any, X: Any, y: Any, folds: Sequence[tuple[np.ndarray, np.ndarray]], *,
                   classes: Sequence | None = None, name: str = "", confidence: float = 0.95,
                   keep_models: bool = True) -> CrossValidationResult:
    """Fit a fresh model on each fold's training part and predict its held-out part.

    Parameters
    ----------
    model : estimator or callable
        A scikit-learn-style classifier (cloned for each fold) or a function returning a new
        unfitted one. Classifiers of :mod:`statmethods.classify.models` get the shared label
        encoding through ``fit(..., classes=...)``.
    X, y : array_like
        Features (n x p) and labels.
    folds : sequence of (train_index, test_index)
        From :mod:`statmethods.classify.folds`; a prefix (``folds[:2]``) runs only some folds.
    classes : sequence, optional
        Label encoding shared by all folds (default: the labels of ``y`` in natural order).
    name : str
        Classifier name for the summary (default: the class name).
    confidence : float
        Level of the interval for overall accuracy.

    Returns
    -------
    CrossValidationResult

    Examples
    --------
    >>> from statmethods.classify.folds import random_folds
    >>> from statmethods.classify.models import ForestClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (30, 4)), rng.normal(3, 1, (30, 4))]; y = np.repeat(["a", "b"], 30)
    >>> cv = cross_validate(ForestClassifier(n_estimators=10, features="raw"), X, y, random_folds(60, 3))
    >>> round(cv.accuracy, 2), cv.confusion().shape
    (1.0, (2, 2))
    """
    from sklearn.base import clone

    from .models import Classifier

    Xa = np.asarray(X, dtype=float)
    ya = np.asarray(y)
    if Xa.ndim != 2 or Xa.shape[0] != ya.shape[0]:
        raise ValueError(f"X must be (n, p) with one label per row; got X {Xa.shape} and y {ya.shape}")
    enc = LabelEncoding(tuple(classes)) if classes is not None else LabelEncoding.from_labels(ya)
    enc.encode(ya)
    if len(folds) == 0:
        raise ValueError("folds is empty; pass at least one (train_index, test_index) pair")
    n, k = ya.shape[0], len(enc)
    fold_id = np.full(n, -1)
    codes = np.full(n, -1, dtype=np.int64)
    proba = np.full((n, k), np.nan)
    has_proba = True
    fit_s, pred_s, fitted = [], [], []
    factory = callable(model) and not hasattr(model, "fit")
    make: Callable[[], Any] = model if factory else (lambda: clone(model))
    for f, (tr, te) in enumerate(folds):
        tr, te = np.asarray(tr, dtype=np.int64), np.asarray(te, dtype=np.int64)
        if np.intersect1d(tr, te).size:
            raise ValueError(f"fold {f}: training and held-out indices overlap")
        if np.any(fold_id[te] >= 0):
            raise ValueError("folds overlap: a record is in more than one test fold")
        m = make()
        t0 = time.perf_counter()
        if isinstance(m, Classifier):
            m.fit(Xa[tr], ya[tr], classes=enc.classes)
        else:
            m.fit(Xa[tr], ya[tr])
        t1 = time.perf_counter()
        if isinstance(m, Classifier):
            p = m.predict_proba(Xa[te])
            proba[te] = p
            codes[te] = p.argmax(axis=1)
        else:
            codes[te] = enc.encode(m.predict(Xa[te]))
            has_proba = False
        t2 = time.perf_counter()
        fold_id[te] = f
        fit_s.append(t1 - t0)
        pred_s.append(t2 - t1)
        if keep_models:
            fitted.append(m)
    return CrossValidationResult(name or type(m).__name__, enc.classes, ya, fold_id, codes,
                                 proba if has_proba else None, confidence, fit_s, pred_s, fitted)
