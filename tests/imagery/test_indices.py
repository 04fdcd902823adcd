"""Spectral indices, band handling and georeferencing on real Sentinel-2 and Landsat 8 data."""

from __future__ import annotations

import json

import dask.array as dsa
import numpy as np
import pytest
import xarray as xr

from statmethods import data
from statmethods.imagery import (
    SENTINEL2_BANDS,
    CRSMismatchError,
    MissingBandError,
    bbox_from_geojson,
    image_from_array,
    ndbi,
    ndvi,
    ndwi,
    normalized_difference,
    open_bands,
    spectral_index,
    to_reflectance,
)

# REFERENCE_SCENES.npy holds the full 13-band images of 5 of the 68 TestEOPatch dates, in this order
# (found by matching eo-learn's stored NDVI exactly).
REFERENCE_DATES = [2, 1, 4, 3, 0]


@pytest.fixture(scope="module")
def scenes() -> xr.DataArray:
    bounds, crs = bbox_from_geojson(data.path("s2-slovenia-eopatch/TestEOPatch/bbox.geojson"))
    times = json.loads(open(data.path("s2-slovenia-eopatch/TestEOPatch/timestamps.json")).read())
    arr = np.load(data.path("s2-slovenia-eopatch/REFERENCE_SCENES.npy"))
    return image_from_array(arr, bounds, crs, bands=SENTINEL2_BANDS,
                            times=[times[i] for i in REFERENCE_DATES])


def test_ndvi_reproduces_eolearn_stored_ndvi_on_reference_scenes(scenes):
    # eo-learn computed NDVI.npy from B04 and B08 with its own NormalizedDifferenceIndexTask.
    stored = np.load(data.path("s2-slovenia-eopatch/TestEOPatch/data/NDVI.npy"))[..., 0][REFERENCE_DATES]
    ours = ndvi(scenes).values
    assert ours.shape == stored.shape
    np.testing.assert_allclose(ours, stored, atol=1e-6)


def test_image_from_bbox_has_crs_10m_grid_and_bbox_extent(scenes):
    bounds, crs = bbox_from_geojson(data.path("s2-slovenia-eopatch/TestEOPatch/bbox.geojson"))
    assert crs == "EPSG:32633" and scenes.rio.crs.to_epsg() == 32633
    rx, ry = scenes.rio.resolution()
    assert rx == pytest.approx(10.0, abs=0.01) and ry == pytest.approx(-10.0, abs=0.01)
    np.testing.assert_allclose(scenes.rio.bounds(), bounds, atol=1e-6)
    assert scenes.dims == ("time", "band", "y", "x") and scenes.sizes["band"] == 13


def test_ndwi_and_ndbi_use_green_nir_and_swir1_nir(scenes):
    s = scenes.isel(time=0)
    g, n, s1 = (s.sel(band=b).values.astype(float) for b in ("B03", "B08", "B11"))
    np.testing.assert_allclose(ndwi(s).values, (g - n) / (g + n), rtol=1e-5)
    np.testing.assert_allclose(ndbi(s).values, (s1 - n) / (s1 + n), rtol=1e-5)
    assert ndvi(s).attrs["formula"] == "(B08 - B04) / (B08 + B04)"


def test_index_stays_lazy_on_dask_and_matches_numpy(scenes):
    chunked = scenes.chunk({"time": 1, "y": 40, "x": 40})
    out = ndvi(chunked)
    assert isinstance(out.data, dsa.Array), "the index must stay a lazy dask array"
    assert out.data.chunks[1] == (40, 40, 21)
    np.testing.assert_allclose(out.compute().values, ndvi(scenes).values, atol=0, rtol=0, equal_nan=True)


def test_nodata_gives_nan_never_zero():
    a = xr.DataArray(np.array([0.5, np.nan, 0.0, 0.3]), dims="x")
    b = xr.DataArray(np.array([0.1, 0.2, 0.0, np.nan]), dims="x")
    out = normalized_difference(a, b).values
    assert out[0] == pytest.approx(0.4 / 0.6)
    assert np.isnan(out[1:]).all(), "nodata or a zero denominator must give NaN, not 0"


def test_missing_band_error_names_the_band(scenes):
    with pytest.raises(MissingBandError, match="B08"):
        ndvi(scenes.sel(band=["B02", "B03", "B04"]))
    with pytest.raises(MissingBandError, match="no 'band' dimension"):
        ndvi(scenes.isel(band=0))
    with pytest.raises(ValueError, match="unknown index"):
        spectral_index(scenes, "evi")


def test_landsat_dn_to_reflectance_and_ndvi_on_zion():
    paths = {f"B{i}": data.path(f"landsat8-zion/landsat_b{i}.tif") for i in (4, 5)}
    img = open_bands(paths, chunks=512)
    assert isinstance(img.data, dsa.Array)
    refl = to_reflectance(img, "landsat8_l1")
    nd = ndvi(refl, sensor="landsat8")
    assert isinstance(nd.data, dsa.Array)
    red = np.asarray(img.sel(band="B4").values, dtype=float) * 2e-5 - 0.1
    nir = np.asarray(img.sel(band="B5").values, dtype=float) * 2e-5 - 0.1
    np.testing.assert_allclose(nd.values, (nir - red) / (nir + red), atol=1e-5)
    # the additive offset matters: NDVI of raw digital numbers is a different number
    dn = ndvi(img, sensor="landsat8").values
    assert np.nanmean(np.abs(dn - nd.values)) > 0.01


def test_uint16_nodata_value_becomes_nan():
    dn = xr.DataArray(np.array([[65535, 10000]], dtype="uint16"), dims=("y", "x"))
    out = to_reflectance(dn, "landsat8_l1", nodata=65535).values
    assert np.isnan(out[0, 0]) and out[0, 1] == pytest.approx(0.1, abs=1e-6)


def test_bands_on_different_crs_are_refused():
    paths = {"B4": data.path("landsat8-zion/landsat_b4.tif"), "nlcd": data.path("landsat8-zion/nlcd.tif")}
    with pytest.raises(CRSMismatchError, match="EPSG"):
        open_bands(paths)
