"""Cloud masks and valid-data masks for optical imagery.

A pixel of a scene is *usable* when the sensor recorded it (``is_data``) and it is not
covered by cloud or cloud shadow (``cloud``):

.. math:: \\mathrm{valid} = \\mathrm{is\\_data} \\wedge \\neg \\mathrm{cloud}.

Three cloud masks are implemented, each with the constants the Earth Engine backend reuses:

- a threshold on a cloud *probability* (s2cloudless, Zupanc 2017; default 0.4, optionally after
  averaging over a disk and dilating, as s2cloudless does);
- the Sentinel-2 L2A scene classification layer ``SCL`` (classes 3 cloud shadow, 8 and 9
  cloud medium/high probability, 10 thin cirrus);
- the Sentinel-2 ``QA60`` bit mask (bit 10 opaque cloud, bit 11 cirrus).

Masks are boolean DataArrays; applying one turns masked pixels into NaN (never 0). Every
function is lazy on dask-backed arrays; focal operations use overlapping chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import xarray as xr
from scipy import ndimage

__all__ = [
    "QA60_CIRRUS_BIT",
    "QA60_CLOUD_BIT",
    "S2CLOUDLESS_THRESHOLD",
    "SCL_CLASSES",
    "SCL_CLOUD_CLASSES",
    "SCL_NODATA_CLASSES",
    "AllNodataError",
    "apply_mask",
    "cloud_fraction",
    "cloud_mask_from_probability",
    "qa60_cloud_mask",
    "require_data",
    "scl_cloud_mask",
    "valid_mask",
]

#: Sentinel-2 L2A scene classification (SCL) classes.
SCL_CLASSES: dict[int, str] = {
    0: "no data", 1: "saturated or defective", 2: "dark area pixels", 3: "cloud shadows",
    4: "vegetation", 5: "not vegetated", 6: "water", 7: "unclassified", 8: "cloud medium probability",
    9: "cloud high probability", 10: "thin cirrus", 11: "snow",
}
#: SCL classes treated as cloud (shadow, medium and high probability cloud, cirrus).
SCL_CLOUD_CLASSES: tuple[int, ...] = (3, 8, 9, 10)
#: SCL classes treated as no data.
SCL_NODATA_CLASSES: tuple[int, ...] = (0, 1)
#: QA60 bit flagging opaque clouds.
QA60_CLOUD_BIT: int = 10
#: QA60 bit flagging cirrus.
QA60_CIRRUS_BIT: int = 11
#: s2cloudless default probability threshold.
S2CLOUDLESS_THRESHOLD: float = 0.4


class AllNodataError(ValueError):
    """An array (a tile, a scene, a zone) holds no valid pixel at all."""


def _disk(radius: int) -> np.ndarray:
    y, x = np.ogrid[-radius:radius + 1, -radius:radius + 1]
    return (x * x + y * y <= radius * radius)


def _focal(da: xr.DataArray, fn: Callable[[np.ndarray], np.ndarray], radius: int,
           dtype: type) -> xr.DataArray:
    """Apply an n-d scipy filter acting on (y, x) only, with chunk overlap for dask arrays."""
    if "y" not in da.dims or "x" not in da.dims:
        raise ValueError(f"a focal operation needs 'y' and 'x' dimensions; got {tuple(da.dims)}")
    order = [d for d in da.dims if d not in ("y", "x")] + ["y", "x"]
    da = da.transpose(*order)
    nd = da.ndim
    if hasattr(da.data, "map_overlap"):
        data = da.data.map_overlap(fn, depth={nd - 2: radius, nd - 1: radius}, boundary="none", dtype=dtype)
    else:
        data = fn(np.asarray(da.data))
    return da.copy(data=data)


def cloud_mask_from_probability(probability: xr.DataArray, threshold: float = S2CLOUDLESS_THRESHOLD, *,
                                average_over: int = 0, dilation: int = 0) -> xr.DataArray:
    """Cloud mask from a cloud probability, the s2cloudless way.

    Parameters
    ----------
    probability : xarray.DataArray
        Cloud probability in ``[0, 1]`` with ``y``/``x`` dimensions (e.g. eo-learn ``CLP``, or
        ``COPERNICUS/S2_CLOUD_PROBABILITY`` divided by 100). NaN (no data) is never flagged.
    threshold : float
        A pixel is cloud when its (averaged) probability exceeds this value.
    average_over : int
        Radius in pixels of a disk over which the probability is first averaged (0: none).
    dilation : int
        Radius in pixels of a disk by which the cloud mask is then dilated (0: none).

    Returns
    -------
    xarray.DataArray
        Boolean, ``True`` = cloud.

    Examples
    --------
    >>> p = xr.DataArray(np.array([[0.1, 0.5], [0.39, 0.41]]), dims=("y", "x"))
    >>> cloud_mask_from_probability(p).values.tolist()
    [[False, True], [False, True]]
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold is a probability strictly between 0 and 1, got {threshold!r}")
    if average_over < 0 or dilation < 0:
        raise ValueError("average_over and dilation are radii in pixels and cannot be negative")
    nodata = probability.isnull()
    prob = probability.fillna(0.0)
    if average_over:
        k = _disk(average_over).astype(float)
        k /= k.sum()

        def _avg(a: np.ndarray) -> np.ndarray:
            return ndimage.convolve(a.astype(float), k.reshape((1,) * (a.ndim - 2) + k.shape), mode="reflect")

        prob = _focal(prob, _avg, average_over, float)
    cloud = (prob > threshold).transpose(*probability.dims)
    if dilation:
        fp = _disk(dilation)

        def _dil(a: np.ndarray) -> np.ndarray:
            return ndimage.binary_dilation(a, structure=fp.reshape((1,) * (a.ndim - 2) + fp.shape))

        cloud = _focal(cloud, _dil, dilation, bool).transpose(*probability.dims)
    cloud = cloud & ~nodata
    cloud.name = "cloud"
    return cloud


def scl_cloud_mask(scl: xr.DataArray, classes: Sequence[int] = SCL_CLOUD_CLASSES) -> xr.DataArray:
    """Cloud mask from the Sentinel-2 L2A scene classification layer: ``SCL in classes``.

    Examples
    --------
    >>> scl = xr.DataArray(np.array([[4, 8], [3, 11]]), dims=("y", "x"))
    >>> scl_cloud_mask(scl).values.tolist()
    [[False, True], [True, False]]
    """
    bad = [c for c in classes if c not in SCL_CLASSES]
    if bad:
        raise ValueError(f"{bad} are not SCL classes; valid classes are 0..11 ({SCL_CLASSES})")
    out = scl.isin(list(classes))
    out.name = "cloud"
    return out


def qa60_cloud_mask(qa60: xr.DataArray, *, cirrus: bool = True) -> xr.DataArray:
    """Cloud mask from the Sentinel-2 ``QA60`` band: bit 10 (opaque) or, if ``cirrus``, bit 11.

    Examples
    --------
    >>> qa = xr.DataArray(np.array([0, 1024, 2048, 3072]), dims=("x",))
    >>> qa60_cloud_mask(qa).values.tolist(), qa60_cloud_mask(qa, cirrus=False).values.tolist()
    ([False, True, True, True], [False, True, False, True])
    """
    bits = 1 << QA60_CLOUD_BIT
    if cirrus:
        bits |= 1 << QA60_CIRRUS_BIT
    q = qa60.fillna(0).astype("int64") if np.issubdtype(qa60.dtype, np.floating) else qa60
    out = (q & bits) != 0
    out.name = "cloud"
    return out


def valid_mask(is_data: xr.DataArray, cloud: xr.DataArray | None = None) -> xr.DataArray:
    """Usable pixels: recorded by the sensor and not cloudy, ``is_data & ~cloud``.

    This is eo-learn's ``IS_VALID`` definition.

    Raises
    ------
    ValueError
        If the two masks are not on the same coordinates.
    """
    data = is_data.astype(bool)
    if cloud is None:
        out = data
    else:
        try:
            data, cloud = xr.align(data, cloud.astype(bool), join="exact")
        except ValueError as exc:
            raise ValueError("is_data and cloud masks are on different grids or dates; put them on one grid "
                             f"first (rio.reproject_match) ({exc})") from exc
        out = data & ~cloud
    out.name = "valid"
    return out


def apply_mask(image: xr.DataArray, valid: xr.DataArray) -> xr.DataArray:
    """Set pixels where ``valid`` is False to NaN (not to 0).

    Raises
    ------
    ValueError
        If the mask and the image have different ``y``/``x``/``time`` coordinates.

    Examples
    --------
    >>> img = xr.DataArray(np.array([[0.2, 0.7]]), dims=("y", "x"))
    >>> apply_mask(img, xr.DataArray(np.array([[True, False]]), dims=("y", "x"))).values.tolist()
    [[0.2, nan]]
    """
    shared = [d for d in valid.dims if d in image.dims]
    for d in shared:
        if d in image.coords and d in valid.coords and not image[d].equals(valid[d]):
            raise ValueError(f"the mask and the image have different {d!r} coordinates; put the mask on the "
                             "image grid first (mask.rio.reproject_match(image, resampling=nearest))")
        if image.sizes[d] != valid.sizes[d]:
            raise ValueError(f"the mask has {valid.sizes[d]} {d!r} steps but the image has {image.sizes[d]}")
    return image.where(valid.astype(bool))


def cloud_fraction(cloud: xr.DataArray, is_data: xr.DataArray | None = None,
                   dims: Sequence[str] = ("y", "x")) -> xr.DataArray:
    """Share of *observed* pixels flagged as cloud (no-data pixels are left out of the denominator).

    Returns NaN for a scene with no observed pixel.
    """
    cloud = cloud.astype(bool)
    if is_data is None:
        return cloud.mean(dim=list(dims))
    data = is_data.astype(bool)
    n = data.sum(dim=list(dims))
    return (cloud & data).sum(dim=list(dims)) / n.where(n > 0)


def require_data(array: xr.DataArray, what: str = "the array") -> None:
    """Raise :class:`AllNodataError` if ``array`` has no non-NaN value (computes a dask array).

    Examples
    --------
    >>> require_data(xr.DataArray(np.array([np.nan, 1.0])))  # fine
    """
    if not bool(array.notnull().any()):
        raise AllNodataError(
            f"{what} holds no valid pixel (all nodata or masked); check the nodata value, the cloud mask "
            "threshold and that the area of interest overlaps the image")
