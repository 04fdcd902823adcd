"""Bad inputs for satellite-green-space."""

from dataclasses import replace
from pathlib import Path

from . import BadInput, hostile_common, truncated_raster


def _shifted_land(tmp: Path) -> None:
    import rioxarray

    from statmethods import data

    land = rioxarray.open_rasterio(data.path("ghsl-belgium/LAND.tif"))
    land.isel(x=slice(1, None)).rio.to_raster(tmp / "land.tif")


def _negative_pop(tmp: Path) -> None:
    import rioxarray

    from statmethods import data

    pop = rioxarray.open_rasterio(data.path("ghsl-belgium/POP.tif"))
    pop = pop.where(pop.notnull(), 0).copy()
    pop[0, 100, 100] = -5
    pop.rio.write_nodata(None, inplace=True)
    pop.rio.to_raster(tmp / "pop.tif")
    for name in ("LAND", "BUILT_S"):
        rioxarray.open_rasterio(data.path(f"ghsl-belgium/{name}.tif")).rio.to_raster(tmp / f"{name}.tif")


CASES = [
    BadInput("unknown-backend", {"backend": "gee"}, "parameter 'backend' must be one of"),
    BadInput("ee-without-project", {"backend": "earthengine", "ee_project": ""}, "'ee_project' is needed"),
    BadInput("ndvi-threshold-out-of-range", {"ndvi_threshold": 1.5}, "must be an ndvi in [-1, 1]"),
    BadInput("cloud-threshold-one", {"cloud_threshold": 1.0}, "'cloud_threshold' must be in (0, 1)"),
    BadInput("zero-density", {"centre_density": 0}, "'centre_density' must be greater than 0"),
    BadInput("composite-dates-reversed", {"composite_start": "2017-09-30", "composite_end": "2017-05-01"},
             "must be before 'composite_end'"),
    BadInput("grids-do-not-align", {"land_file": "{tmp}/land.tif"}, "is not on the grid of 'pop_file'",
             files=_shifted_land),
    BadInput("negative-population", {"pop_file": "{tmp}/pop.tif", "land_file": "{tmp}/LAND.tif",
                                     "built_file": "{tmp}/BUILT_S.tif"}, "negative population",
             files=_negative_pop),
    BadInput("urban-class-not-named", {"urban_landcover_class": "urban"},
             "'urban_landcover_class' must be one of"),
    BadInput("missing-pop-file", {"pop_file": "pop2020.tif"}, "file not found"),
]

CASES += [
    BadInput("landsat-band-truncated", {"landsat_files": {"B4": "b.tif", "B5": "b.tif"}},
             "is truncated or damaged", files=truncated_raster("b.tif", crs="EPSG:32612", res=30),
             kind="broken-file"),
    *hostile_common(),
]

# classes of hostile input (see bad_inputs/__init__.py): cases written before the classes existed
_KINDS = {
    "grids-do-not-align": "relation",
    "negative-population": "relation",
    "urban-class-not-named": "relation",
}
CASES = [replace(c, kind=_KINDS.get(c.id, c.kind)) for c in CASES]
