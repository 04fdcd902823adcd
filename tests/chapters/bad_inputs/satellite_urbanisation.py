"""Bad inputs for satellite-urbanisation."""

from pathlib import Path

import numpy as np

from . import BadInput


def _raster(path: Path, crs: str, res: float = 1000.0, bands: int = 1) -> None:
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(path, "w", driver="GTiff", height=4, width=4, count=bands, dtype="float32",
                       crs=crs, transform=from_origin(0, 4 * res, res, res)) as dst:
        dst.write(np.full((bands, 4, 4), 100.0, dtype="float32"))


def _shifted_land(tmp: Path) -> None:
    import rioxarray

    from statmethods import data

    land = rioxarray.open_rasterio(data.path("ghsl-belgium/LAND.tif"))
    land.isel(x=slice(1, None)).rio.to_raster(tmp / "land.tif")


def _three(tmp: Path, crs: str, res: float = 1000.0) -> None:
    for name in ("pop", "land", "built"):
        _raster(tmp / f"{name}.tif", crs, res)


THREE = {"pop_file": "{tmp}/pop.tif", "land_file": "{tmp}/land.tif", "built_file": "{tmp}/built.tif"}

CASES = [
    BadInput("unknown-rule-set", {"rule_set": "ghsl-2019"}, "must be one of"),
    BadInput("cluster-denser-than-centre", {"cluster_density": 2000.0}, "must be at most 'centre_density'"),
    BadInput("cluster-larger-than-centre", {"cluster_population": 60000},
             "must be at most 'centre_population'"),
    BadInput("negative-density", {"centre_density": -5.0}, "must be at least 0"),
    BadInput("built-share-above-one", {"built_threshold": 50}, "must lie in [0, 1]"),
    BadInput("fractional-population", {"centre_population": 5e4 + 0.5}, "expects an integer"),
    BadInput("epoch-not-ghsl", {"ee_year": 2021}, "must be one of"),
    BadInput("missing-pop-grid", {"pop_file": "nothere.tif"}, "file not found"),
    BadInput("land-not-aligned", {"land_file": "{tmp}/land.tif"}, "is not on the grid of 'pop_file'",
             files=_shifted_land),
    BadInput("grids-geographic", THREE, "geographic crs", files=lambda t: _three(t, "EPSG:4326", 0.01)),
    BadInput("grids-100m", THREE, "1 km cells", files=lambda t: _three(t, "ESRI:54009", 100.0)),
    BadInput("pop-two-bands", {"pop_file": "{tmp}/two.tif"}, "has 2 band(s), 1 expected",
             files=lambda t: _raster(t / "two.tif", "ESRI:54009", bands=2)),
    BadInput("missing-census", {"korea_census_file": "nothere.csv"}, "file not found"),
]
