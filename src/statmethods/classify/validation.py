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
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._summary import Summary
from ..results import EstimateResult
from ..validation import BadInputError
from ..validation import confidence as check_confidence
from .labels import LabelEncoding

__all__ = ["CrossValidationResult", "Estimator", "OutOfFold", "cross_validate", "out_of_fold_predictions",
           "per_class_table", "top_confusions"]


class Estimator(Protocol):
    """Anything with scikit-learn's ``fit`` and ``predict`` (classifier or regressor)."""

    def fit(self, X: ArrayLike, y: ArrayLike, /, *args: object, **kwargs: object) -> object: ...

    def predict(self, X: ArrayLike, /) -> np.ndarray: ...


#: A model to cross-validate: an unfitted estimator (cloned for each fold) or a function
#: returning a new unfitted one.
ModelSpec = Estimator | Callable[[], Estimator]
Folds = Sequence[tuple[ArrayLike, ArrayLike]]


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


def per_class_table(y_true: ArrayLike, y_pred: ArrayLike, classes: Sequence,
                    names: Mapping[Hashable, str] | None = None) -> pd.DataFrame:
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


def top_confusions(y_true: ArrayLike, y_pred: ArrayLike, classes: Sequence, k: int = 10,
                   names: Mapping[Hashable, str] | None = None) -> pd.DataFrame:
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

    def name(c: Hashable) -> str:
        return nm.get(c, nm.get(str(c), str(c)))

    return pd.DataFrame({
        "true": [name(labels[r]) for r, _ in keep],
        "predicted": [name(labels[c]) for _, c in keep],
        "count": [int(cm[r, c]) for r, c in keep],
        "share": [cm[r, c] / support[r] for r, c in keep],
    }, columns=["true", "predicted", "count", "share"])


@dataclass(frozen=True)
class CrossValidationResult(EstimateResult):
    """Out-of-fold predictions of one classifier, and the accuracy measures computed from them.

    ``y`` and ``fold`` cover every record; records in folds that were not run have ``fold == -1``
    (``evaluated`` is False) and a NaN ``proba`` row. ``proba`` is None for classifiers without
    ``predict_proba``; then ``predicted`` holds the labels. ``fit_seconds`` and
    ``predict_seconds`` are wall-clock times per fold (for benchmarks only); ``models`` holds the
    fitted model of each fold.

    The confusion matrix has rows = reference (true) class and columns = predicted class.

    Follows the result protocol of :class:`statmethods.results.EstimateResult`: ``estimates``
    are overall accuracy and macro-F1, ``se`` their standard errors from the fold spread, and
    ``conf_int`` is the inherited normal interval. Two methods are overridden because a
    classifier's natural table is per class, not per estimate: :meth:`table` gives support,
    producer's and user's accuracy and F1 of each class, and :meth:`summary` prints it under the
    overall figures.
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
    models: list[Estimator] = field(default_factory=list, repr=False, compare=False)

    title = "Cross-validated classification accuracy"

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
        """Standard errors from the spread of the fold values (NaN with one fold; NaN for macro-F1)."""
        a = self.fold_accuracy().to_numpy()
        se = float(a.std(ddof=1) / np.sqrt(a.size)) if a.size > 1 else float("nan")
        return pd.Series({"accuracy": se, "macro_f1": float("nan")}, name="se")

    def confusion(self) -> pd.DataFrame:
        """Confusion matrix: rows = reference (true) class, columns = predicted class."""
        yt, yp = self._pairs()
        cm = _confusion(yt, yp, len(self.classes))
        return pd.DataFrame(cm, index=pd.Index(list(self.classes), name="reference"),
                            columns=pd.Index(list(self.classes), name="predicted"))

    def table(self, names: Mapping[Hashable, str] | None = None) -> pd.DataFrame:  # type: ignore[override]
        """Per class: ``support``, ``producers_accuracy`` (recall), ``users_accuracy`` (precision), ``f1``.

        Overrides :meth:`EstimateResult.table`: the per-class table is what a reader of a
        classifier needs; the overall estimates are in :attr:`estimates` and :meth:`conf_int`.
        """
        yt, yp = self._pairs()
        dec = self.encoding.decode
        return per_class_table(dec(yt), dec(yp), self.classes, names)

    def top_confusions(self, k: int = 10, names: Mapping[Hashable, str] | None = None) -> pd.DataFrame:
        """The ``k`` largest confusions (:func:`top_confusions`)."""
        yt, yp = self._pairs()
        dec = self.encoding.decode
        return top_confusions(dec(yt), dec(yp), self.classes, k, names)

    @property
    def records_per_second(self) -> float:
        """Prediction throughput over the evaluated records."""
        return float(self.n_evaluated / max(sum(self.predict_seconds), 1e-12))

    def summary(self, names: Mapping[Hashable, str] | None = None) -> Summary:  # type: ignore[override]
        """Overall accuracy (with its fold-spread interval), macro-F1, fold accuracies, per-class table."""
        folds = self.fold_accuracy()
        acc = f"{self.accuracy:.3f}"
        if folds.size > 1:
            ci = self.conf_int().loc["accuracy"]
            acc += (f" (SE {float(self.se['accuracy']):.3f}, {self.confidence:.0%} CI {ci['lower']:.3f} "
                    f"to {ci['upper']:.3f})")
        header = {
            "Classifier": self.name,
            "Folds run": f"{len(folds)} (held-out records: {self.n_evaluated:,})",
            "Accuracy": acc,
            "Macro-F1": f"{self.macro_f1:.3f}",
            "Accuracy by fold": ", ".join(f"{a:.3f}" for a in folds),
        }
        return Summary(self.title, header, self.table(names).round(3),
                       ["Accuracy of held-out labelled records: they are not a probability sample of the "
                        "population, so this is not an estimate of map or coding accuracy."])


@dataclass(frozen=True)
class OutOfFold:
    """What one pass over the folds gives: per-record outputs and the fold that produced them.

    ``output`` has one row per record (NaN, or -1 for integer outputs, where the record's fold
    was not run); ``fold[i]`` is the position of record ``i``'s fold in the list (-1: not run).
    """

    output: np.ndarray
    fold: np.ndarray
    models: list[Estimator]
    fit_seconds: list[float]
    predict_seconds: list[float]
    model_name: str = ""


def _factory(model: ModelSpec) -> Callable[[], Estimator]:
    from sklearn.base import clone

    if isinstance(model, type) or (callable(model) and not hasattr(model, "fit")):
        return model  # a class or a factory function: called once per fold
    return lambda: clone(model)


def _check_folds(folds: Folds, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    if len(folds) == 0:
        raise BadInputError("folds is empty; pass at least one (train_index, test_index) pair")
    seen = np.zeros(n, dtype=bool)
    out = []
    for f, (tr, te) in enumerate(folds):
        tr, te = np.asarray(tr, dtype=np.int64), np.asarray(te, dtype=np.int64)
        if np.intersect1d(tr, te).size:
            raise BadInputError(f"fold {f}: training and held-out indices overlap")
        if np.any(seen[te]):
            raise BadInputError("folds overlap: a record is in more than one test fold")
        seen[te] = True
        out.append((tr, te))
    return out


def _fold_loop(model: ModelSpec, X: np.ndarray, y: np.ndarray, folds: Folds, *,
               fit: Callable[[Estimator, np.ndarray, np.ndarray, np.ndarray], None],
               predict: Callable[[Estimator, np.ndarray], np.ndarray], width: int | None,
               dtype: type = float, keep_models: bool = True) -> OutOfFold:
    """The one fold loop: fit a fresh model on each training part, predict its held-out part."""
    n = y.shape[0]
    pairs = _check_folds(folds, n)
    make = _factory(model)
    shape = (n,) if width is None else (n, width)
    out = np.full(shape, np.nan if dtype is float else -1, dtype=dtype)
    fold_id = np.full(n, -1)
    fit_s, pred_s, fitted = [], [], []
    kind = ""
    for f, (tr, te) in enumerate(pairs):
        m = make()
        kind = type(m).__name__
        t0 = time.perf_counter()
        fit(m, X, y, tr)
        t1 = time.perf_counter()
        out[te] = predict(m, X[te])
        t2 = time.perf_counter()
        fold_id[te] = f
        fit_s.append(t1 - t0)
        pred_s.append(t2 - t1)
        if keep_models:
            fitted.append(m)
    return OutOfFold(out, fold_id, fitted, fit_s, pred_s, kind)


def out_of_fold_predictions(model: ModelSpec, X: ArrayLike, y: ArrayLike, folds: Folds, *,
                            fit_params: Mapping[str, ArrayLike] | None = None,
                            keep_models: bool = False) -> OutOfFold:
    """Out-of-fold ``predict`` of any estimator (a regressor, usually), one value per record.

    The same fold loop as :func:`cross_validate`, for models whose output is a number.

    Parameters
    ----------
    model : estimator or callable
        An unfitted estimator (cloned for each fold with :func:`sklearn.base.clone`) or a
        function returning a new unfitted one.
    X : array_like
        Features, one row per record (a 1-D array is passed through as it is, e.g. a country
        code for a model that predicts the mean of each country).
    y : array_like
        Labels (numbers).
    folds : sequence of (train_index, test_index)
        From :mod:`statmethods.classify.folds` (e.g. :func:`~.folds.folds_from_labels`).
    fit_params : mapping of str to array_like, optional
        Per-record arrays passed to ``fit`` as keywords, cut to the training rows of each fold
        (``groups`` for a model that tunes itself by grouped cross-validation).
    keep_models : bool
        Keep the fitted model of each fold in ``models``.

    Returns
    -------
    OutOfFold
        ``output``: the out-of-fold prediction of each record (NaN where its fold was not run).

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from statmethods.classify.folds import folds_from_labels
    >>> X = np.arange(8.0).reshape(-1, 1); y = 2 * X[:, 0] + 1
    >>> oof = out_of_fold_predictions(LinearRegression(), X, y, folds_from_labels([0, 1] * 4))
    >>> np.allclose(oof.output, y), oof.fold.tolist()
    (True, [0, 1, 0, 1, 0, 1, 0, 1])
    """
    Xa, ya = np.asarray(X), np.asarray(y, dtype=float)
    if Xa.shape[0] != ya.shape[0]:
        raise BadInputError(f"X has {Xa.shape[0]} rows but y has {ya.shape[0]} labels; give one per record")
    params = {k: np.asarray(v) for k, v in (fit_params or {}).items()}
    for k, v in params.items():
        if v.shape[0] != ya.shape[0]:
            raise BadInputError(f"fit parameter {k!r} has {v.shape[0]} values for {ya.shape[0]} records")

    def fit(m: Estimator, Xf: np.ndarray, yf: np.ndarray, tr: np.ndarray) -> None:
        m.fit(Xf[tr], yf[tr], **{k: v[tr] for k, v in params.items()})

    return _fold_loop(model, Xa, ya, folds, fit=fit, predict=lambda m, x: m.predict(x), width=None,
                      keep_models=keep_models)


def cross_validate(model: ModelSpec, X: ArrayLike, y: ArrayLike, folds: Folds, *,
                   classes: Sequence | None = None, name: str = "", confidence: float = 0.95,
                   keep_models: bool = True) -> CrossValidationResult:
    """Fit a fresh classifier on each fold's training part and predict its held-out part.

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
    keep_models : bool
        Keep the fitted model of each fold in ``models``.

    Returns
    -------
    CrossValidationResult

    See Also
    --------
    out_of_fold_predictions : the same fold loop for regressors.

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
    from .models import Classifier

    level = check_confidence(confidence)
    Xa = np.asarray(X, dtype=float)
    ya = np.asarray(y)
    if Xa.ndim != 2 or Xa.shape[0] != ya.shape[0]:
        raise BadInputError(f"X must be (n, p) with one label per row; got X {Xa.shape} and y {ya.shape}")
    enc = LabelEncoding(tuple(classes)) if classes is not None else LabelEncoding.from_labels(ya)
    enc.encode(ya)
    k = len(enc)
    probabilistic = []

    def fit(m: Estimator, Xf: np.ndarray, yf: np.ndarray, tr: np.ndarray) -> None:
        if isinstance(m, Classifier):
            m.fit(Xf[tr], yf[tr], classes=enc.classes)
        else:
            m.fit(Xf[tr], yf[tr])
        probabilistic.append(isinstance(m, Classifier))

    def predict(m: Estimator, x: np.ndarray) -> np.ndarray:
        if isinstance(m, Classifier):
            return m.predict_proba(x)
        out = np.zeros((len(x), k))
        out[np.arange(len(x)), enc.encode(m.predict(x))] = 1.0  # one-hot: labels only
        return out

    oof = _fold_loop(model, Xa, ya, folds, fit=fit, predict=predict, width=k, keep_models=keep_models)
    ev = oof.fold >= 0
    codes = np.full(len(ya), -1, dtype=np.int64)
    codes[ev] = oof.output[ev].argmax(axis=1)
    proba = oof.output if all(probabilistic) else None
    return CrossValidationResult(name or oof.model_name, enc.classes, ya, oof.fold, codes, proba, level,
                                 oof.fit_seconds, oof.predict_seconds, oof.models)
