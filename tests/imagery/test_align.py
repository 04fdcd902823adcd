"""Tests for reading rasters, checking grids and resampling class maps onto a reference grid."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from statmethods.imagery.align import (
    CRSMismatchError,
    GridMismatchError,
    align_categorical,
    check_same_grid,
    open_raster,
    stack_bands,
)


def _grid(values: np.ndarray, x0: float, y0: float, res: float, crs: str = "EPSG:32612") -> xr.DataArray:
    ny, nx = values.shape
    x = x0 + res * (np.arange(nx) + 0.5)
    y = y0 - res * (np.arange(ny) + 0.5)
    da = xr.DataArray(values, dims=("y", "x"), coords={"y": y, "x": x})
    return da.rio.write_crs(crs)


def _data(key: str):
    from statmethods import data

    # The root conftest finds the data folder; a missing or corrupt file is a failure, not a skip.
    return data.path(key, download=False)


def test_same_grid_passes():
    a = _grid(np.zeros((4, 5)), 300000, 4150000, 30)
    check_same_grid(a, _grid(np.ones((4, 5)), 300000, 4150000, 30))


def test_mismatched_crs_raises_and_names_the_fix():
    a = _grid(np.zeros((4, 5)), 300000, 4150000, 30, "EPSG:26912")
    b = _grid(np.zeros((4, 5)), 300000, 4150000, 30, "EPSG:32612")
    with pytest.raises(CRSMismatchError, match=r"EPSG:26912.*EPSG:32612.*align_categorical"):
        check_same_grid(a, b)


def test_half_pixel_shift_raises_grid_mismatch():
    a = _grid(np.zeros((4, 5)), 300015, 4150000, 30)
    b = _grid(np.zeros((4, 5)), 300000, 4150000, 30)
    with pytest.raises(GridMismatchError, match=r"shifted by \(0\.500"):
        check_same_grid(a, b)


def test_different_pixel_size_raises_grid_mismatch():
    a = _grid(np.zeros((8, 10)), 300000, 4150000, 15)
    b = _grid(np.zeros((4, 5)), 300000, 4150000, 30)
    with pytest.raises(GridMismatchError, match="15 x 15 pixels"):
        check_same_grid(a, b)


def test_different_extent_on_same_grid_raises():
    a = _grid(np.zeros((4, 6)), 300000, 4150000, 30)
    b = _grid(np.zeros((4, 5)), 300000, 4150000, 30)
    with pytest.raises(GridMismatchError, match="different extents"):
        check_same_grid(a, b)


def test_align_categorical_is_nearest_neighbour():
    # A 10 m class map resampled onto a 30 m grid: every 30 m pixel centre falls in one 10 m pixel,
    # whose value nearest neighbour must return. Computed independently by index arithmetic.
    rng = np.random.default_rng(1)
    fine = rng.integers(1, 6, size=(60, 90)).astype(np.uint8)
    src = _grid(fine, 300000, 4150000, 10).rio.write_nodata(255)
    ref = _grid(np.zeros((20, 30)), 300000, 4150000, 30)
    out = align_categorical(src, ref)
    check_same_grid(out, ref)
    rows = ((np.arange(20) + 0.5) * 30 // 10).astype(int)
    cols = ((np.arange(30) + 0.5) * 30 // 10).astype(int)
    np.testing.assert_array_equal(out.values, fine[np.ix_(rows, cols)])
    assert out.dtype == np.uint8


def test_align_categorical_pads_uncovered_pixels_with_nodata():
    src = _grid(np.full((4, 4), 3, dtype=np.uint8), 300000, 4150000, 30).rio.write_nodata(255)
    ref = _grid(np.zeros((4, 6)), 300000, 4150000, 30)
    out = align_categorical(src, ref)
    assert (out.values[:, :4] == 3).all() and (out.values[:, 4:] == 255).all()


def test_align_categorical_refuses_continuous_values():
    src = _grid(np.full((4, 4), 0.37), 300000, 4150000, 30)
    with pytest.raises(ValueError, match="fractional values"):
        align_categorical(src, src)


def test_nlcd_onto_landsat_grid_keeps_classes_and_shares():
    nlcd = open_raster(_data("landsat8-zion/nlcd.tif"))
    b2 = open_raster(_data("landsat8-zion/landsat_b2.tif"))
    with pytest.raises(CRSMismatchError):
        check_same_grid(nlcd, b2)
    out = align_categorical(nlcd, b2)
    check_same_grid(out, b2)
    assert out.shape == (1428, 1128)
    assert set(np.unique(out.values)) <= set(np.unique(nlcd.values))
    # Shares of each class barely change: resampling 31.5 m to 30 m pixels moves no area between classes.
    src = np.bincount(nlcd.values.ravel(), minlength=9)[1:9] / nlcd.size
    dst = np.bincount(out.values.ravel(), minlength=9)[1:9] / out.size
    np.testing.assert_allclose(dst, src, atol=0.002)


def test_stack_bands_reads_raleigh_with_nodata_as_nan():
    paths = [_data(f"landsat7-raleigh/lsat7_2000_{b}.tif") for b in (10, 20)]
    st = stack_bands(paths, ["b1", "b2"])
    assert st.dims == ("band", "y", "x") and list(st.band.values) == ["b1", "b2"]
    assert np.nanmax(st.values) <= 255 and np.isnan(st.values).any()
    with pytest.raises(ValueError, match="one name per file"):
        stack_bands(paths, ["b1"])
