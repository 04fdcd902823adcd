"""satellite-indices on a user's own Landsat window and land-cover map (cropped GeoTIFFs)."""

from pathlib import Path

EXPECTED_FILES = ["class_ndvi_series.csv", "landsat_ndvi_by_class.csv", "summary.json"]


def make_inputs(tmp: Path) -> dict:
    import rioxarray

    from statmethods import data

    files = {}
    for i in (2, 3, 4, 5):
        band = rioxarray.open_rasterio(data.path(f"landsat8-zion/landsat_b{i}.tif"))
        band.isel(x=slice(300, 500), y=slice(400, 600)).rio.to_raster(tmp / f"my_b{i}.tif")
        files[f"B{i}"] = f"my_b{i}.tif"
    lc = rioxarray.open_rasterio(data.path("landsat8-zion/nlcd.tif"))
    lc.isel(x=slice(250, 550), y=slice(350, 650)).rio.to_raster(tmp / "my_landcover.tif")
    return {"landsat_files": files, "landcover_file": "my_landcover.tif", "landsat_chunk": 128}
