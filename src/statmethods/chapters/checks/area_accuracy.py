"""Checks for ``area-accuracy``, run before the kernel starts.

The error matrix comes either from ``sample_counts`` (the published matrix by default) or, when
``sample_file`` is given, from a CSV/Parquet file of sample units with the map class and the
reference class of each unit, as interpreters record them.
"""

from __future__ import annotations

from typing import Any

from ... import inputs, validation
from . import choice, confidence, fail, positive, positive_int, work_budget

MIN_PER_STRATUM = 2


def _class_names(params: dict[str, Any]) -> list[str]:
    names = [str(c) for c in params["class_names"]]
    if len(names) < 2:
        fail("class_names", f"needs at least 2 classes, got {names}", "list every map/reference class")
    dup = sorted({c for c in names if names.count(c) > 1})
    if dup:
        fail("class_names", f"lists {', '.join(map(repr, dup))} more than once", "give each class once")
    return names


def _map_area(params: dict[str, Any], k: int) -> list[float]:
    area = params["map_area"]
    if len(area) != k:
        fail("map_area", f"has {len(area)} values but class_names has {k} classes",
             "give one mapped area (in pixels) per class, in the order of class_names")
    for name, a in zip(params["class_names"], area, strict=True):
        if isinstance(a, bool) or not isinstance(a, int | float) or not 0 <= a < float("inf"):
            fail("map_area", f"holds {a!r} for class {str(name)!r}; a mapped area must be non-negative "
                 "and finite",
                 "give the number of mapped pixels of each class (0 for a class absent from the map)")
    if sum(area) <= 0:
        fail("map_area", "is zero for every class", "give the number of mapped pixels of each class")
    return [float(a) for a in area]


def _matrix(params: dict[str, Any], names: list[str]) -> list[list[float]]:
    counts = params["sample_counts"]
    k = len(names)
    if len(counts) != k:
        fail("sample_counts", f"has {len(counts)} rows, but class_names has {len(names)} names "
             f"(class_names has {k} names for a {len(counts)}-row matrix)",
             "give a square matrix with one row and one column per class (rows = map class)")
    for i, row in enumerate(counts):
        if len(row) != k:
            fail("sample_counts", f"is not square: row {i + 1} has {len(row)} values, {k} expected",
                 "give a square matrix with one row and one column per class (rows = map class)")
        for v in row:
            if isinstance(v, bool) or not isinstance(v, int | float) or v < 0 or v != int(v):
                fail("sample_counts", f"must hold non-negative whole counts, but row {i + 1} holds {v!r}",
                     "give the number of sample units in each cell")
    return [[float(v) for v in row] for row in counts]


def _matrix_from_file(params: dict[str, Any], names: list[str]) -> list[list[float]]:
    mc, rc = params["map_class_column"], params["reference_class_column"]
    df = inputs.read_table(params["sample_file"], "sample_file", required=[mc, rc], codes=[mc, rc],
                       encoding=params["encoding"])
    where = inputs.resolve(params["sample_file"], "sample_file", log=False)
    for col in (mc, rc):
        values = df[col]
        if values.isna().any():
            line = int(values.isna().to_numpy().nonzero()[0][0]) + 2
            fail("sample_file", f"(file {where}) has an empty {col!r} on line {line}",
                 "give the class of every sample unit, or drop the unit")
        unknown = sorted(set(values.astype(str).str.strip()) - set(names))
        if unknown:
            fail("sample_file", f"(file {where}) column {col!r} holds class(es) "
                 f"{', '.join(map(repr, unknown[:5]))} that are not in class_names {names}",
                 "add them to class_names (and map_area), or recode them in the file")
    index = {c: i for i, c in enumerate(names)}
    counts = [[0.0] * len(names) for _ in names]
    for m, r in zip(df[mc].astype(str).str.strip(), df[rc].astype(str).str.strip(), strict=True):
        counts[index[m]][index[r]] += 1
    return counts


# work parameters at their defaults, the time they take (s, 2 cores), and what they drive
BUDGETS = [
    ({'n_replicates': 4000}, 15, 'coverage simulation'),
]


def check(params: dict[str, Any]) -> None:
    """Refuse a confidence outside (0, 1), malformed matrices, areas and sample files, naming the fix.

    Single values go through the shared validators (:mod:`statmethods.validation`); what is
    checked here is how the parameters fit together (names, matrix and areas) and the sample file.
    """
    confidence(params)
    validation.rng(params["seed"], "seed")
    positive_int(params, "n_replicates")
    positive(params, "pixel_area_ha")
    choice(params, "encoding", inputs.ENCODINGS)
    names = _class_names(params)
    from_file = bool(str(params["sample_file"]).strip())
    if not from_file:
        counts, source = _matrix(params, names), "sample_counts"
    area = _map_area(params, len(names))
    if from_file:
        counts, source = _matrix_from_file(params, names), "sample_file"
    for name, row, a in zip(names, counts, area, strict=True):
        if a > 0 and sum(row) < MIN_PER_STRATUM:
            fail(source, f"has {int(sum(row))} sample unit(s) in map class {name!r}, which has mapped "
                 f"area {a:g}; at least {MIN_PER_STRATUM} per stratum are needed to estimate its variance",
                 "add sample units to this stratum, or merge the class with another")
    for defaults, seconds, what in BUDGETS:
        work_budget(params, defaults, seconds_at_defaults=seconds, scales=list(defaults), what=what)
