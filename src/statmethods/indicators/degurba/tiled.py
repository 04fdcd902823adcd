"""The grid classification out of core: tiles with halos, clusters joined across tile edges.

:func:`classify_tiled` gives the same classes as :func:`~.classify.classify_grid`, cell for cell,
on grids that do not fit in memory. It reads the inputs window by window (GeoTIFF, VRT or numpy
arrays), keeps its state in memory-mapped files, and runs every step tile by tile as Dask tasks:

1. cell tests (density, built-up share, water) and the population, per tile;
2. clusters (urban centres, urban clusters, dense, semi-dense and rural clusters) labelled per tile
   and joined across tile edges by union-find, with their populations summed per component;
3. majority smoothing on tiles with a halo of ``depth`` cells, repeated until no cell changes
   (each pass is exactly ``depth`` passes of the whole-grid rule inside every tile), gap filling
   and the semi-dense buffers on tiles with halos wider than a gap or the buffer;
4. level 1 and level 2 per tile, written to a tiled, compressed GeoTIFF (COG).

Dask schedules the tasks: the default threaded scheduler, or a ``dask.distributed`` client
(``scheduler=client.get``) whose workers share the work folder.

Examples
--------
>>> import numpy as np
>>> pop = np.full((12, 12), 100.0); pop[3:8, 4:9] = 3000.0
>>> from statmethods.indicators.degurba import classify_grid
>>> out = classify_tiled(pop, tile_size=5, require_1km=False)
>>> bool((out.level1 == classify_grid(pop, require_1km=False).level1).all())
True
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import dask
import numpy as np
import pandas as pd

from .classify import cell_tests, grid_cell_size, near_core_2021
from .clusters import buffer_cells, fill_gaps, majority_smoothing
from .parameters import LEVEL1_CLASSES, LEVEL2_CLASSES, NODATA, DegurbaParameters, resolve_parameters
from .tiles import Store, TilePart, Tiles, Window, join_labels, label_tile, local_labels

__all__ = ["TiledResult", "classify_tiled"]

# bits of the per-cell flag store
VALID, WATER, COUNTED, DENSE_C, GE_CLUSTER, DENSE_D, GE_SEMI, GE_RURAL, LOW, UC, DUC, BUF = (
    1 << k for k in range(12)
)


@dataclass
class TiledResult:
    """Outputs of :func:`classify_tiled`: the class grids (memory-mapped), class and cluster tables."""

    level1: np.ndarray
    level2: np.ndarray
    tables: dict[int, pd.DataFrame]
    centres: pd.DataFrame
    clusters: pd.DataFrame
    parameters: DegurbaParameters
    smoothing_passes: int = 0
    files: list[str] = field(default_factory=list)

    def table(self, level: int = 1) -> pd.DataFrame:
        """Cells, area and population by class (as :meth:`DegurbaGrid.table`)."""
        return self.tables[level]


class _Reader:
    """Windows of an input: a numpy array or a raster file (nodata as NaN)."""

    def __init__(self, source: np.ndarray | str | os.PathLike | None) -> None:
        self.array = None if source is None or isinstance(source, str | os.PathLike) else np.asarray(source)
        self.path = None if source is None or self.array is not None else os.fspath(source)
        self.none = source is None

    def read(self, w: Window) -> np.ndarray | None:
        if self.none:
            return None
        if self.array is not None:
            return np.asarray(self.array[w.rows, w.cols], dtype=float)
        import rasterio
        from rasterio.windows import Window as RWindow

        with rasterio.open(self.path) as src:
            a = src.read(1, window=RWindow(w.c0, w.r0, w.c1 - w.c0, w.r1 - w.r0), masked=True)
        return np.ma.filled(a.astype(float), np.nan)


@dataclass
class _Job:
    tiles: Tiles
    p: DegurbaParameters
    cell_m: float
    pop: Store
    flags: Store
    uc: Store
    l1: Store
    l2: Store
    scheduler: Callable | str | None
    progress: Callable[[str, int], None] | None


def _compute(job: _Job, name: str, tasks: list) -> list:
    if job.progress:
        job.progress(name, len(tasks))
    return list(dask.compute(*tasks, scheduler=job.scheduler))


# ---------------------------------------------------------------- 1. cell tests
@dask.delayed(pure=False)
def _prepare(job: _Job, w: Window, readers: tuple[_Reader, _Reader, _Reader]) -> np.ndarray:
    pop, land, built = (r.read(w) for r in readers)
    valid = np.isfinite(pop)
    problems = np.array(
        [
            int((pop[valid] < 0).sum()),
            0 if land is None else int((~np.isfinite(land) & valid).sum()),
            0 if built is None else int((~np.isfinite(built) & valid).sum()),
            int(valid.sum()),
        ]
    )
    p = job.p
    t = cell_tests(pop, land, built, p, job.cell_m)
    f = np.zeros(pop.shape, dtype=np.uint16)
    for bit, m in (
        (VALID, t.valid),
        (WATER, t.water),
        (COUNTED, t.counted(replace(p, majority_count_unknown=False))),
        (DENSE_C, t.dense(p, p.centre_density)),
        (GE_CLUSTER, t.valid & (t.dens >= p.cluster_density)),
        (DENSE_D, t.dense(p, p.dense_cluster_density)),
        (GE_SEMI, t.valid & (t.dens >= p.semi_dense_density)),
        (GE_RURAL, t.valid & (t.dens >= p.rural_cluster_density)),
        (LOW, t.dens >= p.low_density_rural_density),
    ):
        f[m] |= bit
    job.flags.write(w.rows, w.cols, f)
    job.pop.write(w.rows, w.cols, t.popz.astype(job.pop.dtype))
    return problems


# ---------------------------------------------------------------- 2. labelling across tiles
def _masks(job: _Job, kind: str, f: np.ndarray, l1: np.ndarray | None) -> np.ndarray:
    p = job.p
    if kind == "centre":
        return (f & DENSE_C) > 0
    if kind == "cluster":
        m = (f & GE_CLUSTER) > 0
        return m | ((f & UC) > 0) if p.clusters_from_centres else m
    if kind == "surb":
        return (f & GE_CLUSTER) > 0
    if kind == "duc":
        m = (f & DENSE_D) > 0
        return m & ((f & UC) == 0) if p.level2_rules == "manual-2021" else m
    if kind == "semi":
        return (f & GE_SEMI) > 0
    if kind == "rest":  # 2021: urban-cluster cells outside centres and dense clusters
        return (l1 == 2) & ((f & DUC) == 0)
    if kind == "rural":
        m = (f & GE_RURAL) > 0
        return m & (l1 <= 1) if p.level2_rules == "manual-2021" else m
    raise ValueError(kind)


_CONNECTIVITY = {
    "centre": "centre_connectivity",
    "cluster": "cluster_connectivity",
    "surb": "cluster_connectivity",
    "duc": "dense_cluster_connectivity",
    "semi": "semi_dense_connectivity",
    "rest": "semi_dense_connectivity",
    "rural": "rural_cluster_connectivity",
}


def _conn(job: _Job, kind: str) -> int:
    return int(getattr(job.p, _CONNECTIVITY[kind]))


def _anys(kind: str, f: np.ndarray) -> tuple[np.ndarray, ...]:
    if kind == "semi":
        return ((f & BUF) > 0,)  # 2024: any cell in the buffer
    if kind == "rest":
        return ((f & BUF) > 0, (f & GE_SEMI) == 0)  # 2021: any cell near a core, any cell too sparse
    return ()


@dask.delayed(pure=False)
def _label(job: _Job, w: Window, kinds: tuple[str, ...]) -> list[TilePart]:
    f = job.flags.read(w.rows, w.cols)
    l1 = job.l1.read(w.rows, w.cols) if {"rest", "rural"} & set(kinds) else None
    pop = job.pop.read(w.rows, w.cols).astype(float)
    return [label_tile(_masks(job, k, f, l1), _conn(job, k), pop, _anys(k, f)) for k in kinds]


@dataclass
class _Joined:
    kind: str
    offsets: np.ndarray
    keep: np.ndarray  # per global label (offset + local): kept, or the new id of a kept component
    roots: np.ndarray

    def lookup(self, tiles: Tiles, w: Window, lab: np.ndarray) -> np.ndarray:
        k = tiles.index(w)
        table = self.keep[self.offsets[k]:self.offsets[k + 1] + 1].copy()  # this tile's labels 1..n
        table[0] = 0
        return table[lab]


def _join(job: _Job, kinds: tuple[str, ...]) -> dict[str, _Joined]:
    parts = _compute(job, "clusters: " + ", ".join(kinds), [_label(job, w, kinds) for w in job.tiles])
    p, out = job.p, {}
    minimum = {
        "centre": p.centre_population,
        "cluster": p.cluster_population,
        "surb": p.cluster_population,
        "duc": p.dense_cluster_population,
        "semi": p.semi_dense_population,
        "rest": p.semi_dense_population,
        "rural": p.rural_cluster_population,
    }
    for k, kind in enumerate(kinds):
        mine = [pp[k] for pp in parts]
        n_anys = len(mine[0].anys)
        joined = join_labels(job.tiles, mine, _conn(job, kind), n_anys)
        roots, sums = joined[0], joined[1]
        keep = sums >= minimum[kind]
        if kind == "semi":
            keep &= ~joined[2][0]
        if kind == "rest":
            keep &= ~joined[2][0] & ~joined[2][1]
        keep[0] = False
        # kept components get ids 1..n in the order of their first tile label (row of tiles first)
        ids = np.zeros(len(keep), dtype=np.int64)
        kept_roots = roots[1:][keep[roots[1:]]]
        uniq, first = np.unique(kept_roots, return_index=True)
        order = uniq[np.argsort(first)].astype(np.int64)
        ids[order] = np.arange(1, len(order) + 1)
        offsets = np.zeros(len(mine) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([q.n for q in mine])
        out[kind] = _Joined(kind, offsets, ids[roots], roots)
    return out


# ---------------------------------------------------------------- 3. urban centres
@dask.delayed(pure=False)
def _write_centres(job: _Job, w: Window, joined: _Joined) -> int:
    lab, _ = local_labels(_masks(job, "centre", job.flags.read(w.rows, w.cols), None), _conn(job, "centre"))
    uc = joined.lookup(job.tiles, w, lab).astype(np.int32)
    job.uc.write(w.rows, w.cols, uc)
    return int((uc > 0).sum())


def _view(job: _Job, w: Window, depth: int) -> tuple[np.ndarray, np.ndarray, tuple[slice, slice]]:
    rs, cs, ir, ic = w.halo(depth, job.tiles.shape)
    return job.uc.read(rs, cs), job.flags.read(rs, cs), (ir, ic)


@dask.delayed(pure=False)
def _smooth(job: _Job, w: Window, depth: int) -> tuple[np.ndarray, np.ndarray]:
    uc, f, (ir, ic) = _view(job, w, depth)
    p = job.p
    valid = (f & VALID) > 0
    if p.smoothing == "ghsl_2023":
        eligible = valid & ((f & WATER) == 0)
        counted = ((f & COUNTED) > 0) | (~valid if p.majority_count_unknown else False)
    else:
        eligible, counted = valid, None
    new = majority_smoothing(
        uc,
        rule=p.smoothing,
        majority_min=p.majority_min,
        eligible=eligible,
        counted=counted,
        count_outside=p.majority_count_unknown,
        max_iter=depth,
    )
    rows, cols = np.nonzero(new[ir, ic] != uc[ir, ic])
    return np.stack([rows + w.r0, cols + w.c0], axis=1), new[ir, ic][rows, cols]


@dask.delayed(pure=False)
def _fill(
    job: _Job, w: Window, depth: int, max_gap_cells: float
) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    uc, f, (ir, ic) = _view(job, w, depth)
    if not job.p.gap_fill:
        return (np.zeros(0, int), np.zeros(0, int)), np.zeros(0, np.int32)
    new = fill_gaps(uc, max_gap_cells, barrier=(f & VALID) == 0)[ir, ic]
    where = np.nonzero(new != uc[ir, ic])
    return where, new[where]


def _active(job: _Job, counts: np.ndarray, depth: int) -> list[Window]:
    """Tiles whose view (the tile and ``depth`` cells around it) holds an urban centre cell."""
    from scipy import ndimage

    t = job.tiles
    has = counts.reshape(t.n_rows, t.n_cols) > 0
    reach = -(-depth // t.size)
    grown = (
        ndimage.binary_dilation(has, structure=np.ones((3, 3), bool), iterations=reach) if has.any() else has
    )
    return [w for w in t if grown[w.i, w.j]]


def _urban_centres(job: _Job) -> int:
    joined = _join(job, ("centre",))["centre"]
    counts = np.array(
        _compute(job, "centres: write ids", [_write_centres(job, w, joined) for w in job.tiles])
    )
    p, passes = job.p, 0
    depth = 16
    if p.smoothing != "none":
        while True:
            active = _active(job, counts, depth)
            changes = _compute(job, f"smoothing pass {passes + 1}", [_smooth(job, w, depth) for w in active])
            passes += 1
            if not any(len(v) for _, v in changes):
                break
            m = np.load(job.uc.path, mmap_mode="r+")
            for where, values in changes:
                if len(values):
                    m[where[:, 0], where[:, 1]] = values
                    np.add.at(
                        counts,
                        (where[:, 0] // job.tiles.size) * job.tiles.n_cols + where[:, 1] // job.tiles.size,
                        1,
                    )
            if job.uc.sync:
                m.flush()
            del m
    max_gap = p.max_gap_km2 / (job.cell_m * job.cell_m / 1e6)
    gap_depth = int(math.ceil(max_gap)) + 2
    active = _active(job, counts, gap_depth)
    filled = _compute(job, "gap filling", [_fill(job, w, gap_depth, max_gap) for w in active])
    m = np.load(job.uc.path, mmap_mode="r+")  # written after every tile has read its view
    for w, (where, values) in zip(active, filled, strict=True):
        m[w.rows, w.cols][where] = values
    if job.uc.sync:
        m.flush()
    del m
    _compute(job, "centres: flags", [_set_uc_flag(job, w) for w in active])
    return passes


@dask.delayed(pure=False)
def _set_uc_flag(job: _Job, w: Window) -> None:
    f = job.flags.read(w.rows, w.cols)
    f[job.uc.read(w.rows, w.cols) > 0] |= UC
    job.flags.write(w.rows, w.cols, f)


# ---------------------------------------------------------------- 4. levels 1 and 2
@dask.delayed(pure=False)
def _level1(job: _Job, w: Window, j: dict[str, _Joined]) -> None:
    f = job.flags.read(w.rows, w.cols)
    lab, _ = local_labels(_masks(job, "cluster", f, None), _conn(job, "cluster"))
    ucl = j["cluster"].lookup(job.tiles, w, lab) > 0
    valid, is_uc = (f & VALID) > 0, (f & UC) > 0
    l1 = np.full(f.shape, 1, dtype=np.uint8)
    l1[ucl] = 2
    l1[is_uc] = 3
    l1[(l1 == 1) & ((f & WATER) > 0)] = 0
    l1[~valid] = NODATA
    lab, _ = local_labels(_masks(job, "duc", f, None), _conn(job, "duc"))
    duc = (j["duc"].lookup(job.tiles, w, lab) > 0) & ~is_uc
    if job.p.level2_rules == "manual-2021":
        duc &= l1 == 2
    f[duc] |= DUC
    job.flags.write(w.rows, w.cols, f)
    job.l1.write(w.rows, w.cols, l1)


@dask.delayed(pure=False)
def _buffer(job: _Job, w: Window, depth: int) -> None:
    rs, cs, ir, ic = w.halo(depth, job.tiles.shape)
    f = job.flags.read(rs, cs)
    core = (f & (UC | DUC)) > 0
    p = job.p
    if p.level2_rules == "ghsl-2024":
        near = buffer_cells(core, p.semi_dense_buffer_km, job.cell_m, p.semi_dense_buffer_metric)
    else:
        near = near_core_2021(core, p, job.cell_m)
    inner = f[ir, ic]
    inner[near[ir, ic]] |= BUF
    job.flags.write(w.rows, w.cols, inner)


@dask.delayed(pure=False)
def _level2(job: _Job, w: Window, j: dict[str, _Joined]) -> dict:
    f, l1 = job.flags.read(w.rows, w.cols), job.l1.read(w.rows, w.cols)
    pop = job.pop.read(w.rows, w.cols).astype(float)
    valid, is_uc = (f & VALID) > 0, (f & UC) > 0

    def kept(kind: str) -> np.ndarray:
        lab, _ = local_labels(_masks(job, kind, f, l1), _conn(job, kind))
        return j[kind].lookup(job.tiles, w, lab)

    rural_keep = kept("rural") > 0
    if job.p.level2_rules == "ghsl-2024":
        l2 = np.zeros(f.shape, dtype=np.uint8)
        l2[is_uc] = 30
        l2[((f & DUC) > 0) & (l2 == 0)] = 23
        l2[(kept("semi") > 0) & (l2 == 0)] = 22
        l2[(kept("surb") > 0) & (l2 == 0)] = 21
        rural = (l2 == 0) & valid
    else:
        l2 = np.full(f.shape, 11, dtype=np.uint8)
        l2[is_uc] = 30
        l2[(f & DUC) > 0] = 23
        rest = _masks(job, "rest", f, l1)
        semi = kept("rest") > 0
        l2[rest & semi] = 22
        l2[rest & ~semi] = 21
        rural = l1 <= 1
    rc = rural_keep & rural
    l2[rc] = 13
    rest_r = rural & ~rc
    low = (f & LOW) > 0
    l2[rest_r & low] = 12
    l2[rest_r & ~low] = 11
    water = (f & WATER) > 0
    l2[rest_r & water & (~low if job.p.level2_rules == "ghsl-2024" else True)] = 10
    l2[~valid] = NODATA
    job.l2.write(w.rows, w.cols, l2)
    lab_cl, _ = local_labels(_masks(job, "cluster", f, None), _conn(job, "cluster"))
    return {
        "l1": _class_sums(l1, pop, LEVEL1_CLASSES),
        "l2": _class_sums(l2, pop, LEVEL2_CLASSES),
        "centres": _group_sums(job.uc.read(w.rows, w.cols), pop, w),
        "clusters": _group_sums(j["cluster"].lookup(job.tiles, w, lab_cl), pop, w),
    }


def _class_sums(grid: np.ndarray, pop: np.ndarray, classes: dict[int, str]) -> np.ndarray:
    codes = np.array(list(classes))
    cells = np.bincount(grid.ravel(), minlength=256)[codes]
    people = np.bincount(grid.ravel(), weights=pop.ravel(), minlength=256)[codes]
    return np.stack([cells, people], axis=1)


def _group_sums(lab: np.ndarray, pop: np.ndarray, w: Window) -> pd.DataFrame:
    m = lab > 0
    if not m.any():
        return pd.DataFrame(columns=["id", "cells", "population", "row_min", "row_max", "col_min", "col_max"])
    rows, cols = np.nonzero(m)
    d = pd.DataFrame({"id": lab[m], "population": pop[m], "row": rows + w.r0, "col": cols + w.c0})
    g = d.groupby("id")
    return pd.DataFrame(
        {
            "cells": g.size(),
            "population": g["population"].sum(),
            "row_min": g["row"].min(),
            "row_max": g["row"].max(),
            "col_min": g["col"].min(),
            "col_max": g["col"].max(),
        }
    ).reset_index()


def _merge_groups(parts: list[pd.DataFrame], cell_km2: float, name: str) -> pd.DataFrame:
    d = pd.concat([q for q in parts if len(q)], ignore_index=True) if any(len(q) for q in parts) else None
    cols = ["cells", "area_km2", "population", "density", "row_min", "row_max", "col_min", "col_max"]
    if d is None:
        return pd.DataFrame(columns=cols).rename_axis(name)
    g = d.groupby("id")
    t = pd.DataFrame(
        {
            "cells": g["cells"].sum(),
            "population": g["population"].sum(),
            "row_min": g["row_min"].min(),
            "row_max": g["row_max"].max(),
            "col_min": g["col_min"].min(),
            "col_max": g["col_max"].max(),
        }
    )
    t["area_km2"] = t["cells"] * cell_km2
    t["density"] = t["population"] / t["area_km2"]
    return t[cols].rename_axis(name)


def _class_table(total: np.ndarray, classes: dict[int, str], cell_km2: float) -> pd.DataFrame:
    pop_all = total[:, 1].sum()
    t = pd.DataFrame(
        {
            "code": list(classes),
            "class": list(classes.values()),
            "cells": total[:, 0].astype(int),
            "area_km2": total[:, 0] * cell_km2,
            "population": total[:, 1],
        }
    )
    t["population_share"] = t["population"] / pop_all if pop_all > 0 else np.nan
    return t.set_index("code")


def _levels(job: _Job) -> dict:
    p = job.p
    j = _join(job, ("cluster", "duc"))
    _compute(job, "level 1", [_level1(job, w, j) for w in job.tiles])
    n_buf = p.semi_dense_buffer_km * 1000.0 / job.cell_m
    _compute(job, "semi-dense buffer", [_buffer(job, w, int(math.ceil(n_buf)) + 2) for w in job.tiles])
    kinds = ("semi", "surb", "rural") if p.level2_rules == "ghsl-2024" else ("rest", "rural")
    j.update(_join(job, kinds))
    return _compute(job, "level 2", [_level2(job, w, j) for w in job.tiles])


def _check_sources(
    pop: np.ndarray | str,
    land: np.ndarray | str | None,
    built: np.ndarray | str | None,
    cell_size_m: float | None,
    require_1km: bool,
) -> tuple[tuple[int, int], float, str]:
    """Shape, cell size and population dtype of the inputs, refusing misaligned ones before any work."""
    if isinstance(pop, str | os.PathLike):
        from .files import check_aligned

        info = check_aligned({"population": pop, "land": land, "built": built})
        cell = grid_cell_size({"crs": info["crs"], "res": info["res"]}, None, require_1km)
        return info["shape"], cell, "float64" if info["dtype"] == "float64" else "float32"
    arr = np.asarray(pop)
    for name, a in (("land", land), ("built", built)):
        if a is not None and np.shape(a) != arr.shape:
            raise ValueError(f"{name} grid has shape {np.shape(a)} but population has {arr.shape}")
    cell = grid_cell_size({}, cell_size_m, require_1km)
    return arr.shape, cell, "float64"


def classify_tiled(
    population: np.ndarray | str | os.PathLike,
    land: np.ndarray | str | os.PathLike | None = None,
    built: np.ndarray | str | os.PathLike | None = None,
    *,
    tile_size: int = 512,
    parameters: DegurbaParameters | None = None,
    rule_set: str | None = None,
    cell_size_m: float | None = None,
    require_1km: bool = True,
    workdir: str | None = None,
    scheduler: Callable | str | None = None,
    progress: Callable[[str, int], None] | None = None,
    **changes: float | int | str | bool | None,
) -> TiledResult:
    """Classify a grid of any size tile by tile; the classes equal :func:`classify_grid`'s.

    Parameters
    ----------
    population, land, built : path or ndarray
        GeoTIFF/VRT files on one grid (checked before any work), or numpy arrays (tests). As in
        :func:`classify_grid`: population per cell, permanent land and built-up surface in m².
    tile_size : int
        Cells per tile side; a size larger than the grid gives one tile.
    parameters, rule_set, **changes
        The thresholds, set as in :func:`classify_grid`.
    cell_size_m, require_1km
        As in :func:`classify_grid` (files carry their own cell size).
    workdir : str, optional
        Folder for the state files (default: a temporary folder, removed by the caller's choice).
        A ``dask.distributed`` cluster's workers must all see it.
    scheduler : optional
        Dask scheduler (``"threads"``, ``"processes"``, ``"synchronous"`` or ``client.get``).
    progress : callable, optional
        Called with each step's name and number of tasks.

    Returns
    -------
    TiledResult
        ``level1``/``level2`` as read-only memory maps of the state files, class tables, one row per
        urban centre and per urban cluster (level 1, centres included when they are part of it).
    """
    p = resolve_parameters(parameters, rule_set, **changes)
    shape, cell, pop_dtype = _check_sources(population, land, built, cell_size_m, require_1km)
    if built is None and p.built_criterion:
        p = replace(p, built_criterion=False)
    folder = workdir or tempfile.mkdtemp(prefix="degurba-")
    os.makedirs(folder, exist_ok=True)
    tiles = Tiles(shape, tile_size)
    # workers of one machine share the page cache; a cluster's workers need every write on disk
    sync = callable(scheduler)
    job = _Job(
        tiles,
        p,
        cell,
        *(
            Store.create(folder, name, shape, dtype, sync=sync)
            for name, dtype in (("pop", pop_dtype), ("flags", "uint16"), ("uc", "int32"), ("level1", "uint8"),
                                ("level2", "uint8"))
        ),
        scheduler,
        progress,
    )
    readers = (_Reader(population), _Reader(land), _Reader(built))
    problems = np.sum(_compute(job, "cell tests", [_prepare(job, w, readers) for w in tiles]), axis=0)
    _refuse(problems)
    passes = _urban_centres(job)
    parts = _levels(job)
    return _result(job, parts, passes)


def _result(job: _Job, parts: list[dict], passes: int) -> TiledResult:
    cell_km2 = job.cell_m * job.cell_m / 1e6
    tables = {
        1: _class_table(np.sum([q["l1"] for q in parts], axis=0), LEVEL1_CLASSES, cell_km2),
        2: _class_table(np.sum([q["l2"] for q in parts], axis=0), LEVEL2_CLASSES, cell_km2),
    }
    return TiledResult(
        np.load(job.l1.path, mmap_mode="r"),
        np.load(job.l2.path, mmap_mode="r"),
        tables,
        _merge_groups([q["centres"] for q in parts], cell_km2, "centre"),
        _merge_groups([q["clusters"] for q in parts], cell_km2, "cluster"),
        job.p,
        passes,
        [job.l1.path, job.l2.path],
    )


def _refuse(problems: np.ndarray) -> None:
    negative, land_missing, built_missing, valid = (int(v) for v in problems)
    if valid == 0:
        raise ValueError("population grid is entirely no-data; check the nodata value and the extent.")
    if negative:
        raise ValueError("population has negative values; a population grid holds counts >= 0.")
    if land_missing:
        raise ValueError(
            f"land grid is no-data in {land_missing} cells that have population data; fill "
            "them (e.g. with the cell area) or mask those population cells."
        )
    if built_missing:
        raise ValueError(
            f"built-up grid is no-data in {built_missing} cells that have population data; "
            "fill them (0 if known unbuilt) or mask those population cells."
        )
