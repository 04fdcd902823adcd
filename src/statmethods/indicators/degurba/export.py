"""Writing classified grids: a tiled, compressed two-band GeoTIFF in GHS-SMOD / flexurba codes.

Examples
--------
>>> import numpy as np, rasterio, tempfile, os
>>> from rasterio.transform import from_origin
>>> from statmethods.indicators.degurba import classify_grid
>>> pop = np.full((5, 5), 100.0); pop[1:4, 1:4] = 6000.0
>>> r = classify_grid(pop, require_1km=False)
>>> f = os.path.join(tempfile.mkdtemp(), "degurba_grid.tif")
>>> write_degurba_geotiff(r, f, crs="ESRI:54009", transform=from_origin(0, 5000, 1000, 1000))
>>> with rasterio.open(f) as src:
...     int(src.read(1)[2, 2]), int(src.read(2)[2, 2]), src.count
(3, 30, 2)
"""

from __future__ import annotations

import os

import numpy as np
from affine import Affine
from rasterio.crs import CRS

from .parameters import NODATA
from .result import DegurbaGrid

__all__ = ["BAND_DESCRIPTIONS", "geotiff_profile", "write_degurba_geotiff"]

BAND_DESCRIPTIONS = ("DEGURBA level 1 (GHS-SMOD L1 codes)", "DEGURBA level 2 (GHS-SMOD L2 codes)")


def geotiff_profile(height: int, width: int, crs: CRS | str, transform: Affine, *,
                    tiled: bool = False, block: int = 512) -> dict:
    """The rasterio profile of a class GeoTIFF: two uint8 bands, nodata 255, deflate.

    ``tiled=True`` gives internal tiles of ``block`` cells (the layout of a cloud-optimised GeoTIFF).

    Examples
    --------
    >>> from rasterio.transform import from_origin
    >>> geotiff_profile(10, 20, "ESRI:54009", from_origin(0, 0, 1000, 1000))["count"]
    2
    """
    prof = {"driver": "GTiff", "height": height, "width": width, "count": 2, "dtype": "uint8",
            "crs": crs, "transform": transform, "nodata": NODATA, "compress": "deflate"}
    if tiled:
        prof.update(tiled=True, blockxsize=block, blockysize=block, BIGTIFF="IF_SAFER")
    return prof


def write_degurba_geotiff(result: DegurbaGrid, path: str | os.PathLike, *, crs: CRS | str | None = None,
                          transform: Affine | None = None) -> None:
    """Write both levels as a two-band GeoTIFF in the GHS-SMOD / flexurba class codes.

    Band 1 is level 1 (0 water, 1 rural, 2 urban cluster, 3 urban centre), band 2 is level 2
    (10, 11, 12, 13, 21, 22, 23, 30); cells without data are 255 (the nodata value).

    Parameters
    ----------
    result : DegurbaGrid
    path : str or path-like
    crs, transform : optional
        Needed when the grid was classified from numpy arrays (xarray input carries both).
    """
    import rasterio
    from rasterio.transform import from_origin

    if result.coords:
        x = np.asarray(result.coords["x"], dtype=float)
        y = np.asarray(result.coords["y"], dtype=float)
        res = float(np.sqrt(result.cell_km2) * 1000.0)
        transform = transform or from_origin(x[0] - res / 2, y[0] + res / 2, res, res)
        crs = crs or result.coords["crs"]
    if transform is None or crs is None:
        raise ValueError("the grid has no coordinates: pass crs= and transform= (e.g. from the input "
                         "GeoTIFF's profile) to write a GeoTIFF")
    h, w = result.level1.shape
    with rasterio.open(path, "w", **geotiff_profile(h, w, crs, transform)) as dst:
        dst.write(result.level1.astype(np.uint8), 1)
        dst.write(result.level2.astype(np.uint8), 2)
        for i, d in enumerate(BAND_DESCRIPTIONS, 1):
            dst.set_band_description(i, d)
