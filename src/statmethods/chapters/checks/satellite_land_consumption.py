"""Checks for ``satellite-land-consumption`` (SDG 11.3.1), run before the kernel starts."""

from __future__ import annotations

from typing import Any

from ... import inputs
from . import choice, fail, positive

GHSL_EPOCHS = list(range(1975, 2031, 5))


def check(params: dict[str, Any]) -> None:
    """Refuse impossible epochs, growth rates, backends and input files, naming the fix."""
    start = choice(params, "start_epoch", GHSL_EPOCHS)
    end = choice(params, "end_epoch", GHSL_EPOCHS)
    if end <= start:
        fail("start_epoch", f"({start}) must be before 'end_epoch' ({end})", "swap or correct the epochs")
    if params["pop_growth_rate_pct"] <= -100:
        fail("pop_growth_rate_pct", f"must be above -100 (%/yr), got {params['pop_growth_rate_pct']!r}",
             "give an annual growth in percent, e.g. 1.0")
    positive(params, "min_growth", allow_zero=True)
    choice(params, "backend", ["local", "earthengine"])
    if params["backend"] == "earthengine":
        return  # the extents go to Earth Engine; the local grid is not read
    grid = inputs.check_raster(params["builtup_file"], "builtup_file", bands=1, log=False)
    if grid["crs"].is_geographic:
        fail("builtup_file",
             f"is in the geographic CRS {grid['crs'].to_string()}; areas need a projected CRS",
             "reproject the epoch grid (nearest neighbour) to an equal-area CRS such as ESRI:54009")
    needed = [params["id_column"], params["population_column"]]
    if params["start_population_column"]:
        needed.append(params["start_population_column"])
    inputs.check_vector(params["extents_file"], "extents_file", required=needed, log=False)
    if params["footprint_file"]:
        inputs.check_vector(params["footprint_file"], "footprint_file", log=False)
