"""privacy-disclosure-control on small user CSVs with renamed columns."""

from pathlib import Path

EXPECTED_FILES = ["sdc_risk_testdata.csv", "anonymised_adult.csv", "suppression_microdata1.csv",
                  "dp_release.csv"]


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
    for dong, (m, f) in {"Dong-1": (40, 3), "Dong-2": (25, 30), "Dong-3": (60, 55)}.items():
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
            "freq_thresholds": [5, 10], "epsilons": [1.0], "n_replicates": 200}
