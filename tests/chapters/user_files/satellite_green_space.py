"""satellite-green-space on a user's own grid window (three cropped GeoTIFFs on one grid).

``EXTRA_RUNS["no-urban-centre"]``: a valid rural grid where no cluster reaches an urban
centre; the run must end with a sentence saying so, not a crash.
"""

from pathlib import Path

EXPECTED_FILES = ["nonbuilt_by_centre.csv", "green_share.csv", "summary.json"]

#: names of the bundled scenes and of the cities used to label the bundled Belgian centres
BUNDLED = ["Belgium", "Brussels", "Antwerp", "Liège", "flexurba", "Slovenia", "slovenia", "eo-learn",
           "Zion", "zion", "Springdale", "spDataLarge"]


def _user_imagery(tmp: Path) -> dict:
    """A copy of the EOPatch layout (standing for the user's own) and a synthetic Landsat scene."""
    import shutil

    import numpy as np
    import rioxarray  # noqa: F401  (registers .rio)
    import xarray as xr

    from statmethods import data

    shutil.copytree(data.path("s2-slovenia-eopatch/TestEOPatch/bbox.geojson").parent, tmp / "my_eopatch")
    rng = np.random.default_rng(1)
    xy = {"y": 5_100_000 - 15 - 30 * np.arange(80), "x": 500_000 + 15 + 30 * np.arange(80)}
    for name, values in (("B4", rng.integers(6500, 11000, (80, 80))),
                         ("B5", rng.integers(9000, 25000, (80, 80))),
                         ("landcover", np.resize(np.arange(1, 5), (80, 80)))):
        dtype = "uint8" if name == "landcover" else "uint16"
        da = xr.DataArray(values.astype(dtype), dims=("y", "x"), coords=xy).rio.write_crs("EPSG:32633")
        da.rio.to_raster(tmp / f"my_{name}.tif")
    return {"eopatch_dir": "my_eopatch", "landsat_files": {"B4": "my_B4.tif", "B5": "my_B5.tif"},
            "landcover_file": "my_landcover.tif",
            "landcover_names": {1: "water", 2: "built", 3: "crops", 4: "forest"},
            "urban_landcover_class": "built"}


def make_inputs(tmp: Path) -> dict:
    import rioxarray

    from statmethods import data

    out = {}
    for name, param in (("POP", "pop_file"), ("LAND", "land_file"), ("BUILT_S", "built_file")):
        grid = rioxarray.open_rasterio(data.path(f"ghsl-belgium/{name}.tif"))
        grid.isel(x=slice(90, 190), y=slice(60, 160)).rio.to_raster(tmp / f"my_{name.lower()}.tif")
        out[param] = f"my_{name.lower()}.tif"
    return out | _user_imagery(tmp)


def _rural_grid(tmp: Path) -> dict:
    """A 30 x 30 km grid in ETRS89-LAEA with at most 800 inhabitants per km²: no urban centre."""
    import numpy as np
    import rioxarray  # noqa: F401  (registers .rio)
    import xarray as xr

    rng = np.random.default_rng(0)
    xy = {"y": 3_200_000 - 500 - 1000 * np.arange(30), "x": 4_400_000 + 500 + 1000 * np.arange(30)}
    out = {}
    for name, values in (("pop", rng.uniform(0, 800, (30, 30))), ("land", np.full((30, 30), 1e6)),
                         ("built", rng.uniform(0, 1e5, (30, 30)))):
        da = xr.DataArray(values.astype("float32"), dims=("y", "x"), coords=xy).rio.write_crs("EPSG:3035")
        da.rio.to_raster(tmp / f"rural_{name}.tif")
        out[f"{name}_file"] = f"rural_{name}.tif"
    return out | _user_imagery(tmp)


EXTRA_RUNS = {"no-urban-centre": _rural_grid}
