"""Checks for ``area-regression-estimator``, run before the kernel starts.

The chapter reads a file of sample segments (survey value, satellite auxiliary, stratum) and a
file of strata (frame size and population mean of each auxiliary). The helpers here are shared
with ``area-small-area``, whose unit-level part reads the same two kinds of file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ... import inputs, validation
from . import choice, confidence, fail, positive_int, work_budget

if TYPE_CHECKING:
    import pandas as pd


def key(v: object) -> str:
    """A stratum label as text: ``1``, ``1.0`` and ``"1"`` are one stratum."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def column_list(params: dict[str, Any], name: str) -> list[str]:
    v = params[name]
    if not isinstance(v, list) or not v or not all(isinstance(c, str) and c for c in v):
        fail(name, f"must be a non-empty list of column names, got {v!r}", "give e.g. [CornHec]")
    if len(set(v)) != len(v):
        fail(name, f"lists a column more than once: {v!r}", "give each column once")
    return list(v)


def drop_rows(params: dict[str, Any], n_rows: int, file_parameter: str) -> list[int]:
    rows = params["drop_rows"]
    bad = [r for r in rows if isinstance(r, bool) or not isinstance(r, int) or not 1 <= r <= n_rows]
    if bad:
        fail("drop_rows", f"names row(s) {bad} outside 1..{n_rows}, the data rows of {file_parameter!r}",
             f"give row numbers between 1 and {n_rows} (1 = first data row), or [] to keep all")
    if len(set(rows)) != len(rows):
        fail("drop_rows", f"lists a row more than once: {rows}", "give each row once")
    return list(rows)


def sample_and_strata(params: dict[str, Any], *, sample_file: str, stratum_column: str, columns: list[str],
                      strata_file: str, strata_column: str, mean_columns: str, size_column: str,
                      auxiliaries: list[str], drop: bool = True,
                      name_column: str | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int], dict[str, float]]:
    """Read and check a sample file and its strata file; return both and the sample/frame sizes."""
    enc = params["encoding"]
    scol = params[stratum_column]
    sample = inputs.read_table(params[sample_file], sample_file, required=[scol, *columns], numeric=columns,
                           codes=[scol], encoding=enc)
    means = column_list(params, mean_columns)
    if len(means) != len(auxiliaries):
        fail(mean_columns, f"has {len(means)} column(s) but there are {len(auxiliaries)} auxiliaries "
             f"{auxiliaries}", "give one population-mean column per auxiliary, in the same order")
    pcol, ncol = params[strata_column], params[size_column]
    needed = [pcol, *means] + ([ncol] if ncol else [])
    if name_column and params[name_column]:
        needed.append(params[name_column])
    strata = inputs.read_table(params[strata_file], strata_file, required=needed, numeric=means,
                           nonnegative=[ncol] if ncol else [], codes=[pcol], encoding=enc)
    where = inputs.resolve(params[strata_file], strata_file, log=False)
    for col, df, par in ((scol, sample, sample_file), (pcol, strata, strata_file)):
        if df[col].isna().any():
            fail(par, f"has an empty {col!r} on line {int(df[col].isna().to_numpy().nonzero()[0][0]) + 2}",
                 "give the stratum (area) of every row")
    labels = [key(v) for v in strata[pcol]]
    dup = sorted({s for s in labels if labels.count(s) > 1})
    if dup:
        fail(strata_file, f"(file {where}) lists stratum {dup[0]!r} more than once in {pcol!r}",
             "give one row per stratum")
    if drop:
        rows = drop_rows(params, len(sample), sample_file)
        sample = sample.drop(index=[r - 1 for r in rows])
    n_h: dict[str, int] = {}
    for s in sample[scol]:
        n_h[key(s)] = n_h.get(key(s), 0) + 1
    unknown = sorted(set(n_h) - set(labels))
    if unknown:
        fail(sample_file, f"has stratum/area value(s) {', '.join(map(repr, unknown[:5]))} in {scol!r} that "
             f"are not in {pcol!r} of {strata_file!r} ({where})",
             "give the strata file one row per stratum of the sample, or correct the codes")
    big_n = {}
    if ncol:
        big_n = {lab: float(v) for lab, v in zip(labels, strata[ncol], strict=True)}
        over = [s for s, n in n_h.items() if n > big_n[s]]
        if over:
            s = over[0]
            fail(strata_file, f"gives stratum {s!r} {big_n[s]:g} units in {ncol!r}, fewer than its "
                 f"{n_h[s]} sample units", "check the frame sizes (number of units in each stratum)")
    return sample, strata, n_h, big_n


# work parameters at their defaults, the time they take (s, 2 cores), and what they drive
BUDGETS = [
    ({'n_replicates': 400}, 15, 'coverage simulation'),
]


def check(params: dict[str, Any]) -> None:
    """Refuse bad levels, replicate counts, columns, rows and strata before the kernel starts."""
    confidence(params)
    validation.rng(params["seed"], "seed")
    positive_int(params, "n_replicates", minimum=10)
    choice(params, "encoding", inputs.ENCODINGS)
    if not isinstance(params["collapse_singletons"], bool):
        fail("collapse_singletons", f"must be true or false, got {params['collapse_singletons']!r}",
             "write true or false")
    responses = column_list(params, "responses")
    auxiliaries = column_list(params, "auxiliaries")
    both = sorted(set(responses) & set(auxiliaries))
    if both:
        fail("responses", f"and 'auxiliaries' share column(s) {both}",
             "a column is either surveyed or auxiliary")
    if not params["frame_size_column"]:
        fail("frame_size_column", "is empty", "name the column of means_file with the number of frame units")
    _, strata, n_h, big_n = sample_and_strata(
        params, sample_file="segments_file", stratum_column="stratum_column", columns=responses + auxiliaries,
        strata_file="means_file", strata_column="means_stratum_column", mean_columns="mean_columns",
        size_column="frame_size_column", auxiliaries=auxiliaries, name_column="stratum_name_column")
    labels = [key(v) for v in strata[params["means_stratum_column"]]]
    empty = [s for s in labels if n_h.get(s, 0) == 0]
    if empty:
        fail("means_file", f"lists stratum {empty[0]!r}, which has no sample units left",
             "drop strata without sample units from means_file (their total cannot be estimated)")
    single = [s for s, n in n_h.items() if n < 2]
    if single and not params["collapse_singletons"]:
        fail("collapse_singletons", f"is false, but strata {single} have one sample unit (no variance)",
             "set -p collapse_singletons true, or merge those strata with neighbours")
    if len(single) == 1:
        fail("segments_file", f"has a single stratum with one sample unit ({single[0]!r}); a collapsed "
             "stratum needs at least 2", "merge that stratum with a neighbour in both files")
    if sum(n_h.values()) < len(auxiliaries) + 2:
        fail("segments_file", f"has {sum(n_h.values())} sample units for {len(auxiliaries)} auxiliaries",
             f"give at least {len(auxiliaries) + 2} sample units")
    del big_n
    for defaults, seconds, what in BUDGETS:
        work_budget(params, defaults, seconds_at_defaults=seconds, scales=list(defaults), what=what)
