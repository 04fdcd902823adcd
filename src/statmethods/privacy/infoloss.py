"""Information loss of an anonymised file: discernibility and non-uniform entropy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .anonymity import equivalence_classes

__all__ = ["discernibility", "non_uniform_entropy"]


def discernibility(data: pd.DataFrame, keys: Sequence[str], suppressed: str = "*") -> float:
    """Discernibility (Bayardo and Agrawal): ``sum |E|^2`` over classes, ``n`` per suppressed record.

    Examples
    --------
    >>> import pandas as pd
    >>> discernibility(pd.DataFrame({"a": ["x", "x", "y", "*"]}), ["a"])
    9.0
    """
    cls = equivalence_classes(data, keys, suppressed)
    kept = cls[cls >= 0]
    sizes = np.bincount(kept) if len(kept) else np.array([0])
    return float((sizes.astype(float) ** 2).sum() + (cls < 0).sum() * len(data))


def non_uniform_entropy(original: pd.DataFrame, released: pd.DataFrame, keys: Sequence[str],
                        suppressed: str = "*") -> float:
    """Non-uniform entropy (de Waal and Willenborg): ``sum_i sum_j -log2 P(x_ij | y_ij)``, in bits.

    ``P(x | y)`` is the share of records released as ``y`` whose original value is ``x``,
    counted in the original file; a suppressed value has ``P = count(x) / n``.

    Examples
    --------
    >>> import pandas as pd
    >>> o = pd.DataFrame({"a": ["1", "2", "3", "3"]})
    >>> r = pd.DataFrame({"a": ["1-2", "1-2", "3", "3"]})
    >>> non_uniform_entropy(o, r, ["a"])
    2.0
    """
    if len(original) != len(released):
        raise ValueError("original and released must have the same records in the same order")
    total = 0.0
    for k in keys:
        x = original[k].astype(str).to_numpy()
        y = released[k].astype(str).to_numpy()
        y = np.where(pd.isna(released[k]).to_numpy(), suppressed, y)
        pair = pd.Series(1, index=pd.MultiIndex.from_arrays([x, y])).groupby(level=[0, 1]).transform("size")
        by_y = pd.Series(1, index=y).groupby(level=0).transform("size")
        total += float(-np.log2(pair.to_numpy() / by_y.to_numpy()).sum())
    return total


def _nue_from_codes(orig_codes: Mapping[str, np.ndarray], gen_codes: Mapping[str, np.ndarray],
                    suppressed_mask: np.ndarray) -> float:
    """Fast non-uniform entropy on integer codes (used in the lattice search)."""
    total = 0.0
    for k, x in orig_codes.items():
        y = np.where(suppressed_mask, -1, gen_codes[k])
        _, inv_xy, c_xy = np.unique(np.column_stack([x, y]), axis=0, return_inverse=True, return_counts=True)
        _, inv_y, c_y = np.unique(y, return_inverse=True, return_counts=True)
        total += float(-np.log2(c_xy[inv_xy.ravel()] / c_y[inv_y.ravel()]).sum())
    return total
