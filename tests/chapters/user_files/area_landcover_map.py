"""area-landcover-map on a user's own window of the Zion scene and its land cover (cropped GeoTIFFs)."""

from pathlib import Path

EXPECTED_FILES = ["classifier_accuracy.csv", "one_sample_estimates.csv", "simulation.csv",
                  "allocation_comparison.csv"]


def make_inputs(tmp: Path) -> dict:
    import rioxarray

    from statmethods import data

    files = []
    for b in (2, 3, 4, 5):
        band = rioxarray.open_rasterio(data.path(f"landsat8-zion/landsat_b{b}.tif"))
        band.isel(x=slice(100, 400), y=slice(100, 400)).rio.to_raster(tmp / f"my_b{b}.tif")
        files.append(f"my_b{b}.tif")
    lc = rioxarray.open_rasterio(data.path("landsat8-zion/nlcd.tif"))
    lc.isel(x=slice(50, 450), y=slice(50, 450)).rio.to_raster(tmp / "my_landcover.tif")
    return {"zion_band_files": files, "nlcd_file": "my_landcover.tif", "nlcd_original_file": "",
            "classes_of_interest": ["Forest", "Shrubland"], "expected_users_accuracy": [0.8, 0.7, 0.5],
            "n_train_pixels": 2000, "sample_size": 300, "n_replicates": 100, "n_estimators": 20,
            "mlp_epochs": 20}
