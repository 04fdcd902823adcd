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
    inputs.read_table(params["census_file"], "census_file",
                  required=["year", "type", "class1", "class2", code, "adm2_code", "adm1", "adm2", "value"],
                  codes=[code, "adm2_code"], encoding=params["encoding"])
