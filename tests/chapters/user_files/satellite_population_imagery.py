"""satellite-population-imagery on a user's own folders: 40 cells of each city, renamed columns and files."""

from pathlib import Path

EXPECTED_FILES = ["population_metrics.csv", "population_predictions.csv", "population_features.npz"]

CITIES = {"train": "so2sat-pop-sample/train/01120_22136_gdansk",
          "test": "so2sat-pop-sample/test/01486_22146_lublin"}


def _copy_city(key: str, base: str, out: Path, n: int = 40) -> dict:
    import shutil

    import numpy as np

    from statmethods import inputs

    city = base.rsplit("/", 1)[1]
    folder = inputs.resolve(base, f"{key}_dir", kind="dir", log=False)
    cells = inputs.read_table(f"{base}/{city}.csv", "cells", codes=["GRD_ID"])
    feats = inputs.read_table(f"{base}/{city}_features.csv", "features", codes=["GRD_ID"])
    pick = cells.iloc[np.sort(np.random.default_rng(0).choice(len(cells), n, replace=False))]
    (out / "tiles").mkdir(parents=True)
    for cid in pick["GRD_ID"]:
        shutil.copy(next(folder.rglob(f"{cid}_*.tif")), out / "tiles" / f"{cid}_summer.tif")
    idc, popc, nlc = ("cell", "people", "viirs") if key == "train" else ("cell_id", "inhabitants", "lights")
    mine = pick.rename(columns={"GRD_ID": idc, "POP": popc})
    mine[[idc, popc]].to_csv(out / "cells.csv", index=False)
    feats = feats[feats["GRD_ID"].isin(set(pick["GRD_ID"]))]
    feats = feats.rename(columns={"GRD_ID": idc, "VIIRS_MEAN": nlc})
    feats[[idc, nlc]].to_csv(out / "lights.csv", index=False)
    rel = out.name
    return {f"{key}_dir": f"{rel}/tiles", f"{key}_cells_file": f"{rel}/cells.csv",
            f"{key}_features_file": f"{rel}/lights.csv"}


def make_inputs(tmp: Path) -> dict:
    params = {}
    for key, base in CITIES.items():
        params |= _copy_city(key, base, tmp / f"my_{key}_city")
    # each city its own column names (issue 21: the test city's columns differ from the training city's)
    return params | {"train_id_column": "cell", "train_population_column": "people",
                     "train_nightlights_column": "viirs", "test_id_column": "cell_id",
                     "test_population_column": "inhabitants", "test_nightlights_column": "lights",
                     "covariate_columns": [], "tta": [False], "mosaiks_features": 64, "seeds": [0],
                     "cv_folds": 2, "block_size_m": 8000.0, "patch_size": 64}
