"""SDG 11.3.1 (LCRPGR) against hand computations of the UN-Habitat formula.

Hand values (natural logarithms to 10 digits, computed by hand from tables, not by the code):
ln 1.2 = 0.1823215568, ln 1.1 = 0.0953101798, ln 1.5 = 0.4054651081, ln 0.9 = -0.1053605157.
"""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from shapely.geometry import box

from statmethods.indicators.land_consumption import (
    GHSL_NEVER_BUILT,
    METADATA_VERSION,
    builtup_area_by_epoch,
    land_consumption,
)
from statmethods.indicators.zonal import zonal_stats


def test_lcrpgr_matches_hand_computation_of_un_habitat_formula():
    # Urb 10 -> 12 km², Pop 1,000 -> 1,100 over 10 years
    res = land_consumption([10.0], [12.0], [1000.0], [1100.0], years=10)
    row = res.table.iloc[0]
    assert row["lcr"] == pytest.approx(0.1823215568 / 10, rel=1e-9)
    assert row["pgr"] == pytest.approx(0.0953101798 / 10, rel=1e-9)
    assert row["lcrpgr"] == pytest.approx(0.1823215568 / 0.0953101798, rel=1e-9)  # 1.9129...
    # built-up area per capita: 10 km² / 1,000 people = 10,000 m² per person; 12e6/1100
    assert row["builtup_per_capita_start"] == pytest.approx(10_000.0)
    assert row["builtup_per_capita_end"] == pytest.approx(12e6 / 1100)
    assert "March 2021" in METADATA_VERSION


def test_ratio_is_independent_of_period_length_and_area_unit():
    a = land_consumption([10.0], [15.0], [200.0], [300.0], years=5).table["lcrpgr"].iloc[0]
    b = land_consumption([1e7], [1.5e7], [200.0], [300.0], years=20).table["lcrpgr"].iloc[0]
    assert a == pytest.approx(1.0) and b == pytest.approx(1.0)  # ln 1.5 / ln 1.5


def test_declining_population_gives_negative_ratio_and_flat_growth_is_flagged():
    res = land_consumption([10.0, 10.0, 10.0, 0.0], [12.0, 12.0, 12.0, 1.0],
                           [1000.0, 1000.0, 1000.0, 10.0], [900.0, 1000.0, 1000.5, 20.0], years=10,
                           index=["shrinking", "flat", "almost flat", "new"], min_growth=1e-4)
    t = res.table
    assert t.loc["shrinking", "lcrpgr"] == pytest.approx(0.1823215568 / -0.1053605157, rel=1e-9)
    assert np.isnan(t.loc["flat", "lcrpgr"]) and "growth" in t.loc["flat", "flag"]
    # ln(1.0005)/10 = 5.0e-5 < 1e-4: the ratio would be 365, reported as NaN with a flag
    assert np.isnan(t.loc["almost flat", "lcrpgr"]) and t.loc["almost flat", "flag"] != ""
    assert np.isnan(t.loc["new", "lcrpgr"]) and "built-up" in t.loc["new", "flag"]
    assert t.loc["shrinking", "flag"] == ""
    s = res.summary()
    assert "March 2021" in str(s)


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="years"):
        land_consumption([1.0], [2.0], [1.0], [2.0], years=0)
    with pytest.raises(ValueError, match="same length"):
        land_consumption([1.0, 2.0], [2.0], [1.0], [2.0], years=5)


# ------------------------------------------------------------ built-up areas
def _epoch_grid():
    # 4 x 4 cells of 100 m (1 ha each) in Mollweide
    v = np.array([[1975, 1990, 2000, GHSL_NEVER_BUILT],
                  [1975, 1975, 2015, GHSL_NEVER_BUILT],
                  [GHSL_NEVER_BUILT] * 4,
                  [2020, 2020, GHSL_NEVER_BUILT, GHSL_NEVER_BUILT]], dtype="uint16")
    x = 50.0 + 100.0 * np.arange(4)
    y = 350.0 - 100.0 * np.arange(4)
    da = xr.DataArray(v, dims=("y", "x"), coords={"y": y, "x": x}).rio.write_crs("ESRI:54009")
    return da.rio.write_nodata(GHSL_NEVER_BUILT)  # as GHSL files declare it


def test_builtup_area_by_epoch_counts_cells_built_by_each_epoch():
    da = _epoch_grid()
    zones = gpd.GeoDataFrame({"name": ["top half", "half a cell", "unbuilt"]},
                             geometry=[box(0, 200, 400, 400), box(0, 0, 50, 100), box(200, 0, 400, 200)],
                             crs="ESRI:54009")
    out = builtup_area_by_epoch(da, zones, [1975, 2000, 2020], id_column="name")
    # top half: 3 cells by 1975, 5 by 2000, 6 by 2020 (1 ha = 0.01 km²)
    assert list(out.loc["top half", [1975, 2000, 2020]]) == pytest.approx([0.03, 0.05, 0.06])
    # half of a cell built in 2020: 0.005 km² at 2020, nothing before
    assert list(out.loc["half a cell", [1975, 2000, 2020]]) == pytest.approx([0.0, 0.0, 0.005])
    # the 'never built' code is valid unbuilt land, not missing data
    assert out.loc["unbuilt", 2020] == 0.0 and out.loc["unbuilt", "valid_fraction"] == pytest.approx(1.0)
    assert (out["inside_fraction"] == 1.0).all()


def test_zone_outside_the_grid_or_footprint_is_reported():
    da = _epoch_grid()
    zones = gpd.GeoDataFrame({"name": ["straddles"]}, geometry=[box(200, 200, 600, 400)], crs="ESRI:54009")
    out = builtup_area_by_epoch(da, zones, [2020], id_column="name")
    assert out.loc["straddles", "inside_fraction"] == pytest.approx(0.5)
    out = builtup_area_by_epoch(da, zones, [2020], id_column="name", footprint=box(0, 300, 400, 400))
    assert out.loc["straddles", "inside_fraction"] == pytest.approx(0.25)


def test_masked_epoch_grid_is_rejected():
    da = _epoch_grid().astype(float)
    da = da.where(da != GHSL_NEVER_BUILT)
    zones = gpd.GeoDataFrame(geometry=[box(0, 0, 400, 400)], crs="ESRI:54009")
    with pytest.raises(ValueError, match="masked=False"):
        builtup_area_by_epoch(da, zones, [2020])


def test_zonal_stats_rejects_mismatched_crs_and_keeps_nodata_out():
    v = np.array([[1.0, np.nan], [3.0, 4.0]])
    da = xr.DataArray(v, dims=("y", "x"), coords={"y": [1.5, 0.5], "x": [0.5, 1.5]})
    da = da.rio.write_crs("EPSG:3857")
    zones = gpd.GeoDataFrame({"z": ["top", "all"]}, geometry=[box(0, 1, 2, 2), box(0, 0, 2, 2)],
                             crs="EPSG:3857")
    out = zonal_stats(da, zones, stats=("sum", "mean"), id_column="z")
    assert out.loc["top", "sum"] == pytest.approx(1.0) and out.loc["top", "mean"] == pytest.approx(1.0)
    assert out.loc["top", "valid_fraction"] == pytest.approx(0.5)
    assert out.loc["all", "mean"] == pytest.approx(8.0 / 3.0)
    empty = gpd.GeoDataFrame({"z": ["nodata"]}, geometry=[box(1, 1, 2, 2)], crs="EPSG:3857")
    assert np.isnan(zonal_stats(da, empty, stats=("sum",), id_column="z").loc["nodata", "sum"])
    with pytest.raises(ValueError, match="to_crs"):
        zonal_stats(da, zones.set_crs("EPSG:4326", allow_override=True))
    assert isinstance(out, pd.DataFrame)
