"""Zonal statistics of rasters over polygons, through exactextract.

exactextract (Baston 2023) weights every cell by the exact fraction of it that a polygon covers,
so a 1 km grid summed over small municipalities neither loses nor double-counts population at
the borders, as centre-point rasterisation does.

Examples
--------
>>> import geopandas as gpd, numpy as np, rioxarray, xarray as xr
>>> from shapely.geometry import box
>>> da = xr.DataArray(np.ones((2, 2)), dims=("y", "x"), coords={"y": [1.5, 0.5], "x": [0.5, 1.5]})
>>> da = da.rio.write_crs("EPSG:3857")
>>> zones = gpd.GeoDataFrame({"name": ["left"]}, geometry=[box(0, 0, 1, 2)], crs="EPSG:3857")
>>> float(zonal_stats(da, zones, stats=("sum",), id_column="name").loc["left", "sum"])
2.0
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # heavy libraries are imported where they are used
    import geopandas as gpd
    import xarray as xr

import numpy as np
import pandas as pd

__all__ = ["population_by_class", "zonal_stats"]

_ID = "_zone_id"


def _as_dataarray(raster: xr.DataArray | str | os.PathLike[str], name: str) -> xr.DataArray:
    import rioxarray
    import xarray as xr

    if isinstance(raster, xr.DataArray):
        da = raster
    else:
        da = rioxarray.open_rasterio(raster, masked=True)
    if "band" not in da.dims:
        da = da.expand_dims(band=[1])
    if da.rio.crs is None:
        raise ValueError(f"{name} has no CRS; set one with .rio.write_crs(...) before zonal statistics.")
    return da


def _check_zones(zones: gpd.GeoDataFrame, crs: object, id_column: str | None):
    import geopandas as gpd

    if not isinstance(zones, gpd.GeoDataFrame):
        raise ValueError("zones must be a geopandas GeoDataFrame of polygons")
    if len(zones) == 0:
        raise ValueError("zones is empty")
    if zones.crs is None:
        raise ValueError("zones have no CRS; set it with zones.set_crs(...) (TopoJSON/GeoJSON in "
                         "longitude/latitude is EPSG:4326).")
    from pyproj import CRS

    if not zones.crs.equals(CRS.from_user_input(crs)):
        raise ValueError(f"zones CRS ({zones.crs.to_string()}) differs from the raster CRS "
                         f"({crs.to_string() if hasattr(crs, 'to_string') else crs}); reproject the zones "
                         "with zones.to_crs(raster.rio.crs) so that areas are measured on the raster grid.")
    if id_column is not None:
        if id_column not in zones.columns:
            raise ValueError(f"id_column {id_column!r} is not a column of zones ({list(zones.columns)})")
        if zones[id_column].duplicated().any():
            raise ValueError(f"id_column {id_column!r} has duplicate values; zone ids must be unique")
    if zones.geometry.is_empty.any() or zones.geometry.isna().any():
        raise ValueError("zones contain empty or missing geometries; drop them first")
    out = zones[[zones.geometry.name]].copy()
    out[_ID] = np.arange(len(zones))
    ids = zones[id_column].to_numpy() if id_column is not None else zones.index.to_numpy()
    return out, ids


def zonal_stats(raster: xr.DataArray | str | os.PathLike[str], zones: gpd.GeoDataFrame,
                stats: Sequence[str] = ("sum", "mean", "count"), *,
                id_column: str | None = None, band_names: Sequence[str] | None = None,
                strategy: str = "raster-sequential") -> pd.DataFrame:
    """Coverage-weighted zonal statistics of a raster over polygons (exactextract).

    Parameters
    ----------
    raster : xarray.DataArray or path
        One or more bands (``band`` dimension). No-data cells (NaN, or the file's nodata value)
        are left out of every statistic; they are never counted as zero.
    zones : GeoDataFrame
        Polygons in the raster's CRS.
    stats : sequence of str
        exactextract operations, e.g. ``"sum"``, ``"mean"``, ``"count"`` (sum of covered fractions
        of valid cells), ``"majority"``.
    id_column : str, optional
        Column whose values index the result; default the zones' index.
    strategy : {"raster-sequential", "feature-sequential"}
        exactextract's processing order; raster-sequential reads an in-memory raster once and is
        much faster for many small zones (see ``benchmarks/bench_zonal.py``).
    band_names : sequence of str, optional
        Names of the bands; when given (or when there is more than one band) each column is
        named ``<band>_<stat>``.

    Returns
    -------
    DataFrame
        One row per zone, one column per statistic (``<band>_<stat>`` for several bands), and
        ``valid_fraction``: the share of the zone's covered cells that hold data. Statistics of
        a zone without any valid cell are NaN.
    """
    from exactextract import exact_extract

    da = _as_dataarray(raster, "raster")
    z, ids = _check_zones(zones, da.rio.crs, id_column)
    nb = da.sizes["band"]
    names = list(band_names) if band_names is not None else [str(b) for b in da["band"].values]
    if len(names) != nb:
        raise ValueError(f"band_names has {len(names)} names for {nb} bands")
    # "count" = sum of covered fractions of valid cells
    ops = list(dict.fromkeys([*stats, "count"]))
    res = exact_extract(da, z, ops, include_cols=[_ID], output="pandas", strategy=strategy)
    res = res.sort_values(_ID).reset_index(drop=True)
    out = pd.DataFrame(index=pd.Index(ids, name=id_column or zones.index.name))
    for i, bn in enumerate(names):
        count = res[f"band_{i + 1}_count" if nb > 1 else "count"].to_numpy(dtype=float)
        for op in stats:
            col = f"band_{i + 1}_{op}" if nb > 1 else op
            vals = res[col].to_numpy(dtype=float)
            vals = np.where(count > 0, vals, np.nan)
            out[f"{bn}_{op}" if (nb > 1 or band_names is not None) else op] = vals
    first = res["band_1_count" if nb > 1 else "count"].to_numpy(dtype=float)
    # all covered cells, valid or not: the zone's area inside the grid, in cells
    from shapely.geometry import box

    rx, ry = (abs(r) for r in da.rio.resolution())
    inside = zones.geometry.intersection(box(*da.rio.bounds())).area.to_numpy()
    total = inside / (rx * ry)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["valid_fraction"] = np.where(total > 0, first / total, np.nan)
    return out


def population_by_class(classes: xr.DataArray, population: xr.DataArray, zones: gpd.GeoDataFrame, *,
                        codes: Iterable[int] | Mapping[int, str], id_column: str | None = None,
                        nodata_class: int = 255) -> pd.DataFrame:
    """Population of each zone living in cells of each class (for classifying local units).

    Parameters
    ----------
    classes : xarray.DataArray
        Class code per cell (e.g. a Degree of Urbanisation grid).
    population : xarray.DataArray
        Population per cell, on the same grid; NaN = no data.
    zones : GeoDataFrame
        Local units in the grid's CRS.
    codes : iterable of int or mapping
        Class codes to report (a column each).
    id_column : str, optional
        Column of ``zones`` that names each unit.
    nodata_class : int
        Class code of cells without data (excluded).

    Returns
    -------
    DataFrame
        Units x class codes, coverage-weighted population sums, plus ``valid_fraction``.
    """
    import xarray as xr

    cls = _as_dataarray(classes, "classes").isel(band=0, drop=True)
    pop = _as_dataarray(population, "population").isel(band=0, drop=True)
    if cls.shape != pop.shape or cls.rio.crs != pop.rio.crs \
            or not np.allclose(cls.rio.transform()[:6], pop.rio.transform()[:6]):
        raise ValueError("classes and population grids differ in shape, CRS or alignment; "
                         "use rioxarray's reproject_match to put them on one grid.")
    code_list = [int(c) for c in codes]
    cv = cls.values
    pv = pop.values.astype(float)
    bands = []
    for c in code_list:
        bands.append(np.where(np.isnan(pv) | (cv == nodata_class), np.nan, np.where(cv == c, pv, 0.0)))
    stack = xr.DataArray(np.stack(bands), dims=("band", "y", "x"),
                         coords={"band": code_list, "y": pop["y"], "x": pop["x"]})
    stack = stack.rio.write_crs(pop.rio.crs).rio.write_transform(pop.rio.transform())
    res = zonal_stats(stack, zones, stats=("sum",), id_column=id_column,
                      band_names=[str(c) for c in code_list])
    out = res[[f"{c}_sum" for c in code_list]].fillna(0.0)
    out.columns = code_list
    out["valid_fraction"] = res["valid_fraction"]
    return out
