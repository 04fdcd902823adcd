"""Class labels as a fixed encoding, and a checksum that identifies a training set.

Labels are kept as they are given: ``"01"`` and ``"1"`` are two classes. Codes read from files
should be read as text (see :func:`statmethods.inputs.read_labelled_series`), so that
leading zeros survive.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["LabelEncoding", "data_checksum", "natural_key"]


def natural_key(label: object) -> tuple:
    """Sort key: numbers (and digit strings) by value, then as text; ``"01"`` sorts next to ``"1"``.

    Examples
    --------
    >>> sorted(["10", "2", "01", "1", "b"], key=natural_key)
    ['01', '1', '2', '10', 'b']
    """
    s = str(label)
    if isinstance(label, int | float | np.integer | np.floating) and not isinstance(label, bool):
        return (0, float(label), s)
    if s.isdigit():
        return (0, float(int(s)), s)
    return (1, 0.0, s)


def _mixed(values: Sequence) -> bool:
    return len({type(v) for v in values}) > 1


@dataclass(frozen=True)
class LabelEncoding:
    """A fixed mapping between class labels and the integer indices ``0..k-1`` a model predicts.

    Parameters
    ----------
    classes : sequence
        The class labels, in index order. Labels are compared as strings, so ``1`` and ``"1"``
        are the same class but ``"01"`` and ``"1"`` are not.

    Examples
    --------
    >>> enc = LabelEncoding((1, 2, 5))
    >>> enc.encode([5, 1]).tolist(), enc.decode([0, 2]).tolist()
    ([2, 0], [1, 5])
    >>> LabelEncoding.from_labels(["1", "01", "10", "2"]).classes
    ('01', '1', '2', '10')
    """

    classes: tuple

    def __post_init__(self) -> None:
        if len(self.classes) < 2:
            raise ValueError(f"a label encoding needs at least 2 classes, got {list(self.classes)!r}")
        if len({str(c) for c in self.classes}) != len(self.classes):
            raise ValueError(f"class labels must be unique, got {list(self.classes)!r}")

    @classmethod
    def from_labels(cls, y: Sequence | np.ndarray) -> LabelEncoding:
        """The unique labels of ``y`` in natural order (:func:`natural_key`)."""
        values = {(v.item() if hasattr(v, "item") else v) for v in np.asarray(y).tolist()}
        return cls(tuple(sorted(values, key=natural_key)))

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


def data_checksum(X: np.ndarray, y: np.ndarray | None = None) -> str:
    """SHA-256 of the features (as float32) and labels (as strings): identifies a training set.

    Examples
    --------
    >>> data_checksum([[1.0, 2.0]], ["01"]) != data_checksum([[1.0, 2.0]], ["1"])
    True
    """
    h = hashlib.sha256()
    arr = np.ascontiguousarray(np.asarray(X, dtype=np.float32))
    h.update(str(arr.shape).encode())
    h.update(arr.tobytes())
    if y is not None:
        h.update("\x1f".join(str(v) for v in np.asarray(y).tolist()).encode())
    return h.hexdigest()
