"""Part I methods: SDG indicators from satellite imagery and population grids.

- :mod:`.degurba`: the Degree of Urbanisation (grid cells and local units; a sub-package);
- :mod:`.land_consumption`: SDG 11.3.1, land consumption rate against population growth rate;
- :mod:`.green`: green and open space per urban inhabitant (GHSL non-built land, NDVI green share);
- :mod:`.zonal`: zonal statistics by administrative unit (exactextract).
- :mod:`.grid`: the Korean national grid (국토격자) and census counts spread onto it;

Every module's public names (its ``__all__``) are re-exported here.
"""

from .degurba import (
    DEVIATIONS,
    GHSL_EPOCHS,
    LEVEL1_CLASSES,
    LEVEL2_CLASSES,
    NODATA,
    RULE_SETS,
    UNIT_LEVEL1_CLASSES,
    UNIT_LEVEL2_CLASSES,
    DegurbaGrid,
    DegurbaParameters,
    centre_table,
    classify_grid,
    classify_units,
    fill_gaps,
    majority_smoothing,
    population_clusters,
    resolve_parameters,
    rule_set_parameters,
    threshold_names,
    write_degurba_geotiff,
)
from .green import (
    GREEN_NDVI_THRESHOLD,
    GreenSpaceResult,
    green_share,
    nonbuilt_land_per_inhabitant,
    urban_centres,
)
from .grid import (
    GRID_CRS,
    GRID_ORIGIN,
    GRID_SIZES,
    areal_weighting_error,
    cell_bounds,
    cell_id,
    census_to_grid,
    check_grid_size,
    national_grid,
)
from .land_consumption import (
    GHSL_NEVER_BUILT,
    METADATA_VERSION,
    LandConsumption,
    builtup_area_by_epoch,
    land_consumption,
)
from .zonal import (
    population_by_class,
    zonal_stats,
)

__all__ = [
    "DEVIATIONS",
    "GHSL_EPOCHS",
    "DegurbaGrid",
    "DegurbaParameters",
    "GHSL_NEVER_BUILT",
    "GREEN_NDVI_THRESHOLD",
    "GRID_CRS",
    "GRID_ORIGIN",
    "GRID_SIZES",
    "GreenSpaceResult",
    "LEVEL1_CLASSES",
    "LEVEL2_CLASSES",
    "LandConsumption",
    "METADATA_VERSION",
    "NODATA",
    "RULE_SETS",
    "UNIT_LEVEL1_CLASSES",
    "UNIT_LEVEL2_CLASSES",
    "areal_weighting_error",
    "builtup_area_by_epoch",
    "cell_bounds",
    "cell_id",
    "census_to_grid",
    "centre_table",
    "check_grid_size",
    "classify_grid",
    "classify_units",
    "fill_gaps",
    "green_share",
    "land_consumption",
    "majority_smoothing",
    "national_grid",
    "nonbuilt_land_per_inhabitant",
    "population_by_class",
    "population_clusters",
    "resolve_parameters",
    "rule_set_parameters",
    "threshold_names",
    "urban_centres",
    "write_degurba_geotiff",
    "zonal_stats",
]
