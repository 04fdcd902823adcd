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
    "RULE_SETS",
    "UNIT_LEVEL1_CLASSES",
    "UNIT_LEVEL2_CLASSES",
    "DegurbaGrid",
    "DegurbaParameters",
    "classify_grid",
    "classify_units",
    "fill_gaps",
    "majority_smoothing",
    "population_clusters",
    "rule_set_parameters",
    "write_degurba_geotiff",
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
    "Local units, level 2 (manual-2021): among towns the class with the largest population share among "
    "dense, semi-dense and suburban cells wins (ties: dense > semi-dense > suburban); among rural units "
    "the largest of rural cluster, low density and very low density rural cells (ties in that order).",
    "Urban clusters (level 1) grow from cells with density >= ucl_density *or* in an urban centre "
    "(ucl_from_centres=True, the manual's 'urban centres are part of urban clusters'); flexurba grows "
    "them from density alone and only labels the non-centre cells (ucl_from_centres=False, the "
    "ghsl-2024 default). The two differ where smoothing, gap filling or the built-up criterion put "
    "a low-density cell into a centre.",
    "GHSL-2023 majority rule: neighbours outside the grid or without data are not counted in the "
    "denominator (majority_count_unknown=False); flexurba counts them as land cells outside the "
    "centre (majority_count_unknown=True, the ghsl-2024 default).",
    "Local units, level 2 (ghsl-2024, July 2024 rules): a town is a dense town when urban centres and "
    "dense urban clusters hold >= unit_share of its population, else a suburban or peri-urban area "
    "when suburban and rural cells hold >= unit_share, else a semi-dense town; a rural unit is a "
    "village when urban and rural-cluster cells hold >= unit_share, else mostly uninhabited when very "
    "low density (and water) cells hold >= unit_share, else a dispersed rural area. The tests are "
    "applied in that order.",
    "ghsl-2024 level 2 follows flexurba: dense urban clusters are 4-connected clusters of dense cells "
    "(density or built-up) of >= duc_min_pop, not restricted to level-1 urban clusters; the 2 km buffer "
    "is a 8-neighbour dilation repeated sduc_buffer_km / cell side times (sduc_buffer_metric="
    "'chebyshev'); semi-dense clusters are computed over all cells and dropped when any cell lies in "
    "the buffer; suburban cells are the remaining cells of clusters of >= ucl_density and ucl_min_pop.",
)

#: Rule sets of :func:`classify_grid` / :func:`rule_set_parameters`.
RULE_SETS: tuple[str, ...] = ("manual-2021", "ghsl-2024")


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
    built_share_digits: int | None = None  # round the share before the built-up test (flexurba: 3)
    smoothing: Literal["five_of_eight", "ghsl_2023", "none"] = "five_of_eight"  # edge smoothing rule
    majority_min: int = 5  # five_of_eight: neighbours of one centre needed to add a cell
    max_gap_km2: float = 15.0  # gaps strictly below this area are filled
    gap_fill: bool = True  # fill gaps in urban centres
    ucl_density: float = 300.0  # urban cluster: cell density threshold
    ucl_min_pop: float = 5_000.0  # urban cluster: minimum cluster population
    ucl_connectivity: int = 8  # urban cluster: with diagonals (manual)
    ucl_from_centres: bool = True  # urban clusters grow from dense-enough cells or centre cells
    majority_count_unknown: bool = False  # ghsl_2023 rule: count off-grid / no-data neighbours
    duc_density: float = 1500.0  # dense urban cluster: cell density threshold (level 2)
    duc_min_pop: float = 5_000.0  # dense urban cluster: minimum population (level 2)
    duc_connectivity: int = 4  # dense urban cluster: edges only (level 2)
    sduc_density: float = 300.0  # semi-dense urban cluster: cell density (level 2; 900 since July 2024)
    sduc_min_pop: float = 5_000.0  # semi-dense urban cluster: minimum population (level 2; 2,500 in 2024)
    sduc_connectivity: int = 8  # semi-dense urban cluster: contiguity (level 2; 4 in 2024)
    sduc_buffer_km: float = 2.0  # semi-dense urban cluster: minimum distance to centres / dense clusters
    sduc_buffer_metric: Literal["edge_gap", "chebyshev"] = "edge_gap"  # how the buffer is measured
    level2_rules: Literal["manual-2021", "ghsl-2024"] = "manual-2021"  # level-2 grid and unit rules
    rc_density: float = 300.0  # rural cluster: cell density threshold (level 2)
    rc_min_pop: float = 500.0  # rural cluster: minimum population (level 2)
    rc_connectivity: int = 8  # rural cluster: with diagonals (level 2)
    ldr_density: float = 50.0  # low density rural cell: density at least this (level 2)
    water_land_share: float = 0.5  # water cell: permanent land share below this ...
    water_max_pop: float = 0.0  # ... population at most this ...
    water_max_built: float = 0.0  # ... and built-up share at most this
    unit_share: float = 0.5  # local units: population share that decides the class

    def __post_init__(self) -> None:
        for name in ("uc_connectivity", "ucl_connectivity", "duc_connectivity", "sduc_connectivity",
                     "rc_connectivity"):
            if getattr(self, name) not in (4, 8):
                raise ValueError(f"{name} must be 4 (edges only) or 8 (with diagonals), "
                                 f"got {getattr(self, name)!r}")
        if self.smoothing not in ("five_of_eight", "ghsl_2023", "none"):
            raise ValueError(f"smoothing must be 'five_of_eight' (manual), 'ghsl_2023' or 'none', "
                             f"got {self.smoothing!r}")
        if self.sduc_buffer_metric not in ("edge_gap", "chebyshev"):
            raise ValueError(f"sduc_buffer_metric must be 'edge_gap' or 'chebyshev', got "
                             f"{self.sduc_buffer_metric!r}")
        if self.level2_rules not in RULE_SETS:
            raise ValueError(f"level2_rules must be one of {RULE_SETS}, got {self.level2_rules!r}")
        if self.ucl_density > self.uc_density:
            raise ValueError(f"ucl_density ({self.ucl_density:g}) must not exceed uc_density "
                             f"({self.uc_density:g}): urban clusters are the looser rule")
        if self.built_share_digits is not None and (not isinstance(self.built_share_digits, int)
                                                    or self.built_share_digits < 0):
            raise ValueError(f"built_share_digits must be None or a whole number >= 0, got "
                             f"{self.built_share_digits!r}")
        if not 1 <= self.majority_min <= 8:
            raise ValueError(f"majority_min must be between 1 and 8 neighbours, got {self.majority_min}")
        for name in ("built_threshold", "water_land_share", "water_max_built", "unit_share"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise ValueError(f"{name} is a share and must lie in [0, 1], got {v!r}")
        for name in ("uc_density", "uc_min_pop", "max_gap_km2", "ucl_density", "ucl_min_pop",
                     "duc_density", "duc_min_pop", "sduc_density", "sduc_min_pop", "sduc_buffer_km",
                     "rc_density", "rc_min_pop",
                     "ldr_density", "water_max_pop"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v >= 0):
                raise ValueError(f"{name} must be a non-negative number, got {v!r}")


_GHSL_2024: dict[str, Any] = {
    # GHSL Data Package 2023 built-up share and majority rule, as flexurba's defaults
    "built_threshold": 0.2, "smoothing": "ghsl_2023",
    # the two conventions, as flexurba
    "ucl_from_centres": False, "majority_count_unknown": True,
    # July 2024 level-2 amendment
    "sduc_density": 900.0, "sduc_min_pop": 2_500.0, "sduc_connectivity": 4, "sduc_buffer_km": 2.0,
    "sduc_buffer_metric": "chebyshev", "level2_rules": "ghsl-2024",
}


def rule_set_parameters(rule_set: str = "manual-2021", **overrides: Any) -> DegurbaParameters:
    """The thresholds of a rule set, with single ones overridden.

    Parameters
    ----------
    rule_set : {"manual-2021", "ghsl-2024"}
        ``"manual-2021"``: the 2021 manual (built-up share 0.5, five-of-eight majority rule,
        semi-dense clusters of 300/km² and 5,000 inhabitants, 8-connected). ``"ghsl-2024"``: the
        July 2024 amendment for grid and units (semi-dense clusters of 900/km² and 2,500
        inhabitants, 4-connected, 2 km buffer) with the GHSL Data Package 2023 built-up share
        (0.2) and majority rule, as the defaults of the R package flexurba.
    **overrides
        Any :class:`DegurbaParameters` field.

    Examples
    --------
    >>> p = rule_set_parameters("ghsl-2024", uc_density=1000)
    >>> p.sduc_density, p.built_threshold, p.uc_density
    (900.0, 0.2, 1000)
    """
    if rule_set not in RULE_SETS:
        raise ValueError(f"rule_set must be one of {list(RULE_SETS)}, got {rule_set!r}")
    base = dict(_GHSL_2024) if rule_set == "ghsl-2024" else {}
    base.update(overrides)
    return DegurbaParameters(**base)


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
                       count_outside: bool = False, max_iter: int = 10_000) -> np.ndarray:
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
    count_outside : bool
        ``ghsl_2023`` only: whether neighbours outside the grid count in the denominator
        (flexurba: yes; default: no).
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
            denom = _neighbours_at(counted, ys, xs, bool(count_outside)).sum(axis=1)
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

    def centres(self) -> pd.DataFrame:
        """One row per urban centre: cells, area, population, density and bounding rows/columns.

        Examples
        --------
        >>> import numpy as np
        >>> pop = np.full((6, 6), 100.0); pop[1:4, 1:4] = 6000.0
        >>> t = classify_grid(pop, require_1km=False).centres()
        >>> t.index.tolist(), t["cells"].tolist(), t["population"].tolist()
        ([1], [9], [54000.0])
        """
        lab = self.urban_centres
        ids = np.unique(lab[lab > 0])
        pop = np.nan_to_num(self.population, nan=0.0)
        rows = []
        for k in ids:
            ys, xs = np.nonzero(lab == k)
            cells = int(len(ys))
            p_k = float(pop[ys, xs].sum())
            row = {"centre": int(k), "cells": cells, "area_km2": cells * self.cell_km2,
                   "population": p_k, "density": p_k / (cells * self.cell_km2),
                   "row_min": int(ys.min()), "row_max": int(ys.max()),
                   "col_min": int(xs.min()), "col_max": int(xs.max())}
            if self.coords:
                wts = pop[ys, xs] + 1e-12
                row["x_centroid"] = float(np.average(np.asarray(self.coords["x"])[xs], weights=wts))
                row["y_centroid"] = float(np.average(np.asarray(self.coords["y"])[ys], weights=wts))
            rows.append(row)
        cols = ["centre", "cells", "area_km2", "population", "density", "row_min", "row_max", "col_min",
                "col_max"]
        return pd.DataFrame(rows, columns=cols + (["x_centroid", "y_centroid"] if self.coords else [])
                            ).set_index("centre")

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


def write_degurba_geotiff(result: DegurbaGrid, path: Any, *, crs: Any = None, transform: Any = None) -> None:
    """Write both levels as a two-band GeoTIFF in the GHS-SMOD / flexurba class codes.

    Band 1 is level 1 (0 water, 1 rural, 2 urban cluster, 3 urban centre), band 2 is level 2
    (10, 11, 12, 13, 21, 22, 23, 30); cells without data are 255 (the nodata value).

    Parameters
    ----------
    result : DegurbaGrid
    path : str or path-like
    crs, transform : optional
        Needed when the grid was classified from numpy arrays (xarray input carries both).

    Examples
    --------
    >>> import numpy as np, rasterio, tempfile, os
    >>> from rasterio.transform import from_origin
    >>> pop = np.full((5, 5), 100.0); pop[1:4, 1:4] = 6000.0
    >>> r = classify_grid(pop, require_1km=False)
    >>> f = os.path.join(tempfile.mkdtemp(), "degurba_grid.tif")
    >>> write_degurba_geotiff(r, f, crs="ESRI:54009", transform=from_origin(0, 5000, 1000, 1000))
    >>> with rasterio.open(f) as src:
    ...     int(src.read(1)[2, 2]), int(src.read(2)[2, 2]), src.count
    (3, 30, 2)
    """
    import rasterio
    from rasterio.transform import from_origin

    if result.coords:
        x = np.asarray(result.coords["x"], dtype=float)
        y = np.asarray(result.coords["y"], dtype=float)
        res = float(np.sqrt(result.cell_km2) * 1000.0)
        transform = transform or from_origin(x[0] - res / 2, y[0] + res / 2, res, res)
        crs = crs or result.coords["crs"]
    if transform is None or crs is None:
        raise ValueError("the grid has no coordinates: pass crs= and transform= (e.g. from the input "
                         "GeoTIFF's profile) to write a GeoTIFF")
    h, w = result.level1.shape
    with rasterio.open(path, "w", driver="GTiff", height=h, width=w, count=2, dtype="uint8", crs=crs,
                       transform=transform, nodata=NODATA, compress="deflate") as dst:
        dst.write(result.level1.astype(np.uint8), 1)
        dst.write(result.level2.astype(np.uint8), 2)
        dst.set_band_description(1, "DEGURBA level 1 (GHS-SMOD L1 codes)")
        dst.set_band_description(2, "DEGURBA level 2 (GHS-SMOD L2 codes)")


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
                  rule_set: str = "manual-2021",
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
        Thresholds; keyword ``overrides`` change single ones (``uc_density=1000``). A mapping is
        applied on top of the ``rule_set``'s values.
    rule_set : {"manual-2021", "ghsl-2024"}
        Starting thresholds (see :func:`rule_set_parameters`); ignored when ``parameters`` is a
        :class:`DegurbaParameters`.
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
    p = parameters if isinstance(parameters, DegurbaParameters) \
        else rule_set_parameters(rule_set, **dict(parameters or {}))
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
    if p.built_share_digits is not None:
        built_share = np.round(built_share, p.built_share_digits)

    dense = valid & (dens >= p.uc_density)
    if p.built_criterion:
        dense |= valid & (built_share >= p.built_threshold)

    # --- Urban centres (manual 2.3): dense cells, 4-connected, >= 50,000; smooth; fill gaps.
    uc = population_clusters(dense, popz, p.uc_min_pop, p.uc_connectivity)
    if p.smoothing != "none":
        if p.smoothing == "ghsl_2023":
            eligible = valid & ~water
            counted = valid & ((land_share > 0.5) | (popz > 0))
            if p.majority_count_unknown:
                counted = counted | ~valid
        else:
            eligible, counted = valid, None
        uc = majority_smoothing(uc, rule=p.smoothing, majority_min=p.majority_min,
                                eligible=eligible, counted=counted,
                                count_outside=p.majority_count_unknown)
    if p.gap_fill:
        uc = fill_gaps(uc, p.max_gap_km2 / cell_km2, barrier=~valid)
    is_uc = uc > 0

    # --- Urban clusters (manual 2.4): >= 300/km², 8-connected, >= 5,000 (centres included).
    ucl_mask = valid & (dens >= p.ucl_density)
    if p.ucl_from_centres:
        ucl_mask |= is_uc
    ucl = population_clusters(ucl_mask, popz, p.ucl_min_pop, p.ucl_connectivity) > 0
    l1 = np.full(pop.shape, 1, dtype=np.uint8)
    l1[ucl] = 2
    l1[is_uc] = 3
    rural = l1 == 1
    l1[rural & water] = 0
    l1[~valid] = NODATA

    # --- Level 2 (manual 2.6, or the July 2024 amendment).
    if p.level2_rules == "ghsl-2024":
        l2 = _level2_ghsl_2024(p, valid, is_uc, dense_duc(p, valid, dens, built_share), popz, dens,
                               water, cell)
        coords = {"x": meta["x"], "y": meta["y"], "crs": meta["crs"]} if meta else {}
        return DegurbaGrid(l1, l2, np.where(valid, uc, 0), pop, density, p, cell_km2, coords)
    l2 = np.full(pop.shape, 11, dtype=np.uint8)
    l2[is_uc] = 30
    duc = (population_clusters(dense_duc(p, valid, dens, built_share) & ~is_uc, popz, p.duc_min_pop,
                               p.duc_connectivity) > 0) & (l1 == 2)
    l2[duc] = 23
    rest = (l1 == 2) & ~duc
    core = is_uc | duc
    if rest.any():
        comp, n = ndimage.label(rest, structure=_structure(p.sduc_connectivity))
        cpop = np.bincount(comp.ravel(), weights=popz.ravel(), minlength=n + 1)
        if core.any():
            if p.sduc_buffer_metric == "chebyshev":
                dist = ndimage.distance_transform_cdt(~core, metric="chessboard").astype(float)
            else:
                dist = ndimage.distance_transform_edt(~core)  # centre-to-centre, in cells
            gap_km = (dist - 1.0) * cell / 1000.0
            cmin = ndimage.minimum(gap_km, comp, index=np.arange(1, n + 1))
            far = np.concatenate([[False], np.asarray(cmin) >= p.sduc_buffer_km])
        else:
            far = np.ones(n + 1, bool)
            far[0] = False
        cdens_ok = np.concatenate([[False], np.asarray(ndimage.minimum(
            dens, comp, index=np.arange(1, n + 1))) >= p.sduc_density]) if n else np.zeros(1, bool)
        sduc_c = far & (cpop >= p.sduc_min_pop) & cdens_ok
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


def dense_duc(p: DegurbaParameters, valid: np.ndarray, dens: np.ndarray,
              built_share: np.ndarray) -> np.ndarray:
    """Cells dense enough for a dense urban cluster (density, or the built-up criterion)."""
    m = valid & (dens >= p.duc_density)
    if p.built_criterion:
        m |= valid & (built_share >= p.built_threshold)
    return m


def _level2_ghsl_2024(p: DegurbaParameters, valid: np.ndarray, is_uc: np.ndarray, duc_mask: np.ndarray,
                      popz: np.ndarray, dens: np.ndarray, water: np.ndarray, cell: float) -> np.ndarray:
    """Level-2 grid classes by the July 2024 rules, in flexurba's order of steps."""
    unset = 0
    l2 = np.zeros(popz.shape, dtype=np.uint8)
    l2[is_uc] = 30
    duc = (population_clusters(duc_mask, popz, p.duc_min_pop, p.duc_connectivity) > 0) & (l2 == unset)
    l2[duc] = 23
    core = l2 > 0
    n_buf = int(round(p.sduc_buffer_km * 1000.0 / cell))
    if core.any() and n_buf > 0:
        if p.sduc_buffer_metric == "chebyshev":
            buffer = ndimage.binary_dilation(core, structure=_RING, iterations=n_buf)
        else:  # edge-to-edge gap below the buffer
            buffer = (ndimage.distance_transform_edt(~core) - 1.0) * cell / 1000.0 < p.sduc_buffer_km
    else:
        buffer = core
    sd = population_clusters(valid & (dens >= p.sduc_density), popz, p.sduc_min_pop, p.sduc_connectivity)
    near = np.unique(sd[buffer & (sd > 0)])
    sduc = (sd > 0) & ~np.isin(sd, near) & (l2 == unset)
    l2[sduc] = 22
    surb = (population_clusters(valid & (dens >= p.ucl_density), popz, p.ucl_min_pop, p.ucl_connectivity)
            > 0) & (l2 == unset)
    l2[surb] = 21
    rc = (population_clusters(valid & (dens >= p.rc_density), popz, p.rc_min_pop, p.rc_connectivity)
          > 0) & (l2 == unset)
    l2[rc] = 13
    l2[(l2 == unset) & valid & (dens >= p.ldr_density)] = 12
    rest = (l2 == unset) & valid
    l2[rest] = 11
    l2[rest & water] = 10
    l2[~valid] = NODATA
    return l2


def classify_units(unit_population: pd.DataFrame, *, level: int = 1, unit_share: float = 0.5,
                   rule_set: str = "manual-2021") -> pd.DataFrame:
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
    rule_set : {"manual-2021", "ghsl-2024"}
        Level-2 rules: the 2021 manual's largest share, or the July 2024 cumulative shares.

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
    if rule_set not in RULE_SETS:
        raise ValueError(f"rule_set must be one of {list(RULE_SETS)}, got {rule_set!r}")
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
        if rule_set == "ghsl-2024":
            dense_s = share[[30, 23]].sum(axis=1)
            sub_s = share[[21, 13, 12, 11, 10]].sum(axis=1)
            town_code = np.where(dense_s >= unit_share, 23, np.where(sub_s >= unit_share, 21, 22))
            vil_s = share[[30, 23, 22, 21, 13]].sum(axis=1)
            vlow_s = share[[11, 10]].sum(axis=1)
            rural_code = np.where(vil_s >= unit_share, 13, np.where(vlow_s >= unit_share, 11, 12))
            code = np.where(uc >= unit_share, 30, np.where(ucl >= unit_share, town_code, rural_code))
            out = share.add_prefix("share_")
            out["code"] = code
            out["class"] = [UNIT_LEVEL2_CLASSES[int(c)] for c in code]
            return out
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
