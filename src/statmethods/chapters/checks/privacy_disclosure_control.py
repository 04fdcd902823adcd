"""Checks for ``privacy-disclosure-control``, run before the kernel starts."""

from __future__ import annotations

import math
from typing import Any

from ... import inputs
from . import choice, confidence, fail, positive, positive_int, unit_interval

CENSUS_COLUMNS = ["year", "adm2", "adm3", "class1", "class2", "value"]


def census_table(df: Any, year: int, adm2: str, class1: str, row_total: str = "Total") -> Any:
    """The 읍면동 x class2 cells of one 시군구 (long census file), with the 시군구 total row added."""
    sub = df[(df["year"].astype(float) == float(year)) & (df["adm2"] == adm2) & (df["class1"] == class1)
             & df["adm3"].notna()]
    wide = sub.pivot_table(index="adm3", columns="class2", values="value", aggfunc="sum")
    wide.loc[row_total] = wide.sum()
    return wide


def _parameters(p: dict[str, Any]) -> None:
    """Ranges of the scalar and list parameters."""
    choice(p, "risk_method", ["approx", "exact"])
    for name, example in (("k_values", "[3, 10, 20]"), ("freq_thresholds", "[5, 10, 20]"),
                          ("epsilons", "[0.5, 1.0]")):
        if not isinstance(p[name], list) or not p[name]:
            fail(name, f"must be a non-empty list, got {p[name]!r}",
                 f"give at least one value, e.g. {example}")
    for k in p["k_values"]:
        if isinstance(k, bool) or not isinstance(k, int) or k < 2:
            fail("k_values", f"must hold integers of at least 2, got {k!r}",
                 "give values such as [3, 10, 20]")
    unit_interval(p, "max_suppression")
    unit_interval(p, "protection", open_=True)
    positive_int(p, "freq_threshold")
    for t in p["freq_thresholds"]:
        if isinstance(t, bool) or not isinstance(t, int) or t < 1:
            fail("freq_thresholds", f"must hold positive integers, got {t!r}",
                 "give values such as [5, 10, 20]")
    for e in p["epsilons"]:
        if isinstance(e, bool) or not isinstance(e, int | float) or not e > 0 or not math.isfinite(e):
            fail("epsilons", f"must hold finite numbers greater than 0, got {e!r}",
                 "give positive privacy budgets, e.g. [0.1, 0.5, 1.0] (an infinite budget protects nothing)")
    positive(p, "release_epsilon")
    choice(p, "dp_totals", ["noisy", "invariant"])
    choice(p, "dp_mechanism", ["laplace", "gaussian"])
    unit_interval(p, "delta", open_=True)
    confidence(p)
    positive_int(p, "n_replicates", minimum=100, maximum=100_000)
    positive(p, "sum_upper")


def check(params: dict[str, Any]) -> None:
    """Refuse missing columns, bad weights, uncovered hierarchies, bad budgets and tables."""
    p = params
    _parameters(p)
    keys, w = list(p["sdc_key_columns"]), p["sdc_weight_column"]
    sdc = inputs.read_table(p["sdc_file"], "sdc_file")
    missing = [c for c in keys + [w] if c not in sdc.columns]
    if missing:
        fail("sdc_key_columns" if set(missing) - {w} else "sdc_weight_column",
             f"names column(s) {', '.join(map(repr, missing))} missing from {p['sdc_file']}",
             f"use columns of the file ({', '.join(map(str, sdc.columns))})")
    import pandas as pd

    wv = pd.to_numeric(sdc[w], errors="coerce")
    if wv.isna().any():
        fail("sdc_weight_column", f"({w!r}) has {int(wv.isna().sum())} missing or non-numeric weight(s)",
             "give every record a sampling weight")
    if (wv < 1).any():
        fail("sdc_weight_column", f"({w!r}) has {int((wv < 1).sum())} weight(s) below 1 (negative or zero)",
             "sampling weights count population units per record and must be at least 1")

    adult = inputs.read_table(p["adult_file"], "adult_file")
    adult.columns = [str(c).strip() for c in adult.columns]
    if max(p["k_values"]) > len(adult):
        fail("k_values", f"asks k = {max(p['k_values'])}, more than the {len(adult)} records of "
             f"{p['adult_file']}", f"give k values of at most {len(adult)}")
    need = list(p["adult_key_columns"]) + [p["sensitive_column"], p["age_column"]]
    missing = [c for c in need if c not in adult.columns]
    if missing:
        fail("adult_key_columns", f"names column(s) {', '.join(map(repr, missing))} missing from "
             f"{p['adult_file']}", "use columns of the file")
    hdir = inputs.resolve(p["hierarchies_dir"], "hierarchies_dir", kind="dir", log=False)
    for col, fname in p["hierarchy_files"].items():
        if col not in p["adult_key_columns"]:
            fail("hierarchy_files", f"names {col!r}, which is not in 'adult_key_columns'",
                 "give hierarchies only for quasi-identifiers")
        f = hdir / fname
        if not f.is_file():
            fail("hierarchy_files", f"names {fname!r}, which is not in {hdir}",
                 "give files of hierarchies_dir")
        h = pd.read_csv(f, header=None, dtype=str)
        known = set(h[0].str.strip())
        values = set(adult[col].astype(str).str.strip())
        uncovered = sorted(values - known)
        if uncovered:
            fail("hierarchy_files", f"hierarchy {fname!r} does not cover value(s) "
                 f"{', '.join(map(repr, uncovered[:5]))} of column {col!r}",
                 "add a row for each value of the data to the hierarchy file")

    _tables(p)


def _tables(p: dict[str, Any]) -> None:
    """The magnitude table's columns and primary cell, and the census table's margins."""
    rc, cc, vc = p["table_row_column"], p["table_col_column"], p["table_value_column"]
    tab = inputs.read_table(p["table_file"], "table_file", required=[rc, cc, vc], numeric=[vc],
                        nonnegative=[vc])
    row, col = map(str, p["primary_cell"])
    rows, cols = set(tab[rc].astype(str)) | {"Total"}, set(tab[cc].astype(str)) | {"Total"}
    if row not in rows or col not in cols:
        fail("primary_cell", f"({row}, {col}) does not exist in the table",
             f"choose a {rc} of {sorted(rows)} and a {cc} of {sorted(cols)}")

    census = inputs.read_table(p["census_file"], "census_file", required=CENSUS_COLUMNS)
    wide = census_table(census, p["census_year"], p["census_adm2"], p["census_class1"])
    if len(wide) < 3:
        fail("census_adm2", f"({p['census_adm2']!r}) has no 읍면동 rows for {p['census_class1']!r} in "
             f"{p['census_year']}", "choose a 시군구 (adm2) name, class1 and year present in the file")
    parts = [c for c in wide.columns if c != "total"]
    if "total" not in wide.columns or len(parts) < 2:
        fail("census_class1", "has no 'total' and at least two classes in class2", "choose another class1")
    bad = wide.index[(wide[parts].sum(axis=1) - wide["total"]).abs() > 1e-9].tolist()
    if bad:
        fail("census_adm2", f"({p['census_adm2']!r}): the margins do not add up in {len(bad)} row(s), e.g. "
             f"{bad[0]!r} ({' + '.join(parts)} != total; the published table is already perturbed)",
             "choose a 시군구 whose published table is additive")
