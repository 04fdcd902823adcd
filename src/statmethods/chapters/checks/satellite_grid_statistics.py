"""Checks for ``satellite-grid-statistics`` (census on the Korean national grid), before the kernel."""

from __future__ import annotations

from typing import Any

from ... import inputs
from . import choice, fail, positive_int

GRID_SIZES = [100, 1000, 10_000]  # the national grid's sizes offered by the chapter
YEARS = [2015]  # census years whose 읍면동 codes match a boundary layer of the bundled file


def check(params: dict[str, Any]) -> None:
    """Refuse undefined grid sizes, unknown years, and census or boundary files that cannot work."""
    size = params["grid_size"]
    if isinstance(size, bool) or size not in GRID_SIZES:
        fail("grid_size", f"{size!r} m is not a size of the national grid (국토격자) this chapter offers",
             f"use one of {GRID_SIZES} m")
    choice(params, "year", YEARS)
    positive_int(params, "suppress_below", minimum=0)
    choice(params, "encoding", ["auto", "utf-8", "utf-8-sig", "cp949", "euc-kr"])
    code, name = params["code_column"], params["name_column"]
    info = inputs.check_vector(params["boundaries_file"], "boundaries_file", layer=params["boundaries_layer"],
                           required=[code, name], log=False)
    from pyproj import CRS

    crs = CRS.from_user_input(info["crs"])
    if crs.to_epsg() != 5179:
        fail("boundaries_file", f"is in {crs.to_string()} ({crs.name}), not EPSG:5179, the CRS of the "
             "national grid", "reproject it, e.g. `ogr2ogr -t_srs EPSG:5179 out.gpkg in.gpkg`")
    census = inputs.read_table(params["census_file"], "census_file",
                               required=["year", "type", "class1", "class2", code, "adm2_code", "adm1",
                                         "adm2", "value"],
                               codes=[code, "adm2_code"], encoding=params["encoding"])
    _check_population(census, code, params["year"])
    _check_codes_match(census, code, params["year"], info["path"], params["boundaries_layer"])


#: Largest share of the census population whose 읍면동 code may be missing from the boundaries
#: (units split or merged during the year); above it the grid would silently lose people.
MAX_UNMATCHED_SHARE = 0.05


def _population_rows(census: Any, code: str, year: int) -> Any:
    import pandas as pd

    sel = ((census["type"] == "population") & (census["class1"] == "all households")
           & (census["class2"] == "total") & (pd.to_numeric(census["year"], errors="coerce") == year)
           & census[code].notna())
    return census[sel]


def _check_population(census: Any, code: str, year: int) -> None:
    """The census has population rows for the year, with numbers that are present and not negative."""
    import pandas as pd

    rows = _population_rows(census, code, year)
    if rows.empty:
        fail("census_file", f"has no rows of type 'population', class1 'all households', class2 'total' "
             f"for year {year}", "give the 읍면동 population table of that census year, or set -p year")
    value = pd.to_numeric(rows["value"], errors="coerce")
    bad = rows.loc[value.isna() | (value < 0), code].astype(str).tolist()
    if bad:
        fail("census_file", f"has a missing, non-numeric or negative population in {len(bad)} 읍면동 "
             f"(first: {', '.join(bad[:3])})", "give a count of at least 0 for every 읍면동")


def _check_codes_match(census: Any, code: str, year: int, path: Any, layer: str) -> None:
    """Most of the census population must have a boundary, or the grid loses it silently."""
    import pandas as pd
    import pyogrio

    rows = _population_rows(census, code, year)
    bounds = pyogrio.read_dataframe(path, layer=layer, columns=[code], read_geometry=False)
    in_bounds = set(bounds[code].astype(str).str.replace(r"\.0$", "", regex=True))
    codes = rows[code].astype(str).str.replace(r"\.0$", "", regex=True)
    value = pd.to_numeric(rows["value"], errors="coerce").fillna(0)
    total = float(value.sum())
    lost = float(value[~codes.isin(in_bounds)].sum())
    if total > 0 and lost / total > MAX_UNMATCHED_SHARE:
        fail("boundaries_file", f"does not have the 읍면동 codes of {lost / total:.0%} of the census "
             f"population (column {code!r}; e.g. census code {codes[~codes.isin(in_bounds)].iloc[0]})",
             f"give the boundaries of the census year (layer {layer!r}) with the same code system, "
             f"so that at most {MAX_UNMATCHED_SHARE:.0%} of the population is unmatched")
