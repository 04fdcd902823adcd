"""Bad inputs for satellite-indices."""

from dataclasses import replace
from pathlib import Path

import numpy as np

from . import BadInput, hostile_common, truncated_raster


def _other_grid(tmp: Path) -> None:
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(tmp / "b4.tif", "w", driver="GTiff", height=5, width=5, count=1, dtype="uint16",
                       crs="EPSG:32612", transform=from_origin(300000, 4100000, 30, 30)) as dst:
        dst.write(np.ones((1, 5, 5), dtype="uint16"))


def _half_eopatch(tmp: Path) -> None:
    (tmp / "eop" / "data").mkdir(parents=True)
    (tmp / "eop" / "bbox.geojson").write_text("{}")


DEFAULT_LANDSAT = {f"B{i}": f"landsat8-zion/landsat_b{i}.tif" for i in (2, 3, 4, 5)}

CASES = [
    BadInput("cloud-threshold-above-1", {"cloud_threshold": 1.5},
             "parameter 'cloud_threshold' must be in [0, 1]"),
    BadInput("negative-dilation", {"cloud_dilation": -1}, "'cloud_dilation' must be a positive integer"),
    BadInput("start-after-end", {"composite_start": "2017-09-30", "composite_end": "2017-05-01"},
             "must be before 'composite_end'"),
    BadInput("date-does-not-parse", {"composite_start": "May 2017"}, "not a date in the form yyyy-mm-dd"),
    BadInput("period-outside-series", {"composite_start": "2020-01-01", "composite_end": "2020-12-31"},
             "holds none of the 68 dates"),
    BadInput("unknown-method", {"composite_method": "mode"}, "'composite_method' must be one of"),
    BadInput("eopatch-missing", {"eopatch_dir": "no/such/folder"}, "file not found"),
    BadInput("eopatch-incomplete", {"eopatch_dir": "{tmp}/eop"}, "lacks timestamps.json",
             files=_half_eopatch),
    BadInput("landsat-band-missing", {"landsat_files": {"B2": "a.tif"}}, "must map the bands b2, b3, b4, b5"),
    BadInput("landsat-grids-differ", {"landsat_files": {**DEFAULT_LANDSAT, "B4": "{tmp}/b4.tif"}},
             "is not on the grid of", files=_other_grid),
    BadInput("scene-date-out-of-range", {"scenes_dates": [0, 99]}, "must be positions 0..67"),
    BadInput("unknown-product", {"landsat_product": "landsat9"}, "'landsat_product' must be one of"),
]

CASES += [
    BadInput("landsat-band-truncated",
             {"landsat_files": {"B2": "b.tif", "B3": "b.tif", "B4": "b.tif", "B5": "b.tif"}},
             "is truncated or damaged", files=truncated_raster("b.tif", crs="EPSG:32612", res=30),
             kind="broken-file"),
    *hostile_common(),
]

# classes of hostile input (see bad_inputs/__init__.py): cases written before the classes existed
_KINDS = {
    "period-outside-series": "relation",
    "landsat-grids-differ": "relation",
    "scene-date-out-of-range": "relation",
    "eopatch-incomplete": "broken-file",
}
CASES = [replace(c, kind=_KINDS.get(c.id, c.kind)) for c in CASES]
