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

Examples
--------
>>> import numpy as np
>>> pop = np.full((5, 5), 100.0); pop[1:4, 1:4] = 6000.0
>>> res = classify_grid(pop, require_1km=False)
>>> int(res.level1[2, 2]), int(res.level1[0, 0])
(3, 1)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import ndimage

from .._summary import Summary

__all__ = [
    "DEVIATIONS",
    "LEVEL1_CLASSES",
    "LEVEL2_CLASSES",
    "NODATA",
    "UNIT_LEVEL1_CLASSES",
    "UNIT_LEVEL2_CLASSES",
    "DegurbaGrid",
    "DegurbaParameters",
    "classify_grid",
    "classify_units",
    "fill_gaps",
    "majority_smoothing",
    "population_clusters",
]

NODATA = 255

LEVEL1_CLASSES: dict[int, str] = {3: "urban centre", 2: "urban cluster", 1: "rural grid cell", 0: "water"}
LEVEL2_CLASSES: dict[int, str] = {
    30: "urban centre", 23: "dense urban cluster", 22: "semi-dense urban cluster",
    21: "suburban or peri-urban cell", 13: "rural cluster", 12: "low density rural cell",
    11: "very low density rural cell", 10: "water",
}
UNIT_LEVEL1_CLASSES: dict[int, str] = {3: "city", 2: "town or semi-dense area", 1: "rural area"}
UNIT_LEVEL2_CLASSES: dict[int, str] = {
    30: "city", 23: "dense town", 22: "semi-dense town", 21: "suburban or peri-urban area",
    13: "village", 12: "dispersed rural area", 11: "mostly uninhabited area",
}

#: Choices made where the manual is silent or where this implementation differs from it.
DEVIATIONS: tuple[str, ...] = (
    "Built-up criterion on by default with a 50% built-up share of permanent land (GHSL Data Package "
    "2022); the manual presents it as an option, and GHSL Data Package 2023 uses a lower 'optimal' "
    "share. Set built_criterion=False for the population-only rule.",
    "Order of urban-centre steps: clusters and the 50,000 threshold first, then majority smoothing, "
    "then gap filling (GHSL Data Package order); the population threshold is not re-tested afterwards.",
    "Gaps: a gap is a set of non-centre cells, 8-connected among themselves, enclosed by one urban "
    "centre (4-connected), not touching the grid edge, free of no-data cells, with area < max_gap_km2.",
    "Cells without population data are classed no-data (255) and never join a class; flexurba "
    "(and GHSL, where land is below 50%) would call them water. Fill them first if they are known "
    "to be empty.",
    "Cells with no permanent land but with population use the whole cell area as denominator of "
    "the density (the manual divides by permanent land, undefined there).",
    "Semi-dense urban clusters: 8-connected groups of urban-cluster cells outside urban centres and "
    "dense urban clusters; 'at least 2 km away' is read as an edge-to-edge gap of at least "
    "sduc_buffer_km between cell squares (centre distance minus one cell, Euclidean).",
    "Dense urban clusters are kept only inside level-1 urban clusters, so that level 2 nests in level 1.",
    "Local units, level 2: among towns the class with the largest population share among dense, "
    "semi-dense and suburban cells wins (ties: dense > semi-dense > suburban); among rural units the "
    "largest of rural cluster, low density and very low density rural cells (ties in that order).",
)


@dataclass(frozen=True)
class DegurbaParameters:
    """Every threshold of the Degree of Urbanisation, defaulting to the manual's values.

    Densities are inhabitants per km² of permanent land; populations are inhabitants; shares
    are fractions of the permanent land of a cell.
    """

    uc_density: float = 1500.0  # urban centre: cell density threshold
    uc_min_pop: float = 50_000.0  # urban centre: minimum cluster population
    uc_connectivity: int = 4  # urban centre: 4 = edges only (manual), 8 = with diagonals
    built_criterion: bool = True  # cells with built-up share >= built_threshold also count as dense
    built_threshold: float = 0.5  # built-up share of permanent land (GHSL DP 2022 uses 0.5)
    smoothing: Literal["five_of_eight", "ghsl_2023", "none"] = "five_of_eight"  # edge smoothing rule
    majority_min: int = 5  # five_of_eight: neighbours of one centre needed to add a cell
    max_gap_km2: float = 15.0  # gaps strictly below this area are filled
    gap_fill: bool = True  # fill gaps in urban centres
    ucl_density: float = 300.0  # urban cluster: cell density threshold
    ucl_min_pop: float = 5_000.0  # urban cluster: minimum cluster population
    ucl_connectivity: int = 8  # urban cluster: with diagonals (manual)
    duc_min_pop: float = 5_000.0  # dense urban cluster: minimum population (level 2)
    duc_connectivity: int = 4  # dense urban cluster: edges only (level 2)
    sduc_min_pop: float = 5_000.0  # semi-dense urban cluster: minimum population (level 2)
    sduc_buffer_km: float = 2.0  # semi-dense urban cluster: minimum distance to centres / dense clusters
    rc_density: float = 300.0  # rural cluster: cell density threshold (level 2)
    rc_min_pop: float = 500.0  # rural cluster: minimum population (level 2)
    rc_connectivity: int = 8  # rural cluster: with diagonals (level 2)
    ldr_density: float = 50.0  # low density rural cell: density at least this (level 2)
    water_land_share: float = 0.5  # water cell: permanent land share below this ...
    water_max_pop: float = 0.0  # ... population at most this ...
    water_max_built: float = 0.0  # ... and built-up share at most this
    unit_share: float = 0.5  # local units: population share that decides the class

    def __post_init__(self) -> None:
        for name in ("uc_connectivity", "ucl_connectivity", "duc_connectivity", "rc_connectivity"):
            if getattr(self, name) not in (4, 8):
                raise ValueError(f"{name} must be 4 (edges only) or 8 (with diagonals), "
                                 f"got {getattr(self, name)!r}")
        if self.smoothing not in ("five_of_eight", "ghsl_2023", "none"):
            raise ValueError(f"smoothing must be 'five_of_eight' (manual), 'ghsl_2023' or 'none', "
                             f"got {self.smoothing!r}")
        if not 1 <= self.majority_min <= 8:
            raise ValueError(f"majority_min must be between 1 and 8 neighbours, got {self.majority_min}")
        for name in ("built_threshold", "water_land_share", "water_max_built", "unit_share"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise ValueError(f"{name} is a share and must lie in [0, 1], got {v!r}")
        for name in ("uc_density", "uc_min_pop", "max_gap_km2", "ucl_density", "ucl_min_pop",
                     "duc_min_pop", "sduc_min_pop", "sduc_buffer_km", "rc_density", "rc_min_pop",
                     "ldr_density", "water_max_pop"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v >= 0):
                raise ValueError(f"{name} must be a non-negative number, got {v!r}")


def _structure(connectivity: int) -> np.ndarray:
    return ndimage.generate_binary_structure(2, 1 if connectivity == 4 else 2)


def population_clusters(mask: np.ndarray, pop: np.ndarray, min_pop: float,
                        connectivity: int) -> np.ndarray:
    """Label connected groups of ``mask`` cells whose total population is at least ``min_pop``.

    Parameters
    ----------
    mask : ndarray of bool
        Cells that qualify (e.g. density at least 1,500 per km²).
    pop : ndarray of float
        Population per cell; NaN counts as nothing (mask such cells out beforehand).
    min_pop : float
        Minimum total population of a cluster.
    connectivity : {4, 8}
        4 joins cells sharing an edge; 8 also joins diagonal neighbours.

    Returns
    -------
    ndarray of int
        0 outside clusters, 1..n the cluster of each cell (ordered by first cell, row-major).
    """
    if connectivity not in (4, 8):
        raise ValueError(f"connectivity must be 4 or 8, got {connectivity!r}")
    lab, n = ndimage.label(mask, structure=_structure(connectivity))
    if n == 0:
        return lab
    sums = np.bincount(lab.ravel(), weights=np.nan_to_num(pop, nan=0.0).ravel(), minlength=n + 1)
    keep = sums >= min_pop
    keep[0] = False
    newid = np.zeros(n + 1, dtype=np.int64)
    newid[keep] = np.arange(1, int(keep.sum()) + 1)
    return newid[lab]


_OFFSETS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def _neighbours_at(a: np.ndarray, ys: np.ndarray, xs: np.ndarray, fill: Any) -> np.ndarray:
    """The 8 neighbours of the cells (ys, xs): array of shape (n, 8), ``fill`` outside the grid."""
    pad = np.pad(a, 1, constant_values=fill)
    return np.stack([pad[ys + 1 + dy, xs + 1 + dx] for dy, dx in _OFFSETS], axis=1)


_RING = np.ones((3, 3), bool)


def majority_smoothing(labels: np.ndarray, *, rule: str = "five_of_eight", majority_min: int = 5,
                       eligible: np.ndarray | None = None, counted: np.ndarray | None = None,
                       max_iter: int = 10_000) -> np.ndarray:
    """Iteratively add cells to the urban centre that dominates their 3x3 neighbourhood.

    Parameters
    ----------
    labels : ndarray of int
        Urban centre id per cell (0 = not a centre).
    rule : {"five_of_eight", "ghsl_2023"}
        ``five_of_eight`` (manual): a cell joins centre *k* if at least ``majority_min`` of its
        8 neighbours belong to *k*. ``ghsl_2023`` (GHSL Data Package 2023): a cell joins *k* if
        more than half of its ``counted`` neighbours (land or populated cells) belong to *k*.
    majority_min : int
        Neighbours needed under ``five_of_eight``.
    eligible : ndarray of bool, optional
        Cells that may be added (e.g. not no-data; under ``ghsl_2023`` not water). Default all.
    counted : ndarray of bool, optional
        ``ghsl_2023`` only: neighbours that count towards the majority. Default all.
    max_iter : int
        Safety bound on the number of passes.

    Returns
    -------
    ndarray of int
        Smoothed labels. All cells are updated simultaneously in each pass, and passes repeat
        until no cell is added.
    """
    lab = labels.copy()
    eligible = np.ones(lab.shape, bool) if eligible is None else eligible
    for _ in range(max_iter):
        cand = (lab == 0) & eligible & ndimage.binary_dilation(lab > 0, structure=_RING)
        if not cand.any():
            break
        ys, xs = np.nonzero(cand)
        v = _neighbours_at(lab, ys, xs, 0)  # (n, 8)
        counts = np.zeros(v.shape, dtype=np.int64)
        for j in range(8):
            counts[:, j] = ((v == v[:, j:j + 1]) & (v > 0)).sum(axis=1)
        counts[v == 0] = 0
        best = counts.argmax(axis=1)
        n_best = counts[np.arange(len(ys)), best]
        winner = v[np.arange(len(ys)), best]
        if rule == "five_of_eight":
            add = n_best >= majority_min
        elif rule == "ghsl_2023":
            assert counted is not None
            denom = _neighbours_at(counted, ys, xs, False).sum(axis=1)
            add = n_best > denom / 2.0
        else:
            raise ValueError(f"rule must be 'five_of_eight' or 'ghsl_2023', got {rule!r}")
        # "a unique urban centre": a tie between two centres adds nothing
        tie = (counts == n_best[:, None]) & (v != winner[:, None]) & (v > 0)
        add &= ~tie.any(axis=1) & (n_best > 0)
        if not add.any():
            break
        lab[ys[add], xs[add]] = winner[add]
    return lab


def fill_gaps(labels: np.ndarray, max_gap_cells: float, *, barrier: np.ndarray | None = None) -> np.ndarray:
    """Fill gaps (holes) smaller than ``max_gap_cells`` cells inside each urban centre.

    A gap is a group of non-centre cells (8-connected among themselves) that does not touch the
    grid edge, contains no ``barrier`` (no-data) cell, and whose neighbours all belong to one
    centre. Gaps of fewer than ``max_gap_cells`` cells take that centre's id.
    """
    lab = labels.copy()
    bg, n = ndimage.label(lab == 0, structure=_structure(8))
    if n == 0:
        return lab
    size = np.bincount(bg.ravel(), minlength=n + 1)
    ok = size < max_gap_cells
    ok[0] = False
    edge = np.unique(np.concatenate([bg[0], bg[-1], bg[:, 0], bg[:, -1]]))
    ok[edge] = False
    if barrier is not None and barrier.any():
        ok[np.unique(bg[barrier])] = False
    # centres adjacent to each background component
    edge_bg = (bg > 0) & ndimage.binary_dilation(lab > 0, structure=_RING)
    ys, xs = np.nonzero(edge_bg)
    nb = _neighbours_at(lab, ys, xs, 0)  # (n, 8)
    sel = nb > 0
    comp = np.broadcast_to(bg[ys, xs][:, None], nb.shape)[sel]
    cen = nb[sel]
    pairs = np.unique(np.stack([comp, cen], axis=1), axis=0) if comp.size else np.zeros((0, 2), int)
    n_cen = np.bincount(pairs[:, 0], minlength=n + 1)
    ok &= n_cen == 1
    owner = np.zeros(n + 1, dtype=lab.dtype)
    owner[pairs[:, 0]] = pairs[:, 1]
    fill = ok[bg]
    lab[fill] = owner[bg[fill]]
    return lab


@dataclass(frozen=True)
class DegurbaGrid:
    """Result of :func:`classify_grid`.

    Attributes
    ----------
    level1, level2 : ndarray of uint8
        Grid classes (see :data:`LEVEL1_CLASSES`, :data:`LEVEL2_CLASSES`); :data:`NODATA` where
        the population is missing.
    urban_centres : ndarray of int
        Id of the urban centre of each cell (0 elsewhere).
    population, density : ndarray of float
        Inputs as used (density per km² of permanent land).
    parameters : DegurbaParameters
    coords : dict
        ``x``/``y``/``crs`` when the input was an xarray object, else empty.
    """

    level1: np.ndarray
    level2: np.ndarray
    urban_centres: np.ndarray
    population: np.ndarray
    density: np.ndarray
    parameters: DegurbaParameters
    cell_km2: float
    coords: dict = field(default_factory=dict)

    def table(self, level: int = 1) -> pd.DataFrame:
        """Cells, area and population by class."""
        grid, names = (self.level1, LEVEL1_CLASSES) if level == 1 else (self.level2, LEVEL2_CLASSES)
        pop = np.nan_to_num(self.population, nan=0.0)
        rows = []
        total = pop[grid != NODATA].sum()
        for code, name in names.items():
            m = grid == code
            rows.append({"code": code, "class": name, "cells": int(m.sum()),
                         "area_km2": float(m.sum() * self.cell_km2),
                         "population": float(pop[m].sum()),
                         "population_share": float(pop[m].sum() / total) if total > 0 else np.nan})
        return pd.DataFrame(rows).set_index("code")

    @property
    def n_urban_centres(self) -> int:
        return int(len(np.unique(self.urban_centres[self.urban_centres > 0])))

    def summary(self, level: int = 1) -> Summary:
        t = self.table(level).copy()
        t["area_km2"] = t["area_km2"].round(0).astype("int64")
        t["population"] = t["population"].round(0).astype("int64")
        t["population_share"] = t["population_share"].round(3)
        p = self.parameters
        built = f", or built-up share >= {p.built_threshold:g}" if p.built_criterion else ""
        header = {
            "grid": f"{self.level1.shape[0]} x {self.level1.shape[1]} cells of {self.cell_km2:g} km²",
            "no-data cells": str(int((self.level1 == NODATA).sum())),
            "urban centres": str(self.n_urban_centres),
            "urban centre rule": (f">= {p.uc_density:g}/km², {p.uc_connectivity}-connected, "
                                  f">= {p.uc_min_pop:,.0f} inhabitants{built}"),
            "urban cluster rule": (f">= {p.ucl_density:g}/km², {p.ucl_connectivity}-connected, "
                                   f">= {p.ucl_min_pop:,.0f} inhabitants"),
            "smoothing / gaps": f"{p.smoothing}; gaps < {p.max_gap_km2:g} km² filled: {p.gap_fill}",
        }
        return Summary(f"Degree of Urbanisation, level {level} grid classification", header, t,
                       notes=[f"{len(DEVIATIONS)} interpretations of the manual apply: see "
                              "statmethods.indicators.degurba.DEVIATIONS."])

    def to_dataarray(self, level: int = 1):
        """The class grid as an ``xarray.DataArray`` (with CRS when the input had one)."""
        import xarray as xr

        grid = self.level1 if level == 1 else self.level2
        if not self.coords:
            return xr.DataArray(grid, dims=("y", "x"), name=f"degurba_level{level}")
        da = xr.DataArray(grid, dims=("y", "x"), coords={"y": self.coords["y"], "x": self.coords["x"]},
                          name=f"degurba_level{level}")
        da = da.rio.write_crs(self.coords["crs"]).rio.write_nodata(NODATA)
        return da


def _as_array(a: Any, name: str) -> tuple[np.ndarray, dict]:
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


def classify_grid(population: Any, land: Any | None = None, built: Any | None = None, *,
                  parameters: DegurbaParameters | Mapping[str, Any] | None = None,
                  cell_size_m: float | None = None, require_1km: bool = True,
                  **overrides: Any) -> DegurbaGrid:
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
    parameters : DegurbaParameters or mapping, optional
        Thresholds; keyword ``overrides`` change single ones (``uc_density=1000``).
    cell_size_m : float, optional
        Cell side in metres for numpy input (xarray input carries its own). Default 1000.
    require_1km : bool
        The method is defined on 1 km² cells; ``False`` allows other sizes (tests, teaching).

    Returns
    -------
    DegurbaGrid

    Raises
    ------
    ValueError
        Grids of different shape, CRS or resolution; a grid that is not 1 km (when required)
        or not in a projected CRS in metres; negative population; missing land or built-up
        values where population exists.
    """
    p = parameters if isinstance(parameters, DegurbaParameters) else DegurbaParameters(**(parameters or {}))
    if overrides:
        p = replace(p, **overrides)
    pop, meta = _as_array(population, "population")
    others = {}
    for name, a in (("land", land), ("built", built)):
        if a is None:
            continue
        vals, m = _as_array(a, name)
        if vals.shape != pop.shape:
            raise ValueError(f"{name} grid has shape {vals.shape} but population has {pop.shape}; "
                             "align them first (e.g. rioxarray's reproject_match).")
        if meta and m:
            if m["crs"] != meta["crs"]:
                raise ValueError(f"{name} grid CRS {m['crs']} differs from population CRS {meta['crs']}; "
                                 "reproject one onto the other with rioxarray's reproject_match.")
            if not np.allclose(m["res"], meta["res"]) or not np.allclose(m["x"], meta["x"]) \
                    or not np.allclose(m["y"], meta["y"]):
                raise ValueError(f"{name} grid is not aligned with the population grid (resolution or "
                                 "origin differ); use rioxarray's reproject_match.")
        others[name] = vals
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
    cell_m2 = cell * cell
    cell_km2 = cell_m2 / 1e6
    valid = np.isfinite(pop)
    if not valid.any():
        raise ValueError("population grid is entirely no-data; check the nodata value and the extent.")
    if (pop[valid] < 0).any():
        raise ValueError("population has negative values; a population grid holds counts >= 0.")
    land_m2 = others.get("land")
    if land_m2 is None:
        land_m2 = np.full(pop.shape, cell_m2)
    elif (~np.isfinite(land_m2) & valid).any():
        k = int((~np.isfinite(land_m2) & valid).sum())
        raise ValueError(f"land grid is no-data in {k} cells that have population data; fill it "
                         "(e.g. with the cell area) or mask those population cells.")
    built_m2 = others.get("built")
    if built_m2 is None:
        built_m2 = np.zeros(pop.shape)
        if p.built_criterion:
            p = replace(p, built_criterion=False)
    elif (~np.isfinite(built_m2) & valid).any():
        k = int((~np.isfinite(built_m2) & valid).sum())
        raise ValueError(f"built-up grid is no-data in {k} cells that have population data; fill "
                         "them (0 if known unbuilt) or mask those population cells.")
    popz = np.where(valid, pop, 0.0)
    land_m2 = np.clip(np.where(valid, land_m2, 0.0), 0.0, cell_m2)
    built_m2 = np.where(valid, built_m2, 0.0)
    land_share = land_m2 / cell_m2
    denom_km2 = np.where(land_m2 > 0, land_m2 / 1e6, cell_km2)
    density = np.where(valid, popz / denom_km2, np.nan)
    dens = np.nan_to_num(density, nan=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        built_share = np.where(land_m2 > 0, built_m2 / land_m2, np.where(built_m2 > 0, 1.0, 0.0))
    water = valid & (land_share < p.water_land_share) & (popz <= p.water_max_pop) \
        & (built_share <= p.water_max_built)

    dense = valid & (dens >= p.uc_density)
    if p.built_criterion:
        dense |= valid & (built_share >= p.built_threshold)

    # --- Urban centres (manual 2.3): dense cells, 4-connected, >= 50,000; smooth; fill gaps.
    uc = population_clusters(dense, popz, p.uc_min_pop, p.uc_connectivity)
    if p.smoothing != "none":
        if p.smoothing == "ghsl_2023":
            eligible = valid & ~water
            counted = valid & ((land_share > 0.5) | (popz > 0))
        else:
            eligible, counted = valid, None
        uc = majority_smoothing(uc, rule=p.smoothing, majority_min=p.majority_min,
                                eligible=eligible, counted=counted)
    if p.gap_fill:
        uc = fill_gaps(uc, p.max_gap_km2 / cell_km2, barrier=~valid)
    is_uc = uc > 0

    # --- Urban clusters (manual 2.4): >= 300/km², 8-connected, >= 5,000 (centres included).
    ucl = population_clusters(valid & ((dens >= p.ucl_density) | is_uc), popz, p.ucl_min_pop,
                              p.ucl_connectivity) > 0
    l1 = np.full(pop.shape, 1, dtype=np.uint8)
    l1[ucl] = 2
    l1[is_uc] = 3
    rural = l1 == 1
    l1[rural & water] = 0
    l1[~valid] = NODATA

    # --- Level 2 (manual 2.6).
    l2 = np.full(pop.shape, 11, dtype=np.uint8)
    l2[is_uc] = 30
    duc = (population_clusters(dense & ~is_uc, popz, p.duc_min_pop, p.duc_connectivity) > 0) & (l1 == 2)
    l2[duc] = 23
    rest = (l1 == 2) & ~duc
    core = is_uc | duc
    if rest.any():
        comp, n = ndimage.label(rest, structure=_structure(8))
        cpop = np.bincount(comp.ravel(), weights=popz.ravel(), minlength=n + 1)
        if core.any():
            dist = ndimage.distance_transform_edt(~core)  # centre-to-centre, in cells
            gap_km = (dist - 1.0) * cell / 1000.0
            cmin = ndimage.minimum(gap_km, comp, index=np.arange(1, n + 1))
            far = np.concatenate([[False], np.asarray(cmin) >= p.sduc_buffer_km])
        else:
            far = np.ones(n + 1, bool)
            far[0] = False
        sduc_c = far & (cpop >= p.sduc_min_pop)
        sduc_c[0] = False
        l2[rest & sduc_c[comp]] = 22
        l2[rest & ~sduc_c[comp]] = 21
    rc = (population_clusters(rural & (dens >= p.rc_density), popz, p.rc_min_pop, p.rc_connectivity) > 0)
    l2[rc] = 13
    l2[rural & ~rc & (dens >= p.ldr_density)] = 12
    l2[rural & ~rc & (dens < p.ldr_density)] = 11
    l2[rural & ~rc & water] = 10
    l2[~valid] = NODATA

    coords = {"x": meta["x"], "y": meta["y"], "crs": meta["crs"]} if meta else {}
    return DegurbaGrid(l1, l2, np.where(valid, uc, 0), pop, density, p, cell_km2, coords)


def classify_units(unit_population: pd.DataFrame, *, level: int = 1, unit_share: float = 0.5) -> pd.DataFrame:
    """Classify local units from the population they hold in each grid class (manual, chapter 3).

    Parameters
    ----------
    unit_population : DataFrame
        One row per unit, one column per grid class code (level-1 codes 3, 2, 1, 0 or level-2
        codes 30 ... 10) holding the unit's population in cells of that class (for example from
        :func:`statmethods.indicators.zonal.population_by_class`). Missing classes count as 0.
    level : {1, 2}
    unit_share : float
        The decisive share (0.5 in the manual).

    Returns
    -------
    DataFrame
        Population shares by class, ``code`` and ``class`` of each unit.

    Notes
    -----
    Level 1: a *city* has at least half its population in urban centres; a *town or semi-dense
    area* has less than half in urban centres but at least half in urban clusters (urban centres
    included); every other unit is a *rural area*. Level 2 splits towns into dense towns,
    semi-dense towns and suburban or peri-urban areas, and rural areas into villages, dispersed
    rural areas and mostly uninhabited areas, by their largest population share (see
    :data:`DEVIATIONS`).
    """
    if level not in (1, 2):
        raise ValueError(f"level must be 1 or 2, got {level!r}")
    if not 0 < unit_share < 1:
        raise ValueError(f"unit_share must lie strictly between 0 and 1, got {unit_share!r}")
    codes = list(LEVEL1_CLASSES) if level == 1 else list(LEVEL2_CLASSES)
    extra = [c for c in unit_population.columns if c not in codes]
    if extra:
        raise ValueError(f"unexpected columns {extra}: give one column per level-{level} grid class code "
                         f"({codes})")
    df = unit_population.reindex(columns=codes, fill_value=0.0).astype(float)
    if (df < 0).any().any() or not np.isfinite(df.to_numpy()).all():
        raise ValueError("unit populations must be finite and non-negative")
    total = df.sum(axis=1)
    if (total <= 0).any():
        bad = list(df.index[total <= 0][:5])
        raise ValueError(f"units {bad} have no population in the grid; they cannot be classified. "
                         "Check that the units overlap the grid and the CRS matches.")
    share = df.div(total, axis=0)
    if level == 1:
        uc = share[3]
        ucl = share[3] + share[2]
        code = np.where(uc >= unit_share, 3, np.where(ucl >= unit_share, 2, 1))
        names = UNIT_LEVEL1_CLASSES
    else:
        uc = share[30]
        ucl = share[[30, 23, 22, 21]].sum(axis=1)
        town = share[[23, 22, 21]].to_numpy()
        town_code = np.array([23, 22, 21])[town.argmax(axis=1)]  # argmax takes the first on ties
        rur = share[[13, 12, 11, 10]].to_numpy()
        rur = np.column_stack([rur[:, 0], rur[:, 1], rur[:, 2] + rur[:, 3]])
        rural_code = np.array([13, 12, 11])[rur.argmax(axis=1)]
        code = np.where(uc >= unit_share, 30, np.where(ucl >= unit_share, town_code, rural_code))
        names = UNIT_LEVEL2_CLASSES
    out = share.add_prefix("share_")
    out["code"] = code
    out["class"] = [names[int(c)] for c in code]
    return out


def parameters_dict(p: DegurbaParameters) -> dict[str, Any]:
    """The parameters as a plain dict (for writing next to results)."""
    return asdict(p)
