"""Input rasters on one grid, and the outputs of an out-of-core run: COG and cluster tables.

Examples
--------
>>> import numpy as np, rasterio, tempfile, os
>>> from rasterio.transform import from_origin
>>> d = tempfile.mkdtemp()
>>> for name in ("pop", "land"):
...     with rasterio.open(os.path.join(d, f"{name}.tif"), "w", driver="GTiff", height=3, width=4,
...                        count=1, dtype="float32", crs="ESRI:54009",
...                        transform=from_origin(0, 3000, 1000, 1000)) as f:
...         f.write(np.ones((1, 3, 4), "float32"))
>>> check_aligned({"population": os.path.join(d, "pop.tif"), "land": os.path.join(d, "land.tif")})["shape"]
(3, 4)
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from .export import BAND_DESCRIPTIONS, geotiff_profile

__all__ = ["check_aligned", "write_cog", "write_tables"]


def check_aligned(paths: dict[str, str | os.PathLike | None]) -> dict:
    """Read only the headers of the input rasters and refuse any that is not on the population's grid.

    Returns the grid's ``shape``, ``crs``, ``res`` (cell sides in CRS units), ``transform`` and the
    population's ``dtype``.

    Raises
    ------
    ValueError
        A missing file, a file with more than one band, or a CRS, cell size, origin or shape that
        differs from the population's; each message names the file and the fix.
    """
    import rasterio

    info: dict = {}
    for name, path in paths.items():
        if path is None:
            continue
        if not os.path.isfile(path):
            raise ValueError(
                f"{name} file {os.fspath(path)!r} does not exist; give the path of a GeoTIFF or VRT"
            )
        with rasterio.open(path) as src:
            if src.count != 1:
                raise ValueError(
                    f"{name} file {os.fspath(path)!r} has {src.count} bands; give a single-band raster"
                )
            here = {
                "shape": (src.height, src.width),
                "crs": src.crs,
                "transform": src.transform,
                "res": (abs(src.transform.a), abs(src.transform.e)),
                "dtype": src.dtypes[0],
            }
        if not info:
            info = here
            continue
        for key, what in (
            ("crs", "CRS"),
            ("shape", "shape (rows, columns)"),
            ("transform", "origin or cell size"),
        ):
            same = here[key] == info[key] if key != "transform" else here[key].almost_equals(info[key])
            if not same:
                raise ValueError(
                    f"{name} file {os.fspath(path)!r} is not on the population grid: its {what} is "
                    f"{here[key]} against {info[key]}. Align it first (gdalwarp -tr/-te, or "
                    "rioxarray's reproject_match); nothing was computed or written."
                )
    return info


def write_cog(
    level1: np.ndarray,
    level2: np.ndarray,
    path: str | os.PathLike,
    crs: object,
    transform: object,
    *,
    block: int = 512,
    workdir: str | None = None,
) -> None:
    """Write both levels as a cloud-optimised GeoTIFF (tiled, deflate, overviews by nearest class).

    The bands are copied window by window, so the class grids may be memory maps of any size.
    """
    import tempfile

    import rasterio
    from rasterio.shutil import copy as rio_copy
    from rasterio.windows import Window

    h, w = level1.shape
    tmp = os.path.join(workdir or tempfile.mkdtemp(prefix="degurba-cog-"), "classes.tif")
    with rasterio.open(tmp, "w", **geotiff_profile(h, w, crs, transform, tiled=True, block=block)) as dst:
        for r0 in range(0, h, block):
            r1 = min(h, r0 + block)
            win = Window(0, r0, w, r1 - r0)
            dst.write(np.asarray(level1[r0:r1]), 1, window=win)
            dst.write(np.asarray(level2[r0:r1]), 2, window=win)
        for i, d in enumerate(BAND_DESCRIPTIONS, 1):
            dst.set_band_description(i, d)
    rio_copy(
        tmp,
        os.fspath(path),
        driver="COG",
        COMPRESS="DEFLATE",
        BLOCKSIZE=str(block),
        OVERVIEW_RESAMPLING="NEAREST",
        BIGTIFF="IF_SAFER",
    )
    os.remove(tmp)


def write_tables(tables: dict[str, pd.DataFrame], grid_path: str | os.PathLike) -> list[str]:
    """Write each table as ``<grid name>_<key>.csv`` beside the grid; returns the paths written."""
    stem = os.path.splitext(os.fspath(grid_path))[0]
    out = []
    for key, t in tables.items():
        path = f"{stem}_{key}.csv"
        t.to_csv(path)
        out.append(path)
    return out
