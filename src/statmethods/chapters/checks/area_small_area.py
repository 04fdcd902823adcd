"""Checks for ``area-small-area``, run before the kernel starts.

Fay–Herriot: ``fh_file`` (one row per area), ``fh_formula`` and the sampling-error column
``fh_vardir_column``. Battese–Harter–Fuller: the unit-level file ``bhf_file``, its file of
area means of the covariates ``bhf_means_file``, and their column names.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ... import inputs, validation
from . import choice, confidence, fail, positive_int, work_budget
from .area_regression_estimator import column_list, sample_and_strata

if TYPE_CHECKING:
    import pandas as pd

_IDENT = re.compile(r"(?<![\w.])([A-Za-z_]\w*)(?!\w)(?!\s*[(.])")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def formula_columns(formula: str) -> tuple[list[str], list[str]]:
    """Column names on each side of a statsmodels formula (functions such as ``C``, ``np.log`` left out).

    Examples
    --------
    >>> formula_columns("yi ~ C(MajorArea) + np.log(x) + I(z ** 2)")
    (['yi'], ['MajorArea', 'x', 'z'])
    """
    lhs, _, rhs = formula.partition("~")

    def names(side: str) -> list[str]:
        return list(dict.fromkeys(_IDENT.findall(_QUOTED.sub("", side))))

    return names(lhs), names(rhs)


def _min_parameters(formula: str, rhs: list[str], df: pd.DataFrame) -> int:
    """A lower bound on the number of coefficients: intercept, 1 per numeric column, levels - 1 per factor."""
    import pandas as pd

    side = formula.partition("~")[2].replace(" ", "")
    n = 0 if ("-1" in side or side.startswith("0+") or "+0" in side) else 1
    for c in rhs:
        factor = f"C({c}" in side or not pd.api.types.is_numeric_dtype(df[c])
        n += max(df[c].nunique() - 1, 0) if factor else 1
    return n


def _fay_herriot(params: dict[str, Any]) -> None:
    formula = params["fh_formula"]
    if not isinstance(formula, str) or formula.count("~") != 1:
        fail("fh_formula", f"must be one formula 'response ~ covariates', got {formula!r}",
             "write e.g. 'yi ~ C(MajorArea)' (quote it on the command line)")
    lhs, rhs = formula_columns(formula)
    if len(lhs) != 1:
        fail("fh_formula", f"must have one response column left of '~', got {formula!r}",
             "write e.g. 'yi ~ C(MajorArea)'")
    vcol, acol = params["fh_vardir_column"], params["fh_area_column"]
    choice(params, "fh_vardir_kind", ["se", "variance"])
    head = inputs.read_table(params["fh_file"], "fh_file", encoding=params["encoding"])
    where = inputs.resolve(params["fh_file"], "fh_file", log=False)
    cols = list(head.columns)
    missing = [c for c in lhs + rhs if c not in cols]
    if missing:
        fail("fh_formula", f"{formula!r} names column(s) {', '.join(map(repr, missing))} that fh_file "
             f"({where}) does not have; it has {', '.join(map(repr, cols))}",
             "use the file's column names in the formula, or rename the columns of the file")
    df = inputs.read_table(params["fh_file"], "fh_file", required=[vcol] + ([acol] if acol else []),
                       numeric=[lhs[0], vcol], nonnegative=[vcol], encoding=params["encoding"], min_rows=3)
    for c in lhs + rhs + [vcol]:
        if df[c].isna().any():
            line = int(df[c].isna().to_numpy().nonzero()[0][0]) + 2
            fail("fh_file", f"({where}) has a missing value in {c!r} on line {line}",
                 "drop or impute the area, or leave the column out of the formula")
    n_par = _min_parameters(formula, rhs, df)
    if len(df) < n_par + 2:
        fail("fh_formula", f"{formula!r} has at least {n_par} coefficients, but fh_file ({where}) has only "
             f"{len(df)} areas; the Fay–Herriot model needs at least {n_par + 2}",
             "use fewer covariates (or merge categories), or give more areas")
    zero = df[vcol].astype(float) <= 0
    if zero.any():
        fail("fh_vardir_column", f"({vcol!r} in {where}) is 0 for {int(zero.sum())} area(s) (first on line "
             f"{int(zero.to_numpy().nonzero()[0][0]) + 2}); a sampling variance must be positive",
             "drop or smooth the areas whose direct variance could not be estimated")
    if acol and df[acol].duplicated().any():
        fail("fh_area_column", f"({acol!r} in {where}) lists an area more than once",
             "give one row per area")


def _battese_harter_fuller(params: dict[str, Any]) -> None:
    responses = column_list(params, "bhf_responses")
    covariates = column_list(params, "bhf_covariates")
    both = sorted(set(responses) & set(covariates))
    if both:
        fail("bhf_responses", f"and 'bhf_covariates' share column(s) {both}",
             "a column is either a response or a covariate")
    _, _, n_h, _ = sample_and_strata(
        params, sample_file="bhf_file", stratum_column="bhf_area_column", columns=responses + covariates,
        strata_file="bhf_means_file", strata_column="bhf_means_area_column", mean_columns="bhf_mean_columns",
        size_column="bhf_size_column", auxiliaries=covariates, name_column="bhf_name_column")
    if len(n_h) < 3:
        fail("bhf_file", f"has sample units in {len(n_h)} area(s); the nested-error model needs at least 3",
             "give sample units from more areas")
    if max(n_h.values()) < 2:
        fail("bhf_file", "has no area with 2 or more sample units, so the between- and within-area "
             "variances cannot be separated", "give some areas at least 2 sample units")


# work parameters at their defaults, the time they take (s, 2 cores), and what they drive
BUDGETS = [
    ({'n_replicates': 200}, 30, 'coverage simulation'),
]


def check(params: dict[str, Any]) -> None:
    """Refuse bad levels, formulas, columns, variances, rows and areas before the kernel starts."""
    confidence(params)
    validation.rng(params["seed"], "seed")
    positive_int(params, "n_replicates", minimum=10)
    choice(params, "encoding", inputs.ENCODINGS)
    _fay_herriot(params)
    _battese_harter_fuller(params)
    for defaults, seconds, what in BUDGETS:
        work_budget(params, defaults, seconds_at_defaults=seconds, scales=list(defaults), what=what)
