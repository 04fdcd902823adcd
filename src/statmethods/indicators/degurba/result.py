"""The result of a grid classification: class grids, tables and a printed summary.

Examples
--------
>>> import numpy as np
>>> from statmethods.indicators.degurba import classify_grid
>>> pop = np.full((6, 6), 100.0); pop[1:4, 1:4] = 6000.0
>>> classify_grid(pop, require_1km=False).n_urban_centres
1
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr
from scipy import ndimage

from ..._summary import Summary
from .parameters import DEVIATIONS, LEVEL1_CLASSES, LEVEL2_CLASSES, NODATA, DegurbaParameters

__all__ = ["DegurbaGrid", "centre_table"]


def centre_table(lab: np.ndarray, pop: np.ndarray, cell_km2: float, x: np.ndarray | None = None,
                 y: np.ndarray | None = None, *, name: str = "centre") -> pd.DataFrame:
    """One row per labelled group (urban centre or cluster): cells, area, population, density, box.

    Per-label sums by ``bincount`` and boxes by ``find_objects``: one pass over the grid, no sort.
    With coordinates ``x`` (columns) and ``y`` (rows), population-weighted centroids are added.

    Examples
    --------
    >>> lab = np.array([[1, 1, 0], [0, 0, 2]]); pop = np.array([[10.0, 30.0, 5.0], [1.0, 1.0, 7.0]])
    >>> centre_table(lab, pop, 1.0)[["cells", "population", "col_max"]].to_dict("list")
    {'cells': [2, 1], 'population': [40.0, 7.0], 'col_max': [1, 2]}
    """
    pop = np.nan_to_num(pop, nan=0.0)
    n = int(lab.max()) if lab.size else 0
    cells = np.bincount(lab.ravel(), minlength=n + 1)
    pops = np.bincount(lab.ravel(), weights=pop.ravel(), minlength=n + 1)
    ids = np.flatnonzero(cells[1:]) + 1
    boxes = ndimage.find_objects(lab.astype(np.int64, copy=False)) if n else []
    area = cells[ids] * cell_km2
    t = pd.DataFrame({name: ids, "cells": cells[ids], "area_km2": area, "population": pops[ids],
                      "density": pops[ids] / area,
                      "row_min": [boxes[k - 1][0].start for k in ids],
                      "row_max": [boxes[k - 1][0].stop - 1 for k in ids],
                      "col_min": [boxes[k - 1][1].start for k in ids],
                      "col_max": [boxes[k - 1][1].stop - 1 for k in ids]})
    if x is not None and y is not None:
        wts = np.where(lab > 0, pop + 1e-12, 0.0)
        sw = np.bincount(lab.ravel(), weights=wts.ravel(), minlength=n + 1)[ids]
        xx = np.broadcast_to(np.asarray(x, float)[None, :], lab.shape)
        yy = np.broadcast_to(np.asarray(y, float)[:, None], lab.shape)
        t["x_centroid"] = np.bincount(lab.ravel(), weights=(wts * xx).ravel(), minlength=n + 1)[ids] / sw
        t["y_centroid"] = np.bincount(lab.ravel(), weights=(wts * yy).ravel(), minlength=n + 1)[ids] / sw
    return t.set_index(name)


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
        >>> from statmethods.indicators.degurba import classify_grid
        >>> pop = np.full((6, 6), 100.0); pop[1:4, 1:4] = 6000.0
        >>> t = classify_grid(pop, require_1km=False).centres()
        >>> t.index.tolist(), t["cells"].tolist(), t["population"].tolist()
        ([1], [9], [54000.0])
        """
        c = self.coords
        return centre_table(self.urban_centres, self.population, self.cell_km2,
                            c.get("x") if c else None, c.get("y") if c else None)

    @property
    def n_urban_centres(self) -> int:
        lab = self.urban_centres
        return int((np.bincount(lab.ravel())[1:] > 0).sum()) if lab.size else 0

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
            "urban centre rule": (f">= {p.centre_density:g}/km², {p.centre_connectivity}-connected, "
                                  f">= {p.centre_population:,.0f} inhabitants{built}"),
            "urban cluster rule": (f">= {p.cluster_density:g}/km², {p.cluster_connectivity}-connected, "
                                   f">= {p.cluster_population:,.0f} inhabitants"),
            "smoothing / gaps": f"{p.smoothing}; gaps < {p.max_gap_km2:g} km² filled: {p.gap_fill}",
        }
        return Summary(f"Degree of Urbanisation, level {level} grid classification", header, t,
                       notes=[f"{len(DEVIATIONS)} interpretations of the manual apply: see "
                              "statmethods.indicators.degurba.DEVIATIONS."])

    def to_dataarray(self, level: int = 1) -> xr.DataArray:
        """The class grid as an ``xarray.DataArray`` (with CRS when the input had one)."""
        grid = self.level1 if level == 1 else self.level2
        if not self.coords:
            return xr.DataArray(grid, dims=("y", "x"), name=f"degurba_level{level}")
        da = xr.DataArray(grid, dims=("y", "x"), coords={"y": self.coords["y"], "x": self.coords["x"]},
                          name=f"degurba_level{level}")
        da = da.rio.write_crs(self.coords["crs"]).rio.write_nodata(NODATA)
        return da


