"""Image patches on census cells: one GeoTIFF per cell, a table of cells, one common size.

A *patch folder* holds one multi-band GeoTIFF per cell, anywhere below the folder, named
``<cell id>.tif`` or ``<cell id>_<anything>.tif`` (the id is the file name up to the first
``_``; So2Sat POP writes ``Class_<k>/<GRD_ID>_sen2_rgb_summer.tif``). A *cell table* gives one
row per cell with its id and its population. :func:`build_patch_set` pairs the two, checks them
(same band count in every file, every cell has a patch and every patch a cell, a population
column with non-negative numbers) and centre-crops every patch to one square size, so that the
patches stack into one array ``(n, bands, size, size)``.

Examples
--------
>>> import numpy as np
>>> centre_crop(np.arange(2 * 5 * 6).reshape(2, 5, 6), 3)[0]
array([[ 7,  8,  9],
       [13, 14, 15],
       [19, 20, 21]])
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..validation import InputFileError, positive_int

__all__ = ["PatchSet", "build_patch_set", "centre_crop", "find_patches", "patch_headers"]


def _err(parameter: str, where: object, problem: str, fix: str) -> ValueError:
    return InputFileError(f"parameter {parameter!r} (file {where}): {problem}. Fix: {fix}")


def cell_id_of(path: str | os.PathLike) -> str:
    """The cell id of a patch file: its name up to the first ``_`` (without ``.tif``).

    Examples
    --------
    >>> cell_id_of("Class_3/1kmN3493E4880_sen2_rgb_summer.tif")
    '1kmN3493E4880'
    """
    return Path(path).stem.split("_")[0]


def find_patches(folder: str | os.PathLike, *, parameter: str = "patch_dir") -> dict[str, Path]:
    """Map cell id -> GeoTIFF for every ``.tif`` below ``folder`` (sorted by id).

    Raises
    ------
    ValueError
        If the folder holds no GeoTIFF, or two files carry the same cell id.
    """
    folder = Path(folder)
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".tif", ".tiff") and p.is_file())
    if not files:
        raise _err(parameter, folder, "holds no GeoTIFF patch (*.tif) in it or its sub-folders",
                   "give the folder of patch files, one <cell id>_<name>.tif per cell")
    out: dict[str, Path] = {}
    for f in files:
        cid = cell_id_of(f)
        if cid in out:
            raise _err(parameter, folder,
                       f"holds two patches for cell {cid!r} ({out[cid].name} and {f.name})",
                       "keep one patch per cell")
        out[cid] = f
    return dict(sorted(out.items()))


def patch_headers(files: dict[str, Path], *, parameter: str = "patch_dir",
                  bands: int | None = None) -> dict[str, tuple[int, int, int]]:
    """Band count and shape ``(bands, rows, cols)`` of each patch; refuses mixed band counts.

    Only the headers are read, so this is fast enough for checks before a run.
    """
    import rasterio

    out: dict[str, tuple[int, int, int]] = {}
    first: tuple[str, int] | None = None
    for cid, f in files.items():
        try:
            with rasterio.open(f) as src:
                out[cid] = (src.count, src.height, src.width)
        except rasterio.errors.RasterioError as exc:
            raise _err(parameter, f, f"cannot be opened as a GeoTIFF ({exc})",
                       "replace or remove the file") from exc
        want = bands if bands is not None else (first[1] if first else None)
        if want is not None and out[cid][0] != want:
            ref = f"the {want} band(s) expected" if bands is not None else \
                f"{want} band(s) in {files[first[0]].name}"  # type: ignore[index]
            raise _err(parameter, f, f"has {out[cid][0]} band(s), but the patches must share one band count "
                       f"({ref})", "give patches with the same bands in the same order")
        if first is None:
            first = (cid, out[cid][0])
    return out


def centre_crop(image: np.ndarray, size: int) -> np.ndarray:
    """The central ``size`` x ``size`` window of a ``(bands, rows, cols)`` array.

    Where a side is odd-length the extra pixel is dropped from the end.
    """
    _, r, c = image.shape
    if r < size or c < size:
        raise ValueError(f"a patch of {r} x {c} pixels is smaller than the crop size {size}")
    top, left = (r - size) // 2, (c - size) // 2
    return image[:, top:top + size, left:left + size]


@dataclass(frozen=True)
class PatchSet:
    """Patches of the cells of one table, cropped to one size.

    Attributes
    ----------
    images : numpy.ndarray
        ``(n, bands, size, size)`` float32, the patch values as stored (e.g. reflectance x 10,000).
    cells : pandas.DataFrame
        The cell table in the order of ``images``, with columns ``cell_id``, ``population``,
        ``x`` and ``y`` (the patch centre in the patches' CRS), ``rows`` and ``cols`` (the size
        before cropping), and the table's other columns.
    crs : str
        CRS of the patches (the first patch's, as text).
    size : int
        The crop size in pixels.
    pixel_size : float
        Pixel width in CRS units (metres for a projected CRS).
    """

    images: np.ndarray
    cells: Any
    crs: str
    size: int
    pixel_size: float

    @property
    def population(self) -> np.ndarray:
        """Census population of each cell."""
        return self.cells["population"].to_numpy(dtype=float)

    def __len__(self) -> int:
        return len(self.images)


def build_patch_set(folder: Path, table: pd.DataFrame, *, size: int, id_column: str = "GRD_ID",
                    population_column: str = "POP", cells_name: str = "cells_file",
                    patch_parameter: str = "patch_dir", cells_parameter: str = "cells_file",
                    size_parameter: str = "patch_size", extra: pd.DataFrame | None = None) -> PatchSet:
    """Pair a patch folder with its cell table, check them, and centre-crop to ``size``.

    The files are read by :func:`statmethods.inputs.read_patches`, which resolves a catalogue key
    or the user's own paths and then calls this function.

    Parameters
    ----------
    folder
        Folder of GeoTIFF patches, one per cell, named ``<cell id>[_...].tif``.
    table
        One row per cell, with ``id_column`` (text) and ``population_column`` (a count).
    size
        Side of the square centre crop, in pixels; no patch may be smaller.
    cells_name
        How the cell table is named in error messages (its file).
    patch_parameter, cells_parameter, size_parameter
        The parameters named in error messages.
    extra
        An optional DataFrame of further per-cell columns (e.g. night lights), joined on
        ``id_column``; every cell must be in it.

    Raises
    ------
    ValueError
        Mixed band counts, a cell without a patch or a patch without a cell, a missing
        population, a patch smaller than ``size``, a duplicated cell id.

    Examples
    --------
    >>> import statmethods as sm
    >>> key = "so2sat-pop-sample/test/01486_22146_lublin"
    >>> ps = sm.inputs.read_patches(key, f"{key}/01486_22146_lublin.csv", size=96)
    >>> ps.images.shape, int(ps.population.sum())
    ((324, 3, 96, 96), 379191)
    """
    positive_int(size, size_parameter)
    table = table.assign(**{id_column: table[id_column].astype(str).str.strip()})
    if table[population_column].isna().any():
        row = int(np.flatnonzero(table[population_column].isna().to_numpy())[0])
        raise _err(cells_parameter, cells_name, f"column {population_column!r} is empty on line {row + 2}",
                   "give the population of every cell (0 where nobody lives)")
    dup = table[id_column][table[id_column].duplicated()]
    if len(dup):
        raise _err(cells_parameter, cells_name, f"cell id {dup.iloc[0]!r} appears more than once in "
                   f"{id_column!r}", "keep one row per cell")
    files = find_patches(folder, parameter=patch_parameter)
    check_pairing(list(table[id_column]), files, cells_name, folder, cells_parameter, patch_parameter)
    headers = patch_headers(files, parameter=patch_parameter)
    small = {c: h for c, h in headers.items() if min(h[1:]) < size}
    if small:
        cid, h = min(small.items(), key=lambda kv: min(kv[1][1:]))
        raise ValueError(f"parameter {size_parameter!r} ({size}) is larger than {len(small)} patch(es), "
                         f"e.g. {files[cid].name} of {h[1]} x {h[2]} pixels. Fix: set {size_parameter} to at "
                         f"most {min(min(v[1:]) for v in headers.values())}")
    ids = list(table[id_column])
    images, cells, crs, pixel = _crop_all(files, headers, ids, size)
    cells.insert(1, "population", table[population_column].to_numpy(dtype=float))
    others = table.drop(columns=[id_column, population_column]).reset_index(drop=True)
    others = others.drop(columns=[c for c in others if c in cells], errors="ignore")
    cells = pd.concat([cells, others], axis=1)
    if extra is not None:
        cells = _join_extra(cells, extra, ids, id_column, cells_parameter)
    return PatchSet(images=images, cells=cells, crs=crs or "", size=int(size), pixel_size=float(pixel or 0.0))


def _crop_all(files: dict[str, Path], headers: dict[str, tuple[int, int, int]], ids: list[str],
              size: int) -> tuple[np.ndarray, pd.DataFrame, str | None, float | None]:
    """Centre-cropped images of ``ids`` and their centres, sizes, CRS and pixel size."""
    import rasterio

    images = np.empty((len(ids), headers[ids[0]][0], size, size), dtype=np.float32)
    xs, ys, rows, cols = [], [], [], []
    crs, pixel = None, None
    for i, cid in enumerate(ids):
        with rasterio.open(files[cid]) as src:
            images[i] = centre_crop(src.read(), size)
            cx, cy = src.xy(src.height / 2 - 0.5, src.width / 2 - 0.5)
            if crs is None:
                crs, pixel = (src.crs.to_string() if src.crs else ""), abs(src.transform.a)
        xs.append(cx)
        ys.append(cy)
        rows.append(headers[cid][1])
        cols.append(headers[cid][2])
    cells = pd.DataFrame({"cell_id": ids, "x": xs, "y": ys, "rows": rows, "cols": cols})
    return images, cells, crs, pixel


def _join_extra(cells: pd.DataFrame, extra: pd.DataFrame, ids: list[str], id_column: str,
                cells_parameter: str) -> pd.DataFrame:
    ex = extra.assign(**{id_column: extra[id_column].astype(str).str.strip()}).set_index(id_column)
    lacking = [c for c in ids if c not in ex.index]
    if lacking:
        raise ValueError(f"the per-cell feature table lacks {len(lacking)} cell id(s) of "
                         f"{cells_parameter!r}, "
                         f"e.g. {lacking[0]!r}. Fix: give a feature table with a row for every cell")
    ex = ex.loc[ids, [c for c in ex.columns if c not in cells.columns]].reset_index(drop=True)
    return pd.concat([cells, ex], axis=1)


def check_pairing(ids: Sequence[str], files: dict[str, Path], cells_file: Any, folder: Any,
                  cells_parameter: str = "cells_file", patch_parameter: str = "patch_dir") -> None:
    """Every cell id has a patch and every patch a cell id; otherwise a clear error.

    Examples
    --------
    >>> try:
    ...     check_pairing(["a", "b"], {"a": Path("a.tif")}, "cells.csv", "patches")
    ... except ValueError as e:
    ...     print(str(e)[:70])
    parameter 'patch_dir' (file patches): has no patch for 1 cell id(s) of
    """
    no_patch = [c for c in ids if c not in files]
    if no_patch:
        raise _err(patch_parameter, folder,
                   f"has no patch for {len(no_patch)} cell id(s) of {cells_parameter!r}, "
                   f"e.g. {no_patch[0]!r}",
                   "add <cell id>_<name>.tif files for them, or drop those rows from the cell table")
    known = set(ids)
    no_cell = [c for c in files if c not in known]
    if no_cell:
        raise _err(cells_parameter, cells_file, f"lacks {len(no_cell)} cell id(s) that have a patch in "
                   f"{patch_parameter!r}, e.g. {no_cell[0]!r} ({files[no_cell[0]].name})",
                   "add a row with the population of every patch's cell, or remove those patches")
