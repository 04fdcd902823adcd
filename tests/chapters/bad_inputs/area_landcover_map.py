"""Bad inputs for area-landcover-map."""

from dataclasses import replace
from pathlib import Path

from . import BadInput, hostile_common, truncated_raster

BANDS = [f"landsat8-zion/landsat_b{b}.tif" for b in (2, 3, 4, 5)]


def _crop(tmp: Path, key: str, name: str, window: tuple[slice, slice]) -> None:
    from statmethods import data
    from statmethods.imagery.align import open_raster

    open_raster(data.path(key)).isel(y=window[0], x=window[1]).rio.to_raster(tmp / name)


CASES = [
    BadInput("mlp-epochs-zero", {"mlp_epochs": 0}, "'mlp_epochs' must be a positive integer"),
    BadInput("mlp-epochs-negative", {"mlp_epochs": -1}, "'mlp_epochs' must be a positive integer"),
    BadInput("unknown-class-of-interest", {"classes_of_interest": ["Cultivated", "Rice"]},
             "names unknown class(es) 'Rice'"),
    BadInput("users-accuracy-wrong-length", {"expected_users_accuracy": [0.5, 0.7]}, "needs 5 values"),
    BadInput("users-accuracy-above-one", {"expected_users_accuracy": [0.5, 0.7, 1.8, 0.7, 0.5]},
             "must be in [0, 1]"),
    BadInput("unknown-allocation", {"allocation": "optimal"}, "'allocation' must be one of"),
    BadInput("sample-too-small-for-floor", {"sample_size": 30}, "is too small for min_per_stratum=10"),
    BadInput("one-fold", {"n_folds": 1}, "'n_folds' must be a positive integer"),
    BadInput("folds-more-than-training-pixels", {"n_train_pixels": 3}, "is more than n_train_pixels (3)"),
    BadInput("confidence-95", {"confidence": 95}, "must be in (0, 1)"),
    BadInput("hidden-layer-zero", {"mlp_hidden": [0]}, "'mlp_hidden' must be a non-empty list"),
    BadInput("nlcd-file-missing", {"nlcd_file": "my_landcover.tif"}, "file not found"),
    BadInput("band-names-wrong-length", {"zion_band_names": ["blue", "green"]}, "must give 4 distinct names"),
    BadInput("band-not-a-geotiff", {"zion_band_files": [*BANDS[:3], "{tmp}/b5.csv"]}, "has the suffix '.csv'",
             files=lambda t: (t / "b5.csv").write_text("a,b\n1,2\n")),
    BadInput("bands-off-grid", {"zion_band_files": [*BANDS[:3], "{tmp}/b5.tif"]}, "is not on the grid of",
             files=lambda t: _crop(t, BANDS[3], "b5.tif", (slice(0, 200), slice(0, 200)))),
    BadInput("polygons-missing", {"raleigh_polygons_file": "polygons.gpkg"}, "file not found"),
]

CASES += [
    BadInput("zion-band-truncated", {"zion_band_files": ["b.tif", "b.tif", "b.tif", "b.tif"]},
             "is truncated or damaged", files=truncated_raster("b.tif", crs="EPSG:32612", res=30),
             kind="broken-file"),
    BadInput("mlp-epochs-work-bomb", {"mlp_epochs": 100_000_000}, "over the 6-hour budget", kind="work-bomb"),
    BadInput("forest-work-bomb", {"n_estimators": 10_000_000, "n_train_pixels": 50_000},
             "over the 6-hour budget", kind="work-bomb"),
    BadInput("more-folds-than-pixels", {"n_folds": 100_000}, "more than n_train_pixels", kind="relation"),
    *hostile_common(),
]

# classes of hostile input (see bad_inputs/__init__.py): cases written before the classes existed
_KINDS = {
    "unknown-class-of-interest": "relation",
    "users-accuracy-wrong-length": "relation",
    "sample-too-small-for-floor": "relation",
    "folds-more-than-training-pixels": "relation",
    "band-names-wrong-length": "relation",
    "bands-off-grid": "relation",
    "band-not-a-geotiff": "broken-file",
}
CASES = [replace(c, kind=_KINDS.get(c.id, c.kind)) for c in CASES]
