"""Tiles of a large grid, their state on disk, and clusters joined across tile edges.

The state of an out-of-core classification lives in ``.npy`` files opened as memory maps inside
each task, so a task ships only a window and workers (threads, processes or a ``dask.distributed``
cluster on one file system) share the files. Connected components are labelled tile by tile and
joined across tile edges with a union-find (:func:`scipy.sparse.csgraph.connected_components` on
the pairs of touching labels).

Examples
--------
>>> import numpy as np
>>> mask = np.zeros((4, 4), bool); mask[1, :] = True
>>> tiles = Tiles((4, 4), 2)
>>> parts = [label_tile(mask[w.rows, w.cols], 4, np.ones((2, 2))) for w in tiles]
>>> roots, sums = join_labels(tiles, parts, 4)
>>> len(set(roots[1:].tolist())), float(sums.max())  # one component of 4 cells across two tiles
(1, 4.0)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .clusters import structure

__all__ = ["Store", "TilePart", "Tiles", "Window", "join_labels", "label_tile"]


@dataclass(frozen=True)
class Window:
    """One tile: rows ``r0:r1`` and columns ``c0:c1`` of the grid, and its place (i, j)."""

    i: int
    j: int
    r0: int
    r1: int
    c0: int
    c1: int

    @property
    def rows(self) -> slice:
        return slice(self.r0, self.r1)

    @property
    def cols(self) -> slice:
        return slice(self.c0, self.c1)

    def halo(self, depth: int, shape: tuple[int, int]) -> tuple[slice, slice, slice, slice]:
        """The window grown by ``depth`` cells (clipped to the grid) and the tile inside it."""
        r0, c0 = max(0, self.r0 - depth), max(0, self.c0 - depth)
        r1, c1 = min(shape[0], self.r1 + depth), min(shape[1], self.c1 + depth)
        inner = (slice(self.r0 - r0, self.r1 - r0), slice(self.c0 - c0, self.c1 - c0))
        return slice(r0, r1), slice(c0, c1), inner[0], inner[1]


class Tiles:
    """A grid of ``shape`` cut into square tiles of ``size`` cells (smaller at the right and bottom).

    Examples
    --------
    >>> t = Tiles((5, 7), 4)
    >>> t.n_rows, t.n_cols, [(w.r0, w.r1, w.c0, w.c1) for w in t][-1]
    (2, 2, (4, 5, 4, 7))
    """

    def __init__(self, shape: tuple[int, int], size: int) -> None:
        if size < 1:
            raise ValueError(f"tile size must be at least 1 cell, got {size}")
        self.shape, self.size = (int(shape[0]), int(shape[1])), int(size)
        self.n_rows = -(-self.shape[0] // self.size)
        self.n_cols = -(-self.shape[1] // self.size)

    def __iter__(self) -> Iterator[Window]:
        for i in range(self.n_rows):
            for j in range(self.n_cols):
                yield self.window(i, j)

    def __len__(self) -> int:
        return self.n_rows * self.n_cols

    def window(self, i: int, j: int) -> Window:
        s = self.size
        return Window(i, j, i * s, min(self.shape[0], (i + 1) * s), j * s, min(self.shape[1], (j + 1) * s))

    def index(self, w: Window) -> int:
        return w.i * self.n_cols + w.j


@dataclass(frozen=True)
class Store:
    """A 2-D array in a ``.npy`` file, opened as a memory map only while a task reads or writes it."""

    path: str
    shape: tuple[int, int]
    dtype: str
    sync: bool = False  # write every change to disk at once (workers on other machines)

    @classmethod
    def create(
        cls, folder: str, name: str, shape: tuple[int, int], dtype: str, *, sync: bool = False
    ) -> Store:
        path = os.path.join(folder, f"{name}.npy")
        np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=shape).flush()
        return cls(path, (int(shape[0]), int(shape[1])), dtype, sync)

    def read(self, rows: slice, cols: slice) -> np.ndarray:
        m = np.load(self.path, mmap_mode="r")
        out = np.array(m[rows, cols])
        del m
        return out

    def write(self, rows: slice, cols: slice, values: np.ndarray) -> None:
        m = np.load(self.path, mmap_mode="r+")
        m[rows, cols] = values
        if self.sync:
            m.flush()
        del m


@dataclass
class TilePart:
    """What one tile contributes to a labelling: label count, per-label sums and flags, edge labels."""

    n: int
    sums: np.ndarray
    anys: list[np.ndarray]
    top: np.ndarray
    bottom: np.ndarray
    left: np.ndarray
    right: np.ndarray


def label_tile(
    mask: np.ndarray, connectivity: int, weights: np.ndarray, anys: tuple[np.ndarray, ...] = ()
) -> TilePart:
    """Label one tile's ``mask`` and summarise it: sums of ``weights`` and "any" of each flag per label."""
    lab, n = local_labels(mask, connectivity)
    sums = np.bincount(lab[mask], weights=weights[mask], minlength=n + 1)
    flags = [np.bincount(lab[mask & a], minlength=n + 1) > 0 for a in anys]
    return TilePart(n, sums, flags, lab[0].copy(), lab[-1].copy(), lab[:, 0].copy(), lab[:, -1].copy())


def local_labels(mask: np.ndarray, connectivity: int) -> tuple[np.ndarray, int]:
    """``scipy.ndimage.label`` of a tile (deterministic, so it can be recomputed instead of stored)."""
    lab = np.empty(mask.shape, dtype=np.int32)
    n = ndimage.label(mask, structure=structure(connectivity), output=lab)
    return lab, int(n)


def _edge_pairs(a: np.ndarray, b: np.ndarray, connectivity: int) -> list[np.ndarray]:
    """Pairs of labels facing each other across an edge (``a`` and ``b`` are the two facing lines)."""
    out = [np.stack([a, b], axis=1)]
    if connectivity == 8 and len(a) > 1:
        out += [np.stack([a[:-1], b[1:]], axis=1), np.stack([a[1:], b[:-1]], axis=1)]
    return [p[(p[:, 0] > 0) & (p[:, 1] > 0)] for p in out]


def join_labels(
    tiles: Tiles, parts: list[TilePart], connectivity: int, n_anys: int = 0
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]] | tuple[np.ndarray, np.ndarray]:
    """Join the tiles' labels into global components.

    Returns ``roots`` (the component of every tile label, indexed by tile offset + label, 0 for
    background), the population sum of every component and, when ``n_anys`` > 0, whether any cell
    of the component carries each flag.
    """
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([p.n for p in parts])
    total = int(offsets[-1])
    shifted = []
    for k, p in enumerate(parts):
        o = offsets[k]
        shifted.append(
            {e: np.where(getattr(p, e) > 0, getattr(p, e) + o, 0) for e in ("top", "bottom", "left", "right")}
        )
    pairs = []
    for w in tiles:
        k = tiles.index(w)
        if w.i + 1 < tiles.n_rows:
            pairs += _edge_pairs(
                shifted[k]["bottom"], shifted[tiles.index(tiles.window(w.i + 1, w.j))]["top"], connectivity
            )
        if w.j + 1 < tiles.n_cols:
            pairs += _edge_pairs(
                shifted[k]["right"], shifted[tiles.index(tiles.window(w.i, w.j + 1))]["left"], connectivity
            )
        if connectivity == 8 and w.i + 1 < tiles.n_rows:
            below = w.i + 1
            if w.j + 1 < tiles.n_cols:  # bottom-right corner to the top-left corner of the diagonal tile
                d = shifted[tiles.index(tiles.window(below, w.j + 1))]
                pairs += [p for p in [np.array([[shifted[k]["bottom"][-1], d["top"][0]]])] if p.min() > 0]
            if w.j > 0:  # bottom-left corner to the top-right corner of the other diagonal tile
                d = shifted[tiles.index(tiles.window(below, w.j - 1))]
                pairs += [p for p in [np.array([[shifted[k]["bottom"][0], d["top"][-1]]])] if p.min() > 0]
    edges = np.concatenate(pairs) if pairs else np.zeros((0, 2), dtype=np.int64)
    graph = coo_matrix(
        (np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])), shape=(total + 1, total + 1)
    )
    _, roots = connected_components(graph, directed=False)
    roots = roots.astype(np.int64) + 1
    roots[0] = 0
    sums_local = np.concatenate([[0.0]] + [p.sums[1:] for p in parts])
    sums = np.bincount(roots, weights=sums_local, minlength=int(roots.max()) + 1)
    if not n_anys:
        return roots, sums
    anys = []
    for a in range(n_anys):
        flag_local = np.concatenate([[False]] + [p.anys[a][1:] for p in parts])
        anys.append(np.bincount(roots[flag_local], minlength=len(sums)) > 0)
    return roots, sums, anys
