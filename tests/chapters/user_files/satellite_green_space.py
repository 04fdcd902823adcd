"""satellite-green-space on a user's own grid window (three cropped GeoTIFFs on one grid).

``EXTRA_RUNS["no-urban-centre"]``: a valid rural grid where no cluster reaches an urban
centre; the run must end with a sentence saying so, not a crash.
"""

from pathlib import Path

EXPECTED_FILES = ["nonbuilt_by_centre.csv", "green_share.csv", "summary.json"]


def make_inputs(tmp: Path) -> dict:
    import rioxarray

    from statmethods import data

    out = {}
    for name, param in (("POP", "pop_file"), ("LAND", "land_file"), ("BUILT_S", "built_file")):
        grid = rioxarray.open_rasterio(data.path(f"ghsl-belgium/{name}.tif"))
        grid.isel(x=slice(90, 190), y=slice(60, 160)).rio.to_raster(tmp / f"my_{name.lower()}.tif")
        out[param] = f"my_{name.lower()}.tif"
    return out


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
    return out


EXTRA_RUNS = {"no-urban-centre": _rural_grid}
