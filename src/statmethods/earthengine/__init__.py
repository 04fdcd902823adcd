"""Earth Engine backend for the Part I indicators.

The same indicators as :mod:`statmethods.imagery` and :mod:`statmethods.indicators`, written
as Earth Engine computation graphs so that they run at national scale on Google's servers:
common helpers (authentication, administrative units, ``reduceRegions``, exports, offline graph
inspection) in :mod:`.common`, and Sentinel-2 cloud masks, NDVI and green share in
:mod:`.imagery`. Importing this package does not import ``ee``; see :mod:`.common` for how to
authenticate. Chapters choose it with the parameter ``backend = "earthengine"``.
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
    reduce_regions,
    require_ee,
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
    "CLOUD_MASKS",
    "EE_PROJECT_ENV",
    "GAUL_ASSET",
    "KOREA_GAUL_NAME",
    "S2_CLOUD_PROBABILITY",
    "S2_SR_HARMONIZED",
    "add_cloud_probability",
    "admin_units",
    "constants_used",
    "ee_band",
    "export_table",
    "feature_collection_from_geodataframe",
    "functions_used",
    "graph",
    "green_share_image",
    "initialize",
    "mask_s2_cloud_probability",
    "mask_s2_qa60",
    "mask_s2_scl",
    "ndvi_by_unit",
    "nonbuilt_land_by_unit",
    "reduce_regions",
    "require_ee",
    "scale_s2",
    "sentinel2_collection",
    "spectral_index_image",
]
