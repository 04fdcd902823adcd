"""Cloud and valid masks and temporal composites, checked against eo-learn's stored masks."""

from __future__ import annotations

import json

import dask.array as dsa
import numpy as np
import pytest
import xarray as xr
from scipy import ndimage

from statmethods import data
from statmethods.imagery import (
    AllNodataError,
    apply_mask,
    bbox_from_geojson,
    class_time_series,
    cloud_fraction,
    cloud_mask_from_probability,
    image_from_array,
    qa60_cloud_mask,
    require_data,
    scl_cloud_mask,
    temporal_composite,
    valid_mask,
)

EOP = "s2-slovenia-eopatch/TestEOPatch/"


def _layer(name: str, timeless: bool = False) -> xr.DataArray:
    bounds, crs = bbox_from_geojson(data.path(EOP + "bbox.geojson"))
    arr = np.load(data.path(EOP + name))[..., 0]
    times = None if timeless else json.loads(open(data.path(EOP + "timestamps.json")).read())
    return image_from_array(arr, bounds, crs, times=times)


@pytest.fixture(scope="module")
def eop() -> dict[str, xr.DataArray]:
    return {"ndvi": _layer("data/NDVI.npy"), "clp": _layer("data/CLP.npy"), "clm": _layer("mask/CLM.npy"),
            "is_data": _layer("mask/IS_DATA.npy"), "is_valid": _layer("mask/IS_VALID.npy"),
            "lulc": _layer("mask_timeless/LULC.npy", timeless=True)}


def test_valid_mask_reproduces_eolearn_is_valid(eop):
    ours = valid_mask(eop["is_data"], eop["clm"])
    assert ours.dtype == bool
    assert (ours.values == eop["is_valid"].values.astype(bool)).all()


def test_cloud_fraction_reproduces_eolearn_cloud_coverage(eop):
    stored = np.load(data.path(EOP + "scalar/CLOUD_COVERAGE.npy"))[:, 0].astype(float)
    ours = cloud_fraction(eop["clm"], eop["is_data"]).values
    np.testing.assert_allclose(ours, stored, atol=1e-3)  # stored as float16


def test_probability_threshold_is_strict_and_ignores_nodata():
    p = xr.DataArray(np.array([[0.4, 0.41, np.nan]]), dims=("y", "x"))
    assert cloud_mask_from_probability(p, 0.4).values.tolist() == [[False, True, False]]
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        cloud_mask_from_probability(p, 40)


def test_probability_mask_agrees_with_eolearn_clm_mostly(eop):
    # eo-learn's CLM came from s2cloudless at a coarser resolution with its own smoothing, so the
    # 10 m threshold agrees on most but not all pixels; a sanity bound, not an identity.
    agree = float((cloud_mask_from_probability(eop["clp"]) == eop["clm"].astype(bool)).mean())
    assert 0.95 < agree < 1.0


def test_dilation_on_dask_chunks_matches_scipy_on_the_whole_array(eop):
    clp = eop["clp"].isel(time=slice(0, 6))
    expected = np.stack([ndimage.binary_dilation(
        ndimage.convolve(p, _disk_kernel(2), mode="reflect") > 0.4, structure=_disk(3)) for p in clp.values])
    lazy = cloud_mask_from_probability(clp.chunk({"time": 2, "y": 30, "x": 30}), average_over=2, dilation=3)
    assert isinstance(lazy.data, dsa.Array)
    assert (lazy.values == expected).all(), "overlapping chunks must give the same mask as one array"


def _disk(r: int) -> np.ndarray:
    y, x = np.ogrid[-r:r + 1, -r:r + 1]
    return x * x + y * y <= r * r


def _disk_kernel(r: int) -> np.ndarray:
    k = _disk(r).astype(float)
    return k / k.sum()


def test_scl_and_qa60_masks_flag_documented_codes():
    scl = xr.DataArray(np.arange(12), dims="x")
    assert np.flatnonzero(scl_cloud_mask(scl).values).tolist() == [3, 8, 9, 10]
    qa = xr.DataArray(np.array([0, 1 << 10, 1 << 11, (1 << 10) | (1 << 11), 1 << 9]), dims="x")
    assert qa60_cloud_mask(qa).values.tolist() == [False, True, True, True, False]
    with pytest.raises(ValueError, match="not SCL classes"):
        scl_cloud_mask(scl, classes=(3, 12))


def test_apply_mask_gives_nan_and_refuses_other_grid(eop):
    masked = apply_mask(eop["ndvi"], valid_mask(eop["is_data"], eop["clm"]))
    clm = eop["clm"].values.astype(bool)
    assert np.isnan(masked.values[clm]).all() and not np.isnan(masked.values[~clm]).any()
    shifted = eop["clm"].assign_coords(x=eop["clm"].x + 10.0)
    with pytest.raises(ValueError, match="different 'x' coordinates"):
        apply_mask(eop["ndvi"], shifted.astype(bool))


def test_all_nodata_is_an_error():
    with pytest.raises(AllNodataError, match="no valid pixel"):
        require_data(xr.DataArray(np.full((3, 3), np.nan), dims=("y", "x")), "tile 7")


def test_median_composite_uses_only_valid_observations(eop):
    valid = valid_mask(eop["is_data"], eop["clm"])
    comp = temporal_composite(eop["ndvi"], valid)
    nd, ok = eop["ndvi"].values, valid.values
    i, j = 50, 50
    assert comp.values[i, j] == pytest.approx(np.median(nd[ok[:, i, j], i, j]))
    lazy = temporal_composite(eop["ndvi"].chunk({"time": 10, "y": 50, "x": 50}), valid)
    assert isinstance(lazy.data, dsa.Array)
    np.testing.assert_allclose(lazy.values, comp.values, equal_nan=True)


def test_composite_is_nan_where_never_valid():
    x = xr.DataArray(np.array([[0.2, 0.5], [0.4, 0.7]]), dims=("time", "x"))
    ok = xr.DataArray(np.array([[True, False], [True, False]]), dims=("time", "x"))
    out = temporal_composite(x, ok, min_count=1).values
    assert out[0] == pytest.approx(0.3) and np.isnan(out[1])
    assert np.isnan(temporal_composite(x, ok, min_count=3).values).all()


def test_class_time_series_matches_direct_mean_over_valid_class_pixels(eop):
    valid = valid_mask(eop["is_data"], eop["clm"])
    ts = class_time_series(eop["ndvi"], eop["lulc"], valid, class_names={2: "forest"}, min_valid_fraction=0.5)
    nd, ok, lulc = eop["ndvi"].values, valid.values, eop["lulc"].values
    t = int(np.argmax(ok.mean(axis=(1, 2))))
    sel = ok[t] & (lulc == 2)
    assert ts["forest"].iloc[t] == pytest.approx(nd[t][sel].mean(), rel=1e-6)
    share = ts.attrs["valid_fraction"]["forest"]
    assert ts["forest"][share < 0.5].isna().all()
