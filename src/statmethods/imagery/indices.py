"""Normalised-difference spectral indices: NDVI, NDWI, NDBI.

A normalised difference of two bands ``a`` and ``b`` is

.. math:: \\mathrm{ND}(a, b) = \\frac{a - b}{a + b},

which lies in ``[-1, 1]`` for non-negative reflectances. The three indices used in the
handbook are

- NDVI (Rouse et al. 1974; Tucker 1979): ``ND(nir, red)``, green vegetation;
- NDWI (McFeeters 1996): ``ND(green, nir)``, open water;
- NDBI (Zha et al. 2003): ``ND(swir1, nir)``, built-up and bare surfaces.

All functions are plain xarray arithmetic, so they stay lazy on dask-backed images and run
chunk by chunk. Nodata (NaN) in either band gives NaN, and so does a zero denominator
(``a + b = 0``, e.g. both bands 0 in a fill area): a missing pixel is never turned into 0.
"""

from __future__ import annotations

from collections.abc import Mapping

import xarray as xr

from .bands import SENSOR_BANDS, MissingBandError, require_bands

__all__ = ["INDEX_BANDS", "ndbi", "ndvi", "ndwi", "normalized_difference", "spectral_index"]

#: Index -> (role of band ``a``, role of band ``b``) in ``(a - b) / (a + b)``. The Earth Engine
#: backend reads this table too, so both backends use the same bands.
INDEX_BANDS: dict[str, tuple[str, str]] = {
    "ndvi": ("nir", "red"),
    "ndwi": ("green", "nir"),
    "ndbi": ("swir1", "nir"),
}


def normalized_difference(a: xr.DataArray, b: xr.DataArray) -> xr.DataArray:
    """``(a - b) / (a + b)``, NaN where either input is NaN or ``a + b == 0``.

    Examples
    --------
    >>> import numpy as np
    >>> a = xr.DataArray(np.array([0.5, np.nan, 0.0]))
    >>> b = xr.DataArray(np.array([0.1, 0.2, 0.0]))
    >>> normalized_difference(a, b).round(4).values.tolist()
    [0.6667, nan, nan]
    """
    total = a + b
    out = ((a - b) / total.where(total != 0))
    return out


def spectral_index(image: xr.DataArray, index: str, *, sensor: str = "sentinel2",
                   bands: Mapping[str, str] | None = None, band_dim: str = "band") -> xr.DataArray:
    """Compute a normalised-difference index from a multi-band image.

    Parameters
    ----------
    image : xarray.DataArray
        Reflectances with a ``band`` dimension labelled by band names (dask-backed is fine).
    index : str
        ``"ndvi"``, ``"ndwi"`` or ``"ndbi"`` (see :data:`INDEX_BANDS`).
    sensor : str
        Sensor whose band names to use: ``"sentinel2"`` or ``"landsat8"``.
    bands : mapping, optional
        Role -> band name overrides, e.g. ``{"nir": "B8A"}`` for the 20 m narrow NIR band.
    band_dim : str
        Name of the band dimension.

    Returns
    -------
    xarray.DataArray
        The index, without the band dimension, named after the index.

    Raises
    ------
    MissingBandError
        If the image lacks a band the index needs.

    Examples
    --------
    >>> import numpy as np
    >>> img = xr.DataArray(np.array([[[0.05]], [[0.40]]]), dims=("band", "y", "x"),
    ...                    coords={"band": ["B04", "B08"]})
    >>> float(spectral_index(img, "ndvi").round(4).squeeze())
    0.7778
    """
    key = index.lower()
    if key not in INDEX_BANDS:
        raise ValueError(f"unknown index {index!r}; available: {sorted(INDEX_BANDS)}")
    if sensor not in SENSOR_BANDS:
        raise ValueError(f"unknown sensor {sensor!r}; use one of {sorted(SENSOR_BANDS)} or pass bands=")
    roles = {**SENSOR_BANDS[sensor], **(dict(bands) if bands else {})}
    role_a, role_b = INDEX_BANDS[key]
    for role in (role_a, role_b):
        if role not in roles:
            raise MissingBandError(f"{key.upper()} needs a {role!r} band, which sensor {sensor!r} does "
                                   f"not have; pass bands={{'{role}': '<band name>'}}")
    name_a, name_b = roles[role_a], roles[role_b]
    require_bands(image, [name_a, name_b], band_dim=band_dim)
    out = normalized_difference(image.sel({band_dim: name_a}, drop=True),
                                image.sel({band_dim: name_b}, drop=True))
    out.name = key
    out.attrs = {"long_name": key.upper(), "formula": f"({name_a} - {name_b}) / ({name_a} + {name_b})",
                 "units": "1"}
    return out


def ndvi(image: xr.DataArray, *, sensor: str = "sentinel2", bands: Mapping[str, str] | None = None,
         band_dim: str = "band") -> xr.DataArray:
    """Normalised difference vegetation index ``(nir - red) / (nir + red)``.

    See :func:`spectral_index` for the parameters.

    Examples
    --------
    >>> import numpy as np
    >>> img = xr.DataArray(np.array([[[0.08]], [[0.30]]]), dims=("band", "y", "x"),
    ...                    coords={"band": ["B4", "B5"]})
    >>> float(ndvi(img, sensor="landsat8").round(4).squeeze())
    0.5789
    """
    return spectral_index(image, "ndvi", sensor=sensor, bands=bands, band_dim=band_dim)


def ndwi(image: xr.DataArray, *, sensor: str = "sentinel2", bands: Mapping[str, str] | None = None,
         band_dim: str = "band") -> xr.DataArray:
    """Normalised difference water index (McFeeters 1996) ``(green - nir) / (green + nir)``.

    See :func:`spectral_index` for the parameters.
    """
    return spectral_index(image, "ndwi", sensor=sensor, bands=bands, band_dim=band_dim)


def ndbi(image: xr.DataArray, *, sensor: str = "sentinel2", bands: Mapping[str, str] | None = None,
         band_dim: str = "band") -> xr.DataArray:
    """Normalised difference built-up index (Zha et al. 2003) ``(swir1 - nir) / (swir1 + nir)``.

    See :func:`spectral_index` for the parameters.
    """
    return spectral_index(image, "ndbi", sensor=sensor, bands=bands, band_dim=band_dim)
