"""Labelled time series (one row per series, one column per date): reading, checks and features.

The UCR archive layout is read as a statistician's file really is: the label column as text, so
that codes keep their leading zeros (``"01"`` and ``"1"`` stay two classes).

Files are read by :func:`statmethods.inputs.read_labelled_series` (catalogue key or path, text
encoding), which parses them with :func:`parse_labelled_series`.

Examples
--------
>>> import statmethods as sm
>>> ds = sm.inputs.read_labelled_series("ucr-crop/Crop_TRAIN.tsv", "series_file", length=46)
>>> ds.n_series, ds.length, len(ds.classes)
(7200, 46, 24)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..validation import BadInputError
from .labels import LabelEncoding, data_checksum

__all__ = ["LabelledSeries", "parse_labelled_series", "series_groups", "temporal_features", "validate_series"]


def validate_series(
    X: ArrayLike,
    y: ArrayLike | None = None,
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


def parse_labelled_series(
    text: str,
    *,
    sep: str = ",",
    length: int | None = None,
    classes: Sequence | None = None,
    source: str = "series",
) -> LabelledSeries:
    """Parse labelled series in the UCR archive layout: one series per line, the label first.

    Reading the file (a catalogue key or a user's path, its text encoding) is the chapter
    input layer's job: :func:`statmethods.inputs.read_labelled_series` decodes the file and
    calls this.

    Parameters
    ----------
    text : str
        The table, without header.
    sep : str
        Column separator (``"\\t"`` for the archive's ``.tsv`` files).
    length : int, optional
        Expected number of dates per series (46 for the Crop set).
    classes : sequence, optional
        Allowed labels; the encoding is then this sequence. By default, the labels found, in
        natural order (:func:`statmethods.classify.labels.natural_key`).
    source : str
        Name of the file, for messages and :attr:`LabelledSeries.source`.

    Returns
    -------
    LabelledSeries
        Labels are strings exactly as written (leading zeros kept).

    Raises
    ------
    ValueError
        As :func:`validate_series`, or when the table has fewer than two columns.

    Examples
    --------
    >>> ds = parse_labelled_series("01,0.1,0.2,0.3,0.4\\n1,0.2,0.3,0.2,0.1\\n", length=4)
    >>> ds.classes, ds.n_series
    (('01', '1'), 2)
    """
    import io

    table = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype={0: str})
    if table.shape[1] < 2:
        raise BadInputError(
            f"{source}: found {table.shape[1]} column(s); expected the label in the first column "
            f"and one column per date (is the separator {sep!r} right?)"
        )
    labels = table.iloc[:, 0]
    if labels.isna().any():
        raise BadInputError(f"{source}: {int(labels.isna().sum())} series have no label in the first column")
    y = labels.str.strip().to_numpy(dtype=str)
    X, y = validate_series(table.iloc[:, 1:].to_numpy(), y, length=length, classes=classes)
    enc = LabelEncoding(tuple(classes)) if classes is not None else LabelEncoding.from_labels(y)
    return LabelledSeries(X, y, enc, source=source)


def series_groups(X: np.ndarray) -> np.ndarray:
    """Group ids such that identical series share an id (to keep duplicates in one fold)."""
    arr = np.ascontiguousarray(np.asarray(X, dtype=np.float32))
    return pd.factorize(pd.Series([row.tobytes() for row in arr]))[0]




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

