"""Read rasters and put a map and its reference on one grid.

A land-cover map and the data it is compared with (a reference map, a sample frame, the image
it was made from) must share one coordinate reference system (CRS) and one pixel grid before
any pixel-by-pixel comparison or pixel counting means anything. This module reads rasters with
rioxarray, checks that two rasters share a grid, and reprojects a *categorical* map onto a
reference grid with nearest-neighbour resampling (averaging class codes would invent classes).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr
from rasterio.enums import Resampling

__all__ = [
    "CRSMismatchError",
    "GridMismatchError",
    "align_categorical",
    "check_same_grid",
    "open_raster",
    "stack_bands",
]


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence rioxarray's PendingDeprecationWarning about affine ``*`` (a library detail)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
        yield


class CRSMismatchError(ValueError):
    """Two rasters that must be compared pixel by pixel are in different CRS."""


class GridMismatchError(ValueError):
    """Two rasters are in the same CRS but their pixel grids do not coincide."""


def open_raster(path: str | os.PathLike[str], *, band: int | None = 1,
                name: str | None = None) -> xr.DataArray:
    """Read a GeoTIFF (or any GDAL raster) as a georeferenced :class:`xarray.DataArray`.

    Parameters
    ----------
    path : path-like
        The raster file.
    band : int or None
        Band to keep (1-based, as in GDAL); ``None`` keeps all bands along a ``band`` dimension.
    name : str, optional
        Name given to the array (defaults to the file name without extension).

    Returns
    -------
    xarray.DataArray
        Dimensions ``(y, x)`` (or ``(band, y, x)``), with CRS, transform and nodata
        available through ``.rio``. Values are read as stored (no masking, no scaling).

    Examples
    --------
    >>> import statmethods as sm
    >>> nlcd = open_raster(sm.data.path("landsat8-zion/nlcd.tif"))
    >>> nlcd.rio.crs.to_epsg()
    26912
    """
    with _quiet():
        da = rioxarray.open_rasterio(path, mask_and_scale=False)
    if not isinstance(da, xr.DataArray):
        raise ValueError(f"{path}: holds several subdatasets; open one of them explicitly")
    if da.rio.crs is None:
        raise ValueError(
            f"{path}: the raster has no CRS. Assign the correct one first, e.g. "
            "da.rio.write_crs('EPSG:32612'), or fix the file with gdal_edit.py -a_srs"
        )
    if band is not None:
        if not 1 <= band <= da.sizes["band"]:
            raise ValueError(f"{path}: band={band} requested but the file has {da.sizes['band']} band(s)")
        da = da.sel(band=band, drop=True) if "band" in da.coords else da.isel(band=band - 1)
    with _quiet():
        da = da.load()
    da.name = name or os.path.splitext(os.path.basename(os.fspath(path)))[0]
    return da


def _grid(da: xr.DataArray) -> tuple:
    with _quiet():
        return da.rio.crs, da.rio.transform(), (da.rio.height, da.rio.width)


def check_same_grid(raster: xr.DataArray, reference: xr.DataArray, *,
                    names: tuple[str, str] = ("map", "reference"), tolerance: float = 1e-3) -> None:
    """Raise a clear error unless two rasters share CRS, pixel grid and extent.

    Parameters
    ----------
    raster, reference : xarray.DataArray
        Georeferenced arrays (as from :func:`open_raster`).
    names : tuple of str
        How to call the two rasters in error messages.
    tolerance : float
        Largest allowed difference in pixel size and origin, as a fraction of a pixel.

    Raises
    ------
    CRSMismatchError
        The CRS differ. The message gives both CRS and the fix (:func:`align_categorical`
        for class maps, ``raster.rio.reproject_match(reference)`` for continuous data).
    GridMismatchError
        Same CRS, but different pixel size, origin (grids shifted by part of a pixel) or
        extent. The message says which and how to fix it.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> a = xr.DataArray(np.zeros((2, 2)), dims=("y", "x"), coords={"y": [15., 5.], "x": [5., 15.]})
    >>> a = a.rio.write_crs("EPSG:32612")
    >>> check_same_grid(a, a.copy())  # same grid: no error
    """
    a, b = names
    crs_a, tr_a, shape_a = _grid(raster)
    crs_b, tr_b, shape_b = _grid(reference)
    if crs_a is None or crs_b is None:
        missing = a if crs_a is None else b
        raise CRSMismatchError(
            f"the {missing} raster has no CRS, so its grid cannot be compared; "
            "assign the correct CRS with .rio.write_crs('EPSG:....')"
        )
    if crs_a != crs_b:
        raise CRSMismatchError(
            f"the {a} is in {crs_a.to_string()} but the {b} is in {crs_b.to_string()}; "
            f"pixels cannot be compared across CRS. Fix: reproject the {a} onto the {b}'s grid, "
            f"with nearest neighbour for a class map: align_categorical({a}, {b}) "
            f"(or {a}.rio.reproject_match({b}) for continuous values)"
        )
    res_a, res_b = np.array([tr_a.a, tr_a.e]), np.array([tr_b.a, tr_b.e])
    px = np.abs(res_b)
    if np.any(np.abs(res_a - res_b) > tolerance * px):
        raise GridMismatchError(
            f"the {a} has {abs(tr_a.a):g} x {abs(tr_a.e):g} pixels but the {b} has {abs(tr_b.a):g} x "
            f"{abs(tr_b.e):g}; resample the {a} onto the {b}'s grid with align_categorical({a}, {b}) "
            "(nearest neighbour) before comparing pixels"
        )
    shift = np.array([tr_a.c - tr_b.c, tr_a.f - tr_b.f]) / np.array([tr_b.a, tr_b.e])
    frac = np.abs(shift - np.round(shift))
    if np.any(frac > tolerance):
        raise GridMismatchError(
            f"the {a} and {b} grids have the same pixel size but are shifted by "
            f"({shift[0]:.3f}, {shift[1]:.3f}) pixels (not a whole number), so their pixels do not "
            f"coincide; snap the {a} to the {b}'s grid with align_categorical({a}, {b})"
        )
    if np.any(np.round(shift) != 0) or shape_a != shape_b:
        raise GridMismatchError(
            f"the {a} ({shape_a[0]} x {shape_a[1]} pixels) and {b} ({shape_b[0]} x {shape_b[1]} pixels) "
            f"are on the same grid but cover different extents (offset "
            f"{np.round(shift).astype(int).tolist()} pixels); clip or pad the {a} to the {b} with "
            f"align_categorical({a}, {b})"
        )


def align_categorical(raster: xr.DataArray, reference: xr.DataArray, *, nodata: int | float | None = None
                      ) -> xr.DataArray:
    """Reproject and resample a class map onto a reference grid with nearest neighbour.

    Nearest neighbour keeps every output value one of the input classes; bilinear or
    average resampling would produce codes that are not classes at all.

    Parameters
    ----------
    raster : xarray.DataArray
        The class map (integer codes), any CRS.
    reference : xarray.DataArray
        The grid to match (CRS, transform, shape), e.g. one band of the image.
    nodata : int or float, optional
        Value for output pixels not covered by ``raster``; defaults to the raster's nodata,
        or 255 for ``uint8`` maps without one.

    Returns
    -------
    xarray.DataArray
        The class map on the reference grid, with the same dtype as ``raster``.

    Raises
    ------
    ValueError
        If ``raster`` holds floating-point values that are not whole numbers (not a class map).

    Examples
    --------
    >>> import statmethods as sm
    >>> nlcd = open_raster(sm.data.path("landsat8-zion/nlcd.tif"))
    >>> b2 = open_raster(sm.data.path("landsat8-zion/landsat_b2.tif"))
    >>> align_categorical(nlcd, b2).shape == b2.shape[-2:]
    True
    """
    if reference.rio.crs is None or raster.rio.crs is None:
        raise CRSMismatchError("both rasters need a CRS; assign it with .rio.write_crs('EPSG:....')")
    vals = np.asarray(raster.values)
    if np.issubdtype(vals.dtype, np.floating):
        finite = vals[np.isfinite(vals)]
        if finite.size and np.any(finite != np.round(finite)):
            raise ValueError(
                "align_categorical is for class maps (whole-number codes) but the raster holds "
                "fractional values; use raster.rio.reproject_match(reference, resampling=...) for "
                "continuous data"
            )
    if nodata is None:
        nodata = raster.rio.nodata
    if nodata is None:
        nodata = 255 if vals.dtype == np.uint8 else -1
        raster = raster.rio.write_nodata(nodata)
    with _quiet():
        out = raster.rio.reproject_match(reference, resampling=Resampling.nearest, nodata=nodata)
    out.name = raster.name
    return out.astype(raster.dtype)


def stack_bands(paths: Sequence[str | os.PathLike[str]], names: Sequence[str] | None = None) -> xr.DataArray:
    """Read single-band rasters into one ``(band, y, x)`` array, checking they share one grid.

    Parameters
    ----------
    paths : sequence of path-like
        One file per band.
    names : sequence of str, optional
        Band names (default: file names).

    Returns
    -------
    xarray.DataArray
        Dimensions ``(band, y, x)`` with ``band`` labelled by ``names``; values as ``float64``
        with each file's nodata replaced by NaN.

    Raises
    ------
    GridMismatchError, CRSMismatchError
        If a band is not on the first band's grid.
    """
    if len(paths) == 0:
        raise ValueError("stack_bands needs at least one file")
    if names is not None and len(names) != len(paths):
        raise ValueError(f"got {len(names)} band names for {len(paths)} files; give one name per file")
    arrays = []
    for i, p in enumerate(paths):
        da = open_raster(p, name=None if names is None else names[i])
        if arrays:
            check_same_grid(da, arrays[0], names=(f"band {da.name!r}", f"band {arrays[0].name!r}"))
        nd = da.rio.nodata
        vals = da.values.astype(float)
        if nd is not None:
            vals[vals == nd] = np.nan
        arrays.append(da.copy(data=vals))
    out = xr.concat(arrays, dim=xr.Variable("band", [str(a.name) for a in arrays]))
    out = out.rio.write_crs(arrays[0].rio.crs).rio.write_nodata(np.nan)
    out.name = "bands"
    return out
