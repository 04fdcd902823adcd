"""Checks for ``satellite-green-space`` (SDG 11.7.1 proxies), run before the kernel starts.

Besides single values, the checks test the relations that the notebook would otherwise meet
late: the three GHSL grids on one 1 km equal-area grid with finite, non-negative values and some
population; class-name mappings that are not empty; the urban classes present in the land-use
and land-cover rasters; a composite window that holds dates of the EOPatch; and a land-cover map
that overlaps the Landsat scene.
"""

from __future__ import annotations

import json
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
    if not isinstance(thr, int | float) or isinstance(thr, bool) or not -1 <= thr <= 1:
        fail("ndvi_threshold", f"must be an NDVI in [-1, 1], got {thr!r}", "give e.g. 0.5")
    unit_interval(params, "cloud_threshold", open_=True)
    positive(params, "centre_density")
    positive(params, "centre_population")
    date_range(params, "composite_start", "composite_end")
    date_range(params, "ee_start", "ee_end")
    choice(params, "ee_year", list(range(1975, 2031, 5)))
    choice(params, "landsat_product", sorted(k for k in REFLECTANCE_SCALING if k.startswith("landsat")))
    for names, urban in (("lulc_names", "urban_lulc_class"), ("landcover_names", "urban_landcover_class")):
        _class_names(params, names)
        choice(params, urban, list(params[names].values()))
    if backend == "earthengine":
        return
    _check_ghsl(params)
    _check_eopatch(params)
    _check_landsat(params)


def _class_names(params: dict[str, Any], name: str) -> dict[int, str]:
    """A non-empty mapping of integer class codes to distinct names."""
    names = params[name]
    if not isinstance(names, dict) or not names:
        fail(name, f"must map class codes to names and not be empty, got {names!r}",
             "give e.g. {1: water, 2: built, 3: forest}")
    try:
        codes = {int(k): str(v) for k, v in names.items()}
    except (TypeError, ValueError):
        fail(name, f"has class codes that are not integers: {list(names)!r}",
             "use the raster's integer codes")
    if len(set(codes.values())) != len(codes):
        fail(name, "gives one name to several codes", "give each class code its own name")
    return codes


def _check_ghsl(params: dict[str, Any]) -> None:
    """One 1 km equal-area grid; finite, non-negative surfaces and population, some of it."""
    import numpy as np
    import rasterio

    grids = inputs.check_same_grid({n: params[n] for n in ("pop_file", "land_file", "built_file")}, log=False)
    ref = grids["pop_file"]
    if ref["crs"].is_geographic:
        fail("pop_file", f"is in the geographic CRS {ref['crs'].to_string()}",
             "use an equal-area grid such as Mollweide (ESRI:54009) with 1 km cells")
    res = (abs(ref["transform"][0]), abs(ref["transform"][4]))
    if any(abs(r - 1000.0) > 1e-6 for r in res):
        fail("pop_file", f"has cells of {res[0]:g} x {res[1]:g} map units, but urban centres are defined "
             "on 1 km cells", "aggregate the grids to 1000 m cells (sum counts and surfaces), e.g. "
             "`gdalwarp -tr 1000 1000 -r sum`")
    if min(ref["shape"]) < 2:
        fail("pop_file", f"has only {ref['shape'][0]} x {ref['shape'][1]} cells",
             "give a grid of at least 2 x 2 cells")
    for name, what in (("pop_file", "population"), ("land_file", "land surface"),
                       ("built_file", "built-up surface")):
        with rasterio.open(grids[name]["path"]) as src:
            values = src.read(1, masked=True)
        if values.count() == 0:
            fail(name, f"has no cell with data: every {what} value is nodata",
                 "give a grid with data, or check its nodata value")
        if not np.isfinite(values.compressed()).all():
            fail(name, f"has non-finite {what} values (NaN or inf) that are not marked as nodata",
                 "mark missing cells with the file's nodata value")
        if (values < 0).any():
            fail(name, f"has {int((values < 0).sum())} cells with a negative {what}",
                 "correct the grid or mark those cells as nodata")
        if name == "pop_file" and float(values.sum()) <= 0:
            fail(name, "has no population (all cells with data are 0)",
                 "give the population grid of the area, not an empty one")


def _check_eopatch(params: dict[str, Any]) -> None:
    """The EOPatch layout, dates inside the composite window, the urban land-use class present."""
    import numpy as np

    eop = inputs.resolve(params["eopatch_dir"], "eopatch_dir", kind="dir", log=False)
    missing = [m for m in EOPATCH_MEMBERS if not (eop / m).is_file()]
    if missing:
        fail("eopatch_dir", f"({eop}) lacks {', '.join(missing)}",
             "give a folder in eo-learn's EOPatch layout (see satellite-indices)")
    try:
        stamps = [str(t)[:10] for t in json.loads((eop / "timestamps.json").read_text(encoding="utf-8"))]
    except (ValueError, TypeError, OSError) as exc:
        fail("eopatch_dir", f"has a timestamps.json that cannot be read as a list of dates ({exc})",
             "write timestamps.json as a JSON list of ISO dates")
    start, end = str(params["composite_start"]), str(params["composite_end"])
    if not any(start <= t <= end for t in stamps):
        span = f"{min(stamps)} to {max(stamps)}" if stamps else "no dates"
        fail("composite_start", f"and composite_end ({start} to {end}) hold no date of the EOPatch ({span})",
             "choose a composite window inside the dates of the series")
    lulc = _class_names(params, "lulc_names")
    code = {v: k for k, v in lulc.items()}[params["urban_lulc_class"]]
    if (eop / "mask_timeless/LULC.npy").is_file():
        present = np.unique(np.load(eop / "mask_timeless/LULC.npy", allow_pickle=False))
        if code not in present:
            fail("urban_lulc_class", f"{params['urban_lulc_class']!r} (code {code}) does not occur in "
                 f"{eop / 'mask_timeless/LULC.npy'}", f"choose a class whose code is one of "
                 f"{', '.join(str(int(c)) for c in present)}, or correct lulc_names")


def _check_landsat(params: dict[str, Any]) -> None:
    """B4 and B5 on one grid; a land-cover map that overlaps them and holds the urban class."""
    import numpy as np
    import rasterio
    from rasterio.warp import transform_bounds

    files = params["landsat_files"]
    if not isinstance(files, dict) or not {"B4", "B5"} <= set(files):
        fail("landsat_files", f"must map the bands B4 and B5 to files, got {files!r}",
             "give {B4: red.tif, B5: nir.tif}")
    bands = inputs.check_same_grid({f"landsat_files[{b!r}]": f for b, f in files.items()}, log=False)
    info = inputs.check_raster(params["landcover_file"], "landcover_file", bands=1, log=False)
    ref = next(iter(bands.values()))
    with rasterio.open(ref["path"]) as src:
        scene = src.bounds
    with rasterio.open(info["path"]) as src:
        lc = transform_bounds(src.crs, ref["crs"], *src.bounds)
        values = src.read(1, masked=True)
    if lc[0] >= scene.right or lc[2] <= scene.left or lc[1] >= scene.top or lc[3] <= scene.bottom:
        fail("landcover_file", f"({info['path']}) does not overlap the Landsat scene of landsat_files",
             "give the land-cover map of the same area as the Landsat bands")
    lc_names = _class_names(params, "landcover_names")
    code = {v: k for k, v in lc_names.items()}[params["urban_landcover_class"]]
    if code not in np.unique(values.compressed()):
        fail("urban_landcover_class", f"{params['urban_landcover_class']!r} (code {code}) does not occur "
             f"in {info['path']}",
             "choose a class that occurs in the land-cover map, or correct landcover_names")
