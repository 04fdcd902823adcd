"""Checks for ``satellite-urbanisation`` (Degree of Urbanisation), run before the kernel starts."""

from __future__ import annotations

from typing import Any

from ... import inputs
from ...indicators.degurba import GHSL_EPOCHS, RULE_SETS
from ...sources.kosis import check_census_layout
from . import choice, fail, less_than, positive, positive_int


def check(params: dict[str, Any]) -> None:
    """Refuse impossible thresholds, rule sets and input grids, naming the fix."""
    choice(params, "rule_set", list(RULE_SETS))
    choice(params, "backend", ["local", "earthengine"])
    choice(params, "ee_year", list(GHSL_EPOCHS))
    for name in ("centre_density", "cluster_density", "max_gap_km2"):
        positive(params, name, allow_zero=True)
    positive_int(params, "centre_population", minimum=0)
    positive_int(params, "cluster_population", minimum=0)
    less_than(params, "cluster_density", "centre_density", strict=False)
    less_than(params, "cluster_population", "centre_population", strict=False)
    if not isinstance(params["built_criterion"], bool):
        fail("built_criterion", f"must be true or false, got {params['built_criterion']!r}",
             "write -p built_criterion true or -p built_criterion false")
    bt = params["built_threshold"]
    if isinstance(bt, bool) or not isinstance(bt, int | float) or not (bt == -1 or 0 <= bt <= 1):
        fail("built_threshold", f"is a built-up share and must lie in [0, 1] (or -1 for the rule set's "
             f"value), got {bt!r}", "give a share such as 0.2 or 0.5")
    files = {name: params[name] for name in ("pop_file", "land_file", "built_file")}
    for name, value in files.items():
        inputs.check_raster(value, name, bands=1, log=False)
    grids = inputs.check_same_grid(files, log=False)
    info = grids["pop_file"]
    from pyproj import CRS

    crs = CRS.from_user_input(info["crs"])
    if not crs.is_projected:
        fail("pop_file", f"is in the geographic CRS {crs.to_string()}; cell areas need a projected CRS "
             "in metres", "reproject the three grids to an equal-area CRS such as ESRI:54009 (Mollweide)")
    a, _, _, _, e, _ = info["transform"][:6]
    if abs(abs(a) - 1000) > 1 or abs(abs(e) - 1000) > 1:
        fail("pop_file", f"has {abs(a):g} x {abs(e):g} m cells; the Degree of Urbanisation is defined on "
             "1 km cells", "sum the population (and land, built-up) to 1 km cells first")
    _korea_inputs(params)


def _korea_inputs(params: dict[str, Any]) -> None:
    """The 시군구 census (KOSIS layout: two header lines, nine columns) and its boundaries."""
    import io

    import pandas as pd

    path = inputs.resolve(params["korea_census_file"], "korea_census_file", suffixes=(".csv",), log=False)
    text = inputs.decode(path.read_bytes(), path, "korea_census_file")
    try:
        census = pd.read_csv(io.StringIO(text), skiprows=2, dtype=str, header=None)
    except Exception as exc:  # noqa: BLE001 - any parse error becomes the same advice
        fail("korea_census_file", f"({path}) cannot be read as a CSV ({exc})",
             "give the KOSIS 시군구 × age table as CSV (two header lines, then code, name, age code, age, "
             "year, population, male, female, sex ratio)")
    problem = check_census_layout(census)
    if problem:
        fail("korea_census_file", f"({path}) is not in the KOSIS layout the chapter reads ({problem})",
             "give the KOSIS 시군구 × age table (see the chapter's Korean example) or leave the default")
    inputs.check_vector(params["korea_units_file"], "korea_units_file", required=["code", "name"], log=False)

