"""satellite-poverty-mapping on a user's own files: 600 villages, renamed columns, shuffled rows, 4 folds."""

import pickle
from pathlib import Path

EXPECTED_FILES = ["poverty_metrics.csv", "district_estimates.csv", "village_map.png", "district_map.png"]


def make_inputs(tmp: Path) -> dict:
    import numpy as np

    from statmethods import inputs
    from statmethods.applications.poverty import match_villages

    with np.load(inputs.resolve("africa-poverty-lsms/lsms_image_hists.npz", "hists_file", log=False)) as npz:
        hists, locs, years = npz["image_hists"], npz["locs"], npz["years"]
    wealth = inputs.read_table("africa-poverty-lsms/lsms_wealth_index.csv", "wealth_file", codes=["country"])
    rng = np.random.default_rng(1)
    keep = np.sort(rng.choice(len(hists), 600, replace=False))
    out = tmp / "my_survey"
    out.mkdir()
    np.savez(out / "hists.npz", image_hists=hists[keep], locs=locs[keep], years=years[keep])
    # the table in another order and with other names; only the villages kept (matched on lat, lon, year)
    rows = match_villages(locs, years, wealth["lat"], wealth["lon"], wealth["year"])[keep]
    mine = wealth.iloc[rows].sample(frac=1.0, random_state=0).rename(columns={
        "lat": "latitude", "lon": "longitude", "year": "survey_year", "country": "iso",
        "index_all": "asset_index", "geolev2": "admin2"})
    mine[["latitude", "longitude", "survey_year", "iso", "asset_index", "admin2"]].to_csv(
        out / "villages.csv", index=False)
    folds = {f"fold{i}": {"test": np.flatnonzero(np.arange(600) % 4 == i)} for i in range(4)}
    (out / "folds.pkl").write_bytes(pickle.dumps(folds))
    return {"hists_file": "my_survey/hists.npz", "wealth_file": "my_survey/villages.csv",
            "folds_file": "my_survey/folds.pkl", "lat_column": "latitude", "lon_column": "longitude",
            "year_column": "survey_year", "country_column": "iso", "wealth_column": "asset_index",
            "district_column": "admin2", "mlp_epochs": 2}


def check_outputs(run: Path, tmp: Path) -> None:
    """No rows from the bundled example's predictions on a user's own villages, and none of its name."""
    import json

    import pandas as pd

    metrics = pd.read_csv(run / "poverty_metrics.csv")
    assert not metrics["model"].str.startswith("dhs_cnn").any()
    assert set(metrics["model"]) == {"ridge", "mlp", "nightlights", "country_mean"}
    assert set(metrics.loc[metrics["evaluation"] == "out_of_country", "fold"]) - {"pooled"} <= {
        "ethiopia", "malawi", "nigeria", "tanzania", "uganda"}
    notebook = json.loads((run / "satellite-poverty-mapping.ipynb").read_text(encoding="utf-8"))
    outputs = json.dumps([c.get("outputs", []) for c in notebook["cells"]])
    for name in ("Yeh et al.", "LSMS villages", "lsms_preds_ooc"):
        assert name not in outputs, name
    districts = pd.read_csv(run / "district_estimates.csv")
    assert {"eblup", "gamma", "lat", "lon"} <= set(districts.columns)
