"""Grid cell classification (manual, chapter 2): cell tests, urban centres, level 1, level 2.

:func:`classify_grid` runs the steps in order on whole arrays; :mod:`.tiled` runs the same
steps tile by tile. The steps are separate functions so that both share them.

Examples
--------
>>> import numpy as np
>>> pop = np.full((5, 5), 100.0); pop[1:4, 1:4] = 6000.0
>>> res = classify_grid(pop, require_1km=False)
>>> int(res.level1[2, 2]), int(res.level1[0, 0])
(3, 1)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import xarray as xr
from scipy import ndimage

from .clusters import (
    buffer_cells,
    fill_gaps,
    in_population_clusters,
    kept_components,
    majority_smoothing,
    population_clusters,
    structure,
    within_distance,
    within_square,
)
from .parameters import NODATA, DegurbaParameters, resolve_parameters
from .result import DegurbaGrid

__all__ = ["CellTests", "cell_tests", "classify_grid", "level1_classes", "level2_classes_2021",
           "level2_classes_2024", "urban_centres"]


@dataclass
class CellTests:
    """The per-cell quantities every rule reads (arrays of one grid or one tile).

    ``popz`` is the population with no-data as 0; ``dens`` the density per km² of permanent land
    (0 where no data); ``built_ok`` whether the built-up share (as the built-up test reads it)
    reaches the parameters' ``built_threshold``; ``mostly_land`` whether over half the cell is land.
    The two tests are kept as booleans, not shares: a byte per cell instead of eight.
    """

    valid: np.ndarray
    popz: np.ndarray
    dens: np.ndarray
    built_ok: np.ndarray
    mostly_land: np.ndarray
    water: np.ndarray
    cell_m: float

    def dense(self, p: DegurbaParameters, density: float) -> np.ndarray:
        """Cells at or above ``density``, or (with the built-up criterion) built-up enough."""
        m = self.valid & (self.dens >= density)
        if p.built_criterion:
            m |= self.valid & self.built_ok
        return m

    def counted(self, p: DegurbaParameters) -> np.ndarray:
        """Neighbours that count towards the GHSL-2023 majority (land or populated cells)."""
        c = self.valid & (self.mostly_land | (self.popz > 0))
        return c | ~self.valid if p.majority_count_unknown else c


def cell_tests(pop: np.ndarray, land_m2: np.ndarray | None, built_m2: np.ndarray | None,
               p: DegurbaParameters, cell_m: float, *, block_cells: int = 1 << 18) -> CellTests:
    """Density, built-up share, land share and water of every cell (no checks: see classify_grid).

    Computed in blocks of rows of about ``block_cells`` cells, so that the temporaries stay in the
    processor's cache: the cost per cell does not grow with the grid.

    Examples
    --------
    >>> t = cell_tests(np.array([[500.0, np.nan]]), None, None, DegurbaParameters(), 1000.0)
    >>> t.dens.tolist(), t.valid.tolist()
    ([[500.0, 0.0]], [[True, False]])
    """
    shape = pop.shape
    out = CellTests(np.empty(shape, bool), np.empty(shape), np.empty(shape), np.empty(shape, bool),
                    np.empty(shape, bool), np.empty(shape, bool), float(cell_m))
    step = max(1, block_cells // max(1, shape[1]))
    for r0 in range(0, shape[0], step):
        rows = slice(r0, r0 + step)
        b = _cell_block(pop[rows], None if land_m2 is None else land_m2[rows],
                        None if built_m2 is None else built_m2[rows], p, cell_m)
        for name in ("valid", "popz", "dens", "built_ok", "mostly_land", "water"):
            getattr(out, name)[rows] = b[name]
    return out


def _cell_block(pop: np.ndarray, land_m2: np.ndarray | None, built_m2: np.ndarray | None,
                p: DegurbaParameters, cell_m: float) -> dict[str, np.ndarray]:
    cell_m2 = cell_m * cell_m
    valid = np.isfinite(pop)
    popz = np.where(valid, pop, 0.0)
    land = np.full(pop.shape, cell_m2) if land_m2 is None else np.clip(np.where(valid, land_m2, 0.0), 0.0,
                                                                       cell_m2)
    built = np.zeros(pop.shape) if built_m2 is None else np.where(valid, built_m2, 0.0)
    land_share = land / cell_m2
    dens = popz / np.where(land > 0, land / 1e6, cell_m2 / 1e6)
    with np.errstate(divide="ignore", invalid="ignore"):
        built_share = np.where(land > 0, built / land, np.where(built > 0, 1.0, 0.0))
    water = valid & (land_share < p.water_land_share) & (popz <= p.water_max_pop) \
        & (built_share <= p.water_max_built)
    if p.built_share_digits is not None:
        built_share = np.round(built_share, p.built_share_digits)
    return {"valid": valid, "popz": popz, "dens": dens, "built_ok": built_share >= p.built_threshold,
            "mostly_land": land_share > 0.5, "water": water}


def urban_centres(t: CellTests, p: DegurbaParameters) -> np.ndarray:
    """Urban centre id of every cell (manual 2.3): dense cells, clusters, smoothing, gap filling."""
    uc = population_clusters(t.dense(p, p.centre_density), t.popz, p.centre_population,
                             p.centre_connectivity)
    if p.smoothing != "none":
        if p.smoothing == "ghsl_2023":
            eligible, counted = t.valid & ~t.water, t.counted(p)
        else:
            eligible, counted = t.valid, None
        uc = majority_smoothing(uc, rule=p.smoothing, majority_min=p.majority_min, eligible=eligible,
                                counted=counted, count_outside=p.majority_count_unknown)
    if p.gap_fill:
        uc = fill_gaps(uc, p.max_gap_km2 / (t.cell_m * t.cell_m / 1e6), barrier=~t.valid)
    return uc


def level1_classes(t: CellTests, is_uc: np.ndarray, p: DegurbaParameters) -> np.ndarray:
    """Level 1 (manual 2.4): urban centres 3, urban clusters 2, rural 1, water 0, no data 255."""
    mask = t.valid & (t.dens >= p.cluster_density)
    if p.clusters_from_centres:
        mask |= is_uc
    ucl = in_population_clusters(mask, t.popz, p.cluster_population, p.cluster_connectivity)
    l1 = np.full(t.valid.shape, 1, dtype=np.uint8)
    l1[ucl] = 2
    l1[is_uc] = 3
    l1[(l1 == 1) & t.water] = 0
    l1[~t.valid] = NODATA
    return l1


def _rural_level2(l2: np.ndarray, rural: np.ndarray, t: CellTests, p: DegurbaParameters) -> None:
    """Rural clusters 13, low density 12, very low density 11 and water 10, among ``rural`` cells.

    The 2021 manual clusters the rural cells only; the July 2024 rules (as flexurba) cluster every
    cell and keep the rural ones, and call water only the cells below the low-density threshold.
    """
    mask = t.valid & (t.dens >= p.rural_cluster_density)
    if p.level2_rules == "manual-2021":
        mask &= rural
    rc = in_population_clusters(mask, t.popz, p.rural_cluster_population, p.rural_cluster_connectivity)
    rc &= rural
    l2[rc] = 13
    rest = rural & ~rc
    low = t.dens >= p.low_density_rural_density
    l2[rest & low] = 12
    l2[rest & ~low] = 11
    l2[rest & t.water & (~low if p.level2_rules == "ghsl-2024" else True)] = 10
    l2[~t.valid] = NODATA


def level2_classes_2021(t: CellTests, is_uc: np.ndarray, l1: np.ndarray, p: DegurbaParameters) -> np.ndarray:
    """Level 2 by the 2021 manual (2.6): dense, semi-dense and suburban cells inside urban clusters."""
    l2 = np.full(l1.shape, 11, dtype=np.uint8)
    l2[is_uc] = 30
    duc = in_population_clusters(t.dense(p, p.dense_cluster_density) & ~is_uc, t.popz,
                                 p.dense_cluster_population, p.dense_cluster_connectivity)
    duc &= l1 == 2
    l2[duc] = 23
    rest = (l1 == 2) & ~duc
    if rest.any():
        comp, n = ndimage.label(rest, structure=structure(p.semi_dense_connectivity))
        cpop = np.bincount(comp[rest], weights=t.popz[rest], minlength=n + 1)
        far = np.bincount(comp[near_core_2021(is_uc | duc, p, t.cell_m) & rest], minlength=n + 1) == 0
        # a component is dense enough when none of its cells is below the density (no sort)
        dens_ok = np.bincount(comp[rest & (t.dens < p.semi_dense_density)], minlength=n + 1) == 0
        semi = far & (cpop >= p.semi_dense_population) & dens_ok
        semi[0] = False
        l2[rest & semi[comp]] = 22
        l2[rest & ~semi[comp]] = 21
    _rural_level2(l2, l1 <= 1, t, p)  # rural cells, water included
    return l2


def near_core_2021(core: np.ndarray, p: DegurbaParameters, cell_m: float) -> np.ndarray:
    """Cells whose gap to a core cell is below the 2021 buffer (chessboard or Euclidean distance)."""
    if not core.any():
        return np.zeros(core.shape, bool)

    def near(d: float) -> bool:  # the gap between the two cell squares is below the buffer
        return bool((d - 1.0) * cell_m / 1000.0 < p.semi_dense_buffer_km)

    if p.semi_dense_buffer_metric == "chebyshev":  # chessboard distance d: a square of side 2n + 1
        n = 0
        while near(float(n + 1)):
            n += 1
        return within_square(core, n) if near(0.0) else np.zeros(core.shape, bool)
    return within_distance(core, near)


def level2_classes_2024(t: CellTests, is_uc: np.ndarray, p: DegurbaParameters) -> np.ndarray:
    """Level 2 by the July 2024 rules, in flexurba's order of steps."""
    l2 = np.zeros(is_uc.shape, dtype=np.uint8)
    l2[is_uc] = 30
    duc = in_population_clusters(t.dense(p, p.dense_cluster_density), t.popz, p.dense_cluster_population,
                                 p.dense_cluster_connectivity) & ~is_uc
    l2[duc] = 23
    buffer = buffer_cells(l2 > 0, p.semi_dense_buffer_km, t.cell_m, p.semi_dense_buffer_metric)
    semi_mask = t.valid & (t.dens >= p.semi_dense_density)
    sd, keep = kept_components(semi_mask, t.popz, p.semi_dense_population, p.semi_dense_connectivity)
    near = np.bincount(sd[buffer & semi_mask], minlength=len(keep)) > 0  # any cell in the buffer
    l2[(keep & ~near)[sd] & (l2 == 0)] = 22
    surb = in_population_clusters(t.valid & (t.dens >= p.cluster_density), t.popz, p.cluster_population,
                                  p.cluster_connectivity)
    l2[surb & (l2 == 0)] = 21
    _rural_level2(l2, (l2 == 0) & t.valid, t, p)
    return l2


def _as_array(a: xr.DataArray | np.ndarray, name: str) -> tuple[np.ndarray, dict]:
    """Values and (for xarray input) coordinates, CRS and resolution."""
    if hasattr(a, "rio") and hasattr(a, "dims"):
        arr = a.squeeze(drop=True)
        if arr.ndim != 2:
            raise ValueError(f"{name} must be a single-band 2-D raster, got dims {a.dims}")
        meta = {"crs": arr.rio.crs, "res": tuple(abs(r) for r in arr.rio.resolution()),
                "x": arr[arr.rio.x_dim].values, "y": arr[arr.rio.y_dim].values,
                "nodata": arr.rio.nodata, "transform": arr.rio.transform()}
        vals = np.asarray(arr.values, dtype=float)
        nd = arr.rio.nodata
        if nd is not None and not (isinstance(nd, float) and np.isnan(nd)):
            vals = np.where(vals == nd, np.nan, vals)
        return vals, meta
    vals = np.asarray(a, dtype=float)
    if vals.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array, got shape {vals.shape}")
    return vals, {}


def _aligned(name: str, vals: np.ndarray, m: dict, shape: tuple[int, int], meta: dict) -> None:
    if vals.shape != shape:
        raise ValueError(f"{name} grid has shape {vals.shape} but population has {shape}; "
                         "align them first (e.g. rioxarray's reproject_match).")
    if meta and m:
        if m["crs"] != meta["crs"]:
            raise ValueError(f"{name} grid CRS {m['crs']} differs from population CRS {meta['crs']}; "
                             "reproject one onto the other with rioxarray's reproject_match.")
        if not np.allclose(m["res"], meta["res"]) or not np.allclose(m["x"], meta["x"]) \
                or not np.allclose(m["y"], meta["y"]):
            raise ValueError(f"{name} grid is not aligned with the population grid (resolution or "
                             "origin differ); use rioxarray's reproject_match.")


def grid_cell_size(meta: dict, cell_size_m: float | None, require_1km: bool) -> float:
    """The cell side in metres, from the raster's CRS and resolution, checked."""
    if meta:
        crs = meta["crs"]
        if crs is None:
            raise ValueError("population grid has no CRS; write one with .rio.write_crs(...) "
                             "(GHSL grids are Mollweide, ESRI:54009).")
        if not crs.is_projected or (crs.linear_units or "").lower() not in ("metre", "meter", "m"):
            raise ValueError(f"population grid CRS {crs} is not a projected CRS in metres; the cell "
                             "area must be known. Reproject to an equal-area CRS such as ESRI:54009.")
        rx, ry = meta["res"]
        if not np.isclose(rx, ry):
            raise ValueError(f"cells must be square, got {rx} x {ry} m")
        cell = float(rx)
    else:
        cell = 1000.0 if cell_size_m is None else float(cell_size_m)
    if require_1km and not np.isclose(cell, 1000.0, rtol=1e-3):
        raise ValueError(f"the Degree of Urbanisation is defined on 1 km² cells, but this grid has "
                         f"{cell:g} m cells. Aggregate the population to 1 km (sum, e.g. "
                         "rioxarray coarsen(...).sum()) or pass require_1km=False for teaching grids.")
    return cell


def check_values(pop: np.ndarray, land: np.ndarray | None, built: np.ndarray | None) -> None:
    """Refuse an all-missing or negative population, and missing land or built-up where people live."""
    valid = np.isfinite(pop)
    if not valid.any():
        raise ValueError("population grid is entirely no-data; check the nodata value and the extent.")
    if (pop < 0).any():  # NaN compares False: no copy of the valid cells needed
        raise ValueError("population has negative values; a population grid holds counts >= 0.")
    for name, a, fix in (("land", land, "(e.g. with the cell area)"),
                         ("built-up", built, "(0 if known unbuilt)")):
        if a is not None and (~np.isfinite(a) & valid).any():
            k = int((~np.isfinite(a) & valid).sum())
            raise ValueError(f"{name} grid is no-data in {k} cells that have population data; fill "
                             f"them {fix} or mask those population cells.")


def classify_grid(population: xr.DataArray | np.ndarray, land: xr.DataArray | np.ndarray | None = None,
                  built: xr.DataArray | np.ndarray | None = None, *,
                  parameters: DegurbaParameters | None = None, rule_set: str | None = None,
                  cell_size_m: float | None = None, require_1km: bool = True,
                  **changes: float | int | str | bool | None) -> DegurbaGrid:
    """Classify a population grid by the Degree of Urbanisation, levels 1 and 2.

    Parameters
    ----------
    population : xarray.DataArray or ndarray
        Residents per cell. NaN (or the raster's nodata value) marks cells without data: they
        are classed :data:`NODATA`, never join a cluster and block gap filling.
    land : xarray.DataArray or ndarray, optional
        Permanent land area per cell in m² (GHS-LAND). Default: every cell is all land.
    built : xarray.DataArray or ndarray, optional
        Built-up surface per cell in m² (GHS-BUILT-S); needed for the built-up criterion and
        for water cells. Default: no built-up surface anywhere (and the criterion is switched off).
    parameters : DegurbaParameters, optional
        Thresholds (from :func:`rule_set_parameters`); an alternative to ``rule_set``.
    rule_set : {"manual-2021", "ghsl-2024"}, optional
        The rule set whose thresholds apply (default ``"manual-2021"``).
    cell_size_m : float, optional
        Cell side in metres for numpy input (xarray input carries its own). Default 1000.
    require_1km : bool
        The method is defined on 1 km² cells; ``False`` allows other sizes (tests, teaching).
    **changes
        Single thresholds changed on top of ``parameters`` or ``rule_set`` (``centre_density=1000``);
        see :func:`resolve_parameters`, the one way thresholds are set.

    Returns
    -------
    DegurbaGrid

    Raises
    ------
    ValueError
        Grids of different shape, CRS or resolution; a grid that is not 1 km (when required)
        or not in a projected CRS in metres; negative population; missing land or built-up
        values where population exists.

    Examples
    --------
    >>> pop = np.full((5, 5), 100.0); pop[1:4, 1:4] = 6000.0
    >>> classify_grid(pop, require_1km=False, rule_set="ghsl-2024").level2[2, 2]
    np.uint8(30)
    """
    p = resolve_parameters(parameters, rule_set, **changes)
    pop, meta = _as_array(population, "population")
    others: dict[str, np.ndarray] = {}
    for name, a in (("land", land), ("built", built)):
        if a is not None:
            vals, m = _as_array(a, name)
            _aligned(name, vals, m, pop.shape, meta)
            others[name] = vals
    cell = grid_cell_size(meta, cell_size_m, require_1km)
    check_values(pop, others.get("land"), others.get("built"))
    if "built" not in others and p.built_criterion:
        p = replace(p, built_criterion=False)
    t = cell_tests(pop, others.get("land"), others.get("built"), p, cell)
    uc = urban_centres(t, p)
    is_uc = uc > 0
    l1 = level1_classes(t, is_uc, p)
    l2 = level2_classes_2024(t, is_uc, p) if p.level2_rules == "ghsl-2024" \
        else level2_classes_2021(t, is_uc, l1, p)
    coords = {"x": meta["x"], "y": meta["y"], "crs": meta["crs"]} if meta else {}
    density = np.where(t.valid, t.dens, np.nan)
    return DegurbaGrid(l1, l2, np.where(t.valid, uc, 0), pop, density, p, cell * cell / 1e6, coords)
