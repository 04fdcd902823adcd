"""satellite-population-imagery on a user's own folders: 40 cells of each city, renamed columns and files."""

from pathlib import Path

EXPECTED_FILES = ["population_metrics.csv", "population_predictions.csv"]

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
    mine = pick.rename(columns={"GRD_ID": "cell", "POP": "people"})
    mine[["cell", "people"]].to_csv(out / "cells.csv", index=False)
    feats = feats[feats["GRD_ID"].isin(set(pick["GRD_ID"]))]
    feats = feats.rename(columns={"GRD_ID": "cell", "VIIRS_MEAN": "viirs"})
    feats[["cell", "viirs"]].to_csv(out / "lights.csv", index=False)
    rel = out.name
    return {f"{key}_dir": f"{rel}/tiles", f"{key}_cells_file": f"{rel}/cells.csv",
            f"{key}_features_file": f"{rel}/lights.csv"}


def make_inputs(tmp: Path) -> dict:
    params = {}
    for key, base in CITIES.items():
        params |= _copy_city(key, base, tmp / f"my_{key}_city")
    return params | {"id_column": "cell", "population_column": "people", "nightlights_column": "viirs",
                     "cnn_epochs": 1, "mosaiks_features": 64, "seeds": [0], "cv_folds": 2,
                     "block_size_m": 8000.0, "patch_size": 64}
