"""statmethods.classify on time series: data checks, folds, classifiers, saved models, evaluation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from statmethods import inputs
from statmethods.classify import (
    ForestClassifier,
    LabelEncoding,
    TempCNNClassifier,
    cross_validate,
    data_checksum,
    load_classifier,
    per_class_table,
    save_classifier,
    series_groups,
    stratified_group_folds,
    temporal_features,
    top_confusions,
    validate_series,
)


@pytest.fixture(scope="module")
def crop():
    return inputs.read_labelled_series("ucr-crop/Crop_TRAIN.tsv", "series_file", length=46, log=False)


def _toy(n_per_class: int = 40, seed: int = 0):
    """Three classes of noisy NDVI-like profiles peaking at different dates (synthetic, known truth)."""
    rng = np.random.default_rng(seed)
    t = np.arange(20)
    X, y = [], []
    for label, peak in [(1, 5), (2, 10), (3, 15)]:
        base = 0.2 + 0.6 * np.exp(-0.5 * ((t - peak) / 2.5) ** 2)
        X.append(base + rng.normal(0, 0.05, (n_per_class, t.size)))
        y += [label] * n_per_class
    return np.vstack(X).astype(np.float32), np.array(y)


# ---------------------------------------------------------------- data and validation


def test_crop_file_matches_its_readme(crop):
    # README of the UCR "Crop" set: train size 7200, length 46, 24 classes, no missing values;
    # the training split is balanced (300 series per class).
    assert (crop.n_series, crop.length, len(crop.classes)) == (7200, 46, 24)
    assert crop.classes == tuple(str(i) for i in range(1, 25))  # read as text, in natural order
    assert crop.class_counts().eq(300).all()
    assert -1.1 < crop.X.min() and crop.X.max() < 1.0  # NDVI range


def test_checksum_changes_with_one_value_or_one_label(crop):
    X, y = crop.X.copy(), crop.y.copy()
    c0 = data_checksum(X, y)
    assert c0 == crop.checksum and len(c0) == 64
    X[3, 7] += 0.001
    assert data_checksum(X, y) != c0
    y2 = crop.y.copy()
    y2[0] = 2
    assert data_checksum(crop.X, y2) != c0


def test_wrong_series_length_is_rejected_with_the_fix():
    with pytest.raises(ValueError, match=r"series have 45 dates but 46 are expected; resample"):
        validate_series(np.zeros((3, 45)), length=46)


def test_missing_values_are_rejected_naming_series_and_date():
    X = np.zeros((4, 6))
    X[2, 3] = np.nan
    X[3, 0] = np.inf
    with pytest.raises(ValueError, match=r"2 missing \(NaN\) or infinite value\(s\) in 2 series "
                                         r"\(first: series 2, date 3\); gap-fill"):
        validate_series(X)


def test_unknown_labels_are_rejected_naming_them():
    with pytest.raises(ValueError, match=r"labels \['25', '99'\] are not in the label encoding"):
        validate_series(np.zeros((4, 3)), [1, 25, 99, 2], classes=range(1, 25))


def test_shape_problems_are_rejected():
    with pytest.raises(ValueError, match="1-D"):
        validate_series(np.zeros(5))
    with pytest.raises(ValueError, match="one label per series"):
        validate_series(np.zeros((4, 3)), [1, 2])
    with pytest.raises(ValueError, match="numeric"):
        validate_series([["a", "b"]])


def test_read_labelled_series_rejects_short_series(tmp_path):
    f = tmp_path / "bad.tsv"
    f.write_text("1\t0.1\t0.2\t0.3\n2\t0.2\t0.3\t0.4\n")
    with pytest.raises(ValueError, match="series have 3 dates but 46 are expected"):
        inputs.read_labelled_series(f, "series_file", length=46, log=False)


def test_label_encoding_round_trip_and_duplicates():
    enc = LabelEncoding(("wheat", "corn", "soy"))
    assert enc.encode(["soy", "wheat"]).tolist() == [2, 0]
    assert enc.decode([1]).tolist() == ["corn"]
    with pytest.raises(ValueError, match="unique"):
        LabelEncoding((1, "1"))


# ---------------------------------------------------------------- folds and features


def test_folds_partition_the_data_stratified_and_keep_duplicates_together(crop):
    groups = series_groups(crop.X)
    # the Crop training split holds exact duplicate series (same label), e.g. many "lake" pixels
    assert len(np.unique(groups)) < crop.n_series
    folds = stratified_group_folds(crop.y, 5, groups=groups, seed=0)
    test_idx = np.concatenate([te for _, te in folds])
    assert np.array_equal(np.sort(test_idx), np.arange(crop.n_series))
    for tr, te in folds:
        assert np.intersect1d(tr, te).size == 0
        assert np.intersect1d(groups[tr], groups[te]).size == 0  # no duplicate on both sides
        per_class = pd.Series(crop.y[te]).value_counts()
        assert per_class.between(45, 75).all()  # 300 / 5 = 60 per class, give or take groups


def test_folds_without_groups_are_exactly_stratified():
    y = np.repeat([1, 2, 3], [10, 20, 30])
    for _, te in stratified_group_folds(y, 5, seed=1):
        assert np.bincount(y[te]).tolist() == [0, 2, 4, 6]


def test_folds_need_enough_series_per_class():
    with pytest.raises(ValueError, match="smallest class has 3 records, fewer than n_folds=5"):
        stratified_group_folds([1, 1, 1, 2, 2, 2, 2, 2], 5)
    with pytest.raises(ValueError, match="'n_folds' must be a positive integer"):
        stratified_group_folds([1, 2], 1)


def test_temporal_features_on_a_hand_computed_profile():
    x = np.array([[0.1, 0.2, 0.6, 0.9, 0.5, 0.2]])
    f = temporal_features(x)
    t = 6
    assert f.shape == (1, t + (t - 1) + 10)
    np.testing.assert_allclose(f[0, :t], x[0])
    np.testing.assert_allclose(f[0, t:2 * t - 1], [0.1, 0.4, 0.3, -0.4, -0.3], atol=1e-6)
    # max 0.9 at date 3, min 0.1 at date 0, mean 2.5/6; half-amplitude threshold 0.5: dates 2..4
    np.testing.assert_allclose(f[0, 2 * t - 1:], [0.9, 3, 0.1, 0, 2.5 / 6, np.std(x), 0.8, 2, 4, 2.5],
                               rtol=1e-6)


# ---------------------------------------------------------------- classifiers


def test_baseline_beats_chance_by_far_on_held_out_crop_series(crop):
    # 24 balanced classes: chance is 1/24 = 0.042; tree ensembles on NDVI profiles reach about 0.75.
    tr, te = stratified_group_folds(crop.y, 5, seed=0, groups=series_groups(crop.X))[0]
    m = ForestClassifier(n_estimators=40).fit(crop.X[tr], crop.y[tr], classes=crop.classes)
    acc = np.mean(m.predict(crop.X[te]) == crop.y[te])
    assert 0.65 < acc < 0.85


def test_cnn_learns_profiles_peaking_at_different_dates():
    X, y = _toy()
    Xt, yt = _toy(seed=1)
    m = TempCNNClassifier(epochs=15, channels=8, batch_size=32).fit(X, y)
    assert np.mean(m.predict(Xt) == yt) > 0.95
    p = m.predict_proba(Xt)
    np.testing.assert_allclose(p.sum(axis=1), 1, atol=1e-6)


def test_cnn_training_is_deterministic_for_a_seed_and_changes_with_it():
    X, y = _toy(20)
    p1 = TempCNNClassifier(epochs=3, channels=4, seed=5).fit(X, y).predict_proba(X)
    p2 = TempCNNClassifier(epochs=3, channels=4, seed=5).fit(X, y).predict_proba(X)
    p3 = TempCNNClassifier(epochs=3, channels=4, seed=6).fit(X, y).predict_proba(X)
    assert np.array_equal(p1, p2)
    assert not np.allclose(p1, p3)


def test_cnn_leaves_the_global_torch_state_alone():
    X, y = _toy(10)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    TempCNNClassifier(epochs=1, channels=4, seed=9).fit(X, y)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is present")
def test_cuda_without_gpu_is_a_clear_error():
    with pytest.raises(ValueError, match="no CUDA GPU.*use -p device cpu"):
        TempCNNClassifier(device="cuda").fit(*_toy(5))
    with pytest.raises(ValueError, match="'device' must be 'cpu' or 'cuda'"):
        TempCNNClassifier(device="gpu").fit(*_toy(5))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cnn_runs_unchanged_on_gpu_and_agrees_with_cpu():
    X, y = _toy()
    cpu = TempCNNClassifier(epochs=10, channels=8).fit(X, y)
    gpu = TempCNNClassifier(epochs=10, channels=8, device="cuda").fit(X, y)
    assert np.mean(cpu.predict(X) == gpu.predict(X)) > 0.95


def test_predicting_series_of_the_wrong_length_fails():
    X, y = _toy(10)
    m = ForestClassifier(n_estimators=5).fit(X, y)
    with pytest.raises(ValueError, match="series have 19 dates but 20 are expected"):
        m.predict(X[:, :19])


# ---------------------------------------------------------------- saved models


@pytest.mark.parametrize("kind", ["baseline", "cnn"])
def test_saved_model_reloads_and_predicts_identically(tmp_path, kind):
    X, y = _toy(15)
    m = (ForestClassifier(n_estimators=10) if kind == "baseline"
         else TempCNNClassifier(epochs=2, channels=4)).fit(X, y)
    path = save_classifier(m, tmp_path / ("m.pt" if kind == "cnn" else "m.joblib"))
    back = load_classifier(path, classes=[1, 2, 3], data_checksum=data_checksum(X, y))
    assert back.classes_.tolist() == ["1", "2", "3"]
    assert np.array_equal(back.predict_proba(X), m.predict_proba(X))


@pytest.mark.parametrize("kind", ["baseline", "cnn"])
def test_loading_with_a_mismatched_label_encoding_fails(tmp_path, kind):
    X, y = _toy(15)
    m = (ForestClassifier(n_estimators=5) if kind == "baseline"
         else TempCNNClassifier(epochs=1, channels=4)).fit(X, y)
    path = save_classifier(m, tmp_path / "model.bin")
    with pytest.raises(ValueError, match=r"label encoding mismatch.*index 0: saved '1' vs expected '2'"):
        load_classifier(path, classes=[2, 1, 3])
    with pytest.raises(ValueError, match="trained with 3 classes but 4 were expected .the first 3 agree"):
        load_classifier(path, classes=[1, 2, 3, 4])
    with pytest.raises(ValueError, match="training-data checksum mismatch"):
        load_classifier(path, data_checksum=data_checksum(X[1:], y[1:]))


def test_loading_something_else_fails(tmp_path):
    f = tmp_path / "x.pt"
    f.write_text("not a model")
    with pytest.raises(ValueError, match="not a saved statmethods classifier"):
        load_classifier(f)
    torch.save({"weights": torch.zeros(2)}, f)
    with pytest.raises(ValueError, match="was not written by statmethods"):
        load_classifier(f)


# ---------------------------------------------------------------- evaluation


def test_per_class_table_matches_hand_counts():
    y_true = ["a", "a", "a", "b", "b", "c"]
    y_pred = ["a", "b", "a", "b", "b", "a"]
    t = per_class_table(y_true, y_pred, ["a", "b", "c"])
    # a: 2 of 3 right (recall 2/3), 3 predicted a of which 2 right (precision 2/3)
    # b: 2 of 2 right, 3 predicted b of which 2 right; c: 0 of 1
    np.testing.assert_allclose(t["producers_accuracy"], [2 / 3, 1, 0])
    np.testing.assert_allclose(t["users_accuracy"], [2 / 3, 2 / 3, 0])
    np.testing.assert_allclose(t["f1"], [2 / 3, 0.8, 0])
    assert t["support"].tolist() == [3, 2, 1]


def test_top_confusions_orders_off_diagonal_cells():
    y_true = [1] * 5 + [2] * 4 + [3] * 2
    y_pred = [2, 2, 2, 1, 1] + [1, 2, 2, 2] + [3, 1]
    t = top_confusions(y_true, y_pred, [1, 2, 3], k=5, names={1: "corn"})
    assert t[["true", "predicted", "count"]].values.tolist() == [
        ["corn", "2", 3], ["2", "corn", 1], ["3", "corn", 1]]
    np.testing.assert_allclose(t["share"], [3 / 5, 1 / 4, 1 / 2])


def test_cross_validation_reports_only_folds_that_were_run(crop):
    folds = stratified_group_folds(crop.y, 6, seed=0)
    cv = cross_validate(ForestClassifier(n_estimators=10), crop.X, crop.y, folds[:1],
                        classes=crop.classes, name="ET")
    assert cv.evaluated.sum() == len(folds[0][1])
    yt, yp = crop.y[cv.evaluated], cv.predicted[cv.evaluated].astype(str)
    assert cv.accuracy == pytest.approx(np.mean(yt == yp))
    assert cv.table()["support"].sum() == len(yt)
    assert cv.confusion().to_numpy().trace() == (yt == yp).sum()
    assert "Accuracy" in str(cv.summary())




def test_codes_keep_leading_zeros_when_read_from_a_file(tmp_path):
    rng = np.random.default_rng(0)
    rows = [f"{lab}\t" + "\t".join(f"{v:.3f}" for v in rng.random(6)) for lab in ["01", "1", "10"] * 4]
    f = tmp_path / "series.tsv"
    f.write_text("\n".join(rows) + "\n")
    ds = inputs.read_labelled_series(f, "series_file", length=6, log=False)
    assert ds.classes == ("01", "1", "10")
    assert ds.class_counts().tolist() == [4, 4, 4]


def test_a_model_trained_for_zero_epochs_is_refused():
    X, y = _toy(5)
    for bad in (0, -1):
        with pytest.raises(ValueError, match="'epochs' must be a positive integer"):
            TempCNNClassifier(epochs=bad).fit(X, y)
