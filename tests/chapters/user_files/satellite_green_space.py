"""satellite-green-space on a user's own grid window (three cropped GeoTIFFs on one grid)."""

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

