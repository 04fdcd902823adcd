"""Thresholds of the Degree of Urbanisation: class codes, rule sets, GHSL epochs, one name each.

Every threshold has one name, used by :class:`DegurbaParameters`, :func:`classify_grid`, the
command line and the chapters (``centre_density``, ``cluster_population``, ...). There is one way
to set them: start from a rule set with :func:`rule_set_parameters` and change single values by
keyword; :func:`resolve_parameters` is that rule, shared by every entry point.

Examples
--------
>>> p = rule_set_parameters("ghsl-2024", centre_density=1000)
>>> p.centre_density, p.semi_dense_density
(1000, 900.0)
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Literal

import numpy as np

__all__ = [
    "DEVIATIONS",
    "GHSL_EPOCHS",
    "LEVEL1_CLASSES",
    "LEVEL2_CLASSES",
    "NODATA",
    "RULE_SETS",
    "UNIT_LEVEL1_CLASSES",
    "UNIT_LEVEL2_CLASSES",
    "DegurbaParameters",
    "resolve_parameters",
    "rule_set_parameters",
    "threshold_names",
]

#: Epochs of the GHSL R2023A population and built-up grids (2025 and 2030 are projections).
GHSL_EPOCHS: tuple[int, ...] = tuple(range(1975, 2031, 5))

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
    "semi_dense_buffer_km between cell squares (centre distance minus one cell, Euclidean).",
    "Dense urban clusters are kept only inside level-1 urban clusters, so that level 2 nests in level 1.",
    "Local units, level 2 (manual-2021): among towns the class with the largest population share among "
    "dense, semi-dense and suburban cells wins (ties: dense > semi-dense > suburban); among rural units "
    "the largest of rural cluster, low density and very low density rural cells (ties in that order).",
    "Urban clusters (level 1) grow from cells with density >= cluster_density *or* in an urban centre "
    "(clusters_from_centres=True, the manual's 'urban centres are part of urban clusters'); flexurba "
    "grows them from density alone and only labels the non-centre cells (clusters_from_centres=False, the "
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
    "(density or built-up) of >= dense_cluster_population, not restricted to level-1 urban clusters; "
    "the 2 km buffer is a 8-neighbour dilation repeated semi_dense_buffer_km / cell side times "
    "(semi_dense_buffer_metric="
    "'chebyshev'); semi-dense clusters are computed over all cells and dropped when any cell lies in "
    "the buffer; suburban cells are the remaining cells of clusters of >= cluster_density and "
    "cluster_population.",
)

#: Rule sets of :func:`classify_grid` / :func:`rule_set_parameters`.
RULE_SETS: tuple[str, ...] = ("manual-2021", "ghsl-2024")

@dataclass(frozen=True)
class DegurbaParameters:
    """Every threshold of the Degree of Urbanisation, defaulting to the manual's values.

    Densities are inhabitants per km² of permanent land; populations are inhabitants; shares
    are fractions of the permanent land of a cell.
    """

    centre_density: float = 1500.0  # urban centre: cell density threshold
    centre_population: float = 50_000.0  # urban centre: minimum cluster population
    centre_connectivity: int = 4  # urban centre: 4 = edges only (manual), 8 = with diagonals
    built_criterion: bool = True  # cells with built-up share >= built_threshold also count as dense
    built_threshold: float = 0.5  # built-up share of permanent land (GHSL DP 2022 uses 0.5)
    built_share_digits: int | None = None  # round the share before the built-up test (flexurba: 3)
    smoothing: Literal["five_of_eight", "ghsl_2023", "none"] = "five_of_eight"  # edge smoothing rule
    majority_min: int = 5  # five_of_eight: neighbours of one centre needed to add a cell
    max_gap_km2: float = 15.0  # gaps strictly below this area are filled
    gap_fill: bool = True  # fill gaps in urban centres
    cluster_density: float = 300.0  # urban cluster: cell density threshold
    cluster_population: float = 5_000.0  # urban cluster: minimum cluster population
    cluster_connectivity: int = 8  # urban cluster: with diagonals (manual)
    clusters_from_centres: bool = True  # urban clusters grow from dense-enough cells or centre cells
    majority_count_unknown: bool = False  # ghsl_2023 rule: count off-grid / no-data neighbours
    dense_cluster_density: float = 1500.0  # dense urban cluster: cell density threshold (level 2)
    dense_cluster_population: float = 5_000.0  # dense urban cluster: minimum population (level 2)
    dense_cluster_connectivity: int = 4  # dense urban cluster: edges only (level 2)
    semi_dense_density: float = 300.0  # semi-dense urban cluster: cell density (900 since July 2024)
    semi_dense_population: float = 5_000.0  # semi-dense urban cluster: minimum population (2,500 in 2024)
    semi_dense_connectivity: int = 8  # semi-dense urban cluster: contiguity (level 2; 4 in 2024)
    semi_dense_buffer_km: float = 2.0  # semi-dense cluster: minimum distance to centres / dense clusters
    semi_dense_buffer_metric: Literal["edge_gap", "chebyshev"] = "edge_gap"  # how the buffer is measured
    level2_rules: Literal["manual-2021", "ghsl-2024"] = "manual-2021"  # level-2 grid and unit rules
    rural_cluster_density: float = 300.0  # rural cluster: cell density threshold (level 2)
    rural_cluster_population: float = 500.0  # rural cluster: minimum population (level 2)
    rural_cluster_connectivity: int = 8  # rural cluster: with diagonals (level 2)
    low_density_rural_density: float = 50.0  # low density rural cell: density at least this (level 2)
    water_land_share: float = 0.5  # water cell: permanent land share below this ...
    water_max_pop: float = 0.0  # ... population at most this ...
    water_max_built: float = 0.0  # ... and built-up share at most this
    unit_share: float = 0.5  # local units: population share that decides the class

    def __post_init__(self) -> None:
        for name in ("centre_connectivity", "cluster_connectivity", "dense_cluster_connectivity",
                     "semi_dense_connectivity", "rural_cluster_connectivity"):
            if getattr(self, name) not in (4, 8):
                raise ValueError(f"{name} must be 4 (edges only) or 8 (with diagonals), "
                                 f"got {getattr(self, name)!r}")
        if self.smoothing not in ("five_of_eight", "ghsl_2023", "none"):
            raise ValueError(f"smoothing must be 'five_of_eight' (manual), 'ghsl_2023' or 'none', "
                             f"got {self.smoothing!r}")
        if self.semi_dense_buffer_metric not in ("edge_gap", "chebyshev"):
            raise ValueError(f"semi_dense_buffer_metric must be 'edge_gap' or 'chebyshev', got "
                             f"{self.semi_dense_buffer_metric!r}")
        if self.level2_rules not in RULE_SETS:
            raise ValueError(f"level2_rules must be one of {RULE_SETS}, got {self.level2_rules!r}")
        if self.cluster_density > self.centre_density:
            raise ValueError(f"cluster_density ({self.cluster_density:g}) must not exceed centre_density "
                             f"({self.centre_density:g}): urban clusters are the looser rule")
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
        for name in ("centre_density", "centre_population", "max_gap_km2", "cluster_density",
                     "cluster_population", "dense_cluster_density", "dense_cluster_population",
                     "semi_dense_density", "semi_dense_population", "semi_dense_buffer_km",
                     "rural_cluster_density", "rural_cluster_population", "low_density_rural_density",
                     "water_max_pop"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v >= 0):
                raise ValueError(f"{name} must be a non-negative number, got {v!r}")


_GHSL_2024: dict[str, float | int | str | bool] = {
    # GHSL Data Package 2023 built-up share and majority rule, as flexurba's defaults
    "built_threshold": 0.2, "smoothing": "ghsl_2023",
    # the two conventions, as flexurba
    "clusters_from_centres": False, "majority_count_unknown": True,
    # July 2024 level-2 amendment
    "semi_dense_density": 900.0, "semi_dense_population": 2_500.0, "semi_dense_connectivity": 4,
    "semi_dense_buffer_km": 2.0, "semi_dense_buffer_metric": "chebyshev", "level2_rules": "ghsl-2024",
}


def threshold_names() -> tuple[str, ...]:
    """The names of every threshold, as :class:`DegurbaParameters` fields.

    Examples
    --------
    >>> "centre_density" in threshold_names()
    True
    """
    return tuple(f.name for f in fields(DegurbaParameters))


def _check_names(changes: dict[str, object]) -> None:
    unknown = sorted(set(changes) - set(threshold_names()))
    if unknown:
        raise ValueError(f"unknown threshold(s) {unknown}; the thresholds are {list(threshold_names())}")


def rule_set_parameters(rule_set: str = "manual-2021", **changes: float | int | str | bool | None
                        ) -> DegurbaParameters:
    """The thresholds of a rule set, with single ones changed.

    Parameters
    ----------
    rule_set : {"manual-2021", "ghsl-2024"}
        ``"manual-2021"``: the 2021 manual (built-up share 0.5, five-of-eight majority rule,
        semi-dense clusters of 300/km² and 5,000 inhabitants, 8-connected). ``"ghsl-2024"``: the
        July 2024 amendment for grid and units (semi-dense clusters of 900/km² and 2,500
        inhabitants, 4-connected, 2 km buffer) with the GHSL Data Package 2023 built-up share
        (0.2) and majority rule, as the defaults of the R package flexurba.
    **changes
        Any :class:`DegurbaParameters` field.

    Examples
    --------
    >>> p = rule_set_parameters("ghsl-2024", centre_density=1000)
    >>> p.semi_dense_density, p.built_threshold, p.centre_density
    (900.0, 0.2, 1000)
    """
    if rule_set not in RULE_SETS:
        raise ValueError(f"rule_set must be one of {list(RULE_SETS)}, got {rule_set!r}")
    _check_names(changes)
    base = dict(_GHSL_2024) if rule_set == "ghsl-2024" else {}
    base.update(changes)
    return DegurbaParameters(**base)


def resolve_parameters(parameters: DegurbaParameters | None = None, rule_set: str | None = None,
                       **changes: float | int | str | bool | None) -> DegurbaParameters:
    """The one way thresholds are set: a rule set (or given parameters) with single values changed.

    ``parameters`` and ``rule_set`` are alternatives (default: the ``manual-2021`` rule set);
    keyword ``changes`` apply on top of either.

    Examples
    --------
    >>> resolve_parameters(rule_set="ghsl-2024", centre_population=100_000).centre_population
    100000
    >>> p = rule_set_parameters("ghsl-2024")
    >>> resolve_parameters(p, semi_dense_buffer_km=3.0).semi_dense_buffer_km
    3.0
    """
    if parameters is not None and rule_set is not None:
        raise ValueError("give either parameters= (a DegurbaParameters) or rule_set=, not both; change "
                         "single thresholds by keyword")
    if parameters is None:
        return rule_set_parameters(rule_set or "manual-2021", **changes)
    if not isinstance(parameters, DegurbaParameters):
        raise TypeError(f"parameters must be a DegurbaParameters (from rule_set_parameters), got "
                        f"{type(parameters).__name__}; change single thresholds by keyword")
    _check_names(changes)
    return replace(parameters, **changes) if changes else parameters
