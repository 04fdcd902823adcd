"""Earth Engine backend for the Part I indicators.

The same indicators as :mod:`statmethods.imagery` and :mod:`statmethods.indicators`, written
as Earth Engine computation graphs so that they run at national scale on Google's servers:

- :mod:`.common`: authentication, administrative units, ``reduceRegions``, exports and offline
  graph inspection;
- :mod:`.imagery`: Sentinel-2 cloud masks, NDVI, green share and non-built land per inhabitant;
- :mod:`.ghsl`: the Degree of Urbanisation and SDG 11.3.1 on the GHSL collections.

Importing this package does not import ``ee``; see :mod:`.common` for how to authenticate.
Chapters choose this backend with the parameter ``backend = "earthengine"``. Every module's
public names (its ``__all__``) are re-exported here.
"""

from .common import (
    EE_PROJECT_ENV,
    GAUL_ASSET,
    KOREA_GAUL_NAME,
    admin_units,
    constants_used,
    export_table,
    feature_collection_from_geodataframe,
    functions_used,
    graph,
    initialize,
    invocations,
    offline,
    reduce_regions,
    require_ee,
)
from .ghsl import (
    BUILT_BAND,
    EE_DEVIATIONS,
    GHS_BUILT_S,
    GHS_POP,
    GHSL_EPOCHS,
    MOLLWEIDE,
    POP_BAND,
    builtup_image,
    builtup_korea_grid,
    degurba_level1,
    degurba_population_by_unit,
    grid_1km,
    lcrpgr_by_extent,
    population_image,
)
from .imagery import (
    CLOUD_MASKS,
    S2_CLOUD_PROBABILITY,
    S2_SR_HARMONIZED,
    add_cloud_probability,
    ee_band,
    green_share_image,
    mask_s2_cloud_probability,
    mask_s2_qa60,
    mask_s2_scl,
    ndvi_by_unit,
    nonbuilt_land_by_unit,
    scale_s2,
    sentinel2_collection,
    spectral_index_image,
)

__all__ = [
    "BUILT_BAND",
    "CLOUD_MASKS",
    "EE_DEVIATIONS",
    "EE_PROJECT_ENV",
    "GAUL_ASSET",
    "GHSL_EPOCHS",
    "GHS_BUILT_S",
    "GHS_POP",
    "KOREA_GAUL_NAME",
    "MOLLWEIDE",
    "POP_BAND",
    "S2_CLOUD_PROBABILITY",
    "S2_SR_HARMONIZED",
    "add_cloud_probability",
    "admin_units",
    "builtup_image",
    "builtup_korea_grid",
    "constants_used",
    "degurba_level1",
    "degurba_population_by_unit",
    "ee_band",
    "export_table",
    "feature_collection_from_geodataframe",
    "functions_used",
    "graph",
    "green_share_image",
    "grid_1km",
    "initialize",
    "invocations",
    "offline",
    "lcrpgr_by_extent",
    "mask_s2_cloud_probability",
    "mask_s2_qa60",
    "mask_s2_scl",
    "ndvi_by_unit",
    "nonbuilt_land_by_unit",
    "population_image",
    "reduce_regions",
    "require_ee",
    "scale_s2",
    "sentinel2_collection",
    "spectral_index_image",
]
