"""privacy-disclosure-control on small user CSVs with renamed columns."""

from pathlib import Path

EXPECTED_FILES = ["sdc_risk_testdata.csv", "anonymised_adult.csv", "suppression_microdata1.csv",
                  "suppression_census.csv", "dp_release.csv", "dp_accounting.csv",
                  "dp_evaluation_internal.csv"]

BUNDLED_NAMES = ["Yeongyang", "UCI Adult", "microdata1.rda", "sdcTable OPT documents"]


def make_inputs(tmp: Path) -> dict:
    import pandas as pd
    import pyreadr

    from statmethods import data

    sdc = pyreadr.read_r(str(data.path("sdcmicro/testdata.RData")))["testdata"].head(1500)
    sdc.rename(columns={"urbrur": "area", "sampling_weight": "weight"})[["area", "sex", "relat", "weight"]] \
        .to_csv(tmp / "survey.csv", index=False)
    adult = pd.read_csv(data.path("adult/adult.csv"), skipinitialspace=True, dtype=str).head(3000)
    adult[["age", "sex", "education", "salary-class"]].rename(columns={"salary-class": "income"}) \
        .to_csv(tmp / "people.csv", index=False)
    md = pyreadr.read_r(str(data.path("sdctable/microdata1.rda")))["microdata1"]
    md = md.rename(columns={"region": "area", "gender": "sex", "val": "turnover"})
    md.to_csv(tmp / "firms.csv", index=False)
    rows = []
    # no cell below the threshold: a degenerate but valid table (nothing to suppress)
    for dong, (m, f) in {"Dong-1": (40, 7), "Dong-2": (25, 30), "Dong-3": (60, 55)}.items():
        for c2, v in (("male", m), ("female", f), ("total", m + f)):
            rows.append({"year": 2020, "adm2": "My-gun", "adm3": dong, "class1": "residents", "class2": c2,
                         "value": v})
    pd.DataFrame(rows).to_csv(tmp / "census.csv", index=False)
    return {"sdc_file": "survey.csv", "sdc_key_columns": ["area", "sex", "relat"],
            "sdc_weight_column": "weight",
            "adult_file": "people.csv", "adult_key_columns": ["age", "sex", "education"],
            "sensitive_column": "income", "hierarchy_files": {"age": "age.csv", "sex": "sex.csv"},
            "arx_file_prefix": "", "k_values": [3], "table_file": "firms.csv", "table_row_column": "area",
            "table_col_column": "sex", "table_value_column": "turnover", "census_file": "census.csv",
            "census_year": 2020, "census_adm2": "My-gun", "census_class1": "residents", "freq_threshold": 5,
            "freq_thresholds": [5, 10], "epsilons": [1.0], "n_replicates": 200,
            "dp_totals": "invariant"}  # the other accounting: exact totals, change-one-person DP


def check_outputs(run_dir: Path, tmp: Path) -> None:
    """Released files hold only releasable values, and nothing describes the bundled data."""
    import json

    import pandas as pd

    rel = pd.read_csv(run_dir / "dp_release.csv")
    assert "true" not in rel.columns and set(rel.columns) == {"adm3", "class2", "noisy", "lower", "upper",
                                                               "released"}
    acc = pd.read_csv(run_dir / "dp_accounting.csv").iloc[0]
    assert abs(acc["stated"] - acc["opendp_privacy_map"]) < 1e-9
    assert acc["neighbours"] == "change-one" and acc["d_in"] == 2 and acc["noise_scale"] == 2.0
    totals = rel[rel.adm3 == "Total"].set_index("class2")["released"]
    assert totals.to_dict() == {"male": 125, "female": 92}  # the invariants, published exactly
    sup = pd.read_csv(run_dir / "suppression_microdata1.csv")
    assert (sup.status != "publishable").any()
    assert sup.loc[sup.status != "publishable", "value"].isna().all()
    census = pd.read_csv(run_dir / "suppression_census.csv")
    assert (census.status == "publishable").all() and census.value.notna().all()
    nb = json.loads(next(run_dir.glob("*.ipynb")).read_text())
    printed = "\n".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                         for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []))
    for name in BUNDLED_NAMES:
        assert name not in printed, f"the user's run prints {name!r}"
    assert "No sdcTable reference applies" in printed and "nothing is suppressed" in printed
