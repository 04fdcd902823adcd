"""Checks for ``privacy-record-linkage``, run before the kernel starts."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ... import inputs
from . import choice, fail, positive_int, unit_interval

if TYPE_CHECKING:
    import pandas as pd

KINDS = ["exact", "levenshtein", "jaro_winkler"]


def read_people(value: str, parameter: str, id_column: str, columns: list[str],
                encoding: str = "auto") -> pd.DataFrame:
    """Read a file of people as the chapter does: every field as text, stripped, ids unique.

    The one reader of the chapter and of its checks: identifiers (dates of birth, postcodes,
    ids) stay text (``"0800"``, never ``800.0``), a UTF-8 BOM and CRLF line ends are accepted,
    and empty text becomes missing.
    """
    from ...linkage import clean_strings

    needed = list(dict.fromkeys([id_column, *columns]))
    df = inputs.read_table(value, parameter, required=needed, codes=needed, encoding=encoding)
    path = inputs.resolve(value, parameter, suffixes=inputs.TABLE_SUFFIXES, log=False)
    ids = df[id_column].astype("string").str.strip()
    if ids.isna().any():
        fail(parameter, f"(file {path}) has {int(ids.isna().sum())} record(s) without an id in "
             f"{id_column!r}", "give every record an id")
    dup = ids.duplicated()
    if dup.any():
        fail(parameter, f"(file {path}) has {int(dup.sum())} duplicated id(s) in {id_column!r}, "
             f"first {ids[dup].iloc[0]!r}", "give every record its own id")
    df[id_column] = ids.astype(object)
    return clean_strings(df, [c for c in df.columns if c != id_column])


def _header(value: str, parameter: str, id_column: str, needed: list[str]) -> pd.Series:
    """Columns and ids of a file of people (through :func:`read_people`); returns the ids."""
    path = inputs.resolve(value, parameter, suffixes=inputs.TABLE_SUFFIXES, log=False)
    cols = _columns(path, parameter)
    if id_column not in cols:
        fail(parameter, f"(file {path}) has no id column {id_column!r} (it has {', '.join(cols)})",
             "set the id-column parameter to your id column, or add one")
    missing = [c for c in needed if c not in cols]
    if missing:
        fail(parameter, f"(file {path}) lacks the key variable(s) {', '.join(map(repr, missing))} "
             "named in the comparisons, blocking rules or PPRL fields",
             "rename the columns, or change the comparisons / blocking parameters")
    return read_people(value, parameter, id_column, needed)[id_column]


def _columns(path: Path, parameter: str) -> list[str]:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    text = inputs.decode(path.read_bytes().split(b"\n", 1)[0], path, parameter).splitlines()
    if not text or not text[0].strip():
        fail(parameter, f"(file {path}) is empty", "give a CSV with a header line and records")
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    return [c.strip().strip('"') for c in text[0].split(sep)]


def _truth_pattern(params: dict[str, Any], ids_a: pd.Series, ids_b: pd.Series) -> None:
    name = "febrl_truth_pattern"
    try:
        pattern = re.compile(params[name])
    except (re.error, TypeError) as exc:
        fail(name, f"is not a regular expression ({exc})", "give e.g. rec-(\\d+)-")
    if pattern.groups < 1:
        fail(name, f"({params[name]!r}) has no group ( ) marking the person's number",
             "put the part of the id shared by one person's records in parentheses, e.g. rec-(\\d+)-")
    for f, ids in (("febrl_a_file", ids_a), ("febrl_b_file", ids_b)):
        hits = ids.astype(str).str.extract(pattern).iloc[:, 0].notna()
        if not hits.any():
            fail(name, f"({params[name]!r}) matches no id of {f} (first id {ids.iloc[0]!r})",
                 "give a pattern whose first group is the true person's number in both files, "
                 "e.g. '(\\d+)' for ids 12-a and 12-b")


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
    fields = params["pprl_fields"]
    if not isinstance(fields, dict) or not fields or not all(
            isinstance(k, int) and not isinstance(k, bool) and k >= 1 for k in fields.values()):
        fail("pprl_fields", "must map columns to a positive number of hash functions",
             "give e.g. {surname: 15}")
    febrl_cols = _spec(params, "febrl") + [c for c in [*fields, params["pprl_salt_column"]] if c]
    ids = [_header(params[f], f, params["febrl_id_column"], list(dict.fromkeys(febrl_cols)))
           for f in ("febrl_a_file", "febrl_b_file")]
    _truth_pattern(params, *ids)
    _header(params["dedupe_file"], "dedupe_file", params["dedupe_id_column"],
            _spec(params, "dedupe") + [params["dedupe_cluster_column"]])
    _header(params["fake_file"], "fake_file", params["fake_id_column"], _spec(params, "fake"))
    inputs.read_table(params["clerical_file"], "clerical_file",
                  required=["unique_id_l", "unique_id_r", "clerical_match_score"],
                  numeric=["clerical_match_score"])
