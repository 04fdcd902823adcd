"""Earth Engine backend for the GHSL indicators: Degree of Urbanisation and SDG 11.3.1.

The same rules as :mod:`statmethods.indicators.degurba` and
:mod:`statmethods.indicators.land_consumption`, read from the same
:class:`~statmethods.indicators.degurba.DegurbaParameters`, written as Earth Engine graphs on
the GHSL R2023A collections, so that a whole country (Korea: about 100,000 cells of 1 km²) is
classified on Google's servers and summarised by administrative unit with ``reduceRegions``.

Data: ``JRC/GHSL/P2023A/GHS_POP`` (band ``population_count``, residents per 100 m cell) and
``JRC/GHSL/P2023A/GHS_BUILT_S`` (band ``built_surface``, m² per 100 m cell), epochs 1975-2030
in 5-year steps (2025 and 2030 are projections). Both are aggregated to 1 km in Mollweide
(ESRI:54009), the grid of the method.

Differences from the local backend (listed in :data:`EE_DEVIATIONS`):

* clusters are found with ``connectedComponents``, which stops at ``max_size`` pixels (at most
  1024 in Earth Engine): a cluster larger than 1,024 km² is cut, so raise ``max_size`` only as far
  as Earth Engine allows and check the largest urban centres locally;
* majority smoothing runs a fixed number of passes (``smoothing_passes``) and ignores the
  "unique centre" condition; gaps are non-centre components smaller than ``max_gap_km2`` pixels;
* without a land image, every cell counts as all land (no water cells).

Examples
--------
>>> from statmethods.earthengine import common, ghsl  # doctest: +SKIP
>>> common.initialize("my-project")  # doctest: +SKIP
>>> units = common.admin_units("Republic of Korea", level=2)  # doctest: +SKIP
>>> fc = ghsl.degurba_population_by_unit(units, year=2020)  # doctest: +SKIP
>>> common.export_table(fc, "korea_degurba_2020", start=True)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # ee is imported only when a computation is built
    import ee

from ..indicators.degurba import GHSL_EPOCHS, DegurbaParameters, resolve_parameters
from .common import reduce_regions, require_ee

__all__ = [
    "BUILT_BAND",
    "EE_DEVIATIONS",
    "GHS_BUILT_S",
    "GHS_POP",
    "GHSL_EPOCHS",
    "MOLLWEIDE",
    "POP_BAND",
    "builtup_image",
    "builtup_korea_grid",
    "degurba_level1",
    "degurba_population_by_unit",
    "grid_1km",
    "lcrpgr_by_extent",
    "population_image",
]

GHS_POP = "JRC/GHSL/P2023A/GHS_POP"
GHS_BUILT_S = "JRC/GHSL/P2023A/GHS_BUILT_S"
POP_BAND = "population_count"
BUILT_BAND = "built_surface"
MOLLWEIDE = "ESRI:54009"

EE_DEVIATIONS: tuple[str, ...] = (
    "Clusters are limited to max_size pixels by connectedComponents (<= 1024 km² at 1 km).",
    "Majority smoothing: the five-of-eight rule (also when smoothing='ghsl_2023'), a fixed number of "
    "passes, no 'unique centre' condition.",
    "Gaps: non-centre components (8-connected) smaller than max_gap_km2 pixels, enclosure not checked.",
    "Level 1 only; level 2 and the unit classes are derived locally from the exported table.",
    "Without a land image all cells are land: no water cells, density per km² of cell.",
)


def _epoch(year: int) -> str:
    if int(year) not in GHSL_EPOCHS:
        raise ValueError(f"GHSL R2023A epochs are {GHSL_EPOCHS[0]}..{GHSL_EPOCHS[-1]} in 5-year steps, "
                         f"got {year!r}")
    return str(int(year))


def population_image(year: int) -> ee.Image:
    """GHS-POP R2023A residents per 100 m cell for one epoch.

    Parameters
    ----------
    year : int
        GHSL epoch (1975..2030 in 5-year steps).

    Returns
    -------
    ee.Image
        One band, ``population_count``.

    Examples
    --------
    >>> from statmethods.earthengine import common, ghsl
    >>> with common.offline():
    ...     "JRC/GHSL/P2023A/GHS_POP/2020" in common.constants_used(ghsl.population_image(2020))
    True
    """
    ee = require_ee()
    return ee.Image(f"{GHS_POP}/{_epoch(year)}").select(POP_BAND)


def builtup_image(year: int) -> ee.Image:
    """GHS-BUILT-S R2023A built-up surface (m² per 100 m cell) for one epoch.

    Parameters
    ----------
    year : int
        GHSL epoch (1975..2030 in 5-year steps).

    Returns
    -------
    ee.Image
        One band, ``built_surface``.

    Examples
    --------
    >>> from statmethods.earthengine import common, ghsl
    >>> with common.offline():
    ...     common.constants_used(ghsl.builtup_image(2020))
    [['built_surface'], 'JRC/GHSL/P2023A/GHS_BUILT_S/2020']
    """
    ee = require_ee()
    return ee.Image(f"{GHS_BUILT_S}/{_epoch(year)}").select(BUILT_BAND)


def grid_1km(year: int, *, land: ee.Image | None = None, cell_m: float = 1000.0) -> ee.Image:
    """Population, built-up and land area on the 1 km Mollweide grid (bands ``pop``, ``built``, ``land``).

    Sums of the 100 m cells (``reduceResolution`` with a sum reducer, area-weighted at the edges).

    Parameters
    ----------
    year : int
        GHSL epoch.
    land : ee.Image, optional
        Permanent land area in m² per 100 m cell; default: every cell is all land.
    cell_m : float
        Cell size in metres; the method is defined on 1000 m cells only.

    Returns
    -------
    ee.Image
        Bands ``pop`` (residents), ``built`` and ``land`` (m²) per 1 km cell.

    Examples
    --------
    >>> from statmethods.earthengine import common, ghsl
    >>> with common.offline():
    ...     "Image.reduceResolution" in common.functions_used(ghsl.grid_1km(2020))
    True
    """
    ee = require_ee()
    if cell_m != 1000.0:
        raise ValueError("the Degree of Urbanisation is defined on 1 km² cells; cell_m must be 1000")
    proj = ee.Projection(MOLLWEIDE).atScale(cell_m)

    def agg(img: ee.Image, name: str) -> ee.Image:
        return img.reduceResolution(reducer=ee.Reducer.sum(), maxPixels=1024).reproject(proj).rename(name)

    pop = agg(population_image(year), "pop")
    built = agg(builtup_image(year), "built")
    land_img = agg(land, "land") if land is not None else ee.Image.constant(cell_m * cell_m).rename("land")
    return pop.addBands(built).addBands(land_img)


def builtup_korea_grid(year: int = 2020, *, size: int = 1000) -> ee.Image:
    """GHS-BUILT-S built-up surface (m² per cell) on the Korean national grid (국토격자, EPSG:5179).

    The dasymetric layer for :func:`statmethods.indicators.grid.census_to_grid`: the 100 m
    cells are summed (area-weighted at the edges) onto cells of ``size`` metres of the grid
    whose origin is :data:`statmethods.indicators.grid.GRID_ORIGIN`. Export it with
    ``Export.image.toDrive(..., crs="EPSG:5179", crsTransform=[size, 0, 700000, 0, -size, 2100000])``
    and pass its cell values as ``weights``.

    Parameters
    ----------
    year : int
        GHSL epoch.
    size : int
        Cell size of the national grid in metres (one of the grid's sizes, e.g. 100 or 1000).

    Returns
    -------
    ee.Image
        One band, ``built`` (m² per grid cell), in EPSG:5179.

    Examples
    --------
    >>> from statmethods.earthengine import common, ghsl
    >>> with common.offline():
    ...     "EPSG:5179" in common.constants_used(ghsl.builtup_korea_grid(2015, size=1000))
    True
    """
    from ..indicators.grid import GRID_CRS, GRID_ORIGIN, check_grid_size

    ee = require_ee()
    size = check_grid_size(size)
    top = GRID_ORIGIN[1] + 8 * 100_000  # the grid's northern edge
    proj = ee.Projection(GRID_CRS, [size, 0, GRID_ORIGIN[0], 0, -size, top])
    img = builtup_image(year)
    if size >= 100:
        img = img.reduceResolution(reducer=ee.Reducer.sum(), maxPixels=65535)
    return img.reproject(proj).rename("built")


def _clusters(mask: ee.Image, pop: ee.Image, min_pop: float, connectivity: int, max_size: int) -> ee.Image:
    """1 where ``mask`` cells form a cluster with at least ``min_pop`` people, else 0."""
    ee = require_ee()
    kernel = ee.Kernel.plus(1) if connectivity == 4 else ee.Kernel.square(1)
    labels = mask.selfMask().connectedComponents(connectedness=kernel, maxSize=max_size).select("labels")
    total = pop.addBands(labels).reduceConnectedComponents(reducer=ee.Reducer.sum(), labelBand="labels",
                                                           maxSize=max_size)
    return total.gte(min_pop).unmask(0).rename("cluster")


def degurba_level1(year: int = 2020, *, parameters: DegurbaParameters | None = None,
                   land: ee.Image | None = None, smoothing_passes: int = 5, max_size: int = 1024,
                   **overrides: float | int | str | bool | None) -> ee.Image:
    """Degree of Urbanisation level 1 as an ``ee.Image`` (3 urban centre, 2 urban cluster, 1 rural).

    Thresholds come from ``parameters`` (the local backend's :class:`DegurbaParameters`) with
    keyword ``overrides``; see :data:`EE_DEVIATIONS` for what differs from the local code.

    Parameters
    ----------
    year : int
        GHSL epoch.
    parameters : DegurbaParameters, optional
        Thresholds; default: the ``manual-2021`` rule set.
    land : ee.Image, optional
        Permanent land area in m² per 100 m cell; default: every cell is all land.
    smoothing_passes : int
        Passes of the majority smoothing of urban centres.
    max_size : int
        Largest cluster ``connectedComponents`` follows, in pixels (1..1024).
    **overrides
        Single thresholds of :class:`DegurbaParameters` (``centre_density=...``).

    Returns
    -------
    ee.Image
        One byte band, ``degurba_l1``, masked where there is no population data.

    Examples
    --------
    >>> from statmethods.earthengine import common, ghsl
    >>> with common.offline():
    ...     1234.0 in common.constants_used(ghsl.degurba_level1(2020, centre_density=1234.0))
    True
    """
    ee = require_ee()
    p = resolve_parameters(parameters, None, **overrides)
    if not 1 <= max_size <= 1024:
        raise ValueError(f"max_size must be between 1 and 1024 pixels (Earth Engine's limit), got {max_size}")
    g = grid_1km(year, land=land)
    pop = g.select("pop")
    land_km2 = g.select("land").divide(1e6)
    density = pop.divide(land_km2.max(1e-6)).rename("density")
    dense = density.gte(p.centre_density)
    if p.built_criterion:
        share = g.select("built").divide(g.select("land").max(1.0))
        dense = dense.Or(share.gte(p.built_threshold))
    uc = _clusters(dense, pop, p.centre_population, p.centre_connectivity, max_size)
    if p.smoothing != "none":
        ring = ee.Kernel.fixed(3, 3, [[1, 1, 1], [1, 0, 1], [1, 1, 1]])
        for _ in range(smoothing_passes):
            n = uc.reduceNeighborhood(reducer=ee.Reducer.sum(), kernel=ring)
            uc = uc.Or(n.gte(p.majority_min)).rename("cluster")
    if p.gap_fill:
        gap_px = int(round(p.max_gap_km2))
        small = uc.Not().selfMask().connectedPixelCount(maxSize=gap_px, eightConnected=True).lt(gap_px)
        uc = uc.Or(small.unmask(0)).rename("cluster")
    ucl_mask = density.gte(p.cluster_density)
    if p.clusters_from_centres:
        ucl_mask = ucl_mask.Or(uc)
    ucl = _clusters(ucl_mask, pop, p.cluster_population, p.cluster_connectivity, max_size)
    level1 = ee.Image(1).where(ucl.eq(1), 2).where(uc.eq(1), 3).rename("degurba_l1")
    return level1.updateMask(pop.mask()).toByte()


def degurba_population_by_unit(units: ee.FeatureCollection, year: int = 2020, *,
                               parameters: DegurbaParameters | None = None, land: ee.Image | None = None,
                               tile_scale: float = 4.0,
                               **kwargs: float | int | str | bool | None) -> ee.FeatureCollection:
    """Population of each unit in urban centres, urban clusters and rural cells (``reduceRegions``).

    Export the result and classify the units locally with
    :func:`statmethods.indicators.degurba.classify_units` (columns 3, 2, 1).

    Parameters
    ----------
    units : ee.FeatureCollection
        Administrative units (e.g. :func:`statmethods.earthengine.common.admin_units`).
    year : int
        GHSL epoch.
    parameters : DegurbaParameters, optional
        Thresholds; default: the ``manual-2021`` rule set.
    land : ee.Image, optional
        Permanent land area in m² per 100 m cell; default: every cell is all land.
    tile_scale : float
        Earth Engine memory knob, 1 to 16.
    **kwargs
        Passed to :func:`degurba_level1` (``smoothing_passes``, ``max_size`` or single thresholds).

    Returns
    -------
    ee.FeatureCollection
        The units with properties ``pop_3``, ``pop_2`` and ``pop_1`` (residents).

    Examples
    --------
    >>> from statmethods.earthengine import common, ghsl
    >>> with common.offline():
    ...     fc = ghsl.degurba_population_by_unit(common.admin_units(level=2), year=2020)
    ...     "Image.reduceRegions" in common.functions_used(fc)
    True
    """
    ee = require_ee()
    cls = degurba_level1(year, parameters=parameters, land=land, **kwargs)
    pop = grid_1km(year, land=land).select("pop")
    img = ee.Image.cat([pop.multiply(cls.eq(k)).rename(f"pop_{k}") for k in (3, 2, 1)])
    return reduce_regions(img, units, ee.Reducer.sum(), scale=1000, crs=MOLLWEIDE, tile_scale=tile_scale)


def lcrpgr_by_extent(extents: ee.FeatureCollection, start: int, end: int, *,
                     built_share_threshold: float | None = None, scale: float = 100.0,
                     tile_scale: float = 4.0) -> ee.FeatureCollection:
    """SDG 11.3.1 per urban extent on GHSL: LCR, PGR, LCRPGR and built-up m² per inhabitant.

    Parameters
    ----------
    extents : ee.FeatureCollection
        Urban extents (or administrative units).
    start, end : int
        GHSL epochs (``y = end - start`` years).
    built_share_threshold : float, optional
        If given, a 100 m cell counts as wholly built up when its built-up share reaches this
        value (as in a binary built-up epoch grid, like the local chapter's data); by default the
        built-up surface (m²) is summed.
    scale : float
        Reduction pixel size in metres (GHSL native: 100).

    Returns
    -------
    ee.FeatureCollection
        Properties ``urb_start``, ``urb_end`` (km²), ``pop_start``, ``pop_end``, ``lcr``, ``pgr``,
        ``lcrpgr``, ``builtup_per_capita_end`` (m²), the formula of
        :func:`statmethods.indicators.land_consumption.land_consumption`.

    Examples
    --------
    >>> from statmethods.earthengine import common, ghsl
    >>> with common.offline():
    ...     fc = ghsl.lcrpgr_by_extent(common.admin_units(level=2), 2000, 2020)
    ...     "Number.log" in common.functions_used(fc)
    True
    """
    ee = require_ee()
    years = int(end) - int(start)
    if years <= 0:
        raise ValueError(f"end ({end}) must be after start ({start})")

    def urb(year: int) -> ee.Image:
        b = builtup_image(year)
        if built_share_threshold is not None:
            b = b.divide(ee.Image.pixelArea()).gte(built_share_threshold).multiply(ee.Image.pixelArea())
        return b.divide(1e6)

    img = ee.Image.cat([urb(start).rename("urb_start"), urb(end).rename("urb_end"),
                        population_image(start).rename("pop_start"), population_image(end).rename("pop_end")])
    fc = reduce_regions(img, extents, ee.Reducer.sum(), scale=scale, crs=MOLLWEIDE, tile_scale=tile_scale)

    def indicators(f: ee.Feature) -> ee.Feature:
        f = ee.Feature(f)
        lcr = ee.Number(f.get("urb_end")).divide(f.get("urb_start")).log().divide(years)
        pgr = ee.Number(f.get("pop_end")).divide(f.get("pop_start")).log().divide(years)
        return f.set({"lcr": lcr, "pgr": pgr, "lcrpgr": lcr.divide(pgr), "years": years,
                      "builtup_per_capita_end": ee.Number(f.get("urb_end")).multiply(1e6)
                      .divide(f.get("pop_end"))})

    return fc.map(indicators)
