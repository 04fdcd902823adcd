"""Part I methods: optical imagery as xarray objects.

Bands and reflectance scaling (:mod:`.bands`), normalised-difference indices
(:mod:`.indices`), cloud and valid-data masks (:mod:`.masks`), temporal composites and
per-class time series (:mod:`.composite`), reading and aligning rasters (:mod:`.align`), and
the image patches of grid cells (:mod:`.patches`).
Every function takes :class:`xarray.DataArray` objects and stays lazy on dask-backed arrays.
"""

from .align import (
    CRSMismatchError,
    GridMismatchError,
    align_categorical,
    check_same_grid,
    open_raster,
    stack_bands,
)
from .bands import (
    LANDSAT8_BANDS,
    REFLECTANCE_SCALING,
    SENSOR_BANDS,
    SENTINEL2_BANDS,
    MissingBandError,
    band_name,
    bbox_from_geojson,
    image_from_array,
    open_bands,
    require_bands,
    to_reflectance,
)
from .composite import (
    class_time_series,
    temporal_composite,
    valid_count,
)
from .indices import (
    INDEX_BANDS,
    ndbi,
    ndvi,
    ndwi,
    normalized_difference,
    spectral_index,
)
from .masks import (
    QA60_CIRRUS_BIT,
    QA60_CLOUD_BIT,
    S2CLOUDLESS_THRESHOLD,
    SCL_CLASSES,
    SCL_CLOUD_CLASSES,
    SCL_NODATA_CLASSES,
    AllNodataError,
    apply_mask,
    cloud_fraction,
    cloud_mask_from_probability,
    qa60_cloud_mask,
    require_data,
    scl_cloud_mask,
    valid_mask,
)
from .patches import (
    PatchSet,
    build_patch_set,
    centre_crop,
    find_patches,
    patch_headers,
)

__all__ = [
    "AllNodataError",
    "CRSMismatchError",
    "GridMismatchError",
    "INDEX_BANDS",
    "LANDSAT8_BANDS",
    "MissingBandError",
    "PatchSet",
    "QA60_CIRRUS_BIT",
    "QA60_CLOUD_BIT",
    "REFLECTANCE_SCALING",
    "S2CLOUDLESS_THRESHOLD",
    "SCL_CLASSES",
    "SCL_CLOUD_CLASSES",
    "SCL_NODATA_CLASSES",
    "SENSOR_BANDS",
    "SENTINEL2_BANDS",
    "align_categorical",
    "apply_mask",
    "band_name",
    "bbox_from_geojson",
    "build_patch_set",
    "centre_crop",
    "check_same_grid",
    "class_time_series",
    "cloud_fraction",
    "cloud_mask_from_probability",
    "find_patches",
    "image_from_array",
    "ndbi",
    "ndvi",
    "ndwi",
    "normalized_difference",
    "open_bands",
    "open_raster",
    "patch_headers",
    "qa60_cloud_mask",
    "require_bands",
    "require_data",
    "scl_cloud_mask",
    "spectral_index",
    "stack_bands",
    "temporal_composite",
    "to_reflectance",
    "valid_count",
    "valid_mask",
]
