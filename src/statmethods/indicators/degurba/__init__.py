"""The Degree of Urbanisation (DEGURBA): grid cell and local unit classification.

Implements the method endorsed by the UN Statistical Commission in March 2020 and set out in
European Commission, FAO, UN-Habitat, OECD and World Bank (2021) *Applying the Degree of
Urbanisation: a methodological manual to define cities, towns and rural areas for international
comparisons* (the "manual"), chapter 2 (grid cells) and chapter 3 (local units). Where the manual
leaves a detail open, the GHSL Data Package 2022/2023 (Schiavina et al. 2022, 2023) is followed;
every such choice is listed in :data:`DEVIATIONS` and printed by ``summary()``.

Level 1 grid classes (codes as GHS-SMOD L1 plus water): 3 urban centre, 2 urban cluster
(outside urban centres), 1 rural grid cell, 0 water.
Level 2 grid classes (GHS-SMOD L2 codes): 30 urban centre, 23 dense urban cluster,
22 semi-dense urban cluster, 21 suburban or peri-urban cell, 13 rural cluster,
12 low density rural cell, 11 very low density rural cell, 10 water.
Cells without population data get :data:`NODATA` (255) and never join a cluster.


The sub-package has one module per job:

- :mod:`.parameters`: class codes, rule sets, GHSL epochs and the thresholds (one name each);
- :mod:`.clusters`: population clusters, majority smoothing, gap filling, buffers;
- :mod:`.classify`: the grid classification in memory (:func:`classify_grid`);
- :mod:`.tiled` and :mod:`.tiles`: the same classification out of core, tile by tile with Dask;
- :mod:`.files`: input rasters on one grid, the COG and cluster tables of a tiled run;
- :mod:`.result`: :class:`DegurbaGrid` and per-centre tables;
- :mod:`.units`: local units (:func:`classify_units`);
- :mod:`.export`: GeoTIFF output.

Examples
--------
>>> import numpy as np
>>> pop = np.full((5, 5), 100.0); pop[1:4, 1:4] = 6000.0
>>> res = classify_grid(pop, require_1km=False)
>>> int(res.level1[2, 2]), int(res.level1[0, 0])
(3, 1)
"""

from .classify import classify_grid
from .clusters import fill_gaps, majority_smoothing, population_clusters
from .export import write_degurba_geotiff
from .parameters import (
    DEVIATIONS,
    GHSL_EPOCHS,
    LEVEL1_CLASSES,
    LEVEL2_CLASSES,
    NODATA,
    RULE_SETS,
    UNIT_LEVEL1_CLASSES,
    UNIT_LEVEL2_CLASSES,
    DegurbaParameters,
    resolve_parameters,
    rule_set_parameters,
    threshold_names,
)
from .result import DegurbaGrid, centre_table
from .tiled import TiledResult, classify_tiled
from .units import classify_units

__all__ = [
    "DEVIATIONS",
    "GHSL_EPOCHS",
    "LEVEL1_CLASSES",
    "LEVEL2_CLASSES",
    "NODATA",
    "RULE_SETS",
    "UNIT_LEVEL1_CLASSES",
    "UNIT_LEVEL2_CLASSES",
    "DegurbaGrid",
    "DegurbaParameters",
    "TiledResult",
    "centre_table",
    "classify_grid",
    "classify_tiled",
    "classify_units",
    "fill_gaps",
    "majority_smoothing",
    "population_clusters",
    "resolve_parameters",
    "rule_set_parameters",
    "threshold_names",
    "write_degurba_geotiff",
]
