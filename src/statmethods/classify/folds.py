"""Cross-validation folds: random, spatial block and stratified group.

Every strategy returns the same thing: a list of ``(train_index, test_index)`` pairs of
positional indices, each record tested exactly once, as scikit-learn's ``cv`` arguments accept.
:func:`fold_ids` turns such a list into one fold number per record.

- :func:`random_folds`: ordinary shuffled K-fold. Right only when records are independent.
- :func:`spatial_block_folds`: whole square blocks of space go to one fold, so that a test record
  is never next to a training record (Roberts et al. 2017). Works in pixel positions (rows and
  columns) or in map coordinates (metres, e.g. 1 km grid cells).
- :func:`stratified_group_folds`: every fold keeps the class mix; with ``groups`` a group (a
  field, a household, a set of identical series) never spans two folds.

Examples
--------
>>> from statmethods.classify.folds import spatial_block_folds, fold_ids
>>> x = [0, 500, 1500, 2500, 3500, 4500]
>>> folds = spatial_block_folds(x, [0] * 6, block_size=1000, n_folds=3, seed=0)
>>> ids = fold_ids(folds, 6)
>>> bool(ids[0] == ids[1]), sorted(set(ids.tolist()))
(True, [0, 1, 2])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ..validation import BadInputError, positive_int

__all__ = [
    "FOLD_STRATEGIES",
    "fold_ids",
    "folds_from_labels",
    "make_folds",
    "random_folds",
    "spatial_block_folds",
    "spatial_blocks",
    "stratified_group_folds",
]

#: Names accepted by :func:`make_folds` (and by chapters' ``fold_strategy`` parameters).
FOLD_STRATEGIES: tuple[str, ...] = ("random", "spatial-block", "stratified-group")

Folds = list[tuple[np.ndarray, np.ndarray]]


def _n_folds(n_folds: int, n_records: int | None = None, *, name: str = "n_folds") -> int:
    """``n_folds`` as an int of at least 2 (and at most ``n_records``)."""
    k = positive_int(n_folds, name, minimum=2)
    if n_records is not None and k > n_records:
        raise BadInputError(f"{name}={k} but there are only {n_records} records; "
                            "every fold needs at least one record")
    return k


def spatial_blocks(x: ArrayLike, y: ArrayLike, block_size: float, *,
                   origin: tuple[float, float] | Literal["min"] = (0.0, 0.0)) -> np.ndarray:
    """Id (0, 1, ...) of the ``block_size`` x ``block_size`` square each point falls in.

    Parameters
    ----------
    x, y : array_like
        Positions: pixel rows and columns, or map coordinates (then ``block_size`` is in
        the same units, e.g. metres).
    block_size : float
        Side of the square blocks.
    origin : (float, float) or "min"
        Corner of block 0; ``"min"`` puts it at the smallest ``x`` and ``y``.

    Returns
    -------
    numpy.ndarray of int
        Block ids numbered in lexicographic order of (x block, y block).

    Examples
    --------
    >>> spatial_blocks([0, 0, 5, 25], [0, 21, 3, 25], 20).tolist()
    [0, 1, 0, 2]
    >>> spatial_blocks([100, 1500, 3100], [0, 200, 0], 2000, origin="min").tolist()
    [0, 0, 1]
    """
    if isinstance(block_size, bool) or not np.isfinite(block_size) or not block_size > 0:
        raise BadInputError(f"block_size must be greater than 0, got {block_size!r}")
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xa.shape != ya.shape or xa.ndim != 1:
        raise BadInputError(f"x and y must be 1-D and of one length, got shapes {xa.shape} and {ya.shape}")
    if xa.size and not (np.all(np.isfinite(xa)) and np.all(np.isfinite(ya))):
        raise BadInputError("x and y must be finite (drop records without a position)")
    if isinstance(origin, str):
        if origin != "min":
            raise BadInputError(f"origin must be a pair of numbers or 'min', got {origin!r}")
        ox, oy = (float(xa.min()), float(ya.min())) if xa.size else (0.0, 0.0)
    else:
        ox, oy = origin
    bx = np.floor((xa - ox) / block_size).astype(np.int64)
    by = np.floor((ya - oy) / block_size).astype(np.int64)
    if xa.size == 0:
        return np.zeros(0, dtype=np.int64)
    _, ids = np.unique(np.stack([bx, by], axis=1), axis=0, return_inverse=True)
    return ids.ravel().astype(np.int64)


def _sorted(splits: Iterable[tuple[np.ndarray, np.ndarray]]) -> Folds:
    return [(np.sort(tr), np.sort(te)) for tr, te in splits]


def random_folds(n: int, n_folds: int = 5, *, seed: int = 0) -> Folds:
    """Shuffled K-fold split of ``n`` records.

    Examples
    --------
    >>> [len(te) for _, te in random_folds(10, 3, seed=1)]
    [4, 3, 3]
    """
    from sklearn.model_selection import KFold

    k = _n_folds(n_folds, n)
    return _sorted(KFold(n_splits=k, shuffle=True, random_state=seed).split(np.arange(n)))


def spatial_block_folds(x: ArrayLike, y: ArrayLike, block_size: float, n_folds: int = 5, *,
                        seed: int | None = 0,
                        origin: tuple[float, float] | Literal["min"] = (0.0, 0.0)) -> Folds:
    """Spatially separated folds: all records of one square block go to the same fold.

    Parameters
    ----------
    x, y, block_size, origin
        As in :func:`spatial_blocks`. Choose ``block_size`` larger than the range over which
        neighbouring records resemble each other (and than the training polygons).
    n_folds : int
        Number of folds (at most the number of occupied blocks).
    seed : int or None
        Seed for dealing blocks to folds; ``None`` deals them without shuffling (folds balanced
        in size, fixed by the data alone).

    Returns
    -------
    list of (train_index, test_index)

    Raises
    ------
    BadInputError
        If fewer blocks hold records than there are folds (use smaller blocks or fewer folds).
    """
    from sklearn.model_selection import GroupKFold

    groups = spatial_blocks(x, y, block_size, origin=origin)
    k = _n_folds(n_folds, groups.size)
    n_blocks = np.unique(groups).size
    if n_blocks < k:
        raise BadInputError(f"only {n_blocks} spatial block(s) of side {block_size} hold records, fewer than "
                         f"n_folds={k}; use a smaller block_size or fewer folds")
    cv = GroupKFold(n_splits=k) if seed is None else GroupKFold(n_splits=k, shuffle=True, random_state=seed)
    return _sorted(cv.split(np.arange(groups.size), groups=groups))


def stratified_group_folds(y: ArrayLike, n_folds: int = 5, *, groups: ArrayLike | None = None,
                           seed: int = 0) -> Folds:
    """Folds that keep the class mix; with ``groups``, a group never spans two folds.

    Parameters
    ----------
    y : array_like
        Class labels.
    n_folds : int
        Number of folds; no class may have fewer records than folds.
    groups : array_like, optional
        Group ids (fields, households, identical series: see
        :func:`statmethods.classify.series.series_groups`).
    seed : int
        Seed of the shuffle.

    Examples
    --------
    >>> folds = stratified_group_folds([0, 0, 1, 1, 0, 1], n_folds=2)
    >>> [len(test) for _, test in folds]
    [3, 3]
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    from .labels import LabelEncoding

    # classes as integer codes in natural order, so that folds do not depend on whether codes were
    # read as text ("1", "2", "10") or as numbers (1, 2, 10)
    labels = np.asarray(y)
    ya = LabelEncoding.from_labels(labels).encode(labels) if np.unique(labels).size >= 2 else labels
    k = _n_folds(n_folds, ya.size)
    _, counts = np.unique(ya, return_counts=True)
    if counts.min() < k:
        raise BadInputError(f"the smallest class has {counts.min()} records, fewer than n_folds={k}; "
                         "lower n_folds or drop/merge the rarest classes")
    if groups is None:
        splits = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(ya.size), ya)
    else:
        g = np.asarray(groups)
        if g.shape != ya.shape:
            raise BadInputError(f"groups has {g.size} entries for {ya.size} labels")
        n_groups = np.unique(g).size
        if n_groups < k:
            raise BadInputError(f"only {n_groups} group(s) for n_folds={k}; lower n_folds")
        splits = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed).split(
            np.zeros(ya.size), ya, g)
    return _sorted(splits)


def make_folds(strategy: str, n_folds: int = 5, *, y: ArrayLike | None = None, x: ArrayLike | None = None,
               yc: ArrayLike | None = None, block_size: float | None = None,
               groups: ArrayLike | None = None, seed: int = 0) -> Folds:
    """Folds by strategy name: ``"random"``, ``"spatial-block"`` or ``"stratified-group"``.

    ``y`` are the labels (their length sets the number of records); ``x``, ``yc`` the positions
    and ``block_size`` the block side for ``"spatial-block"``; ``groups`` for
    ``"stratified-group"``.

    Examples
    --------
    >>> len(make_folds("random", 3, y=[0, 1] * 5))
    3
    """
    if strategy not in FOLD_STRATEGIES:
        raise BadInputError(f"fold strategy must be one of {list(FOLD_STRATEGIES)}, got {strategy!r}")
    if strategy == "spatial-block":
        if x is None or yc is None or block_size is None:
            raise BadInputError("spatial-block folds need positions x, yc and a block_size")
        return spatial_block_folds(x, yc, block_size, n_folds, seed=seed)
    if y is None:
        raise BadInputError(f"{strategy} folds need the labels y")
    if strategy == "random":
        return random_folds(len(y), n_folds, seed=seed)
    return stratified_group_folds(y, n_folds, groups=groups, seed=seed)


def folds_from_labels(labels: ArrayLike) -> Folds:
    """Leave-one-label-out folds: fold ``i`` holds out every record of the ``i``-th label (sorted).

    The labels are fold names given with the data (the paper's folds of a survey) or groups that
    must never be split (countries, for an out-of-country evaluation).

    Examples
    --------
    >>> [te.tolist() for _, te in folds_from_labels(["b", "a", "b", "c"])]
    [[1], [0, 2], [3]]
    """
    lab = np.asarray(labels).astype(str)
    levels = sorted(set(lab.tolist()))
    if len(levels) < 2:
        raise BadInputError(f"cross-validation needs at least 2 fold labels, got {levels}")
    idx = np.arange(lab.size)
    return [(idx[lab != lev], idx[lab == lev]) for lev in levels]


def fold_ids(folds: Sequence[tuple[ArrayLike, ArrayLike]], n: int) -> np.ndarray:
    """Fold number of each of ``n`` records; checks that every record is tested exactly once.

    Examples
    --------
    >>> fold_ids([([1], [0]), ([0], [1])], 2).tolist()
    [0, 1]
    """
    fold = np.full(n, -1, dtype=np.int64)
    for i, (_, te) in enumerate(folds):
        te = np.asarray(te, dtype=np.int64)
        if np.any(fold[te] >= 0):
            raise BadInputError("folds overlap: a record is in more than one test fold")
        fold[te] = i
    if np.any(fold < 0):
        raise BadInputError(f"{int((fold < 0).sum())} record(s) are in no test fold; every record must be "
                         "tested once")
    return fold
