"""Green and open space per urban inhabitant, two ways.

1. **Non-built land per urban-centre inhabitant** from GHSL 1 km grids (land surface ``L``,
   built-up surface ``B``, population ``P``), summed over the cells ``i`` of each urban
   centre ``u`` (Degree of Urbanisation, level 1):

   .. math:: G_u = \\frac{\\sum_{i \\in u} (L_i - \\min(B_i, L_i))}{\\sum_{i \\in u} P_i}
      \\quad [\\mathrm{m}^2 \\text{ per inhabitant}].

   It counts every unbuilt square metre (parks, but also roads, car parks, fields and
   private gardens), so it is an upper bound on *open* space, not a measure of *public*
   green space (SDG 11.7.1 asks for public open space within the built-up area).

2. **NDVI-based green share**: the share of valid (cloud-free, recorded) pixels of a zone
   whose NDVI is at least a threshold ``tau``:

   .. math:: S_z = \\frac{\\#\\{s \\in z : \\mathrm{valid}(s),\\ \\mathrm{NDVI}(s) \\ge \\tau\\}}
      {\\#\\{s \\in z : \\mathrm{valid}(s)\\}}.

   Nodata pixels are left out of numerator *and* denominator (never counted as non-green);
   the valid fraction is reported beside the share so that a share resting on few pixels
   can be spotted. It sees vegetation, whoever owns it, and depends on the threshold, the
   season and the pixel size.

Urban centres come from :mod:`statmethods.indicators.degurba` (see :func:`urban_centres`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from pyproj import Transformer

from .._summary import Summary
from ..imagery.align import check_same_grid
from ..imagery.masks import AllNodataError
from .degurba import classify_grid

__all__ = [
    "GREEN_NDVI_THRESHOLD",
    "GreenSpaceResult",
    "green_share",
    "nonbuilt_land_per_inhabitant",
    "urban_centres",
]

#: Default NDVI threshold for "green": dense, photosynthetically active vegetation. Studies use
#: 0.2 (any vegetation) to 0.6; the chapter shows the sensitivity.
GREEN_NDVI_THRESHOLD: float = 0.5

BACKENDS = ("local", "earthengine")


def _check_1km(grid: xr.DataArray, what: str) -> None:
    try:
        res = tuple(abs(float(r)) for r in grid.rio.resolution())
    except Exception as exc:  # rioxarray cannot infer a resolution from a single row or column
        raise ValueError(f"{what} has no resolution that can be read ({exc}); write its transform with "
                         ".rio.write_transform(...) or use a grid of at least 2 x 2 cells") from exc
    if any(abs(r - 1000.0) > 1e-6 for r in res):
        raise ValueError(
            f"{what} has {res[0]:g} x {res[1]:g} cells but urban centres are defined on a 1 km grid "
            "(1000 x 1000 m in an equal-area CRS such as Mollweide ESRI:54009); aggregate it first, e.g. "
            "grid.coarsen(x=k, y=k).sum() for counts and surfaces")
    if grid.rio.crs is not None and not grid.rio.crs.is_projected:
        raise ValueError(f"{what} is in a geographic CRS ({grid.rio.crs}); use an equal-area projected "
                         "1 km grid")


def urban_centres(pop: xr.DataArray, land: xr.DataArray, built: xr.DataArray | None = None, *,
                  density: float = 1500.0, min_population: float = 50_000.0) -> xr.DataArray:
    """Label urban centres (Degree of Urbanisation level 1) on a 1 km grid.

    Calls :func:`statmethods.indicators.degurba.classify_grid` (the full official rules: built-up
    criterion, gap filling, majority smoothing) and labels its urban centres.

    Returns
    -------
    xarray.DataArray
        Integer labels 1..n for urban centres, 0 elsewhere, on the population grid.
    """
    _check_1km(pop, "the population grid")
    check_same_grid(land, pop, names=("land grid", "population grid"))
    grid = classify_grid(pop, land, built, centre_density=density, centre_population=min_population)
    return pop.copy(data=np.asarray(grid.urban_centres).astype("int32")).rename("urban_centre")


@dataclass(frozen=True)
class GreenSpaceResult:
    """Non-built land per urban-centre inhabitant.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per urban centre: population, land, built-up and non-built km², non-built
        share of land, non-built m² per inhabitant, the number of cells with nodata, and the
        centre's mean cell position in degrees (``lon``, ``lat``).
    total : pandas.Series
        The same quantities over all urban centres together (ratio of sums).
    notes : list of str
        Method notes (data, nodata handling).
    """

    table: pd.DataFrame
    total: pd.Series
    notes: list[str] = field(default_factory=list)

    def summary(self) -> Summary:
        """A printable summary (largest centres first)."""
        tab = self.table.sort_values("population", ascending=False).head(10).copy()
        tab["population"] = tab["population"].round(0).astype("int64")
        tab = tab.round({"land_km2": 1, "built_km2": 1, "nonbuilt_km2": 1, "nonbuilt_share": 3,
                         "nonbuilt_m2_per_inhabitant": 1})
        header = {
            "Urban centres": str(len(self.table)),
            "Population in urban centres": f"{self.total['population']:,.0f}",
            "Non-built land (km²)": f"{self.total['nonbuilt_km2']:,.1f}",
            "Non-built share of land": f"{self.total['nonbuilt_share']:.3f}",
            "Non-built m² per inhabitant": f"{self.total['nonbuilt_m2_per_inhabitant']:.1f}",
        }
        return Summary("Non-built land per urban-centre inhabitant (10 largest centres)", header, tab,
                       self.notes)


def nonbuilt_land_per_inhabitant(pop: xr.DataArray, built: xr.DataArray, land: xr.DataArray,
                                 centres: xr.DataArray) -> GreenSpaceResult:
    """Non-built land per inhabitant of each urban centre, from GHSL 1 km grids.

    Parameters
    ----------
    pop : xarray.DataArray
        Population per cell (GHS-POP), NaN = nodata.
    built : xarray.DataArray
        Built-up surface in m² per cell (GHS-BUILT-S), NaN = nodata.
    land : xarray.DataArray
        Land surface in m² per cell (GHS-LAND), NaN = nodata.
    centres : xarray.DataArray
        Urban-centre labels (1..n, 0 outside), e.g. from :func:`urban_centres`.

    Returns
    -------
    GreenSpaceResult

    Raises
    ------
    ValueError
        If the grids differ in CRS, resolution or extent, are not 1 km, or an urban centre has
        no population. Nodata cells inside a centre are left out of its sums and counted in
        ``nodata_cells`` (never read as 0 population or 0 built-up).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> def g(v):
    ...     xy = {"y": [1500., 500.], "x": [500., 1500.]}
    ...     da = xr.DataArray(np.array(v, float), dims=("y", "x"), coords=xy)
    ...     return da.rio.write_crs("ESRI:54009")
    >>> r = nonbuilt_land_per_inhabitant(g([[2000, 1000], [0, 0]]), g([[4e5, 1e5], [0, 0]]),
    ...                                  g([[1e6, 1e6], [1e6, 1e6]]), g([[1, 1], [0, 0]]))
    >>> float(r.total["nonbuilt_m2_per_inhabitant"])
    500.0
    """
    _check_1km(pop, "the population grid")
    for da, what in ((built, "built-up grid"), (land, "land grid"), (centres, "urban-centre grid")):
        check_same_grid(da, pop, names=(what, "population grid"))
    lab = np.asarray(centres.values).astype("int64")
    ids = np.unique(lab[lab > 0])
    if ids.size == 0:
        raise ValueError("no urban centre in the grid (all labels are 0); check the density and population "
                         "thresholds or the extent of the grid")
    p, b, la = (np.asarray(a.values, dtype=float) for a in (pop, built, land))
    nodata = np.isnan(p) | np.isnan(b) | np.isnan(la)
    b_capped = np.minimum(b, la)
    n_capped = int(np.sum((b > la) & (lab > 0)))
    ok = ~nodata
    yy, xx = np.meshgrid(np.asarray(pop["y"].values, float), np.asarray(pop["x"].values, float),
                         indexing="ij")
    rows = []
    for i in ids:
        cell = (lab == i)
        use = cell & ok
        P, L, B = p[use].sum(), la[use].sum(), b_capped[use].sum()
        if P <= 0:
            raise ValueError(f"urban centre {i} has no population in cells with data; an urban centre "
                             "must have inhabitants, so the labels do not match the population grid")
        rows.append({"centre": int(i), "cells": int(cell.sum()), "nodata_cells": int((cell & nodata).sum()),
                     "population": P, "land_km2": L / 1e6, "built_km2": B / 1e6,
                     "nonbuilt_km2": (L - B) / 1e6,
                     "nonbuilt_share": (L - B) / L if L > 0 else np.nan,
                     "nonbuilt_m2_per_inhabitant": (L - B) / P,
                     "x": float(xx[cell].mean()), "y": float(yy[cell].mean())})
    table = pd.DataFrame(rows).set_index("centre")
    if pop.rio.crs is not None:
        lon, lat = Transformer.from_crs(pop.rio.crs, "EPSG:4326", always_xy=True).transform(
            table["x"].to_numpy(), table["y"].to_numpy())
        table["lon"], table["lat"] = np.round(lon, 4), np.round(lat, 4)
    table = table.drop(columns=["x", "y"])
    tot = table[["cells", "nodata_cells", "population", "land_km2", "built_km2", "nonbuilt_km2"]].sum()
    tot["nonbuilt_share"] = tot["nonbuilt_km2"] / tot["land_km2"]
    tot["nonbuilt_m2_per_inhabitant"] = tot["nonbuilt_km2"] * 1e6 / tot["population"]
    notes = [f"{int(tot['nodata_cells'])} centre cells with nodata in any grid were left out of the sums.",
             "Non-built = land surface minus built-up surface (building footprints), capped at the land "
             f"surface ({n_capped} centre cells had built-up > land)."]
    return GreenSpaceResult(table=table, total=tot, notes=notes)


def _zone_counts(green: Any, valid: Any, zones: Any, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts per zone (0..n-1) of green-and-valid, valid and all pixels; dask-aware."""
    try:
        import dask.array as dsa
    except ImportError:  # pragma: no cover
        dsa = None
    lib = dsa if (dsa is not None and isinstance(zones, dsa.Array)) else np
    z = lib.ravel(zones)
    g = lib.bincount(z, weights=lib.ravel(green).astype(float), minlength=n)
    v = lib.bincount(z, weights=lib.ravel(valid).astype(float), minlength=n)
    a = lib.bincount(z, minlength=n)
    if lib is not np:
        g, v, a = dsa.compute(g, v, a)
    return np.asarray(g)[:n], np.asarray(v)[:n], np.asarray(a)[:n]


def green_share(ndvi: xr.DataArray, *, threshold: float = GREEN_NDVI_THRESHOLD,
                valid: xr.DataArray | None = None, zones: xr.DataArray | None = None,
                zone_names: dict[int, str] | None = None,
                min_valid_fraction: float = 0.0) -> pd.DataFrame:
    """Share of valid pixels with NDVI at least ``threshold``, overall or per zone.

    Parameters
    ----------
    ndvi : xarray.DataArray
        ``(y, x)`` NDVI (e.g. a cloud-free composite); NaN = nodata. May be dask-backed.
    threshold : float
        NDVI at or above which a pixel counts as green.
    valid : xarray.DataArray, optional
        Extra boolean mask of usable pixels; NaN NDVI is always treated as not valid.
    zones : xarray.DataArray, optional
        ``(y, x)`` integer zone labels on the same grid (e.g. land-cover classes, administrative
        units rasterised); zones with code <= 0 are ignored. ``None``: one zone, the whole image.
    zone_names : dict, optional
        Zone code -> label for the output index.
    min_valid_fraction : float
        Zones with a smaller share of valid pixels get a NaN share.

    Returns
    -------
    pandas.DataFrame
        Per zone: ``green_share``, ``green_pixels``, ``valid_pixels``, ``pixels``, ``valid_fraction``.

    Raises
    ------
    AllNodataError
        If no pixel is valid at all.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> nd = xr.DataArray(np.array([[0.8, 0.1], [np.nan, 0.6]]), dims=("y", "x"))
    >>> green_share(nd, threshold=0.5)[["green_share", "valid_pixels"]].round(3).values.tolist()
    [[0.667, 3.0]]
    """
    if not -1 <= threshold <= 1:
        raise ValueError(f"threshold is an NDVI value in [-1, 1], got {threshold!r}")
    if not 0 <= min_valid_fraction <= 1:
        raise ValueError(f"min_valid_fraction is a share in [0, 1], got {min_valid_fraction!r}")
    ok = ndvi.notnull()
    if valid is not None:
        ok = ok & valid.astype(bool)
    is_green = (ndvi >= threshold) & ok
    if zones is None:
        z = xr.zeros_like(ndvi, dtype="int64") + 1
    else:
        for d in ("y", "x"):
            if zones.sizes.get(d) != ndvi.sizes.get(d):
                raise ValueError(f"zones and ndvi must be on one grid; sizes differ along {d!r} "
                                 f"({zones.sizes.get(d)} vs {ndvi.sizes.get(d)}); rasterise the zones on the "
                                 "NDVI grid (rio.reproject_match with nearest neighbour)")
        if zones.rio.crs is not None and ndvi.rio.crs is not None:
            check_same_grid(zones, ndvi, names=("zones", "NDVI"))
        z = zones.fillna(0).astype("int64").clip(min=0)
    n = int(z.max()) + 1
    g, v, a = _zone_counts(is_green.data, ok.data, z.data, n)
    codes = np.flatnonzero(a > 0)
    codes = codes[codes > 0]
    if v[codes].sum() == 0:
        raise AllNodataError("no valid pixel: the NDVI is all nodata or masked; check the cloud mask "
                             "and the extent of the zones")
    with np.errstate(invalid="ignore", divide="ignore"):
        share = g[codes] / np.where(v[codes] > 0, v[codes], np.nan)
    out = pd.DataFrame({"green_share": share, "green_pixels": g[codes], "valid_pixels": v[codes],
                        "pixels": a[codes].astype(float), "valid_fraction": v[codes] / a[codes]},
                       index=pd.Index([zone_names.get(int(c), str(c)) if zone_names else int(c)
                                       for c in codes], name="zone"))
    out.loc[out["valid_fraction"] < min_valid_fraction, "green_share"] = np.nan
    out.attrs["threshold"] = threshold
    return out
