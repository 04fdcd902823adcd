"""Checks for ``satellite-indices``, run before the kernel starts."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ... import inputs
from . import choice, date_range, fail, iso_date, positive_int, unit_interval

EOPATCH_MEMBERS = ("bbox.geojson", "timestamps.json", "data/NDVI.npy", "data/CLP.npy", "mask/IS_DATA.npy",
                   "mask/CLM.npy", "mask/IS_VALID.npy", "mask_timeless/LULC.npy")


def _codes(params: dict[str, Any], name: str) -> None:
    names = params[name]
    if not names:
        fail(name, "is empty", "give at least one `code: name` pair")
    bad = [k for k in names if isinstance(k, bool) or not isinstance(k, int)]
    if bad:
        fail(name, f"has keys that are not integer class codes: {bad!r}", "write it as {1: water, 2: forest}")


def check(params: dict[str, Any]) -> None:
    """Refuse impossible thresholds, dates, methods and input files, naming the fix."""
    from ...imagery.bands import REFLECTANCE_SCALING

    unit_interval(params, "cloud_threshold")
    positive_int(params, "cloud_dilation", minimum=0)
    date_range(params, "composite_start", "composite_end")
    choice(params, "composite_method", ["median", "mean", "max", "min"])
    unit_interval(params, "min_valid_fraction")
    positive_int(params, "landsat_chunk", minimum=16)
    g = params["green_threshold"]
    if not isinstance(g, int | float) or not -1 <= g <= 1:
        fail("green_threshold", f"must be an NDVI in [-1, 1], got {g!r}", "give e.g. 0.5")
    choice(params, "landsat_product", sorted(k for k in REFLECTANCE_SCALING if k.startswith("landsat")))
    _codes(params, "lulc_names")
    _codes(params, "landcover_names")

    eop = inputs.resolve(params["eopatch_dir"], "eopatch_dir", kind="dir", log=False)
    missing = [m for m in EOPATCH_MEMBERS if not (eop / m).is_file()]
    if missing:
        fail("eopatch_dir", f"({eop}) lacks {', '.join(missing)}",
             "give a folder in eo-learn's EOPatch layout (see the chapter's 'Rerun on your own data')")
    try:
        stamps = json.loads((eop / "timestamps.json").read_text(encoding="utf-8"))
        days = [date.fromisoformat(str(t)[:10]) for t in stamps]
    except (ValueError, TypeError) as exc:
        fail("eopatch_dir", f"has a timestamps.json that is not a list of ISO dates ({exc})",
             "write it as [\"2017-05-01T10:00:00\", ...]")
    start, end = iso_date(params, "composite_start"), iso_date(params, "composite_end")
    if not any(start <= d <= end for d in days):
        fail("composite_start", f"to 'composite_end' ({start} to {end}) holds none of the {len(days)} dates "
             f"of the series ({min(days)} to {max(days)})", "choose a period inside the series")
    dates = params["scenes_dates"]
    if not dates or any(not isinstance(i, int) or not 0 <= i < len(days) for i in dates):
        fail("scenes_dates", f"must be positions 0..{len(days) - 1} in timestamps.json, got {dates!r}",
             "give one position per scene in scenes_file")
    inputs.resolve(params["scenes_file"], "scenes_file", suffixes=(".npy",), log=False)

    files = params["landsat_files"]
    if not isinstance(files, dict) or not {"B2", "B3", "B4", "B5"} <= set(files):
        fail("landsat_files", f"must map the bands B2, B3, B4, B5 to files, got {files!r}",
             "give {B2: b2.tif, B3: b3.tif, B4: b4.tif, B5: b5.tif}")
    inputs.check_same_grid({f"landsat_files[{b!r}]": f for b, f in files.items()}, log=False)
    inputs.check_raster(params["landcover_file"], "landcover_file", bands=1, log=False)
