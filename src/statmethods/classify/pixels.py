"""Pixels of an image stack as a feature table, and a classified map from a fitted classifier.

Labelled pixels are extracted from an image stack and a raster of class labels on the same grid.
Pixels close together look alike (spatial autocorrelation) and often come from the same training
polygon, so assess a pixel classifier with spatially separated folds
(:func:`statmethods.classify.folds.spatial_block_folds` on the ``row`` and ``col`` columns), not
random ones (Roberts et al. 2017).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from ..imagery.align import check_same_grid

if TYPE_CHECKING:
    from .validation import Estimator

__all__ = ["labelled_pixels", "predict_map"]


def labelled_pixels(bands: xr.DataArray, labels: xr.DataArray, *,
                    class_names: Mapping[int, str] | None = None) -> pd.DataFrame:
    """Feature table of the labelled pixels: one row per pixel, one column per band.

    Parameters
    ----------
    bands : xarray.DataArray, dims ``(band, y, x)``
        Image stack (e.g. from :func:`statmethods.imagery.align.stack_bands`), nodata as NaN.
    labels : xarray.DataArray, dims ``(y, x)``
        Class codes on the same grid; its nodata value (or NaN) marks unlabelled pixels.
    class_names : mapping of int to str, optional
        Names of the class codes; adds a ``class`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``row``, ``col``, ``x``, ``y`` (pixel centre), one column per band, ``label``
        (int) and, with ``class_names``, ``class``. Pixels with a missing band value are
        dropped; their number is in ``df.attrs["dropped_incomplete"]``.

    Raises
    ------
    CRSMismatchError, GridMismatchError
        If ``labels`` is not on the grid of ``bands``.
    ValueError
        If ``class_names`` misses a label code present in ``labels``.
    """
    if bands.ndim != 3 or "band" not in bands.dims:
        raise ValueError("bands must have dimensions (band, y, x); build it with stack_bands()")
    check_same_grid(labels, bands.isel(band=0), names=("label raster", "image"))
    lab = np.asarray(labels.values, dtype=float)
    nd = labels.rio.nodata
    valid = np.isfinite(lab) if nd is None else np.isfinite(lab) & (lab != nd)
    rows, cols = np.nonzero(valid)
    X = np.asarray(bands.values, dtype=float)[:, rows, cols].T
    complete = np.all(np.isfinite(X), axis=1)
    df = pd.DataFrame({"row": rows, "col": cols,
                       "x": np.asarray(bands.x.values)[cols], "y": np.asarray(bands.y.values)[rows]})
    for i, b in enumerate(bands.band.values):
        df[str(b)] = X[:, i]
    df["label"] = lab[rows, cols].astype(int)
    if class_names is not None:
        missing = sorted(set(df["label"]) - set(class_names))
        if missing:
            raise ValueError(f"class_names has no name for label code(s) {missing}; add them to the mapping")
        df["class"] = df["label"].map(dict(class_names))
    df = df[complete].reset_index(drop=True)
    df.attrs["dropped_incomplete"] = int((~complete).sum())
    return df



def predict_map(estimator: Estimator, bands: xr.DataArray, *, nodata: int = 0,
                chunk: int = 200_000) -> xr.DataArray:
    """Classify every pixel of an image stack with a fitted estimator.

    Parameters
    ----------
    estimator : fitted classifier
        Trained on features in the order of ``bands.band``; its classes must be integers.
    bands : xarray.DataArray, dims ``(band, y, x)``
        The image; pixels with a NaN band get ``nodata``.
    nodata : int
        Code for unclassified pixels.
    chunk : int
        Pixels predicted per call (bounds memory).

    Returns
    -------
    xarray.DataArray
        Integer class map (``uint8`` if codes fit) on the grid of ``bands``.
    """
    if bands.ndim != 3 or "band" not in bands.dims:
        raise ValueError("bands must have dimensions (band, y, x); build it with stack_bands()")
    nb, ny, nx = bands.shape
    X = np.asarray(bands.values, dtype=float).reshape(nb, -1).T
    ok = np.all(np.isfinite(X), axis=1)
    out = np.full(ny * nx, nodata, dtype=np.int64)
    idx = np.flatnonzero(ok)
    for s in range(0, idx.size, chunk):
        part = idx[s:s + chunk]
        out[part] = estimator.predict(X[part])
    dtype = np.uint8 if out.min() >= 0 and out.max() <= 255 else np.int32
    da = bands.isel(band=0, drop=True).copy(data=out.reshape(ny, nx).astype(dtype))
    da = da.rio.write_nodata(nodata)
    da.name = "map"
    return da
