"""Part I methods: SDG indicators from satellite imagery and population grids.

Green and open space per urban inhabitant (:mod:`.green`).
"""

from .green import (
    GREEN_NDVI_THRESHOLD,
    GreenSpaceResult,
    green_share,
    nonbuilt_land_per_inhabitant,
    urban_centres,
)

__all__ = [
    "GREEN_NDVI_THRESHOLD",
    "GreenSpaceResult",
    "green_share",
    "nonbuilt_land_per_inhabitant",
    "urban_centres",
]
