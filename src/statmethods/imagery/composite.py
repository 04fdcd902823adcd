"""Cloud-free temporal composites and per-class time series.

A *temporal composite* summarises a stack of scenes pixel by pixel using only the valid
(cloud-free, recorded) observations:

.. math:: C(s) = \\operatorname{median}\\{ x_t(s) : t \\in T,\\ \\mathrm{valid}_t(s) \\},

and is NaN where a pixel has fewer than ``min_count`` valid observations (it is *not* filled
with zero). The per-class time series is the mean of an index over the valid pixels of each
land-use class on each date, left missing when too few of the class's pixels are valid.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr

from .masks import AllNodataError, apply_mask

__all__ = ["class_time_series", "temporal_composite", "valid_count"]

_METHODS = ("median", "mean", "max", "min")


def valid_count(valid: xr.DataArray, dim: str = "time") -> xr.DataArray:
    """Number of valid observations per pixel along ``dim``."""
    out = valid.astype(bool).sum(dim=dim)
    out.name = "valid_count"
    return out


def temporal_composite(image: xr.DataArray, valid: xr.DataArray | None = None, *, method: str = "median",
                       dim: str = "time", min_count: int = 1) -> xr.DataArray:
    """Pixel-wise composite of valid observations along time.

    Parameters
    ----------
    image : xarray.DataArray
        A stack with a ``time`` dimension (any other dimensions, e.g. ``band``, are kept).
        Dask-backed arrays stay lazy; the time axis is put in one chunk.
    valid : xarray.DataArray, optional
        Boolean mask (True = usable) broadcastable to ``image``; NaN pixels of ``image`` are
        always ignored.
    method : {"median", "mean", "max", "min"}
        The per-pixel statistic.
    dim : str
        The time dimension.
    min_count : int
        Pixels with fewer valid observations are NaN in the composite.

    Returns
    -------
    xarray.DataArray
        The composite, without ``dim``.

    Raises
    ------
    ValueError
        Unknown method, missing time dimension, or a mask on another grid.

    Examples
    --------
    >>> x = xr.DataArray(np.array([[0.2], [0.9], [0.4]]), dims=("time", "x"))
    >>> ok = xr.DataArray(np.array([[True], [False], [True]]), dims=("time", "x"))
    >>> temporal_composite(x, ok).round(2).values.tolist()
    [0.3]
    """
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {_METHODS}")
    if dim not in image.dims:
        raise ValueError(f"the image has no {dim!r} dimension (dims {tuple(image.dims)}); "
                         "a temporal composite needs a stack of dates")
    if min_count < 1:
        raise ValueError(f"min_count must be at least 1, got {min_count}")
    x = apply_mask(image, valid) if valid is not None else image
    if x.chunks is not None:
        x = x.chunk({dim: -1})
    n = x.notnull().sum(dim=dim)
    out = getattr(x, method)(dim=dim, skipna=True)
    out = out.where(n >= min_count)
    out.name = f"{image.name or 'composite'}_{method}"
    out.attrs = {**image.attrs, "composite": f"{method} of valid observations along {dim}, "
                                              f"NaN where fewer than {min_count}"}
    if hasattr(image, "rio") and image.rio.crs is not None:
        out = out.rio.write_crs(image.rio.crs)
    return out


def class_time_series(index: xr.DataArray, classes: xr.DataArray, valid: xr.DataArray | None = None, *,
                      class_names: Mapping[int, str] | None = None, min_valid_fraction: float = 0.5,
                      dim: str = "time") -> pd.DataFrame:
    """Mean of an index over each class's valid pixels, per date.

    Parameters
    ----------
    index : xarray.DataArray
        ``(time, y, x)`` index stack (e.g. NDVI).
    classes : xarray.DataArray
        ``(y, x)`` integer class map on the same grid; 0 and negative codes are ignored.
    valid : xarray.DataArray, optional
        ``(time, y, x)`` boolean valid mask.
    class_names : mapping, optional
        Class code -> column name.
    min_valid_fraction : float
        A date's class mean is reported only if at least this share of the class's pixels is
        valid on that date; otherwise it is NaN.
    dim : str
        The time dimension.

    Returns
    -------
    pandas.DataFrame
        Index = dates, columns = classes (mean index); ``df.attrs["valid_fraction"]`` holds the
        matching frame of valid shares.

    Raises
    ------
    AllNodataError
        If no class has any valid observation.
    """
    if not 0 <= min_valid_fraction <= 1:
        raise ValueError(f"min_valid_fraction is a share between 0 and 1, got {min_valid_fraction}")
    for d in ("y", "x"):
        if d not in classes.dims or index.sizes.get(d) != classes.sizes[d]:
            raise ValueError(f"classes and index must share the {d!r} grid; got classes dims "
                             f"{dict(classes.sizes)} and index dims {dict(index.sizes)}")
    x = apply_mask(index, valid) if valid is not None else index
    codes = np.asarray(classes.values)
    labels = [int(c) for c in np.unique(codes) if c > 0]
    means, shares = {}, {}
    for c in labels:
        inclass = xr.DataArray(codes == c, dims=classes.dims)
        xc = x.where(inclass)
        n_valid = xc.notnull().sum(dim=["y", "x"])
        share = n_valid / int(inclass.sum())
        m = xc.mean(dim=["y", "x"], skipna=True).where(share >= min_valid_fraction)
        name = class_names.get(c, str(c)) if class_names else str(c)
        means[name] = m.to_series()
        shares[name] = share.to_series()
    df = pd.DataFrame(means)
    if df.notna().sum().sum() == 0:
        raise AllNodataError("no class has a valid observation on any date; check the valid mask and "
                             "min_valid_fraction")
    df.index.name = dim
    df.attrs["valid_fraction"] = pd.DataFrame(shares)
    return df
