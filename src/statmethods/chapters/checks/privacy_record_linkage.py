"""Checks for ``privacy-record-linkage``, run before the kernel starts."""

from __future__ import annotations

import os
import re
from typing import Any

from ... import inputs
from . import choice, fail, positive_int, unit_interval

KINDS = ["exact", "levenshtein", "jaro_winkler"]


def _header(value: str, parameter: str, id_column: str, needed: list[str]) -> None:
    """Header-level check (CSV first line, Parquet schema), ids unique."""
    import pandas as pd

    path = inputs.resolve(value, parameter, suffixes=inputs.TABLE_SUFFIXES, log=False)
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        cols = pq.read_schema(path).names
        ids = pd.read_parquet(path, columns=[id_column])[id_column] if id_column in cols else None
    else:
        import io

        text = inputs.decode(path.read_bytes(), path, parameter)
        sep = "\t" if path.suffix.lower() == ".tsv" else ","
        try:
            df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, skipinitialspace=True)
        except Exception as exc:  # parse errors
            fail(parameter, f"(file {path}) cannot be read as a table ({type(exc).__name__})",
                 "give a CSV (comma-separated, header on the first line) or Parquet file")
        df.columns = [str(c).strip() for c in df.columns]
        cols, ids = list(df.columns), (df[id_column] if id_column in df.columns else None)
    if id_column not in cols:
        fail(parameter, f"(file {path}) has no id column {id_column!r} (it has {', '.join(cols)})",
             "set the id-column parameter to your id column, or add one")
    dup = ids.astype(str).str.strip().duplicated()
    if dup.any():
        fail(parameter, f"(file {path}) has {int(dup.sum())} duplicated id(s) in {id_column!r}, "
             f"first {ids[dup].iloc[0]!r}", "give every record its own id")
    missing = [c for c in needed if c not in cols]
    if missing:
        fail(parameter, f"(file {path}) lacks the key variable(s) {', '.join(map(repr, missing))} "
             "named in the comparisons, blocking rules or PPRL fields",
             "rename the columns, or change the comparisons / blocking parameters")


def _spec(params: dict[str, Any], prefix: str) -> list[str]:
    comps = params[f"{prefix}_comparisons"]
    if not isinstance(comps, dict) or not comps:
        fail(f"{prefix}_comparisons", "must be a non-empty mapping {column: kind}",
             "give e.g. {surname: jaro_winkler, dob: exact}")
    for col, kind in comps.items():
        if kind not in KINDS:
            fail(f"{prefix}_comparisons", f"gives {col!r} the unknown kind {kind!r}",
                 f"use one of {', '.join(KINDS)}")
    cols = list(comps)
    for name in (f"{prefix}_blocking", f"{prefix}_em_blocking"):
        rules = params[name]
        if not isinstance(rules, list) or not rules or not all(isinstance(r, list) and r for r in rules):
            fail(name, "must be a non-empty list of column lists", "give e.g. [[dob], [surname, first_name]]")
        cols += [c for r in rules for c in r]
    return list(dict.fromkeys(cols))


def check(params: dict[str, Any]) -> None:
    """Refuse bad thresholds, backends, keys and input files, naming the fix."""
    choice(params, "backend", ["duckdb", "spark"])
    choice(params, "pprl_mode", ["demo", "production"])
    if params["pprl_mode"] == "production" and not os.environ.get("STATMETHODS_PPRL_KEY"):
        fail("pprl_mode", "is 'production' but the environment variable STATMETHODS_PPRL_KEY is not set",
             "export STATMETHODS_PPRL_KEY with the key shared by the linkage parties, or use pprl_mode demo")
    unit_interval(params, "threshold", open_=True)
    unit_interval(params, "review_lower")
    if params["review_lower"] >= params["threshold"]:
        fail("review_lower", f"({params['review_lower']}) must be below 'threshold' ({params['threshold']})",
             "lower review_lower or raise threshold")
    unit_interval(params, "bloom_threshold", open_=True)
    positive_int(params, "bloom_size", minimum=64)
    if params["bloom_size"] % 8:
        fail("bloom_size", f"must be a multiple of 8, got {params['bloom_size']}", "use e.g. 1024")
    positive_int(params, "seed", minimum=0)
    if params["backend"] == "spark":
        import shutil

        if shutil.which("java") is None:
            fail("backend", "is 'spark' but Java is not installed", "install Java 17 "
                 "(apt-get install openjdk-17-jre-headless) or use backend duckdb")
    try:
        re.compile(params["febrl_truth_pattern"])
    except re.error as exc:
        fail("febrl_truth_pattern", f"is not a regular expression ({exc})", "give e.g. rec-(\\d+)-")
    fields = params["pprl_fields"]
    if not isinstance(fields, dict) or not fields or not all(
            isinstance(k, int) and not isinstance(k, bool) and k >= 1 for k in fields.values()):
        fail("pprl_fields", "must map columns to a positive number of hash functions",
             "give e.g. {surname: 15}")
    febrl_cols = _spec(params, "febrl") + [c for c in [*fields, params["pprl_salt_column"]] if c]
    for f in ("febrl_a_file", "febrl_b_file"):
        _header(params[f], f, params["febrl_id_column"], list(dict.fromkeys(febrl_cols)))
    _header(params["dedupe_file"], "dedupe_file", params["dedupe_id_column"],
            _spec(params, "dedupe") + [params["dedupe_cluster_column"]])
    _header(params["fake_file"], "fake_file", params["fake_id_column"], _spec(params, "fake"))
    inputs.read_table(params["clerical_file"], "clerical_file",
                  required=["unique_id_l", "unique_id_r", "clerical_match_score"],
                  numeric=["clerical_match_score"])
