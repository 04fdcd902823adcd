"""Green and open space per urban inhabitant: GHSL non-built land and NDVI green share."""

from __future__ import annotations

import dask.array as dsa
import numpy as np
import pytest
import rioxarray
import xarray as xr

from statmethods import data
from statmethods.imagery import AllNodataError, CRSMismatchError
from statmethods.indicators import green_share, nonbuilt_land_per_inhabitant, urban_centres


def _grid(values, res=1000.0, crs="ESRI:54009"):
    v = np.asarray(values, dtype=float)
    ny, nx = v.shape
    coords = {"y": (ny - np.arange(ny) - 0.5) * res, "x": (np.arange(nx) + 0.5) * res}
    return xr.DataArray(v, dims=("y", "x"), coords=coords).rio.write_crs(crs)


@pytest.fixture(scope="module")
def belgium():
    def read(name):
        da = rioxarray.open_rasterio(data.path(f"ghsl-belgium/{name}.tif"), masked=True)
        return da.squeeze("band", drop=True)
    return {k: read(k) for k in ("POP", "BUILT_S", "LAND")}


def test_hand_computed_ratio_leaves_nodata_cell_out_of_numerator_and_denominator():
    pop = _grid([[3000, np.nan], [1000, 0]])
    built = _grid([[500_000, 900_000], [100_000, 0]])
    land = _grid([[1e6, 1e6], [800_000, 1e6]])
    centres = _grid([[1, 1], [1, 0]])
    r = nonbuilt_land_per_inhabitant(pop, built, land, centres)
    row = r.table.loc[1]
    # cells with data: (1e6 - 5e5) + (8e5 - 1e5) = 1.2e6 m² for 4000 inhabitants
    assert row["nonbuilt_m2_per_inhabitant"] == pytest.approx(1.2e6 / 4000)
    assert row["nodata_cells"] == 1 and row["cells"] == 3
    assert row["nonbuilt_share"] == pytest.approx(1.2e6 / 1.8e6)


def test_built_above_land_is_capped_not_negative():
    r = nonbuilt_land_per_inhabitant(_grid([[2000, 0], [0, 0]]), _grid([[600_000, 0], [0, 0]]),
                                     _grid([[500_000, 1e6], [1e6, 1e6]]), _grid([[1, 0], [0, 0]]))
    assert r.table.loc[1, "nonbuilt_km2"] == 0.0


def test_belgium_centres_match_direct_sums_over_the_grids(belgium):
    uc = urban_centres(belgium["POP"], belgium["LAND"], belgium["BUILT_S"])
    r = nonbuilt_land_per_inhabitant(belgium["POP"], belgium["BUILT_S"], belgium["LAND"], uc)
    lab = uc.values
    pop, built, land = (belgium[k].values.astype(float) for k in ("POP", "BUILT_S", "LAND"))
    for c in r.table.index[:3]:
        m = lab == c
        expect = (land[m] - np.minimum(built[m], land[m])).sum() / pop[m].sum()
        assert r.table.loc[c, "nonbuilt_m2_per_inhabitant"] == pytest.approx(expect)
    assert (r.table["population"] >= 50_000).all()
    # Brussels, the largest centre, lies at about 4.35 E, 50.85 N
    big = r.table.sort_values("population").iloc[-1]
    assert big["lon"] == pytest.approx(4.35, abs=0.1) and big["lat"] == pytest.approx(50.85, abs=0.1)


def test_grid_checks_refuse_other_resolution_and_crs():
    ones = _grid(np.ones((2, 2)))
    with pytest.raises(ValueError, match="1 km grid"):
        nonbuilt_land_per_inhabitant(_grid(np.ones((2, 2)), res=100.0), ones, ones, ones)
    with pytest.raises(CRSMismatchError):
        nonbuilt_land_per_inhabitant(ones, _grid(np.ones((2, 2)), crs="EPSG:3035"), ones, ones)
    with pytest.raises(ValueError, match="no urban centre"):
        nonbuilt_land_per_inhabitant(ones, ones, ones, _grid(np.zeros((2, 2))))


def test_green_share_excludes_nodata_from_the_denominator():
    nd = xr.DataArray(np.array([[0.8, 0.1, np.nan, 0.6], [np.nan, np.nan, 0.2, 0.9]]), dims=("y", "x"))
    out = green_share(nd, threshold=0.5)
    assert out["green_share"].iloc[0] == pytest.approx(3 / 5)  # 3 green of 5 valid, not 3 of 8
    assert out["valid_fraction"].iloc[0] == pytest.approx(5 / 8)


def test_green_share_per_zone_equals_masked_mean_and_stays_dask_friendly():
    rng = np.random.default_rng(7)
    nd = rng.uniform(-0.2, 0.9, size=(60, 80))
    nd[rng.uniform(size=nd.shape) < 0.2] = np.nan
    zones = rng.integers(0, 4, size=nd.shape)
    ndx, zx = xr.DataArray(nd, dims=("y", "x")), xr.DataArray(zones, dims=("y", "x"))
    out = green_share(ndx, threshold=0.4, zones=zx)
    for z in (1, 2, 3):
        sel = (zones == z) & ~np.isnan(nd)
        # Earth Engine's masked mean of (ndvi >= t): the same quantity
        assert out.loc[z, "green_share"] == pytest.approx((nd[sel] >= 0.4).mean())
    assert 0 not in out.index
    lazy = green_share(ndx.chunk({"y": 25, "x": 25}), threshold=0.4, zones=zx.chunk({"y": 25, "x": 25}))
    assert isinstance(ndx.chunk({"y": 25}).data, dsa.Array)
    np.testing.assert_allclose(lazy["green_share"], out["green_share"])


def test_green_share_all_nodata_and_bad_threshold_are_errors():
    with pytest.raises(AllNodataError):
        green_share(xr.DataArray(np.full((2, 2), np.nan), dims=("y", "x")))
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        green_share(xr.DataArray(np.zeros((2, 2)), dims=("y", "x")), threshold=5)


def test_rural_grid_has_no_urban_centre_and_the_chapter_can_say_so():
    """Below the density threshold everywhere: all labels 0 (the chapter's "no urban centre" path)."""
    rng = np.random.default_rng(0)
    pop = _grid(rng.uniform(0, 800, (12, 12)))
    land = _grid(np.full((12, 12), 1e6))
    centres = urban_centres(pop, land, _grid(np.zeros((12, 12))))
    assert int(centres.max()) == 0
    # one dense block of 9 cells x 6,000 = 54,000 inhabitants is a centre
    pop[2:5, 2:5] = 6000.0
    assert int(urban_centres(pop, land, _grid(np.zeros((12, 12)))).max()) == 1
