"""Bad inputs for satellite-population-imagery."""

from pathlib import Path

from . import BadInput, write_csv

LUBLIN = "so2sat-pop-sample/test/01486_22146_lublin"


def _patch(path: Path, bands: int = 3, size: int = 100, crs: str = "EPSG:32634") -> None:
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    path.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(path, "w", driver="GTiff", height=size, width=size, count=bands, dtype="uint16",
                       crs=crs, transform=from_origin(500000, 6000000, 10, 10)) as dst:
        dst.write(np.full((bands, size, size), 500, dtype="uint16"))


def _city(tmp: Path, bands=(3, 3, 3), cells: str | None = None, features: str | None = None) -> None:
    for i, b in enumerate(bands):
        _patch(tmp / "patches" / f"c{i}_rgb.tif", bands=b)
    write_csv(tmp / "cells.csv", cells or "GRD_ID,POP\nc0,0\nc1,120\nc2,3400\n")
    write_csv(tmp / "features.csv", features or "GRD_ID,VIIRS_MEAN\nc0,0.5\nc1,3.2\nc2,40.1\n")


MY_CITY = {"test_dir": "{tmp}/patches", "test_cells_file": "{tmp}/cells.csv",
           "test_features_file": "{tmp}/features.csv"}
NO_COV = {**MY_CITY, "covariate_columns": []}

MY_TRAIN = {"train_dir": "{tmp}/patches", "train_cells_file": "{tmp}/cells.csv",
            "train_features_file": "{tmp}/features.csv", "covariate_columns": []}


def _two_crs_city(tmp: Path) -> None:
    _city(tmp)
    _patch(tmp / "patches" / "c1_rgb.tif", crs="EPSG:32633")


CASES = [
    BadInput("constant-target", MY_TRAIN, "a constant target", kind="relation",
             files=lambda t: _city(t, cells="GRD_ID,POP\nc0,50\nc1,50\nc2,50\n")),
    BadInput("more-folds-than-cells", {**MY_TRAIN, "cv_folds": 5}, "is more than the 3 cells",
             kind="relation",
             files=lambda t: _city(t)),
    BadInput("patches-in-two-crs", NO_COV, "coordinate reference systems", kind="relation",
             files=_two_crs_city),
    BadInput("mixed-band-counts", NO_COV, "must share one band count",
             files=lambda t: _city(t, bands=(3, 4, 3))),
    BadInput("cell-id-without-patch", NO_COV, "has no patch for 1 cell id(s)",
             files=lambda t: _city(t, cells="GRD_ID,POP\nc0,0\nc1,120\nc2,3400\nc7,55\n",
                                   features="GRD_ID,VIIRS_MEAN\nc0,0.5\nc1,3.2\nc2,40.1\nc7,1.0\n")),
    BadInput("patch-without-cell-id", NO_COV, "lacks 1 cell id(s) that have a patch",
             files=lambda t: _city(t, cells="GRD_ID,POP\nc0,0\nc1,120\n")),
    BadInput("csv-without-population-column", NO_COV, "missing column(s) 'POP'",
             files=lambda t: _city(t, cells="GRD_ID,people\nc0,0\nc1,120\nc2,3400\n")),
    BadInput("negative-population", NO_COV, "negative value",
             files=lambda t: _city(t, cells="GRD_ID,POP\nc0,0\nc1,-120\nc2,3400\n")),
    BadInput("features-without-nightlights", NO_COV,
             "missing column(s) 'VIIRS_MEAN'",
             files=lambda t: _city(t, features="GRD_ID,ntl\nc0,0.5\nc1,3.2\nc2,40.1\n")),
    BadInput("test-city-columns-apply-to-the-test-city", {**MY_CITY, "covariate_columns": [],
                                                          "test_population_column": "people"},
             "missing column(s) 'people'", files=lambda t: _city(t)),
    BadInput("features-without-covariates", MY_CITY, "missing column(s) 'DEM_MEAN'",
             files=lambda t: _city(t)),
    BadInput("covariates-empty-name", {"covariate_columns": ["DEM_MEAN", ""]},
             "must be [\"so2sat\"] or a list"),
    BadInput("unknown-model", {"models": ["mean", "nightlights", "mosaiks", "imagery", "resnet"]},
             "'models' must be a non-empty list"),
    BadInput("finetuned-model-in-models", {"models": ["nightlights", "mosaiks", "imagery", "cnn_pretrained"]},
             "only -p fine_tune true trains"),
    BadInput("unknown-forest-grid", {"rf_grid": "huge"}, "rf_grid"),
    BadInput("finetune-lr-negative", {"finetune_lrs": [-0.001]}, "'finetune_lrs' must be a non-empty list"),
    BadInput("crop-larger-than-patches", {"patch_size": 128}, "is larger than the smallest patch"),
    BadInput("downsample-not-dividing-the-crop", {"downsample": [1, 5]},
             "must be a multiple of each 'downsample'", kind="relation"),
    BadInput("no-tta-setting-to-compare", {"tta": []}, "'tta' must be a non-empty list of the settings"),
    BadInput("repeated-tta-setting", {"tta": [True, True]}, "repeats a setting"),
    BadInput("zero-image-components", {"imagery_components": [0, 5]}, "a number of components is at least 1"),
    BadInput("zero-epochs", {"cnn_epochs": 0}, "'cnn_epochs' must be a positive integer"),
    BadInput("odd-mosaiks-features", {"mosaiks_features": 511}, "must be even"),
    BadInput("no-seeds", {"seeds": []}, "'seeds' must be a non-empty list"),
    BadInput("unknown-device", {"device": "tpu"}, "'device' must be 'cpu' or 'cuda'"),
    BadInput("missing-train-folder", {"train_dir": "my_patches"}, "file not found"),
]
