"""Checks for ``satellite-population-imagery``, run before the kernel starts."""

from __future__ import annotations

from typing import Any

from ... import inputs
from . import choice, device, fail, positive, positive_int

_CITIES = (("train_dir", "train_cells_file", "train_features_file"),
           ("test_dir", "test_cells_file", "test_features_file"))


def _ids(df: Any, column: str) -> list[str]:
    return [str(v).strip() for v in df[column]]


def check(params: dict[str, Any]) -> None:
    """Refuse bad sizes, seeds, devices and inputs (band counts, unpaired cell ids, missing columns)."""
    from ...imagery.patches import check_pairing, find_patches, patch_headers

    positive_int(params, "patch_size", minimum=16)
    downsample = _downsample(params)
    _options(params, "tta", bool, "[false, true]")
    _components(params)
    k = positive_int(params, "mosaiks_features", minimum=2)
    if k % 2:
        fail("mosaiks_features", f"must be even (two features per random filter), got {k}", f"give {k + 1}")
    positive_int(params, "cnn_epochs")
    choice(params, "rf_grid", ("oob", "published"))
    if not isinstance(params["fine_tune"], bool):
        fail("fine_tune", f"must be true or false, got {params['fine_tune']!r}",
             "give -p fine_tune true or -p fine_tune false")
    _models(params)
    covariates = _covariates(params)
    for name, kinds in (("finetune_epochs", int), ("finetune_lrs", int | float)):
        values = params[name]
        good = isinstance(values, list) and values and all(
            isinstance(v, kinds) and not isinstance(v, bool) and v > 0 for v in values)
        if not good:
            fail(name, f"must be a non-empty list of positive numbers, got {values!r}", "give e.g. [2, 4]")
    positive_int(params, "cv_folds", minimum=2)
    positive(params, "block_size_m")
    positive(params, "cell_area_km2")
    seeds = params["seeds"]
    listed = seeds if isinstance(seeds, list) else [None]
    bad = [s for s in listed if isinstance(s, bool) or not isinstance(s, int)]
    if not seeds or bad:
        fail("seeds", f"must be a non-empty list of integers, got {seeds!r}", "give e.g. [0, 1, 2]")
    if len(set(seeds)) != len(seeds):
        fail("seeds", f"repeats a seed ({seeds!r})", "give distinct seeds")
    device(params)
    for dir_p, cells_p, feat_p in _CITIES:
        key = dir_p.split("_")[0]
        idc, popc = params[f"{key}_id_column"], params[f"{key}_population_column"]
        nlc = params[f"{key}_nightlights_column"]
        cells = inputs.read_table(params[cells_p], cells_p, required=[idc, popc], codes=[idc], numeric=[popc],
                                  nonnegative=[popc], encoding=params["encoding"])
        if cells[popc].isna().any():
            fail(cells_p, f"has empty values in {popc!r}",
                 "give the population of every cell (0 where nobody lives)")
        feats = inputs.read_table(params[feat_p], feat_p, required=[idc, nlc, *covariates], codes=[idc],
                                  numeric=[nlc, *covariates], nonnegative=[nlc], encoding=params["encoding"])
        empty = [c for c in covariates if feats[c].isna().any()]
        if empty:
            fail(feat_p, f"has empty values in covariate {empty[0]!r}",
                 "fill them, or leave that column out of covariate_columns")
        if key == "train":
            _trainable(params, cells, cells_p, popc)
        ids = _ids(cells, idc)
        if len(set(ids)) != len(ids):
            fail(cells_p, f"repeats cell ids in {idc!r}", "keep one row per cell")
        have = set(_ids(feats, idc))
        lacking = [c for c in ids if c not in have]
        if lacking:
            fail(feat_p, f"lacks {len(lacking)} cell id(s) of {cells_p!r}, e.g. {lacking[0]!r}",
                 f"give a row with {nlc!r} for every cell")
        folder = inputs.resolve(params[dir_p], dir_p, kind="dir", log=False)
        files = find_patches(folder, parameter=dir_p)
        check_pairing(ids, files, params[cells_p], folder, cells_p, dir_p)
        headers = patch_headers(files, parameter=dir_p, bands=3)
        _one_crs(files, dir_p)
        smallest = min(min(h[1:]) for h in headers.values())
        if smallest < params["patch_size"]:
            fail("patch_size", f"({params['patch_size']}) is larger than the smallest patch of {dir_p!r} "
                 f"({smallest} pixels)", f"set patch_size to at most {smallest - smallest % downsample}")
    if params["output_dir"] in ("", None):
        fail("output_dir", "is empty", "give a folder name such as results")


def _options(params: dict[str, Any], name: str, kind: type, example: str) -> list[Any]:
    """A non-empty list of distinct values of ``kind``: the settings blocked CV chooses from."""
    value = params[name]
    good = isinstance(value, list) and value and all(
        isinstance(v, kind) and (kind is bool or not isinstance(v, bool)) for v in value)
    if not good:
        fail(name, f"must be a non-empty list of the settings to compare by blocked cross-validation, "
             f"got {value!r}", f"give e.g. {example} (one value fixes the setting)")
    if len(set(value)) != len(value):
        fail(name, f"repeats a setting ({value!r})", "give each setting once")
    return list(value)


def _downsample(params: dict[str, Any]) -> int:
    """Factors that divide the crop and leave at least 16 pixels; returns the largest."""
    factors = _options(params, "downsample", int, "[1, 2]")
    for f in factors:
        if f < 1:
            fail("downsample", f"holds {f}; factors must be at least 1", "give e.g. [1, 2]")
        if params["patch_size"] % f:
            fail("patch_size", f"({params['patch_size']}) must be a multiple of each 'downsample' ({f})",
                 f"give a patch_size divisible by {f}, such as 96")
        if params["patch_size"] // f < 16:
            fail("downsample", f"({f}) leaves patches of {params['patch_size'] // f} pixels",
                 "downsample less, so that at least 16 x 16 pixels remain")
    return max(factors)


def _components(params: dict[str, Any]) -> None:
    for k in _options(params, "imagery_components", int, "[5, 10, 20]"):
        if k < 1:
            fail("imagery_components", f"holds {k}; a number of components is at least 1",
                 "give e.g. [5, 10, 20]")


def _models(params: dict[str, Any]) -> None:
    from ...applications.population import MODELS

    models = params["models"]
    if not isinstance(models, list) or not models or any(m not in MODELS for m in models):
        fail("models", f"must be a non-empty list drawn from {', '.join(MODELS)}, got {models!r}",
             'give e.g. ["mean", "nightlights", "imagery"]')
    for needed in ("nightlights", "mosaiks", "imagery"):
        if needed not in models:
            fail("models", f"lacks {needed!r}, which the chapter's comparisons and figures use",
                 f"add {needed!r} to the list")
    if "cnn_pretrained" in models:
        fail("models", "lists 'cnn_pretrained', which only -p fine_tune true trains (its epochs and learning "
             "rate are chosen by blocked CV)", "remove it and give -p fine_tune true")


def _covariates(params: dict[str, Any]) -> list[str]:
    from ...applications.population import SO2SAT_COVARIATES

    value = params["covariate_columns"]
    if value == ["so2sat"]:
        return list(SO2SAT_COVARIATES)
    if not isinstance(value, list) or any(not isinstance(c, str) or not c for c in value):
        fail("covariate_columns", f"must be [\"so2sat\"] or a list of column names, got {value!r}",
             "give -p covariate_columns '[]' for none, or a list such as '[\"built_up\"]'")
    if len(set(value)) != len(value):
        fail("covariate_columns", "repeats a column", "name each covariate once")
    return list(value)


def _trainable(params: dict[str, Any], cells: Any, cells_p: str, popc: str) -> None:
    """A training city that something can be learned from: enough cells, a target that varies."""
    n = len(cells)
    if params["cv_folds"] > n:
        fail("cv_folds", f"({params['cv_folds']}) is more than the {n} cells of {cells_p!r}",
             f"give at most {n} folds, or a training city with more cells")
    pop = cells[popc].astype(float)
    if pop.nunique() < 2:
        fail(cells_p, f"has the same population ({pop.iloc[0]:g}) in every cell: a constant target, from "
             "which no model learns anything (R² would be meaningless)",
             "give a training city whose cells differ in population")


def _one_crs(files: dict[str, Any], dir_p: str) -> None:
    """Every patch of a city in one CRS (cell centres and blocks are computed in it)."""
    import rasterio

    crss: dict[str, str] = {}
    for path in files.values():
        with rasterio.open(path) as src:
            crss.setdefault(src.crs.to_string() if src.crs else "no CRS", path.name)
    if len(crss) > 1:
        shown = ", ".join(f"{c} ({f})" for c, f in list(crss.items())[:3])
        fail(dir_p, f"holds patches in {len(crss)} coordinate reference systems: {shown}",
             "reproject every patch of the city to one CRS (e.g. gdalwarp -t_srs EPSG:32634)")
