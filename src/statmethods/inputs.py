"""Chapter inputs: a catalogue key or the user's own file, read and checked in one place.

Every dataset a chapter reads is a parameter whose default is a catalogue key
(``"sae/milk.rda"``). A user may pass a path to their own file of the same form instead:
CSV or Parquet for tables, GeoTIFF for rasters, GeoPackage or GeoJSON for boundaries. The
functions here turn either into a path, read it, and check it. They raise
:class:`InputFileError`, whose message names the parameter, the file, the problem and the fix.
The same checks run before the kernel starts (in ``statmethods.chapters.checks``) and when the
chapter reads the file.

User files are recorded with their SHA-256 in the run's access log, as catalogue files are, so
``run.json`` lists every input a run read.

Examples
--------
>>> from statmethods import inputs
>>> inputs.is_catalogue_key("sae/milk.rda")
True
>>> inputs.is_catalogue_key("my_areas.csv")
False
>>> df = inputs.read_table("sae/milk.rda", "fh_file", required=["yi", "SD"])
>>> len(df)
43
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .validation import InputFileError

if TYPE_CHECKING:
    from .classify.series import LabelledSeries

ENV_INVOCATION_DIR = "STATMETHODS_INVOCATION_DIR"
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".parquet", ".rda", ".rdata")
RASTER_SUFFIXES = (".tif", ".tiff")
VECTOR_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp")
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "cp949", "euc-kr")



def _err(parameter: str, where: Any, problem: str, fix: str) -> InputFileError:
    return InputFileError(f"parameter {parameter!r} (file {where}): {problem}. Fix: {fix}")


# ----------------------------------------------------------------------------- resolving
def is_catalogue_key(value: str) -> bool:
    """Whether ``value`` names a catalogued file or folder (``dataset/path``)."""
    from .data.catalogue import load_catalogue

    if not isinstance(value, str) or "/" not in value:
        return False
    ds, _, rest = value.partition("/")
    cat = load_catalogue()
    if ds not in cat:
        return False
    rest = rest.rstrip("/")
    return rest in cat[ds].files or any(n.startswith(rest + "/") for n in cat[ds].files)


def _log_user_file(path: Path) -> None:
    from .data.fetch import ENV_ACCESS_LOG, sha256_of

    log = os.environ.get(ENV_ACCESS_LOG)
    if not log:
        return
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    with open(log, "a", encoding="utf-8") as fh:
        for p in files:
            fh.write(json.dumps({"file": str(p), "sha256": sha256_of(p), "source": "user"}) + "\n")


def user_path(value: str | os.PathLike) -> Path:
    """Absolute form of a user path: relative paths are taken from where the command started.

    The runner sets ``$STATMETHODS_INVOCATION_DIR`` to the folder ``statmethods run`` was
    started in; without it the current folder is used.
    """
    p = Path(value).expanduser()
    if not p.is_absolute():
        p = Path(os.environ.get(ENV_INVOCATION_DIR) or os.getcwd()) / p
    return p


def resolve(value: str | os.PathLike, parameter: str, *, kind: str = "file",
            suffixes: Sequence[str] | None = None, log: bool = True) -> Path:
    """Turn a chapter input (catalogue key or user path) into a local path.

    Parameters
    ----------
    value
        A catalogue key such as ``"sae/milk.rda"`` (or a catalogued folder such as
        ``"so2sat-pop-sample/test/01486_22146_lublin"``), or a path to the user's own file.
    parameter
        The chapter parameter that holds ``value``; it is named in every error.
    kind
        ``"file"`` or ``"dir"``.
    suffixes
        Allowed file suffixes (lower case) for a user file; ``None`` allows any.
    log
        Record a user file's SHA-256 in the run's access log.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    InputFileError
        If a user path does not exist, is of the wrong kind or has the wrong suffix.

    Examples
    --------
    >>> resolve("sae/milk.rda", "fh_file").name
    'milk.rda'
    """
    if value is None or str(value).strip() == "":
        raise _err(parameter, repr(value), "no file given",
                   "give a catalogue key (see `statmethods data list`) or the path to your file")
    text = str(value)
    p = user_path(text)
    if not p.exists() and is_catalogue_key(text):
        return _catalogue_path(text, kind)
    if not p.exists():
        raise _err(parameter, p, "file not found",
                   "check the path (relative paths are taken from the folder you ran the command in), "
                   "or give a catalogue key such as the chapter's default")
    if kind == "file" and not p.is_file():
        raise _err(parameter, p, "is a folder, not a file", "give the path of one file")
    if kind == "dir" and not p.is_dir():
        raise _err(parameter, p, "is a file, not a folder", "give the path of a folder")
    if kind == "file" and suffixes and p.suffix.lower() not in suffixes:
        raise _err(parameter, p, f"has the suffix {p.suffix or '(none)'!r}",
                   f"give a file ending in one of {', '.join(suffixes)}")
    if kind == "file" and p.stat().st_size == 0:
        raise _err(parameter, p, "is empty (0 bytes)", "give a file with data")
    if not os.access(p, os.R_OK):
        raise _err(parameter, p, "is not readable", "check the file's permissions")
    if log:
        _log_user_file(p)
    return p


def _catalogue_path(key: str, kind: str) -> Path:
    from . import data
    from .data.catalogue import load_catalogue

    ds, _, rest = key.partition("/")
    rest = rest.rstrip("/")
    files = load_catalogue()[ds].files
    if kind == "file" and rest in files:
        return data.path(key)
    members = [n for n in files if n.startswith(rest + "/")] if rest else list(files)
    for n in members:
        data.path(f"{ds}/{n}")
    return data.cache_dir() / ds / rest


# ----------------------------------------------------------------------------- tables
def decode(raw: bytes, where: Any, parameter: str, encoding: str = "auto",
           encoding_parameter: str = "encoding") -> str:
    """Decode bytes as UTF-8 (with or without BOM) or cp949/EUC-KR.

    ``encoding="auto"`` tries UTF-8 (a BOM is removed) and then cp949, the usual encoding of
    files from Korean statistical offices. A failure names the byte offset and the parameter.

    Examples
    --------
    >>> decode("서울".encode("cp949"), "x.csv", "table_file")
    '서울'
    >>> decode(b"\\xef\\xbb\\xbfa,b", "x.csv", "table_file")
    'a,b'
    """
    if encoding not in ENCODINGS:
        raise InputFileError(
            f"parameter {encoding_parameter!r}: unknown encoding {encoding!r}. "
            f"Fix: use one of {', '.join(ENCODINGS)}"
        )
    tries = ["utf-8-sig", "cp949"] if encoding == "auto" else [encoding]
    first: UnicodeDecodeError | None = None
    for enc in tries:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError as exc:
            first = first or exc
    assert first is not None
    raise _err(parameter, where,
               f"cannot be decoded as {' or '.join(tries)} (byte {first.start}: "
               f"{raw[first.start:first.start + 4]!r})",
               f"save it as UTF-8, or set -p {encoding_parameter} to the file's encoding "
               f"({', '.join(e for e in ENCODINGS if e != 'auto')})")


def read_table(value: str | os.PathLike, parameter: str, *, required: Iterable[str] = (),
               codes: Iterable[str] = (), numeric: Iterable[str] = (),
               nonnegative: Iterable[str] = (), encoding: str = "auto",
               encoding_parameter: str = "encoding", object_name: str | None = None,
               min_rows: int = 1, key: Iterable[str] = ()) -> Any:
    """Read a table (CSV, Parquet, or a catalogued R data file) and check it.

    Parameters
    ----------
    value, parameter
        As for :func:`resolve`.
    required
        Columns that must be present.
    codes
        Columns read as text, so that codes keep their leading zeros (``"01"`` is not ``1``).
    numeric
        Columns that must be numbers (no text, missing values allowed only if not required).
    nonnegative
        Numeric columns that must be ``>= 0`` (counts, areas, variances).
    encoding, encoding_parameter
        Text encoding of a CSV (see :func:`decode`) and the parameter that sets it.
    object_name
        For an R data file with several objects, the one to read (default: the first).
    min_rows
        Fewest rows accepted.
    key
        Columns that identify a row (an area or stratum code). Read as text; a code given twice
        with different values in the other columns is refused (exact repeats are allowed).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    InputFileError
        Naming the parameter, the file, the problem and the fix.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "codes.csv"
    >>> _ = f.write_text("code,n\\n01,3\\n10,4\\n", encoding="utf-8")
    >>> read_table(f, "table_file", required=["code", "n"], codes=["code"])["code"].tolist()
    ['01', '10']
    """
    key = list(key)
    required, codes = list(required), list(dict.fromkeys([*codes, *key]))
    numeric, nonnegative = list(numeric), list(nonnegative)
    path = resolve(value, parameter, suffixes=TABLE_SUFFIXES)
    try:
        df = _read_any_table(path, parameter, codes, encoding, encoding_parameter, object_name)
    except InputFileError:
        raise
    except Exception as exc:  # pandas/pyarrow/pyreadr parse errors
        raise _err(parameter, path, f"cannot be read as a table ({type(exc).__name__}: {exc})",
                   "give a CSV (comma-separated, header on the first line) or Parquet file") from exc
    df.columns = [str(c).strip() for c in df.columns]
    check_columns(df, path, parameter, required=required, numeric=numeric,
                  nonnegative=nonnegative, min_rows=min_rows, key=key)
    return df


def _read_any_table(path: Path, parameter: str, codes: list[str], encoding: str, encoding_parameter: str,
                    object_name: str | None) -> Any:
    """A Parquet, R data or delimited text file as a DataFrame, ``codes`` read as text."""
    import io

    import pandas as pd

    suffix = path.suffix.lower()
    if suffix == ".parquet":
        df = pd.read_parquet(path)
        for c in codes:
            if c in df:
                df[c] = df[c].astype("string").astype(object)
        return df
    if suffix in (".rda", ".rdata"):
        import pyreadr

        objs = pyreadr.read_r(str(path))
        name = object_name or next(iter(objs))
        if name not in objs:
            raise _err(parameter, path, f"holds no R object {name!r} (it has {', '.join(objs)})",
                       "give a file that holds it")
        return objs[name]
    text = decode(path.read_bytes(), path, parameter, encoding, encoding_parameter)
    sep = "\t" if suffix == ".tsv" else None
    return pd.read_csv(io.StringIO(text), sep=sep, engine="python", dtype={c: str for c in codes},
                       keep_default_na=True)


def check_columns(df: Any, where: Any, parameter: str, *, required: Iterable[str] = (),
                  numeric: Iterable[str] = (), nonnegative: Iterable[str] = (),
                  min_rows: int = 1, key: Iterable[str] = ()) -> None:
    """Check a DataFrame's columns: present, numeric and finite, non-negative; enough rows;
    no code of the ``key`` columns twice with different values.

    Examples
    --------
    >>> import pandas as pd
    >>> try:
    ...     check_columns(pd.DataFrame({"n": [1, -2]}), "t.csv", "table_file", nonnegative=["n"])
    ... except InputFileError as e:
    ...     print(str(e)[:71])
    parameter 'table_file' (file t.csv): column 'n' has 1 negative value(s)
    """
    import numpy as np
    import pandas as pd

    missing = [c for c in required if c not in df.columns]
    if missing:
        raise _err(parameter, where,
                   f"missing column(s) {', '.join(map(repr, missing))} "
                   f"(it has {', '.join(map(repr, df.columns))})",
                   "rename the columns, or set the chapter's column-name parameters to your names")
    if len(df) < min_rows:
        raise _err(parameter, where, f"has {len(df)} data row(s), at least {min_rows} needed",
                   "give a file with more rows")
    for c in dict.fromkeys([*numeric, *nonnegative]):
        if c not in df.columns:
            continue
        col = pd.to_numeric(df[c], errors="coerce")
        bad = col.isna() & df[c].notna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise _err(parameter, where,
                       f"column {c!r} must be numeric, but line {row + 2} holds {df[c].iloc[row]!r}",
                       "remove text and thousands separators from that column")
        if np.isinf(col.to_numpy(float)).any():
            row = int(np.flatnonzero(np.isinf(col.to_numpy(float)))[0])
            raise _err(parameter, where, f"column {c!r} holds an infinite value (line {row + 2}: "
                       f"{str(df[c].iloc[row])!r})",
                       "replace it with a finite number, or leave the cell empty")
        if c in nonnegative and (col < 0).any():
            row = int(np.flatnonzero((col < 0).to_numpy())[0])
            raise _err(parameter, where,
                       f"column {c!r} has {int((col < 0).sum())} negative value(s) (first on line {row + 2})",
                       "counts, areas and variances cannot be negative; correct the file")
    _check_key(df, where, parameter, [c for c in key if c in df.columns])


def _check_key(df: Any, where: Any, parameter: str, key: list[str]) -> None:
    """Refuse a code given twice with different values (exact repeats are allowed)."""
    if not key:
        return
    distinct = df.drop_duplicates()
    twice = distinct[distinct.duplicated(key, keep=False)]
    if len(twice):
        code = twice.iloc[0][key].tolist()
        lines = [int(i) + 2 for i in df.index[(df[key] == twice.iloc[0][key]).all(axis=1)]][:5]
        raise _err(parameter, where,
                   f"the code {', '.join(map(str, code))} (column {', '.join(map(repr, key))}) is given "
                   f"{len(lines)} times with different values (lines {', '.join(map(str, lines))})",
                   "keep one row per code, or add the column that tells the rows apart")


# ----------------------------------------------------------------------------- rasters
def check_raster(value: str | os.PathLike, parameter: str, *, crs: str | None = None,
                 bands: int | None = None, log: bool = True) -> dict[str, Any]:
    """Open a GeoTIFF's header and check it; returns its grid description.

    The returned mapping has ``path``, ``crs`` (WKT or ``None``), ``transform`` (6 numbers),
    ``shape`` (rows, cols), ``count`` and ``nodata``.

    Raises
    ------
    InputFileError
        If the file is not a raster, has no CRS, another CRS than ``crs``, or another band count.
    """
    import rasterio

    path = resolve(value, parameter, suffixes=RASTER_SUFFIXES, log=log)
    try:
        with rasterio.open(path) as src:
            info = {"path": path, "crs": src.crs, "transform": tuple(src.transform)[:6],
                    "shape": (src.height, src.width), "count": src.count, "nodata": src.nodata}
            _read_first_and_last_block(src, parameter, path)
    except rasterio.errors.RasterioError as exc:
        raise _err(parameter, path, f"cannot be opened as a GeoTIFF ({exc})",
                   "give a GeoTIFF file") from exc
    if info["crs"] is None:
        raise _err(parameter, path, "has no coordinate reference system",
                   "assign the CRS (for example with `gdal_edit.py -a_srs EPSG:XXXX`)")
    if crs is not None:
        from rasterio.crs import CRS

        if CRS.from_user_input(crs) != info["crs"]:
            raise _err(parameter, path, f"is in {info['crs'].to_string()}, not {crs}",
                       f"reproject it to {crs} (for example with `gdalwarp -t_srs {crs}`)")
    if bands is not None and info["count"] != bands:
        raise _err(parameter, path, f"has {info['count']} band(s), {bands} expected",
                   f"give a single file with {bands} band(s)")
    return info


def _read_first_and_last_block(src: Any, parameter: str, path: Path) -> None:
    """A truncated GeoTIFF opens (its header is whole) but its last blocks are gone: read them."""
    import rasterio

    windows = [w for _, w in src.block_windows(1)]
    for w in {0: windows[0], 1: windows[-1]}.values() if windows else ():
        try:
            src.read(window=w)
        except rasterio.errors.RasterioError as exc:
            raise _err(parameter, path, "is truncated or damaged: the pixels of its block at rows "
                       f"{w.row_off}-{w.row_off + w.height} cannot be read",
                       "copy or download it again; `gdalinfo -checksum` shows whether it is whole") from exc


def check_same_grid(rasters: Mapping[str, str | os.PathLike], *, log: bool = True) -> dict[str, Any]:
    """Check that several GeoTIFFs share one grid (CRS, transform and shape).

    Parameters
    ----------
    rasters
        ``{parameter: value}``; the first one is the reference grid.

    Returns
    -------
    dict
        ``{parameter: info}`` as from :func:`check_raster`.
    """
    infos = {p: check_raster(v, p, log=log) for p, v in rasters.items()}
    ref_name, ref = next(iter(infos.items()))
    for name, info in infos.items():
        for what in ("crs", "transform", "shape"):
            if info[what] != ref[what]:
                raise _err(name, info["path"],
                           f"is not on the grid of {ref_name!r} ({ref['path']}): {what} "
                           f"{info[what]} differs from {ref[what]}",
                           "resample the rasters onto one grid (same CRS, origin, cell size and "
                           "extent), for example with `gdalwarp -te ... -tr ...` or rioxarray's "
                           "reproject_match")
    return infos


# ----------------------------------------------------------------------------- vectors
def check_vector(value: str | os.PathLike, parameter: str, *, required: Iterable[str] = (),
                 crs: str | None = None, layer: str | None = None, log: bool = True) -> dict[str, Any]:
    """Read a boundary file's header (GeoPackage, GeoJSON, shapefile) and check it.

    Returns ``path``, ``crs``, ``fields`` and ``features``. Raises :class:`InputFileError` for
    a missing layer or field, no CRS, or another CRS than ``crs``.
    """
    import pyogrio

    path = resolve(value, parameter, suffixes=VECTOR_SUFFIXES, log=log)
    try:
        if layer is not None:
            layers = [str(x[0]) for x in pyogrio.list_layers(path)]
            if layer not in layers:
                raise _err(parameter, path, f"has no layer {layer!r} (it has {', '.join(layers)})",
                           "set the layer parameter to one of these")
        meta = pyogrio.read_info(path, layer=layer)
    except InputFileError:
        raise
    except Exception as exc:
        raise _err(parameter, path, f"cannot be opened as a vector file ({exc})",
                   "give a GeoPackage or GeoJSON file") from exc
    fields = [str(f) for f in meta["fields"]]
    missing = [c for c in required if c not in fields]
    if missing:
        raise _err(parameter, path, f"missing field(s) {', '.join(map(repr, missing))} "
                   f"(it has {', '.join(map(repr, fields))})",
                   "rename the fields, or set the chapter's column-name parameters to your names")
    if meta["features"] == 0:
        raise _err(parameter, path, "has no features", "give a file with at least one boundary")
    if crs is not None:
        from pyproj import CRS

        got = CRS.from_user_input(meta["crs"]) if meta["crs"] else None
        if got is None:
            raise _err(parameter, path, "has no coordinate reference system",
                       f"assign {crs} to the file")
        if got != CRS.from_user_input(crs):
            raise _err(parameter, path, f"is in {got.to_string()}, not {crs}",
                       f"reproject it to {crs} (for example with `ogr2ogr -t_srs {crs}`)")
    return {"path": path, "crs": meta["crs"], "fields": fields, "features": meta["features"]}


def read_vector(value: str | os.PathLike, parameter: str, *, required: Iterable[str] = (),
                crs: str | None = None, layer: str | None = None, to_crs: str | None = None,
                codes: Iterable[str] = ()) -> Any:
    """Read a boundary file into a GeoDataFrame after :func:`check_vector`.

    ``to_crs`` reprojects after reading (use it instead of ``crs`` to accept any CRS);
    ``codes`` are fields kept as text.
    """
    import geopandas as gpd

    info = check_vector(value, parameter, required=required, crs=crs, layer=layer)
    gdf = gpd.read_file(info["path"], layer=layer)
    for c in codes:
        if c in gdf:
            gdf[c] = gdf[c].astype(str)
    if to_crs is not None:
        gdf = gdf.to_crs(to_crs)
    return gdf


# ----------------------------------------------------------------------------- labelled series
def read_labelled_series(value: str | os.PathLike, parameter: str, *, length: int | None = None,
                         classes: Sequence | None = None, sep: str | None = None,
                         encoding: str = "auto", log: bool = True) -> LabelledSeries:
    """Read labelled series in the UCR archive layout (no header, the label first, one column per date).

    ``.tsv`` files are tab-separated, others comma-separated unless ``sep`` is given; the text
    encoding is ``"auto"`` (UTF-8, else cp949) or one of :data:`ENCODINGS`. Parsing and the
    checks of the series are :func:`statmethods.classify.series.parse_labelled_series`.

    Examples
    --------
    >>> ds = read_labelled_series("ucr-crop/Crop_TRAIN.tsv", "series_file", length=46)  # doctest: +SKIP
    >>> ds.n_series, len(ds.classes)  # doctest: +SKIP
    (7200, 24)
    """
    from .classify.series import parse_labelled_series

    path = resolve(value, parameter, suffixes=(".tsv", ".csv", ".txt"), log=log)
    if sep is None:
        sep = "\t" if path.suffix.lower() == ".tsv" else ","
    text = decode(path.read_bytes(), path, parameter, encoding)
    return parse_labelled_series(text, sep=sep, length=length, classes=classes, source=path.name)


def read_patches(patch_dir: str | os.PathLike, cells_file: str | os.PathLike, *, size: int,
                 id_column: str = "GRD_ID", population_column: str = "POP",
                 patch_parameter: str = "patch_dir", cells_parameter: str = "cells_file",
                 size_parameter: str = "patch_size", encoding: str = "auto",
                 extra: Any = None) -> Any:
    """Read a folder of image patches and its cell table (catalogue keys or the user's own paths).

    Resolves both inputs, reads the cell table (ids as text, a non-negative numeric population),
    and hands them to :func:`statmethods.imagery.patches.build_patch_set`, which pairs, checks and
    centre-crops the patches to ``size``.

    Examples
    --------
    >>> ps = read_patches("so2sat-pop-sample/test/01486_22146_lublin",
    ...                   "so2sat-pop-sample/test/01486_22146_lublin/01486_22146_lublin.csv", size=96)
    >>> ps.images.shape
    (324, 3, 96, 96)
    """
    from .imagery.patches import build_patch_set
    from .validation import positive_int

    positive_int(size, size_parameter)
    folder = resolve(patch_dir, patch_parameter, kind="dir")
    table = read_table(cells_file, cells_parameter, required=[id_column, population_column],
                       codes=[id_column], numeric=[population_column],
                       nonnegative=[population_column], encoding=encoding)
    return build_patch_set(Path(folder), table, size=size, id_column=id_column,
                           population_column=population_column, cells_name=str(cells_file),
                           patch_parameter=patch_parameter, cells_parameter=cells_parameter,
                           size_parameter=size_parameter, extra=extra)
