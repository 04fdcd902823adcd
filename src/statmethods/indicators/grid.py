"""The Korean national grid (국토격자) and census totals spread onto it by areal weighting.

The national grid is laid on Korea 2000 / Unified CS (EPSG:5179, UTM-K). Its origin (기준점) is
the point 300 km west and 700 km south of the UTM-K false origin, i.e. ``(700 000, 1 300 000)`` in
EPSG:5179, which is 124°20'11.9" E, 31°38'54.3" N (행정안전부 고시 2012, 도로명주소법 시행령; the
announcement printed 124°20'11" E, 31°38'51" N, about 100 m further south, but the grid is defined in
metres from UTM-K, so the code keeps the metric point). From there 100 km squares are lettered
eastward 가 나 다 라 마 바 사 and northward 가 나 다 라 마 바 사 아; a cell is named by the two letters
(east, then north) followed by the easting and northing offsets inside the 100 km square, each with
as many digits as the grid size needs: one digit for 10 km (``다사54``), two for 1 km (``다사5345``),
three for 100 m (``다사534456``). Seoul lies in 다사, Sejong in 다바; the 국가지점번호 of Dokdo's
독립문바위 is 사사 8787 2465 (10 m; 행정안전부, 2012; the first reports of the announcement printed
마사, which is open sea off Uljin), so its 1 km cell is ``사사8724``. Offsets are truncated, not
rounded: a point belongs to the cell whose south-west corner it is at or beyond, as the published
point numbers require. :func:`cell_id` and :func:`cell_bounds` are tested against 126 published
point numbers with their sources (``tests/indicators/data/``): 120 북한산 signposts with GNSS
coordinates from Seoul's open data, every one inside its published 10 m cell; the 2012
announcement's origin, Dokdo and Baengnyeongdo; a 광덕산 sign; two 산림청 survey points given in
EPSG:5186.

SGIS also publishes 500 m grid statistics. They are not supported here: 500 m is not one of the
sizes the national grid's identifiers define (100 km, 10 km, 1 km, 100 m and the 10 m point
number, each a power-of-ten subdivision with one more digit per axis), and no document available
offline gives the official identifier of a 500 m cell, so any identifier made up here could differ
from SGIS's. :func:`check_grid_size` refuses 500 and says so.

Examples
--------
>>> cell_id(953_000.0, 1_952_000.0, 1000)  # Seoul City Hall
'다사5352'
>>> cell_bounds("다사5352")
(953000.0, 1952000.0, 954000.0, 1953000.0)
>>> cell_id(1_387_875.0, 1_924_655.0, 1000)  # Dokdo, 독립문바위: 국가지점번호 사사 8787 2465
'사사8724'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "GRID_CRS",
    "GRID_ORIGIN",
    "GRID_SIZES",
    "areal_weighting_error",
    "cell_bounds",
    "cell_id",
    "cells_to_raster",
    "census_to_grid",
    "check_grid_size",
    "national_grid",
]

GRID_CRS = "EPSG:5179"
GRID_ORIGIN = (700_000.0, 1_300_000.0)
#: Grid sizes in metres that the national grid defines here, with the digits of each offset.
GRID_SIZES: dict[int, int] = {100_000: 0, 10_000: 1, 1_000: 2, 100: 3}
EAST_LETTERS = "가나다라마바사"
NORTH_LETTERS = "가나다라마바사아"


def check_grid_size(size: Any) -> int:
    """The grid size in metres, refusing sizes the national grid does not define."""
    try:
        s = int(size)
    except (TypeError, ValueError):
        s = None
    if s == 500:
        raise ValueError("grid size 500 m: SGIS publishes 500 m grid statistics, but 500 m is not a size "
                         "of the national grid's identifiers (100 km, 10 km, 1 km, 100 m) and their official "
                         "500 m identifiers are not documented here; aggregate the 100 m cells to 1 km, or "
                         "use 100 m or 1,000 m")
    if s is None or s != size or s not in GRID_SIZES:
        raise ValueError(f"grid size {size!r} m is not a size of the national grid (국토격자); use one of "
                         f"{sorted(GRID_SIZES)} m")
    return s


def cell_id(x: Any, y: Any, size: int) -> Any:
    """Identifier of the national-grid cell of ``size`` metres holding each point (EPSG:5179).

    Parameters
    ----------
    x, y : float or array-like
        Easting and northing in EPSG:5179 metres.
    size : {100, 1000, 10000, 100000}

    Returns
    -------
    str or ndarray of str
    """
    size = check_grid_size(size)
    xs = np.atleast_1d(np.asarray(x, dtype=float)) - GRID_ORIGIN[0]
    ys = np.atleast_1d(np.asarray(y, dtype=float)) - GRID_ORIGIN[1]
    e100, n100 = np.floor(xs / 100_000).astype(int), np.floor(ys / 100_000).astype(int)
    if (e100 < 0).any() or (e100 >= len(EAST_LETTERS)).any() or (n100 < 0).any() \
            or (n100 >= len(NORTH_LETTERS)).any():
        raise ValueError("point outside the national grid (easting 700,000-1,400,000 m, northing "
                         "1,300,000-2,100,000 m in EPSG:5179); reproject the data to EPSG:5179 first")
    digits = GRID_SIZES[size]
    ex = np.floor((xs - e100 * 100_000) / size).astype(int)
    ny = np.floor((ys - n100 * 100_000) / size).astype(int)
    out = np.array([f"{EAST_LETTERS[a]}{NORTH_LETTERS[b]}{c:0{digits}d}{d:0{digits}d}" if digits else
                    f"{EAST_LETTERS[a]}{NORTH_LETTERS[b]}"
                    for a, b, c, d in zip(e100, n100, ex, ny, strict=True)], dtype=object)
    return out[0] if np.ndim(x) == 0 and np.ndim(y) == 0 else out


def cell_bounds(grid_id: str) -> tuple[float, float, float, float]:
    """``(xmin, ymin, xmax, ymax)`` in EPSG:5179 of a national-grid cell identifier."""
    if not isinstance(grid_id, str) or len(grid_id) < 2 or grid_id[0] not in EAST_LETTERS \
            or grid_id[1] not in NORTH_LETTERS or not grid_id[2:].isdigit() and grid_id[2:] != "" \
            or len(grid_id[2:]) % 2:
        raise ValueError(f"{grid_id!r} is not a national-grid identifier (two letters, e.g. 다사, then "
                         "an even number of digits)")
    digits = len(grid_id) // 2 - 1
    sizes = {v: k for k, v in GRID_SIZES.items()}
    if digits not in sizes:
        raise ValueError(f"{grid_id!r}: {digits}-digit offsets define no grid size of the national grid")
    size = sizes[digits]
    x0 = GRID_ORIGIN[0] + EAST_LETTERS.index(grid_id[0]) * 100_000
    y0 = GRID_ORIGIN[1] + NORTH_LETTERS.index(grid_id[1]) * 100_000
    if digits:
        x0 += int(grid_id[2:2 + digits]) * size
        y0 += int(grid_id[2 + digits:]) * size
    return (float(x0), float(y0), float(x0 + size), float(y0 + size))


def _template(bounds: tuple[float, float, float, float], size: int):
    import rioxarray  # noqa: F401
    import xarray as xr

    xmin, ymin, xmax, ymax = bounds
    # one spare cell on each side, so that a grid is never a single row or column
    x0 = GRID_ORIGIN[0] + (np.floor((xmin - GRID_ORIGIN[0]) / size) - 1) * size
    y0 = GRID_ORIGIN[1] + (np.floor((ymin - GRID_ORIGIN[1]) / size) - 1) * size
    x1 = GRID_ORIGIN[0] + (np.ceil((xmax - GRID_ORIGIN[0]) / size) + 1) * size
    y1 = GRID_ORIGIN[1] + (np.ceil((ymax - GRID_ORIGIN[1]) / size) + 1) * size
    nx, ny = int(round((x1 - x0) / size)), int(round((y1 - y0) / size))
    ys = y1 - size / 2 - size * np.arange(ny)
    xs = x0 + size / 2 + size * np.arange(nx)
    t = xr.DataArray(np.zeros((ny, nx)), dims=("y", "x"), coords={"y": ys, "x": xs})
    return t.rio.write_crs(GRID_CRS)


def _check_units(units: Any, what: str = "units") -> None:
    if units.crs is None:
        raise ValueError(f"{what} have no CRS; set it (the national grid is in {GRID_CRS})")
    if units.crs.to_epsg() != 5179:
        raise ValueError(f"{what} are in {units.crs.to_string()}, not {GRID_CRS}; reproject them with "
                         ".to_crs('EPSG:5179')")


def national_grid(units: Any, size: int = 1000):
    """The national-grid cells of ``size`` metres that intersect ``units`` (GeoDataFrame, EPSG:5179).

    Returns
    -------
    GeoDataFrame
        ``grid_id`` and the cell squares, row by row from the north-west; every cell that overlaps a
        unit appears once, so the cells tile the units' union.
    """
    import geopandas as gpd
    from shapely.geometry import box

    size = check_grid_size(size)
    _check_units(units)
    pieces = _coverage(units.assign(_uid=np.arange(len(units))), size)
    cells = pieces[["row", "col", "x", "y"]].drop_duplicates().sort_values(["row", "col"])
    ids = cell_id(cells["x"].to_numpy(), cells["y"].to_numpy(), size)
    geom = [box(x - size / 2, y - size / 2, x + size / 2, y + size / 2)
            for x, y in zip(cells["x"], cells["y"], strict=True)]
    return gpd.GeoDataFrame({"grid_id": ids}, geometry=geom, crs=GRID_CRS).reset_index(drop=True)


def _coverage(units: Any, size: int) -> pd.DataFrame:
    """(unit, cell, covered area) pieces from exactextract's coverage fractions."""
    from exactextract import exact_extract

    t = _template(tuple(units.total_bounds), size)
    cov = exact_extract(t, units[["_uid", "geometry"]], ["cell_id", "coverage"], include_cols=["_uid"],
                        output="pandas")
    rows = []
    nx = t.sizes["x"]
    xs, ys = t["x"].to_numpy(), t["y"].to_numpy()
    for uid, cells, frac in zip(cov["_uid"], cov["cell_id"], cov["coverage"], strict=True):
        cells = np.asarray(cells, dtype=np.int64)
        frac = np.asarray(frac, dtype=float)
        keep = frac > 0
        r, c = np.divmod(cells[keep], nx)
        rows.append(pd.DataFrame({"_uid": uid, "row": r, "col": c, "x": xs[c], "y": ys[r],
                                  "area_m2": frac[keep] * size * size}))
    return pd.concat(rows, ignore_index=True)


def census_to_grid(units: Any, value_column: str, *, id_column: str, size: int = 1000,
                   weights: Callable[[pd.DataFrame], np.ndarray] | None = None) -> pd.DataFrame:
    """Spread unit totals onto the national grid by areal weighting (or dasymetric weights).

    Each unit's total is shared among the grid cells it overlaps in proportion to the overlapping
    area (exact polygon-cell coverage from exactextract), or to ``weights`` times that area when a
    dasymetric layer is given. The shares of a unit sum to one, so re-aggregating the pieces gives
    back every unit's total exactly (up to floating point).

    Parameters
    ----------
    units : GeoDataFrame
        Units in EPSG:5179 with ``id_column`` and ``value_column``.
    value_column, id_column : str
    size : {100, 1000, 10000, 100000}
        Grid size in metres.
    weights : callable, optional
        Dasymetric refinement hook: given the pieces (columns ``grid_id``, ``x``, ``y``,
        ``area_m2``), returns a non-negative weight per piece (e.g. the built-up share of the
        cell from GHS-BUILT-S). A unit whose pieces all weigh 0 falls back to area.

    Returns
    -------
    DataFrame
        One row per (unit, cell) piece: ``grid_id``, ``id_column``, ``x``, ``y`` (cell centre),
        ``area_m2`` (overlap), ``weight`` (share of the unit) and ``value``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> u = gpd.GeoDataFrame({"code": ["a"], "pop": [300.0]},
    ...                      geometry=[box(953_000, 1_952_000, 954_000, 1_955_000)], crs="EPSG:5179")
    >>> g = census_to_grid(u, "pop", id_column="code")
    >>> list(g["grid_id"]), list(g["value"].round(6))
    (['다사5352', '다사5353', '다사5354'], [100.0, 100.0, 100.0])
    """
    size = check_grid_size(size)
    _check_units(units)
    for c in (id_column, value_column):
        if c not in units.columns:
            raise ValueError(f"units have no column {c!r}; columns are {list(units.columns)}")
    vals = pd.to_numeric(units[value_column], errors="raise").to_numpy(dtype=float)
    if (vals < 0).any() or not np.isfinite(vals).all():
        raise ValueError(f"{value_column!r} must hold finite, non-negative totals")
    if units[id_column].duplicated().any():
        dup = list(units.loc[units[id_column].duplicated(), id_column][:5])
        raise ValueError(f"{id_column!r} has duplicated codes {dup}; dissolve the units first")
    pieces = _coverage(units.assign(_uid=np.arange(len(units))), size)
    pieces["grid_id"] = cell_id(pieces["x"].to_numpy(), pieces["y"].to_numpy(), size)
    w = pieces["area_m2"].to_numpy()
    if weights is not None:
        dw = np.asarray(weights(pieces[["grid_id", "x", "y", "area_m2"]]), dtype=float)
        if dw.shape != w.shape or (dw < 0).any() or not np.isfinite(dw).all():
            raise ValueError("weights must return one finite, non-negative weight per piece")
        dws = pd.Series(dw * w).groupby(pieces["_uid"]).transform("sum").to_numpy()
        w = np.where(dws > 0, dw * w, w)
    tot = pd.Series(w).groupby(pieces["_uid"]).transform("sum").to_numpy()
    pieces["weight"] = w / tot
    pieces["value"] = pieces["weight"] * vals[pieces["_uid"].to_numpy()]
    missing = sorted(set(range(len(units))) - set(pieces["_uid"]))
    if missing:
        raise ValueError(f"units {list(units[id_column].iloc[missing[:5]])} cover no grid cell (empty "
                         "geometry?)")
    pieces[id_column] = units[id_column].to_numpy()[pieces["_uid"].to_numpy()]
    out = pieces[["grid_id", id_column, "x", "y", "area_m2", "weight", "value"]]
    return out.sort_values([id_column, "grid_id"], kind="stable").reset_index(drop=True)


def areal_weighting_error(fine: pd.DataFrame, *, fine_id: str, coarse_id: str, value: str,
                          area: str) -> pd.DataFrame:
    """Predict fine-unit totals from their coarse parents by areal weighting, against the truth.

    ``fine`` has one row per fine unit with its parent code, its known total and its area. The
    prediction is the parent's total (the sum of its fine units) times the fine unit's share of
    the parent's area, which is what areal weighting on a fine grid gives when the parent is the
    only information.

    Returns
    -------
    DataFrame
        ``fine_id``, ``coarse_id``, ``census``, ``predicted``, ``error``, ``abs_pct_error``.

    Examples
    --------
    >>> df = pd.DataFrame({"f": ["a", "b"], "c": ["x", "x"], "pop": [90.0, 10.0], "km2": [1.0, 1.0]})
    >>> areal_weighting_error(df, fine_id="f", coarse_id="c", value="pop", area="km2")["predicted"].tolist()
    [50.0, 50.0]
    """
    d = fine[[fine_id, coarse_id, value, area]].copy()
    g = d.groupby(coarse_id)
    pred = g[value].transform("sum") * d[area] / g[area].transform("sum")
    out = pd.DataFrame({fine_id: d[fine_id], coarse_id: d[coarse_id], "census": d[value], "predicted": pred})
    out["error"] = out["predicted"] - out["census"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["abs_pct_error"] = np.where(out["census"] > 0, 100 * out["error"].abs() / out["census"], np.nan)
    return out.reset_index(drop=True)


def cells_to_raster(cells: pd.DataFrame, fills: Mapping[str, float], *, size: float, crs: str = GRID_CRS,
                    x: str = "x", y: str = "y") -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """Put a table of grid cells (one row per cell centre) on a north-up raster.

    The raster spans the cells' bounding box: columns run east from the smallest ``x``, rows south
    from the largest ``y``, one cell of ``size`` metres each. A cell that is not in the table gets
    the column's fill value (NaN for "no data", 0 for "nothing there").

    Parameters
    ----------
    cells : DataFrame
        One row per cell with its centre in ``x`` and ``y`` (metres in ``crs``) and the value columns.
    fills : mapping of str to float
        The value columns to rasterise, each with the value of cells absent from the table.
    size : float
        Cell side in metres.
    crs : str
        CRS written on the rasters (default the national grid's, EPSG:5179).
    x, y : str
        Names of the centre columns.

    Returns
    -------
    rasters : dict of str to xarray.DataArray
        One float raster per column of ``fills``, with ``x``/``y`` coordinates and the CRS.
    rows, cols : ndarray of int
        The raster row and column of every table row (``raster.values[rows, cols]`` reads it back).

    Examples
    --------
    >>> t = pd.DataFrame({"x": [500.0, 2500.0], "y": [500.0, 1500.0], "pop": [3.0, 7.0]})
    >>> rasters, rows, cols = cells_to_raster(t, {"pop": np.nan}, size=1000)
    >>> rasters["pop"].values.tolist(), rows.tolist(), cols.tolist()
    ([[nan, nan, 7.0], [3.0, nan, nan]], [1, 0], [0, 2])
    """
    import rioxarray  # noqa: F401  (registers the .rio accessor)
    import xarray as xr

    missing = [c for c in [x, y, *fills] if c not in cells.columns]
    if missing:
        raise ValueError(f"cells have no column(s) {missing}; columns are {list(cells.columns)}")
    if len(cells) == 0:
        raise ValueError("cells is empty: there is nothing to put on a raster")
    xs = np.arange(cells[x].min(), cells[x].max() + 1, size, dtype=float)
    ys = np.arange(cells[y].max(), cells[y].min() - 1, -size, dtype=float)
    cols = np.round((cells[x] - xs[0]) / size).astype(int).to_numpy()
    rows = np.round((ys[0] - cells[y]) / size).astype(int).to_numpy()
    template = xr.DataArray(np.zeros((len(ys), len(xs))), dims=("y", "x"), coords={"y": ys, "x": xs})
    template = template.rio.write_crs(crs)
    rasters = {}
    for name, fill in fills.items():
        grid = np.full((len(ys), len(xs)), fill, dtype=float)
        grid[rows, cols] = cells[name]
        rasters[name] = template.copy(data=grid)
    return rasters, rows, cols
