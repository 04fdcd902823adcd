"""Bad inputs for satellite-green-space."""

from dataclasses import replace
from pathlib import Path

from . import BadInput, hostile_common, truncated_raster, write_raster


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


def _grids(pop=None, land=None, built=None, *, res: float = 1000.0, nodata: float | None = None):
    """A ``files`` function writing pop.tif, land.tif and built.tif (10 x 10 cells) on one grid."""
    def write(tmp: Path) -> None:
        import numpy as np
        import rasterio

        arrays = {"pop": np.full((10, 10), 2000.0) if pop is None else pop,
                  "land": np.full((10, 10), res * res) if land is None else land,
                  "built": np.full((10, 10), 0.2 * res * res) if built is None else built}
        for name, a in arrays.items():
            path = write_raster(tmp / f"{name}.tif", np.asarray(a, dtype="float32"), res=res)
            if nodata is not None and name == "pop":
                with rasterio.open(path, "r+") as dst:
                    dst.nodata = nodata
    return write


GRIDS = {"pop_file": "{tmp}/pop.tif", "land_file": "{tmp}/land.tif", "built_file": "{tmp}/built.tif"}


def _far_landcover(tmp: Path) -> None:
    import numpy as np

    write_raster(tmp / "lc.tif", np.ones((50, 50), dtype="uint8"), crs="EPSG:32612", res=30,
                 origin=(100000.0, 1000000.0))


def _nan() -> object:
    import numpy as np

    a = np.full((10, 10), 2000.0)
    a[3, 3] = np.nan
    return a


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
    BadInput("population-all-nodata", GRIDS, "has no cell with data", files=_grids(
        pop=[[-1.0] * 10] * 10, nodata=-1.0), kind="relation"),
    BadInput("population-all-zero", GRIDS, "has no population", files=_grids(pop=[[0.0] * 10] * 10),
             kind="relation"),
    BadInput("population-nan-not-nodata", GRIDS, "non-finite population", files=_grids(pop=_nan()),
             kind="relation"),
    BadInput("built-negative", GRIDS, "negative built-up surface", files=_grids(built=[[-5.0] * 10] * 10),
             kind="relation"),
    BadInput("grid-not-1km", GRIDS, "urban centres are defined on 1 km cells", files=_grids(res=500.0),
             kind="relation"),
    BadInput("landcover-off-the-scene", {"landcover_file": "{tmp}/lc.tif"},
             "does not overlap the landsat scene", files=_far_landcover, kind="relation"),
    BadInput("urban-landcover-class-absent",
             {"landcover_names": {1: "water", 2: "developed", 99: "parks"}, "urban_landcover_class": "parks"},
             "does not occur", kind="relation"),
    BadInput("urban-lulc-class-absent",
             {"lulc_names": {1: "cultivated", 8: "artificial", 99: "parks"}, "urban_lulc_class": "parks"},
             "does not occur", kind="relation"),
    BadInput("composite-window-without-dates",
             {"composite_start": "2020-05-01", "composite_end": "2020-09-30"},
             "hold no date of the eopatch", kind="relation"),
    BadInput("lulc-names-empty", {"lulc_names": {}}, "not be empty"),
    BadInput("landcover-names-empty", {"landcover_names": {}}, "not be empty"),
    BadInput("landsat-files-empty", {"landsat_files": {}}, "must map the bands b4 and b5"),
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
