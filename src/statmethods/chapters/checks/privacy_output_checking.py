"""Checks for ``privacy-output-checking``, run before the kernel starts."""

from __future__ import annotations

import math
from typing import Any

from ... import inputs
from . import choice, fail, positive, positive_int

CENSUS_COLUMNS = ["year", "adm2", "adm3", "class1", "class2", "value"]
MAX_BINS = 2000
MAX_CELLS = 5000  # cells of a table (or groups): the checker tabulates each one


def census_counts(census: Any, code_column: str, year: int, adm2: str, class1: str, class2: str) -> Any:
    """Counts of one class of one 시군구 by 읍면동 code (text, no trailing ``.0``)."""
    sub = census[(census["year"].astype(float) == float(year)) & (census["adm2"] == adm2)
                 & (census["class1"] == class1) & (census["class2"] == class2) & census["adm3"].notna()]
    codes = sub[code_column].astype(str).str.replace(r"\.0$", "", regex=True)
    return sub.assign(code=codes)[["code", "adm3", "value"]].reset_index(drop=True)


def _rules(p: dict[str, Any]) -> None:
    positive_int(p, "threshold")
    positive_int(p, "nk_n")
    positive_int(p, "min_dof")
    for name in ("nk_k", "p_percent"):
        if positive(p, name) > 100:
            fail(name, f"is a percentage and must be at most 100, got {p[name]!r}",
                 "give a value such as 90 (not 0.9 and not 900)")
    if not isinstance(p["zeros_disclosive"], bool):
        fail("zeros_disclosive", f"must be true or false, got {p['zeros_disclosive']!r}",
             "give true or false")
    choice(p, "mitigation", ["suppress", "round"])


def _microdata(p: dict[str, Any]) -> None:
    import numpy as np
    import pandas as pd

    numeric = list(dict.fromkeys([p["value_column"], p["age_column"], p["linear_outcome_column"],
                                  *p["covariate_columns"]]))
    cats = [p["table_row_column"], p["table_col_column"], p["group_column"], p["binary_column"]]
    if not isinstance(p["covariate_columns"], list) or not p["covariate_columns"]:
        fail("covariate_columns", f"must be a non-empty list, got {p['covariate_columns']!r}",
             "give at least one numeric column, e.g. [\"income\", \"age\"]")
    d = inputs.read_table(p["microdata_file"], "microdata_file", required=list(dict.fromkeys(cats + numeric)),
                          numeric=numeric, encoding=p["encoding"], min_rows=2)
    for c in numeric:
        x = pd.to_numeric(d[c], errors="coerce")
        if x.isna().any() or not np.isfinite(x).all():
            fail("microdata_file", f"column {c!r} has {int((~np.isfinite(x.fillna(np.inf))).sum())} missing "
                 "or infinite value(s)", "drop or impute them before the session")
    if len(d) <= len(p["covariate_columns"]) + 1:
        fail("microdata_file", f"has {len(d)} records, too few to fit {len(p['covariate_columns'])} "
             "covariates",
             "give more records or fewer covariate_columns")
    n_rows, n_cols = d[p["table_row_column"]].nunique(), d[p["table_col_column"]].nunique()
    if n_rows * n_cols > MAX_CELLS:
        fail("table_row_column", f"x table_col_column makes {n_rows} x {n_cols} = {n_rows * n_cols:,} cells, "
             f"more than {MAX_CELLS:,}", "tabulate categorical columns (codes), not measurements")
    if d[p["group_column"]].nunique() > MAX_CELLS:
        fail("group_column", f"has {d[p['group_column']].nunique():,} groups, more than {MAX_CELLS:,}",
             "group by a categorical column")
    events = d[p["binary_column"]].astype(str) == str(p["binary_event"])
    if events.all() or not events.any():
        fail("binary_event", f"({p['binary_event']!r}) is {'every' if events.all() else 'no'} value of "
             f"{p['binary_column']!r}: the logistic model needs both outcomes",
             f"choose a value of {p['binary_column']} held by some records but not all")
    width = positive(p, "histogram_bin_width")
    age = pd.to_numeric(d[p["age_column"]])
    if (age.max() - age.min()) / width > MAX_BINS:
        fail("histogram_bin_width", f"({width:g}) makes more than {MAX_BINS} bins over {p['age_column']!r}",
             "give a wider bin")
    if age.nunique() < 2:
        fail("age_column", f"({p['age_column']!r}) is constant: the differencing subset would be empty",
             "choose a column with at least two values")


def check(params: dict[str, Any]) -> None:
    """Refuse bad rules, percentiles, columns, outcomes, bins and census or boundary files."""
    p = params
    _rules(p)
    q = p["percentiles"]
    if not isinstance(q, list) or not q:
        fail("percentiles", f"must be a non-empty list, got {q!r}", "give values such as [10, 50, 90]")
    for v in q:
        number = isinstance(v, int | float) and not isinstance(v, bool)
        if not number or not math.isfinite(v) or not 0 <= v <= 100:
            fail("percentiles", f"must hold percentages in [0, 100], got {v!r}",
                 "give values such as [10, 50, 90]")
    _microdata(p)
    census = inputs.read_table(p["census_file"], "census_file", required=CENSUS_COLUMNS + [p["code_column"]],
                               codes=[p["code_column"]], numeric=["value"])
    counts = census_counts(census, p["code_column"], p["census_year"], p["census_adm2"], p["census_class1"],
                           p["census_class2"])
    if counts.empty:
        fail("census_adm2", f"({p['census_adm2']!r}) has no 읍면동 rows for class {p['census_class1']!r} / "
             f"{p['census_class2']!r} in {p['census_year']}",
             "choose a 시군구 (adm2), class1, class2 and year present in the census file")
    if (counts["value"] < 0).any() or counts["value"].isna().any():
        fail("census_file", "has negative or missing counts for the chosen 시군구 and class",
             "give non-negative counts of persons")
    if counts["code"].duplicated().any():
        fail("census_file", f"gives one {p['code_column']} twice for the chosen 시군구 and class",
             "give one row per 읍면동")
    info = inputs.check_vector(p["boundaries_file"], "boundaries_file", layer=p["boundaries_layer"],
                               required=[p["code_column"]], log=False)
    import pyogrio

    codes = set(pyogrio.read_dataframe(info["path"], layer=p["boundaries_layer"], columns=[p["code_column"]],
                                       read_geometry=False)[p["code_column"]].astype(str)
                .str.replace(r"\.0$", "", regex=True))
    missing = sorted(set(counts["code"]) - codes)
    if missing:
        fail("boundaries_file", f"has no boundary for {len(missing)} of the {len(counts)} 읍면동 codes of "
             f"the census (e.g. {missing[0]}), so their counts could not be mapped",
             "give the boundary layer of the census year (boundaries_layer)")
