"""Fold strategies: every record tested once, blocks and groups kept whole, classes balanced."""

import numpy as np
import pytest

from statmethods.classify.folds import (
    fold_ids,
    folds_from_labels,
    make_folds,
    random_folds,
    spatial_block_folds,
    spatial_blocks,
    stratified_group_folds,
)
from statmethods.validation import BadInputError


def test_spatial_blocks_pixels_and_metres():
    assert spatial_blocks([0, 0, 5, 25], [0, 21, 3, 25], 20).tolist() == [0, 1, 0, 2]
    # 1 km cells in metres, blocks of 3 km from the south-west corner
    x = np.array([500.0, 1500, 2500, 3500, 9500])
    assert spatial_blocks(x, np.zeros(5), 3000, origin="min").tolist() == [0, 0, 0, 1, 2]


def test_spatial_block_folds_keep_blocks_together_and_test_everyone():
    rng = np.random.default_rng(0)
    x, y = rng.uniform(0, 50_000, 400), rng.uniform(0, 50_000, 400)
    folds = spatial_block_folds(x, y, 10_000, 5, seed=3)
    ids = fold_ids(folds, 400)
    blocks = spatial_blocks(x, y, 10_000)
    for b in np.unique(blocks):
        assert np.unique(ids[blocks == b]).size == 1
    for tr, te in folds:
        assert np.intersect1d(blocks[tr], blocks[te]).size == 0
    # a different seed deals blocks differently; None is fixed by the data
    assert not np.array_equal(ids, fold_ids(spatial_block_folds(x, y, 10_000, 5, seed=4), 400))
    a = fold_ids(spatial_block_folds(x, y, 10_000, 5, seed=None), 400)
    assert np.array_equal(a, fold_ids(spatial_block_folds(x, y, 10_000, 5, seed=None), 400))


def test_too_few_blocks_and_bad_n_folds_are_refused():
    with pytest.raises(ValueError, match="only 1 spatial block"):
        spatial_block_folds([0, 1, 2], [0, 1, 2], 100, 2)
    with pytest.raises(ValueError, match="only 3 records"):
        random_folds(3, 5)
    for bad in (1, 0, -1, 2.5, True, "5"):
        with pytest.raises(BadInputError, match="must be a positive integer"):
            random_folds(10, bad)


def test_stratified_group_folds_balance_classes_and_keep_groups():
    y = np.repeat([0, 1, 2], 40)
    groups = np.arange(120) // 2
    folds = stratified_group_folds(y, 4, groups=groups, seed=1)
    ids = fold_ids(folds, 120)
    for g in np.unique(groups):
        assert np.unique(ids[groups == g]).size == 1
    for _, te in folds:
        assert np.bincount(y[te], minlength=3).min() >= 8
    with pytest.raises(ValueError, match="smallest class has 1"):
        stratified_group_folds([0, 0, 1], 2)


def test_make_folds_and_fold_ids_checks():
    assert len(make_folds("stratified-group", 2, y=[0, 1, 0, 1])) == 2
    with pytest.raises(ValueError, match="must be one of"):
        make_folds("blocked", 2, y=[0, 1])
    with pytest.raises(ValueError, match="in no test fold"):
        fold_ids([([1], [0])], 2)
    with pytest.raises(ValueError, match="overlap"):
        fold_ids([([1], [0]), ([1], [0])], 2)


def test_stratified_folds_do_not_depend_on_codes_read_as_text():
    y = np.repeat(np.arange(1, 13), 10)
    a = stratified_group_folds(y, 5, groups=np.arange(120) // 2, seed=0)
    b = stratified_group_folds(y.astype(str), 5, groups=np.arange(120) // 2, seed=0)
    assert all(np.array_equal(ta, tb) for (_, ta), (_, tb) in zip(a, b, strict=True))


def test_folds_from_labels_hold_out_each_label_once_in_sorted_order():
    labels = np.array(["ug", "et", "mw", "et", "ug", "mw", "tz"])
    folds = folds_from_labels(labels)
    assert [sorted(set(labels[te])) for _, te in folds] == [["et"], ["mw"], ["tz"], ["ug"]]
    for tr, te in folds:
        assert np.intersect1d(tr, te).size == 0 and tr.size + te.size == labels.size
    assert fold_ids(folds, labels.size).tolist() == [3, 0, 1, 0, 3, 1, 2]
    with pytest.raises(BadInputError, match="at least 2 fold labels"):
        folds_from_labels(["a", "a"])
