"""Checks for ``satellite-green-space`` (SDG 11.7.1 proxies), run before the kernel starts."""

from __future__ import annotations

import os
from typing import Any

from ... import inputs
from . import choice, date_range, fail, positive, unit_interval
from .satellite_indices import EOPATCH_MEMBERS


def check(params: dict[str, Any]) -> None:
    """Refuse impossible thresholds, missing credentials and misaligned grids, naming the fix."""
    from ...imagery.bands import REFLECTANCE_SCALING

    backend = choice(params, "backend", ["local", "earthengine"])
    if backend == "earthengine" and not (params["ee_project"] or os.environ.get("EE_PROJECT")):
        fail("ee_project", "is needed with backend='earthengine'",
             "give the Google Cloud project registered for Earth Engine, or set EE_PROJECT")
    thr = params["ndvi_threshold"]
    if not isinstance(thr, int | float) or not -1 <= thr <= 1:
        fail("ndvi_threshold", f"must be an NDVI in [-1, 1], got {thr!r}", "give e.g. 0.5")
    unit_interval(params, "cloud_threshold", open_=True)
    positive(params, "centre_density")
    positive(params, "centre_population")
    date_range(params, "composite_start", "composite_end")
    date_range(params, "ee_start", "ee_end")
    choice(params, "ee_year", list(range(1975, 2031, 5)))
    choice(params, "landsat_product", sorted(k for k in REFLECTANCE_SCALING if k.startswith("landsat")))
    choice(params, "urban_lulc_class", list(params["lulc_names"].values()))
    choice(params, "urban_landcover_class", list(params["landcover_names"].values()))
    if backend == "earthengine":
        return
    grids = inputs.check_same_grid({n: params[n] for n in ("pop_file", "land_file", "built_file")}, log=False)
    if grids["pop_file"]["crs"].is_geographic:
        fail("pop_file", f"is in the geographic CRS {grids['pop_file']['crs'].to_string()}",
             "use an equal-area grid such as Mollweide (ESRI:54009) with 1 km cells")
    import numpy as np
    import rasterio

    with rasterio.open(grids["pop_file"]["path"]) as src:
        pop = src.read(1, masked=True)
    if (pop < 0).any():
        fail("pop_file", f"has {int((pop < 0).sum())} cells with a negative population",
             "correct the grid or mark those cells as nodata")
    if not np.isfinite(pop.filled(0)).all():
        fail("pop_file", "has non-finite values", "mark missing cells with the file's nodata value")
    eop = inputs.resolve(params["eopatch_dir"], "eopatch_dir", kind="dir", log=False)
    missing = [m for m in EOPATCH_MEMBERS if not (eop / m).is_file()]
    if missing:
        fail("eopatch_dir", f"({eop}) lacks {', '.join(missing)}",
             "give a folder in eo-learn's EOPatch layout (see satellite-indices)")
    files = params["landsat_files"]
    if not isinstance(files, dict) or not {"B4", "B5"} <= set(files):
        fail("landsat_files", f"must map the bands B4 and B5 to files, got {files!r}",
             "give {B4: red.tif, B5: nir.tif}")
    inputs.check_same_grid({f"landsat_files[{b!r}]": f for b, f in files.items()}, log=False)
    inputs.check_raster(params["landcover_file"], "landcover_file", bands=1, log=False)
