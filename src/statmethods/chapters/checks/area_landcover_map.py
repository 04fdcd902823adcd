"""Checks for ``area-landcover-map``, run before the kernel starts.

Two worked examples read rasters: the Raleigh Landsat 7 bands with a raster of labelled pixels
(``raleigh_band_files``, ``raleigh_labels_file``, on one grid), and the Zion Landsat 8 bands with
the NLCD land-cover raster (``zion_band_files``, ``nlcd_file``; NLCD is resampled to the bands'
grid). The NLCD class names are ``nlcd_class_names`` (codes 1, 2, ... in order).
"""

from __future__ import annotations

from typing import Any

from ... import inputs, validation
from . import choice, confidence, fail, positive_int, work_budget

ALLOCATIONS = ("proportional", "equal", "neyman")


def _names(params: dict[str, Any]) -> list[str]:
    names = params["nlcd_class_names"]
    if not isinstance(names, list) or len(names) < 2 or not all(isinstance(n, str) for n in names):
        fail("nlcd_class_names", f"must be a list of at least 2 class names, got {names!r}",
             "list the names of codes 1, 2, ... of nlcd_file in order")
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        fail("nlcd_class_names", f"lists {', '.join(map(repr, dup))} more than once", "give each class once")
    return names


def _classes_of_interest(params: dict[str, Any], names: list[str]) -> list[str]:
    coi = params["classes_of_interest"]
    if not isinstance(coi, list) or not coi:
        fail("classes_of_interest", f"must be a non-empty list of class names, got {coi!r}",
             f"choose from {', '.join(map(repr, names))}")
    unknown = [c for c in coi if c not in names]
    if unknown:
        fail("classes_of_interest", f"names unknown class(es) {', '.join(map(repr, unknown))}",
             f"use names from nlcd_class_names: {', '.join(map(repr, names))}")
    if len(set(coi)) != len(coi):
        fail("classes_of_interest", "lists a class more than once", "give each class once")
    return coi


def _rasters(params: dict[str, Any]) -> None:
    for group, labels in (("raleigh_band_files", "raleigh_labels_file"), ("zion_band_files", "nlcd_file")):
        files = params[group]
        if not isinstance(files, list) or len(files) < 2:
            fail(group, f"must list at least 2 single-band GeoTIFFs, got {files!r}",
                 "give one file (catalogue key or path) per band")
        names = params[group.replace("_files", "_names")]
        if not isinstance(names, list) or len(names) != len(files) or len(set(map(str, names))) != len(names):
            fail(group.replace("_files", "_names"), f"must give {len(files)} distinct names, one per file of "
                 f"{group}, got {names!r}", "give one band name per file, in order")
        for i, f in enumerate(files):
            inputs.check_raster(f, f"{group}[{i}]", bands=1, log=False)
        inputs.check_raster(params[labels], labels, bands=1, log=False)
    if str(params["nlcd_original_file"]).strip():
        inputs.check_raster(params["nlcd_original_file"], "nlcd_original_file", bands=1, log=False)
    # exists, readable, a vector suffix; its fields are checked when it is read (pyogrio is slow to import)
    inputs.resolve(params["raleigh_polygons_file"], "raleigh_polygons_file", suffixes=inputs.VECTOR_SUFFIXES,
               log=False)
    for name in ("polygon_code_column", "polygon_name_column"):
        if not isinstance(params[name], str) or not params[name].strip():
            fail(name, f"must be a column name, got {params[name]!r}", "give the name of the column")
    grids = {f"raleigh_band_files[{i}]": f for i, f in enumerate(params["raleigh_band_files"])}
    inputs.check_same_grid(grids | {"raleigh_labels_file": params["raleigh_labels_file"]}, log=False)
    inputs.check_same_grid({f"zion_band_files[{i}]": f for i, f in enumerate(params["zion_band_files"])},
                       log=False)


# work parameters at their defaults, the time they take (s, 2 cores), and what they drive
BUDGETS = [
    ({'n_replicates': 2000, 'sample_size': 1000}, 60, 'Monte Carlo check'),
    ({'mlp_epochs': 300, 'n_train_pixels': 5000}, 30, 'perceptron training'),
    ({'n_estimators': 200, 'n_train_pixels': 5000}, 30, 'random forest'),
]


def check(params: dict[str, Any]) -> None:
    """Refuse bad sizes, epochs (< 1 trains nothing), classes, allocations and rasters, naming the fix."""
    positive_int(params, "block_size")
    positive_int(params, "n_folds", minimum=2)
    positive_int(params, "n_estimators")
    positive_int(params, "mlp_epochs")
    hidden = params["mlp_hidden"]
    if not isinstance(hidden, list) or not hidden or not all(
            isinstance(h, int) and not isinstance(h, bool) and h >= 1 for h in hidden):
        fail("mlp_hidden", f"must be a non-empty list of positive layer sizes, got {hidden!r}",
             "give e.g. [32]")
    n_train = positive_int(params, "n_train_pixels")
    if n_train < params["n_folds"]:
        fail("n_folds", f"({params['n_folds']}) is more than n_train_pixels ({n_train})",
             "lower n_folds or raise n_train_pixels")
    names = _names(params)
    coi = _classes_of_interest(params, names)
    k = len(coi) + (len(coi) < len(names))
    choice(params, "allocation", ALLOCATIONS)
    ua = params["expected_users_accuracy"]
    if not isinstance(ua, list) or len(ua) != k:
        fail("expected_users_accuracy", f"needs {k} values (one per class of interest"
             f"{', then one for Other' if k > len(coi) else ''}), got {ua!r}",
             "give one value in [0, 1] per stratum")
    for i in range(k):
        validation.unit_interval(ua[i], "expected_users_accuracy")
    n = positive_int(params, "sample_size")
    floor = positive_int(params, "min_per_stratum", minimum=2)
    if floor * k > n:
        fail("sample_size", f"({n}) is too small for min_per_stratum={floor} in {k} strata",
             f"raise sample_size to at least {floor * k} or lower min_per_stratum")
    positive_int(params, "n_replicates")
    validation.rng(params["seed"], "seed")
    confidence(params)
    _rasters(params)
    for defaults, seconds, what in BUDGETS:
        work_budget(params, defaults, seconds_at_defaults=seconds, scales=list(defaults), what=what)
