"""Checks for ``satellite-poverty-mapping``, run before the kernel starts."""

from __future__ import annotations

from typing import Any

from ... import inputs
from . import choice, device, fail, positive_int


def _column_params(params: dict[str, Any]) -> dict[str, str]:
    names = ("lat_column", "lon_column", "year_column", "country_column", "wealth_column", "district_column")
    for n in names:
        if not isinstance(params[n], str) or not params[n].strip():
            fail(n, f"must be a column name, got {params[n]!r}", "give the name of a column of wealth_file")
    return {n: params[n] for n in names}


def check(params: dict[str, Any]) -> None:
    """Refuse bad epochs, seeds, devices and inputs (npz keys, shapes, CSV columns, row counts, folds)."""

    from ...applications.poverty import fold_labels, match_villages
    from ...data.safe_pickle import UnsafePickleError, safe_load

    positive_int(params, "mlp_epochs")
    positive_int(params, "first_viirs_year", minimum=1990)
    if isinstance(params["seed"], bool) or not isinstance(params["seed"], int) or params["seed"] < 0:
        fail("seed", f"must be an integer of at least 0, got {params['seed']!r}", "give e.g. 0")
    choice(params, "encoding", inputs.ENCODINGS)
    device(params)
    cols = _column_params(params)
    hists, locs, years = _histograms(params)
    n = len(hists)
    # wealth table
    numeric = [cols[k] for k in ("lat_column", "lon_column", "year_column", "wealth_column")]
    df = inputs.read_table(params["wealth_file"], "wealth_file", required=[*numeric, cols["country_column"]],
                       numeric=numeric, codes=[cols["country_column"]], encoding=params["encoding"])
    if len(df) != n:
        fail("wealth_file", f"has {len(df)} rows but hists_file has {n} villages",
             "give exactly one row per village of hists_file")
    if df[cols["wealth_column"]].isna().any():
        fail("wealth_file", f"has empty values in {cols['wealth_column']!r}",
             "give the wealth index of every village")
    if cols["district_column"] not in df.columns:
        fail("district_column", f"({cols['district_column']!r}) is not a column of wealth_file",
             f"use one of {', '.join(map(repr, df.columns))}")
    idx = match_villages(locs, years, df[cols["lat_column"]], df[cols["lon_column"]], df[cols["year_column"]])
    if idx is None:
        fail("wealth_file", "does not have one row for each village of hists_file (matched on latitude, "
             "longitude and year, to 0.001 degrees)",
             "give each village's lat, lon and year as in the locs and years arrays of hists_file")
    # folds: only through the safe loader
    fpath = inputs.resolve(params["folds_file"], "folds_file", suffixes=[".pkl", ".pickle"])
    try:
        folds = safe_load(fpath)
    except UnsafePickleError as exc:
        fail("folds_file", f"is refused by the safe loader: {exc}",
             "save the folds as a dict {fold: {'test': numpy array of village indices}} of plain dicts and "
             "numpy arrays (no classes, functions or lambdas)")
    if not isinstance(folds, dict) or len(folds) < 3:
        fail("folds_file", "must hold a dict of at least 3 folds, {fold: {'test': indices}}",
             "give at least 3 folds (ridge chooses its penalty by CV over the training folds)")
    try:
        fold_labels(folds, n)
    except ValueError as exc:
        fail("folds_file", f"does not split the {n} villages into folds: {exc}",
             "give every village's index in exactly one fold's 'test' array")
    countries = df[cols["country_column"]].astype(str).str.strip()
    if countries.nunique() < 2:
        fail("country_column", "has a single country; the out-of-country evaluation needs at least 2",
             "give villages from at least 2 countries")
    _dhs_predictions(params, cols, locs, years)
    if params["output_dir"] in ("", None):
        fail("output_dir", "is empty", "give a folder name such as results")


def _dhs_predictions(params: dict[str, Any], cols: dict[str, str], locs: Any, years: Any) -> None:
    """The optional predictions made elsewhere: read only when the chapter would use them."""
    from ...applications.poverty import align_predictions
    from ...validation import BadInputError

    value = params["dhs_predictions_file"]
    if value in ("", None):
        return
    if not isinstance(value, str):
        fail("dhs_predictions_file", f"must be a file name or empty, got {value!r}",
             "give a CSV file, or \"\" to skip predictions made elsewhere")
    models = params["dhs_models"]
    if not isinstance(models, list) or not models or not all(isinstance(m, str) and m for m in models):
        fail("dhs_models", f"must be a non-empty list of column names, got {models!r}",
             "give the prediction columns of dhs_predictions_file, e.g. [msnl_concat, ms]")
    if not isinstance(params["dhs_year_column"], str) or not params["dhs_year_column"].strip():
        fail("dhs_year_column", f"must be a column name, got {params['dhs_year_column']!r}",
             "give the column holding each row's survey year")
    if inputs.is_catalogue_key(value) and not inputs.is_catalogue_key(params["hists_file"]):
        return  # the bundled predictions go with the bundled villages only; the chapter skips them
    year = params["dhs_year_column"]
    table = inputs.read_table(value, "dhs_predictions_file",
                              required=[cols["lat_column"], cols["lon_column"], year, *models],
                              numeric=[cols["lat_column"], cols["lon_column"], *models])
    try:
        align_predictions(table, locs, years, models, lat=cols["lat_column"], lon=cols["lon_column"],
                          year=year)
    except BadInputError as exc:
        fail("dhs_predictions_file", f"cannot be used: {exc}",
             "give one row per village of hists_file with its lat, lon, survey year and predictions")


def _histograms(params: dict[str, Any]) -> tuple[Any, Any, Any]:
    """``image_hists``, ``locs`` and ``years`` of ``hists_file``, checked."""
    import numpy as np

    path = inputs.resolve(params["hists_file"], "hists_file", suffixes=[".npz"])
    try:
        with np.load(path, allow_pickle=False) as npz:
            keys = set(npz.files)
            lacking = [k for k in ("image_hists", "locs", "years") if k not in keys]
            if lacking:
                fail("hists_file", f"({path.name}) lacks the array(s) {', '.join(map(repr, lacking))}",
                     "save image_hists (villages x bands x bins), locs (villages x 2: lat, lon) and "
                     "years (villages) with numpy.savez")
            hists, locs, years = npz["image_hists"], npz["locs"], npz["years"]
    except (OSError, ValueError) as exc:
        if str(exc).startswith("parameter"):
            raise
        fail("hists_file", f"({path.name}) is not a readable .npz file without pickled objects ({exc})",
             "write it with numpy.savez from plain numeric arrays")
    n = len(hists)
    if hists.ndim != 3 or hists.shape[1] < 2 or hists.shape[2] < 2:
        fail("hists_file", f"image_hists must have shape (villages, bands, bins), got {hists.shape}",
             "give one histogram per band for every village, night lights as the last band")
    if not np.issubdtype(hists.dtype, np.number) or not np.isfinite(hists).all() or (hists < 0).any():
        fail("hists_file", "image_hists must hold finite pixel counts of at least 0",
             "count the pixels of each band in each bin")
    if locs.shape != (n, 2) or years.shape != (n,):
        fail("hists_file", f"locs must have shape ({n}, 2) and years ({n},), got {locs.shape} and "
             f"{years.shape}", "give the latitude, longitude and survey year of every village")
    if n < 20:
        fail("hists_file", f"has only {n} villages",
             "give at least 20 villages (the chapter cross-validates)")
    return hists, locs, years
