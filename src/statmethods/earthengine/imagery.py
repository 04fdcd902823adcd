"""Earth Engine backend for the imagery indicators: Sentinel-2 cloud masks, NDVI, green share.

Each function builds the same computation as the local code in :mod:`statmethods.imagery`
and :mod:`statmethods.indicators.green`, reading its constants from there (band roles, SCL
classes, QA60 bits, cloud-probability threshold, reflectance scale, NDVI threshold), so the
two backends cannot drift apart silently; ``tests/earthengine`` checks the serialised graphs.

Data: ``COPERNICUS/S2_SR_HARMONIZED`` (Sentinel-2 L2A surface reflectance, with the
processing-baseline 04.00 offset removed so that 2022+ scenes are comparable with older ones),
optionally joined with ``COPERNICUS/S2_CLOUD_PROBABILITY`` (s2cloudless).

Differences from the local backend: Earth Engine computes on its own tiles and pyramids, so
``scale`` in :func:`ndvi_by_unit` must be given (10 m here) and a unit's pixels are those whose
centres fall inside it, weighted by the covered fraction in ``mean`` (exactextract weights
the same way locally).

Examples
--------
>>> from statmethods.earthengine import common, imagery  # doctest: +SKIP
>>> common.initialize("my-project")  # doctest: +SKIP
>>> units = common.admin_units("Republic of Korea", level=2)  # doctest: +SKIP
>>> fc = imagery.ndvi_by_unit(units, "2023-06-01", "2023-09-01")  # doctest: +SKIP
>>> common.export_table(fc, "korea_ndvi_green_share_2023", start=True)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # ee is imported only when a computation is built
    import ee

from ..imagery.bands import REFLECTANCE_SCALING, SENSOR_BANDS
from ..imagery.indices import INDEX_BANDS
from ..imagery.masks import (
    QA60_CIRRUS_BIT,
    QA60_CLOUD_BIT,
    S2CLOUDLESS_THRESHOLD,
    SCL_CLOUD_CLASSES,
    SCL_NODATA_CLASSES,
)
from ..indicators.green import GREEN_NDVI_THRESHOLD
from .common import reduce_regions, require_ee

__all__ = [
    "CLOUD_MASKS",
    "S2_CLOUD_PROBABILITY",
    "S2_SR_HARMONIZED",
    "add_cloud_probability",
    "ee_band",
    "green_share_image",
    "mask_s2_cloud_probability",
    "mask_s2_qa60",
    "mask_s2_scl",
    "ndvi_by_unit",
    "nonbuilt_land_by_unit",
    "scale_s2",
    "sentinel2_collection",
    "spectral_index_image",
]

S2_SR_HARMONIZED = "COPERNICUS/S2_SR_HARMONIZED"
S2_CLOUD_PROBABILITY = "COPERNICUS/S2_CLOUD_PROBABILITY"
CLOUD_MASKS = ("scl", "qa60", "s2cloudless")


def ee_band(name_or_role: str) -> str:
    """Earth Engine's name of a Sentinel-2 band: ``"B08"`` or ``"nir"`` -> ``"B8"``; ``"B8A"`` stays.

    Examples
    --------
    >>> ee_band("nir"), ee_band("B04"), ee_band("B8A")
    ('B8', 'B4', 'B8A')
    """
    name = SENSOR_BANDS["sentinel2"].get(name_or_role, name_or_role)
    if name not in SENSOR_BANDS["sentinel2"].values():
        raise ValueError(f"{name_or_role!r} is neither a Sentinel-2 band nor a band role")
    return "B" + name[1:].lstrip("0")


_OPTICAL = [ee_band(b) for b in ("B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B09",
                                 "B11", "B12")]


def scale_s2(image: ee.Image) -> ee.Image:
    """Digital numbers to reflectance with the local constants (``REFLECTANCE_SCALING['sentinel2_l2a']``).

    Only the optical bands are scaled; the original time stamp is kept.
    """
    scale, offset = REFLECTANCE_SCALING["sentinel2_l2a"]
    refl = image.select(_OPTICAL).multiply(scale)
    if offset:
        refl = refl.add(offset)
    return refl.copyProperties(image, ["system:time_start"])


def mask_s2_scl(image: ee.Image, classes: Sequence[int] = SCL_CLOUD_CLASSES,
                nodata_classes: Sequence[int] = SCL_NODATA_CLASSES) -> ee.Image:
    """Mask cloud (SCL in ``classes``) and no-data (SCL in ``nodata_classes``) pixels."""
    bad = list(classes) + list(nodata_classes)
    scl = image.select("SCL")
    usable = scl.remap(bad, [0] * len(bad), 1)
    return image.updateMask(usable)


def mask_s2_qa60(image: ee.Image, cirrus: bool = True) -> ee.Image:
    """Mask pixels with the QA60 opaque-cloud bit (and the cirrus bit if ``cirrus``)."""
    bits = 1 << QA60_CLOUD_BIT
    if cirrus:
        bits |= 1 << QA60_CIRRUS_BIT
    return image.updateMask(image.select("QA60").bitwiseAnd(bits).eq(0))


def add_cloud_probability(collection: ee.ImageCollection) -> ee.ImageCollection:
    """Join each Sentinel-2 SR image with its s2cloudless probability image (property ``s2cloudless``)."""
    ee = require_ee()
    prob = ee.ImageCollection(S2_CLOUD_PROBABILITY)
    join = ee.Join.saveFirst("s2cloudless")
    cond = ee.Filter.equals(leftField="system:index", rightField="system:index")
    return ee.ImageCollection(join.apply(collection, prob, cond))


def mask_s2_cloud_probability(image: ee.Image, threshold: float = S2CLOUDLESS_THRESHOLD) -> ee.Image:
    """Mask pixels whose s2cloudless probability exceeds ``threshold`` (Earth Engine stores it as 0-100)."""
    ee = require_ee()
    if not 0 < threshold < 1:
        raise ValueError(f"threshold is a probability strictly between 0 and 1, got {threshold!r}")
    prob = ee.Image(image.get("s2cloudless")).select("probability")
    return image.updateMask(prob.lte(threshold * 100))


def sentinel2_collection(region: ee.Geometry | ee.FeatureCollection, start: str, end: str, *,
                         cloud_mask: str = "scl",
                         threshold: float = S2CLOUDLESS_THRESHOLD,
                         max_scene_cloud: float | None = None) -> ee.ImageCollection:
    """Cloud-masked Sentinel-2 SR harmonized scenes over a region and period, in reflectance.

    Parameters
    ----------
    region : ee.Geometry or ee.FeatureCollection
    start, end : str
        ISO dates, end exclusive.
    cloud_mask : {"scl", "qa60", "s2cloudless"}
        Which cloud mask (see :mod:`statmethods.imagery.masks` for the local equivalents).
    threshold : float
        Cloud probability threshold for ``"s2cloudless"``.
    max_scene_cloud : float, optional
        Drop whole scenes with ``CLOUDY_PIXEL_PERCENTAGE`` above this (0-100).
    """
    ee = require_ee()
    if cloud_mask not in CLOUD_MASKS:
        raise ValueError(f"cloud_mask must be one of {CLOUD_MASKS}, got {cloud_mask!r}")
    is_geom = isinstance(region, ee.Geometry)
    geom = region.geometry() if hasattr(region, "geometry") and not is_geom else region
    col = ee.ImageCollection(S2_SR_HARMONIZED).filterBounds(geom).filterDate(start, end)
    if max_scene_cloud is not None:
        col = col.filter(ee.Filter.lte("CLOUDY_PIXEL_PERCENTAGE", max_scene_cloud))
    if cloud_mask == "scl":
        col = col.map(lambda im: mask_s2_scl(im))
    elif cloud_mask == "qa60":
        col = col.map(lambda im: mask_s2_qa60(im))
    else:
        col = add_cloud_probability(col).map(lambda im: mask_s2_cloud_probability(im, threshold))
    return col.map(scale_s2)


def spectral_index_image(image: ee.Image, index: str = "ndvi") -> ee.Image:
    """A normalised-difference index with the local bands and rules: ``(a - b) / (a + b)``,
    masked where ``a + b == 0`` (as :func:`statmethods.imagery.indices.normalized_difference`).

    Written with ``subtract``/``divide`` rather than ``normalizedDifference``, which also masks
    negative inputs and so would differ from the local backend.
    """
    key = index.lower()
    if key not in INDEX_BANDS:
        raise ValueError(f"unknown index {index!r}; available: {sorted(INDEX_BANDS)}")
    role_a, role_b = INDEX_BANDS[key]
    a, b = image.select(ee_band(role_a)), image.select(ee_band(role_b))
    total = a.add(b)
    return a.subtract(b).divide(total).updateMask(total.neq(0)).rename(key)


def green_share_image(ndvi: ee.Image, threshold: float = GREEN_NDVI_THRESHOLD) -> ee.Image:
    """1 where NDVI >= threshold, 0 below, masked where NDVI is masked; its mean over a zone is
    the green share of valid pixels (:func:`statmethods.indicators.green_share`)."""
    return ndvi.gte(threshold).rename("green")


def ndvi_by_unit(units: ee.FeatureCollection, start: str, end: str, *, cloud_mask: str = "scl",
                 threshold: float = GREEN_NDVI_THRESHOLD, composite: str = "median", scale: float = 10,
                 tile_scale: float = 4) -> ee.FeatureCollection:
    """Median NDVI, green share and valid-pixel count per administrative unit.

    Builds a cloud-masked Sentinel-2 composite over ``units`` for ``[start, end)``, its NDVI and
    the green indicator, and reduces them over each unit with ``mean`` combined with ``count``.

    Returns
    -------
    ee.FeatureCollection
        The units with properties ``ndvi_mean``, ``green_mean`` (the green share),
        ``ndvi_count`` and ``green_count`` (valid pixels).
    """
    ee = require_ee()
    if composite not in ("median", "mean"):
        raise ValueError(f"composite must be 'median' or 'mean', got {composite!r}")
    col = sentinel2_collection(units, start, end, cloud_mask=cloud_mask)
    comp = col.median() if composite == "median" else col.mean()
    nd = spectral_index_image(comp, "ndvi")
    img = nd.addBands(green_share_image(nd, threshold))
    reducer = ee.Reducer.mean().combine(reducer2=ee.Reducer.count(), sharedInputs=True)
    return reduce_regions(img, units, reducer, scale=scale, tile_scale=tile_scale)


def nonbuilt_land_by_unit(units: ee.FeatureCollection, year: int = 2020, *, land: ee.Image | None = None,
                          tile_scale: float = 4, **degurba_overrides: float) -> ee.FeatureCollection:
    """Non-built land per urban-centre inhabitant in each administrative unit, from GHSL on Earth Engine.

    The Earth Engine counterpart of :func:`statmethods.indicators.nonbuilt_land_per_inhabitant`:
    GHSL population, built-up surface and land on the 1 km Mollweide grid
    (:func:`statmethods.earthengine.ghsl.grid_1km`), urban centres from
    :func:`statmethods.earthengine.ghsl.degurba_level1` (class 3), built-up capped at the land
    surface, and sums over the urban-centre cells of each unit at 1000 m. Earth Engine returns
    per-unit sums; the ratio is computed per feature. Urban centres that straddle a unit
    boundary are split between units (the local backend reports whole centres).

    Parameters
    ----------
    units : ee.FeatureCollection
        Administrative units.
    year : int
        GHSL epoch (1975..2030 in 5-year steps).
    land : ee.Image, optional
        Permanent land area (m² per 100 m cell); default: every cell is all land.
    tile_scale : float
        Earth Engine memory knob.
    **degurba_overrides
        Thresholds of :class:`statmethods.indicators.degurba.DegurbaParameters` (``centre_density=...``).

    Returns
    -------
    ee.FeatureCollection
        The units with ``pop``, ``land`` and ``nonbuilt`` (sums over urban-centre cells, m²) and
        ``nonbuilt_m2_per_inhabitant`` (missing where a unit has no urban-centre population).
    """
    ee = require_ee()
    from .ghsl import MOLLWEIDE, degurba_level1, grid_1km

    g = grid_1km(year, land=land)
    centre = degurba_level1(year, land=land, **degurba_overrides).eq(3)
    land_m2 = g.select("land")
    built = g.select("built").min(land_m2)
    img = (g.select("pop").addBands(land_m2).addBands(land_m2.subtract(built).rename("nonbuilt"))
           .updateMask(centre))
    sums = reduce_regions(img, units, ee.Reducer.sum(), scale=1000, crs=MOLLWEIDE, tile_scale=tile_scale)

    def ratio(f: ee.Feature) -> ee.Feature:
        pop = ee.Number(f.get("pop"))
        value = ee.Algorithms.If(pop.gt(0), ee.Number(f.get("nonbuilt")).divide(pop), None)
        return f.set("nonbuilt_m2_per_inhabitant", value)

    return sums.map(ratio)
