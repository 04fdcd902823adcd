"""SDG 11.3.1: ratio of land consumption rate to population growth rate (LCRPGR).

Formulas from the UN-Habitat SDG indicator metadata for 11.3.1 (harmonized metadata template,
format version 1.0, last updated March 2021), section 4.c:

.. math::

    LCR = \\frac{\\ln(Urb_{t+n} / Urb_t)}{y}, \\qquad
    PGR = \\frac{\\ln(Pop_{t+n} / Pop_t)}{y}, \\qquad
    LCRPGR = \\frac{LCR}{PGR},

with :math:`Urb` the built-up (urbanised) area of the urban extent, :math:`Pop` its population
and :math:`y` the number of years between the two dates. The metadata's secondary indicator,
built-up area per capita, is :math:`Urb_t / Pop_t`.

Examples
--------
>>> res = land_consumption(urb_start=10.0, urb_end=12.0, pop_start=1000, pop_end=1100, years=10)
>>> round(float(res.table["lcrpgr"].iloc[0]), 4)
1.9129
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from numpy.typing import ArrayLike

if TYPE_CHECKING:  # heavy libraries are imported where they are used
    import geopandas as gpd
    import xarray as xr
    from shapely.geometry.base import BaseGeometry

import numpy as np
import pandas as pd

from .._summary import Summary

__all__ = [
    "GHSL_NEVER_BUILT",
    "METADATA_VERSION",
    "LandConsumption",
    "builtup_area_by_epoch",
    "land_consumption",
]

#: Value of a GHSL built-up epoch grid for cells not built up by the last epoch.
GHSL_NEVER_BUILT = 65535
#: The UN-Habitat metadata whose formulas this module follows.
METADATA_VERSION = ("UN-Habitat, SDG indicator metadata 11.3.1 (harmonized metadata template, "
                    "format version 1.0), last updated March 2021")


@dataclass(frozen=True)
class LandConsumption:
    """Result of :func:`land_consumption`: one row per urban extent.

    ``table`` columns: ``urb_start``, ``urb_end`` (built-up area, km²), ``pop_start``,
    ``pop_end``, ``years``, ``lcr`` and ``pgr`` (per year), ``lcrpgr``, ``builtup_per_capita_start``
    and ``builtup_per_capita_end`` (m² per inhabitant), and ``flag`` explaining any NaN.
    """

    table: pd.DataFrame
    start: int | str
    end: int | str

    def summary(self) -> Summary:
        t = self.table
        ok = t["flag"] == ""
        d = t.loc[ok, "lcrpgr"]
        lcr_all = np.log(t["urb_end"].sum() / t["urb_start"].sum()) / t["years"].iloc[0]
        pgr_all = np.log(t["pop_end"].sum() / t["pop_start"].sum()) / t["years"].iloc[0]
        stats = pd.DataFrame({
            "value": [len(t), int(ok.sum()), d.median(), (d > 1).mean() if len(d) else np.nan,
                      lcr_all, pgr_all, lcr_all / pgr_all if pgr_all != 0 else np.nan,
                      1e6 * t["urb_end"].sum() / t["pop_end"].sum()],
        }, index=["urban extents", "with a defined LCRPGR", "median LCRPGR", "share with LCRPGR > 1",
                  "LCR, all extents pooled (per year)", "PGR, all extents pooled (per year)",
                  "LCRPGR, all extents pooled", "built-up m² per inhabitant at end, pooled"])
        stats["value"] = stats["value"].astype(float).round(4)
        return Summary(f"SDG 11.3.1 land use efficiency, {self.start} to {self.end}",
                       {"formula": "LCRPGR = [ln(Urb_t+n/Urb_t)/y] / [ln(Pop_t+n/Pop_t)/y]",
                        "source": METADATA_VERSION}, stats,
                       notes=["Flags: " + "; ".join(f"{k or 'ok'}: {v}" for k, v in
                                                    t["flag"].value_counts().sort_index().items())])


def land_consumption(urb_start: ArrayLike, urb_end: ArrayLike, pop_start: ArrayLike, pop_end: ArrayLike,
                     years: float, *,
                     index: Sequence[Hashable] | None = None, start: int | str = "t", end: int | str = "t+n",
                     min_growth: float = 0.0) -> LandConsumption:
    """LCR, PGR, LCRPGR and built-up area per capita for each urban extent.

    Parameters
    ----------
    urb_start, urb_end : array-like
        Built-up area at the start and end dates (km²; any area unit, the same for both).
    pop_start, pop_end : array-like
        Population at the two dates.
    years : float
        Years between the dates (``y`` in the metadata).
    index : sequence, optional
        Names of the extents (default: the index of ``urb_start`` if it is a Series).
    start, end : labels for the summary.
    min_growth : float
        Absolute PGR (per year) below which the ratio is reported as NaN with a flag: near
        zero population growth makes the ratio explode and change sign.

    Returns
    -------
    LandConsumption
        NaN, with a reason in ``flag``, where a logarithm or the ratio is undefined (an area or
        population that is zero, negative or missing; zero population growth).
    """
    if not (isinstance(years, int | float) and np.isfinite(years) and years > 0):
        raise ValueError(f"years must be a positive number of years between the two dates, got {years!r}")
    if index is None and isinstance(urb_start, pd.Series):
        index = urb_start.index
    cols = {}
    for name, v in (("urb_start", urb_start), ("urb_end", urb_end), ("pop_start", pop_start),
                    ("pop_end", pop_end)):
        cols[name] = np.atleast_1d(np.asarray(v, dtype=float))
    n = {len(v) for v in cols.values()}
    if len(n) != 1:
        raise ValueError(f"urb_start, urb_end, pop_start and pop_end must have the same length, got {n}")
    t = pd.DataFrame(cols, index=index)
    t["years"] = float(years)
    flag = np.full(len(t), "", dtype=object)
    bad_urb = ~((t["urb_start"] > 0) & (t["urb_end"] > 0))
    bad_pop = ~((t["pop_start"] > 0) & (t["pop_end"] > 0))
    flag[bad_urb.to_numpy()] = "no built-up area at a date"
    flag[(bad_pop & ~bad_urb).to_numpy()] = "no population at a date"
    with np.errstate(divide="ignore", invalid="ignore"):
        lcr = np.where(bad_urb, np.nan, np.log(t["urb_end"] / t["urb_start"]) / years)
        pgr = np.where(bad_pop, np.nan, np.log(t["pop_end"] / t["pop_start"]) / years)
        flat = np.isfinite(pgr) & (np.abs(pgr) <= min_growth)
        flag[flat & (flag == "")] = "population growth at or below min_growth"
        ratio = np.where(flat | ~np.isfinite(pgr) | ~np.isfinite(lcr), np.nan, lcr / pgr)
        t["lcr"] = lcr
        t["pgr"] = pgr
        t["lcrpgr"] = ratio
        t["builtup_per_capita_start"] = np.where(t["pop_start"] > 0, 1e6 * t["urb_start"] / t["pop_start"],
                                                 np.nan)
        t["builtup_per_capita_end"] = np.where(t["pop_end"] > 0, 1e6 * t["urb_end"] / t["pop_end"], np.nan)
    t["flag"] = flag
    return LandConsumption(t, start, end)


def builtup_area_by_epoch(epoch_grid: xr.DataArray | str | os.PathLike[str], zones: gpd.GeoDataFrame,
                          epochs: Sequence[int], *,
                          never_built: int = GHSL_NEVER_BUILT, id_column: str | None = None,
                          nodata: float | None = None,
                          footprint: gpd.GeoDataFrame | gpd.GeoSeries | BaseGeometry | None = None,
                          ) -> pd.DataFrame:
    """Built-up area (km²) of each zone at each epoch, from a first-built-epoch grid.

    Parameters
    ----------
    epoch_grid : xarray.DataArray or path
        One band; each cell holds the first epoch (year) in which it was built up, or
        ``never_built``. Read it *without* masking (``masked=False``) or pass the DataArray
        as stored: GHSL files declare 65535 as nodata although it means "not built", and it
        must count as valid unbuilt land, not as missing.
    zones : GeoDataFrame
        Urban extents in the grid's CRS.
    epochs : sequence of int
        Epochs at which to measure; a cell counts from its first built epoch onward.
    never_built : int
        Code of cells never built up.
    nodata : float, optional
        A code for genuinely missing cells (left out; reported in ``valid_fraction``).
    id_column : str, optional
        Column of ``zones`` naming each extent.
    footprint : GeoDataFrame, GeoSeries or shapely geometry, optional
        Where the grid holds data (e.g. the area of interest it was clipped to); outside it a
        ``never_built`` code means "not mapped". Default: the grid's bounding box.

    Returns
    -------
    DataFrame
        One column per epoch (km², coverage-weighted with exactextract), ``valid_fraction`` (share
        of the covered cells that are not no-data) and ``inside_fraction`` (share of the zone's
        area inside the footprint and the grid). Areas of zones with ``inside_fraction`` below 1
        are incomplete: leave such zones out.
    """
    import xarray as xr

    from .zonal import zonal_stats

    if len(epochs) == 0:
        raise ValueError("give at least one epoch")
    da, vals, missing = _read_epoch_grid(epoch_grid, never_built, nodata)
    rx, ry = (abs(r) for r in da.rio.resolution())
    cell_km2 = rx * ry / 1e6
    bands = [np.where(missing, np.nan, ((vals <= e) & (vals != never_built)).astype(float)) for e in epochs]
    stack = xr.DataArray(np.stack(bands), dims=("band", "y", "x"),
                         coords={"band": list(epochs), "y": da["y"], "x": da["x"]})
    stack = stack.rio.write_crs(da.rio.crs).rio.write_transform(da.rio.transform())
    res = zonal_stats(stack, zones, stats=("sum",), id_column=id_column,
                      band_names=[str(e) for e in epochs])
    out = pd.DataFrame({int(e): res[f"{e}_sum"] * cell_km2 for e in epochs}, index=res.index)
    out["valid_fraction"] = res["valid_fraction"]
    out["inside_fraction"] = _inside_fraction(da, zones, footprint)
    return out


def _read_epoch_grid(epoch_grid: xr.DataArray | str | os.PathLike[str], never_built: int,
                     nodata: float | None) -> tuple[xr.DataArray, np.ndarray, np.ndarray]:
    """The one-band epoch grid, its values as floats, and its missing cells (checked)."""
    import rioxarray
    import xarray as xr

    da = epoch_grid if isinstance(epoch_grid, xr.DataArray) else rioxarray.open_rasterio(epoch_grid,
                                                                                          masked=False)
    da = da.squeeze(drop=True)
    if da.ndim != 2:
        raise ValueError(f"epoch_grid must have one band, got dims {da.dims}")
    if da.rio.crs is None:
        raise ValueError("epoch_grid has no CRS; write it with .rio.write_crs(...)")
    crs = da.rio.crs
    if not crs.is_projected:
        raise ValueError(f"epoch_grid CRS {crs} is geographic; cell areas need a projected (equal-area) CRS "
                         "such as Mollweide ESRI:54009")
    vals = np.asarray(da.values, dtype=float)
    if np.isnan(vals).any() and nodata is None:
        raise ValueError("epoch_grid holds NaN: it was probably opened with masked=True, which turns the "
                         f"'never built' code {never_built} into no-data. Open it with masked=False.")
    missing = np.isnan(vals) if nodata is None else (vals == nodata) | np.isnan(vals)
    return da, vals, missing


def _inside_fraction(da: xr.DataArray, zones: gpd.GeoDataFrame,
                     footprint: gpd.GeoDataFrame | gpd.GeoSeries | BaseGeometry | None) -> np.ndarray:
    """Share of each zone's area inside the grid's bounds and the footprint."""
    import geopandas as gpd
    from shapely.geometry import box

    area = box(*da.rio.bounds())
    if footprint is not None:
        fp = footprint
        if isinstance(fp, gpd.GeoDataFrame | gpd.GeoSeries):
            if fp.crs is not None and not fp.crs.equals(zones.crs):
                fp = fp.to_crs(zones.crs)
            fp = fp.union_all()
        area = area.intersection(fp)
    return (zones.geometry.intersection(area).area / zones.geometry.area).to_numpy()
