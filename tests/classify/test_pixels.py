"""statmethods.classify on pixels: labelled-pixel extraction, the forest and MLP classifiers, CV result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from sklearn.base import clone
from sklearn.metrics import confusion_matrix

from statmethods.classify import MLPClassifier, cross_validate, random_folds, spatial_block_folds
from statmethods.classify.models import ForestClassifier
from statmethods.classify.pixels import labelled_pixels, predict_map
from statmethods.imagery.align import GridMismatchError


def _grid(values: np.ndarray, res: float = 30.0) -> xr.DataArray:
    dims = ("y", "x") if values.ndim == 2 else ("band", "y", "x")
    ny, nx = values.shape[-2:]
    coords = {"y": 4150000 - res * (np.arange(ny) + 0.5), "x": 300000 + res * (np.arange(nx) + 0.5)}
    if values.ndim == 3:
        coords["band"] = [f"b{i + 1}" for i in range(values.shape[0])]
    return xr.DataArray(values, dims=dims, coords=coords).rio.write_crs("EPSG:32612")


def _forest(seed: int = 0, n_estimators: int = 200) -> ForestClassifier:
    return ForestClassifier("random-forest", n_estimators, features="raw", min_samples_leaf=2,
                            class_weight="balanced", seed=seed)


def _data(key: str):
    from statmethods import data

    # The root conftest finds the data folder; a missing or corrupt file is a failure, not a skip.
    return data.path(key, download=False)


def test_labelled_pixels_extracts_positions_values_and_drops_incomplete():
    bands = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4)
    bands[1, 2, 3] = np.nan
    labels = np.full((3, 4), -1.0)
    labels[0, 1], labels[2, 3], labels[1, 0] = 2, 1, 1
    lab = _grid(labels).rio.write_nodata(-1)
    df = labelled_pixels(_grid(bands), lab, class_names={1: "crop", 2: "forest"})
    assert df.attrs["dropped_incomplete"] == 1  # pixel (2, 3) has a NaN band
    assert df[["row", "col"]].values.tolist() == [[0, 1], [1, 0]]
    assert df["b1"].tolist() == [1.0, 4.0] and df["b2"].tolist() == [13.0, 16.0]
    assert df["class"].tolist() == ["forest", "crop"]
    assert df["x"].tolist() == [300045.0, 300015.0] and df["y"].tolist() == [4149985.0, 4149955.0]


def test_labelled_pixels_needs_a_name_for_every_code_and_the_same_grid():
    bands = _grid(np.ones((2, 3, 4)))
    lab = _grid(np.array([[1.0, 3, -1, -1]] * 3)).rio.write_nodata(-1)
    with pytest.raises(ValueError, match=r"no name for label code\(s\) \[3\]"):
        labelled_pixels(bands, lab, class_names={1: "crop"})
    with pytest.raises(GridMismatchError):
        labelled_pixels(bands, _grid(np.ones((3, 4)), res=15.0))


def test_cross_validation_confusion_matches_sklearn():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 3))
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=300) > 0, "crop", "other")
    rf = _forest(0, n_estimators=20)
    res = cross_validate(rf, X, y, random_folds(300, 5, seed=1))
    want = confusion_matrix(res.y, res.predicted.astype(str), labels=["crop", "other"])  # rows = true
    np.testing.assert_array_equal(res.confusion().to_numpy(), want)
    assert res.confusion().index.name == "reference" and res.confusion().columns.name == "predicted"
    t = res.table()  # producer's accuracy = row-wise, user's (precision) = column-wise
    np.testing.assert_allclose(t["producers_accuracy"], np.diag(want) / want.sum(axis=1))
    np.testing.assert_allclose(t["users_accuracy"], np.diag(want) / want.sum(axis=0))
    assert res.accuracy == pytest.approx(np.trace(want) / 300)
    assert 0.7 < res.accuracy < 1.0
    assert "Accuracy" in str(res.summary())


def test_cross_validation_rejects_overlapping_folds():
    X, y = np.zeros((4, 1)), np.array([0, 1, 0, 1])
    folds = [(np.array([2, 3]), np.array([0, 1])), (np.array([0, 3]), np.array([1, 2]))]
    with pytest.raises(ValueError, match="overlap"):
        cross_validate(_forest(0, 5), X, y, folds)


def test_torch_mlp_is_deterministic_and_learns():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)  # XOR-like: not linearly separable
    a = MLPClassifier(hidden=(16,), epochs=300, seed=5).fit(X, y)
    b = clone(a).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    c = MLPClassifier(hidden=(16,), epochs=300, seed=6).fit(X, y)
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))
    assert a.score(X, y) > 0.95  # a linear model scores about 0.5 here
    with pytest.raises(ValueError, match="NaN"):
        MLPClassifier().fit(np.array([[np.nan], [1.0]]), [0, 1])


def test_predict_map_classifies_every_complete_pixel():
    class Threshold:
        def predict(self, X):
            return np.where(X[:, 0] > 5, 2, 1)

    vals = np.arange(12, dtype=float).reshape(1, 3, 4)
    vals[0, 0, 0] = np.nan
    m = predict_map(Threshold(), _grid(vals), chunk=5)
    want = np.where(np.arange(12).reshape(3, 4) > 5, 2, 1)
    want[0, 0] = 0
    np.testing.assert_array_equal(m.values, want)
    assert m.rio.nodata == 0 and m.dtype == np.uint8


def test_random_folds_overstate_accuracy_on_raleigh():
    # The chapter's claim: random pixel folds test on near-copies of training pixels and so report a
    # higher accuracy than spatially separated folds.
    from statmethods.imagery.align import open_raster, stack_bands

    bands = stack_bands([_data(f"landsat7-raleigh/lsat7_2000_{b}.tif") for b in (10, 20, 30, 40, 50)])
    lab = open_raster(_data("landsat7-raleigh/landsat96_labelled_pixels.tif"))
    df = labelled_pixels(bands, lab)
    assert len(df) == 2704 and df["label"].nunique() == 7
    X, y = df[list(bands.band.values)].to_numpy(), df["label"].to_numpy()
    rf = _forest(0, n_estimators=50)
    spatial = cross_validate(rf, X, y, spatial_block_folds(df.row, df.col, 20, 5, seed=0))
    random = cross_validate(rf, X, y, random_folds(len(df), 5, seed=0))
    assert random.accuracy > spatial.accuracy + 0.05
    assert isinstance(spatial.table(), pd.DataFrame)


def test_mlp_trained_for_no_epochs_is_refused():
    with pytest.raises(ValueError, match="'epochs' must be a positive integer"):
        MLPClassifier(epochs=0).fit(np.zeros((4, 1)), [0, 1, 0, 1])
