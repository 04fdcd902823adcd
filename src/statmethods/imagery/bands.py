"""Band names, reflectance scaling and georeferenced image arrays.

Optical sensors name their bands differently (Sentinel-2 ``B04`` and Landsat 8 ``B4`` are
both *red*). Every index in :mod:`statmethods.imagery.indices` asks for bands by *role*
(``"red"``, ``"nir"``, ...) and this module maps roles to each sensor's band names, so the
same code, and the Earth Engine backend, use the same bands.

Images are :class:`xarray.DataArray` objects with a ``band`` dimension (band names as
labels), ``y``/``x`` pixel-centre coordinates and a CRS written with rioxarray. Nodata is
``NaN`` in floating-point arrays: it is never replaced by zero.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from .align import check_same_grid

__all__ = [
    "LANDSAT8_BANDS",
    "REFLECTANCE_SCALING",
    "SENSOR_BANDS",
    "SENTINEL2_BANDS",
    "MissingBandError",
    "band_name",
    "bbox_from_geojson",
    "image_from_array",
    "open_bands",
    "require_bands",
    "to_reflectance",
]

#: The 13 Sentinel-2 MSI bands in the order of ESA products and of eo-learn arrays
#: (``B08`` is index 7 and ``B8A`` index 8).
SENTINEL2_BANDS: tuple[str, ...] = ("B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A",
                                    "B09", "B10", "B11", "B12")

#: Landsat 8 OLI reflective bands (Collection 2 naming).
LANDSAT8_BANDS: tuple[str, ...] = ("B1", "B2", "B3", "B4", "B5", "B6", "B7")

#: Band role -> band name, per sensor. Roles follow the Awesome Spectral Indices convention.
SENSOR_BANDS: dict[str, dict[str, str]] = {
    "sentinel2": {"coastal": "B01", "blue": "B02", "green": "B03", "red": "B04", "rededge1": "B05",
                  "rededge2": "B06", "rededge3": "B07", "nir": "B08", "nir08": "B8A", "watervapour": "B09",
                  "cirrus": "B10", "swir1": "B11", "swir2": "B12"},
    "landsat8": {"coastal": "B1", "blue": "B2", "green": "B3", "red": "B4", "nir": "B5", "swir1": "B6",
                 "swir2": "B7"},
}

#: Digital number -> reflectance: ``reflectance = scale * DN + offset``.
#: ``sentinel2_l2a``: Sentinel-2 L2A / ``COPERNICUS/S2_SR_HARMONIZED`` (the harmonised collection has
#: the processing-baseline 04.00 offset of -1000 already removed). ``landsat8_l1``: Landsat 8
#: Collection 1/2 Level-1 top-of-atmosphere reflectance without the sun-elevation correction
#: (the same constants for every OLI scene). ``landsat8_c2l2``: Collection 2 Level-2 surface reflectance.
REFLECTANCE_SCALING: dict[str, tuple[float, float]] = {
    "sentinel2_l2a": (1e-4, 0.0),
    "sentinel2_l1c": (1e-4, 0.0),
    "landsat8_l1": (2e-5, -0.1),
    "landsat8_c2l2": (2.75e-5, -0.2),
}


class MissingBandError(ValueError):
    """An index or mask needs a band that the image does not have."""


def band_name(role: str, sensor: str = "sentinel2") -> str:
    """Return a sensor's band name for a band role.

    Parameters
    ----------
    role : str
        ``"blue"``, ``"green"``, ``"red"``, ``"nir"``, ``"swir1"``, ... (see :data:`SENSOR_BANDS`).
    sensor : str
        ``"sentinel2"`` or ``"landsat8"``.

    Examples
    --------
    >>> band_name("nir", "sentinel2"), band_name("nir", "landsat8")
    ('B08', 'B5')
    """
    if sensor not in SENSOR_BANDS:
        raise ValueError(f"unknown sensor {sensor!r}; use one of {sorted(SENSOR_BANDS)} "
                         "or pass band names explicitly")
    roles = SENSOR_BANDS[sensor]
    if role not in roles:
        raise MissingBandError(f"sensor {sensor!r} has no {role!r} band; its roles are {sorted(roles)}")
    return roles[role]


def require_bands(image: xr.DataArray, names: Sequence[str], *, band_dim: str = "band") -> None:
    """Raise :class:`MissingBandError` unless ``image`` has every band in ``names``.

    Examples
    --------
    >>> img = xr.DataArray(np.zeros((2, 1, 1)), dims=("band", "y", "x"), coords={"band": ["B04", "B08"]})
    >>> require_bands(img, ["B04", "B08"])  # no error
    """
    if not isinstance(image, xr.DataArray):
        raise TypeError(f"expected an xarray.DataArray with a {band_dim!r} dimension, "
                        f"got {type(image).__name__}")
    if band_dim not in image.dims:
        raise MissingBandError(
            f"the image has no {band_dim!r} dimension (dims {tuple(image.dims)}); "
            f"stack the bands along {band_dim!r}, e.g. xr.concat([...], dim='{band_dim}')")
    have = [str(b) for b in image[band_dim].values] if band_dim in image.coords else []
    missing = [n for n in names if n not in have]
    if missing:
        raise MissingBandError(
            f"the image lacks band(s) {missing}; it has {have}. Label the {band_dim!r} coordinate "
            "with the sensor's band names (e.g. 'B04', 'B08' for Sentinel-2) or pass bands={...}")


def bbox_from_geojson(path: str | os.PathLike[str]) -> tuple[tuple[float, float, float, float], str]:
    """Read a bounding box and its CRS from a GeoJSON polygon (as written by eo-learn).

    Returns
    -------
    (minx, miny, maxx, maxy), crs : tuple of float, str
        The bounds in the file's CRS and the CRS as ``"EPSG:nnnn"``.
    """
    with open(path, encoding="utf-8") as fh:
        gj = json.load(fh)
    geom = gj.get("geometry", gj) if gj.get("type") == "Feature" else gj
    coords = np.asarray(geom["coordinates"][0], dtype=float)
    crs_name = gj.get("crs", {}).get("properties", {}).get("name", "EPSG:4326")
    code = crs_name.rsplit(":", 1)[-1]
    crs = f"EPSG:{code}" if code.isdigit() else crs_name
    return (float(coords[:, 0].min()), float(coords[:, 1].min()), float(coords[:, 0].max()),
            float(coords[:, 1].max())), crs


def image_from_array(values: np.ndarray, bounds: Sequence[float], crs: str, *,
                     bands: Sequence[str] | None = None, times: Sequence[Any] | None = None,
                     name: str | None = None, nodata: float | None = None) -> xr.DataArray:
    """Wrap a ``(time,) y, x (, band)`` array (eo-learn layout) as a georeferenced DataArray.

    Parameters
    ----------
    values : numpy.ndarray
        Shape ``(time, y, x, band)``, ``(y, x, band)``, ``(time, y, x)`` or ``(y, x)``. Say
        which by giving ``bands`` (last axis is bands) and ``times`` (first axis is time).
    bounds : sequence of float
        ``(minx, miny, maxx, maxy)`` of the outer pixel edges, in ``crs`` units.
    crs : str
        The CRS, e.g. ``"EPSG:32633"``.
    bands, times : sequence, optional
        Labels of the band and time axes.
    name : str, optional
        Name of the array.
    nodata : float, optional
        A value to be read as missing: replaced by NaN (the array becomes floating point).

    Returns
    -------
    xarray.DataArray
        Dimensions ``(time, band, y, x)`` without the absent ones; ``y``/``x`` are pixel centres.

    Examples
    --------
    >>> img = image_from_array(np.ones((2, 3, 2)), (0, 0, 30, 20), "EPSG:32633", bands=["B04", "B08"])
    >>> img.dims, img.rio.resolution()
    (('band', 'y', 'x'), (10.0, -10.0))
    """
    arr = np.asarray(values)
    dims = (["time"] if times is not None else []) + ["y", "x"] + (["band"] if bands is not None else [])
    if arr.ndim != len(dims):
        raise ValueError(f"values has {arr.ndim} axes but {tuple(dims)} were implied by bands/times; "
                         "pass bands= for a trailing band axis and times= for a leading time axis")
    ny, nx = arr.shape[dims.index("y")], arr.shape[dims.index("x")]
    minx, miny, maxx, maxy = map(float, bounds)
    if not (maxx > minx and maxy > miny):
        raise ValueError(f"bounds must be (minx, miny, maxx, maxy) with max > min, got {tuple(bounds)}")
    dx, dy = (maxx - minx) / nx, (maxy - miny) / ny
    coords: dict[str, Any] = {"y": maxy - dy * (np.arange(ny) + 0.5), "x": minx + dx * (np.arange(nx) + 0.5)}
    if bands is not None:
        if len(bands) != arr.shape[-1]:
            raise ValueError(f"got {len(bands)} band names for {arr.shape[-1]} bands")
        coords["band"] = [str(b) for b in bands]
    if times is not None:
        if len(times) != arr.shape[0]:
            raise ValueError(f"got {len(times)} times for {arr.shape[0]} time steps")
        coords["time"] = pd.to_datetime(list(times))
    if nodata is not None:
        arr = np.where(arr == nodata, np.nan, arr.astype(float))
    da = xr.DataArray(arr, dims=dims, coords=coords, name=name)
    order = [d for d in ("time", "band", "y", "x") if d in da.dims]
    da = da.transpose(*order).rio.write_crs(crs)
    if np.issubdtype(da.dtype, np.floating):
        da = da.rio.write_nodata(np.nan, encoded=False)
    return da


def open_bands(paths: Mapping[str, str | os.PathLike[str]], *, chunks: int | dict | str | None = None
               ) -> xr.DataArray:
    """Open single-band rasters lazily as one ``(band, y, x)`` image, nodata read as NaN.

    Unlike :func:`statmethods.imagery.align.stack_bands`, nothing is loaded: with ``chunks``
    the result is dask-backed, so a national mosaic is read and processed chunk by chunk.

    Parameters
    ----------
    paths : mapping
        Band name -> file, e.g. ``{"B4": ".../landsat_b4.tif", "B5": ".../landsat_b5.tif"}``.
    chunks : int, dict or "auto", optional
        Dask chunk sizes passed to :func:`rioxarray.open_rasterio`; ``None`` reads lazily without dask.

    Raises
    ------
    CRSMismatchError, GridMismatchError
        If a band is not on the first band's grid (CRS, resolution, origin or extent differ).

    Examples
    --------
    >>> import statmethods as sm
    >>> img = open_bands({b: sm.data.path(f"landsat8-zion/landsat_b{b[1]}.tif") for b in ["B4", "B5"]},
    ...                  chunks=512)
    >>> img.band.values.tolist()
    ['B4', 'B5']
    """
    if not paths:
        raise ValueError("open_bands needs at least one band: a mapping band name -> file")
    arrays = []
    for name, p in paths.items():
        da = rioxarray.open_rasterio(p, masked=True, chunks=chunks)
        if not isinstance(da, xr.DataArray):
            raise ValueError(f"{p}: holds several subdatasets; open one of them explicitly")
        if da.sizes.get("band", 1) != 1:
            raise ValueError(f"{p}: has {da.sizes['band']} bands; open_bands expects one band per file")
        if da.rio.crs is None:
            raise ValueError(f"{p}: the raster has no CRS; assign one with gdal_edit.py -a_srs "
                             "or .rio.write_crs")
        da = da.squeeze("band", drop=True)
        if arrays:
            check_same_grid(da, arrays[0], names=(f"band {name!r}", f"band {arrays[0].name!r}"))
        da.name = str(name)
        arrays.append(da)
    out = xr.concat(arrays, dim=xr.Variable("band", [str(k) for k in paths]), coords="minimal",
                    compat="override", join="override")
    out = out.rio.write_crs(arrays[0].rio.crs).rio.write_nodata(np.nan, encoded=False)
    out.name = "bands"
    return out


def to_reflectance(image: xr.DataArray, scaling: str | tuple[float, float] = "sentinel2_l2a", *,
                   nodata: float | None = None) -> xr.DataArray:
    """Convert digital numbers to reflectance, ``scale * DN + offset``, keeping nodata as NaN.

    Parameters
    ----------
    image : xarray.DataArray
        Digital numbers (any dtype); may be dask-backed (stays lazy).
    scaling : str or (scale, offset)
        A key of :data:`REFLECTANCE_SCALING` or explicit constants.
    nodata : float, optional
        Digital number meaning "no data" (e.g. 0 for Sentinel-2, 65535 for a uint16 GeoTIFF);
        defaults to ``image.rio.nodata``. Those pixels become NaN, never 0.

    Examples
    --------
    >>> dn = xr.DataArray(np.array([[0, 1500]], dtype="uint16"), dims=("y", "x"))
    >>> to_reflectance(dn, "sentinel2_l2a", nodata=0).astype(float).round(4).values.tolist()
    [[nan, 0.15]]
    """
    if isinstance(scaling, str):
        if scaling not in REFLECTANCE_SCALING:
            raise ValueError(f"unknown scaling {scaling!r}; use one of {sorted(REFLECTANCE_SCALING)} "
                             "or give (scale, offset)")
        scale, offset = REFLECTANCE_SCALING[scaling]
    else:
        scale, offset = map(float, scaling)
    if nodata is None and hasattr(image, "rio"):
        nodata = image.rio.nodata
    refl = image.astype("float32") * np.float32(scale) + np.float32(offset)
    if nodata is not None and not (isinstance(nodata, float) and np.isnan(nodata)):
        refl = refl.where(image != nodata)
    refl = refl.rio.write_nodata(np.nan, encoded=False)
    refl.attrs.update({"units": "reflectance (0-1)", "scaling": f"{scale:g} * DN + {offset:g}"})
    return refl
