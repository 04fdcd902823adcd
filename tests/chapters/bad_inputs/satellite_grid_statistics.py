"""Bad inputs for satellite-grid-statistics."""

from pathlib import Path

from . import BadInput, write_csv


def _boundaries(tmp: Path, crs: str = "EPSG:5179", fields: tuple = ("adm3_code", "adm3_name_kr")) -> None:
    import geopandas as gpd
    from shapely.geometry import box

    cols = {f: ["2901001"] if f == "adm3_code" else ["세종특별자치시 조치원읍"] for f in fields}
    gdf = gpd.GeoDataFrame(cols, geometry=[box(980_000, 1_830_000, 981_000, 1_831_000)], crs="EPSG:5179")
    gdf.to_crs(crs).to_file(tmp / "emd.gpkg", layer="adm3_2015", driver="GPKG")


_MINE = {"census_file": "{tmp}/c.csv", "boundaries_file": "{tmp}/emd.gpkg"}
_CENSUS_HEAD = "year,type,class1,class2,adm3_code,adm2_code,adm1,adm2,value\n"


def _row(code: str, value: str) -> str:
    return f"2015,population,all households,total,{code},{code[:5]},Sejong,Sejong,{value}\n"


CASES = [
    BadInput("grid-size-500", {"grid_size": 500}, "not a size of the national grid"),
    BadInput("grid-size-250", {"grid_size": 250}, "use one of [100, 1000, 10000] m"),
    BadInput("year-without-boundaries", {"year": 2012}, "must be one of"),
    BadInput("negative-suppression", {"suppress_below": -1}, "must be a positive integer"),
    BadInput("unknown-encoding", {"encoding": "latin-9"}, "must be one of"),
    BadInput("missing-census", {"census_file": "nothere.parquet"}, "file not found"),
    BadInput("boundaries-in-wgs84", {"boundaries_file": "{tmp}/emd.gpkg"}, "is in epsg:4326",
             files=lambda t: _boundaries(t, "EPSG:4326")),
    BadInput("boundaries-without-names", {"boundaries_file": "{tmp}/emd.gpkg"}, "adm3_name_kr",
             files=lambda t: _boundaries(t, fields=("adm3_code",))),
    BadInput("boundaries-wrong-layer", {"boundaries_layer": "adm3_2030"}, "has no layer 'adm3_2030'"),
    BadInput("census-without-values", {"census_file": "{tmp}/c.csv"}, "value",
             files=lambda t: write_csv(t / "c.csv", "year,type,class1,class2,adm3_code,adm2_code,adm1,adm2\n"
                                       "2015,population,all households,total,2901001,29010,Sejong,Sejong\n")),
    BadInput("census-negative-population", _MINE,
             "negative population", kind="relation",
             files=lambda t: (_boundaries(t), write_csv(t / "c.csv", _CENSUS_HEAD + _row("2901001", "-5")))),
    BadInput("census-missing-population", _MINE,
             "missing, non-numeric or negative population", kind="relation",
             files=lambda t: (_boundaries(t), write_csv(t / "c.csv", _CENSUS_HEAD + _row("2901001", "")))),
    BadInput("census-year-absent", _MINE,
             "no rows of type 'population'", kind="relation",
             files=lambda t: (_boundaries(t), write_csv(t / "c.csv", _CENSUS_HEAD
                                                        + _row("2901001", "10").replace("2015", "2010")))),
    BadInput("boundary-codes-do-not-match", _MINE,
             "does not have the 읍면동 codes of 50% of the census population", kind="relation",
             files=lambda t: (_boundaries(t), write_csv(t / "c.csv", _CENSUS_HEAD + _row("2901001", "10")
                                                        + _row("2901002", "10")))),
]
