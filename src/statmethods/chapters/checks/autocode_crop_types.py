"""Checks for ``autocode-crop-types``, run before the kernel starts.

``series_file`` is a table in the UCR archive layout: no header, one series per row, the class
label in the first column (read as text: ``"01"`` and ``"1"`` are two classes), then one column
per date. ``.tsv`` files are tab-separated, others comma-separated.
"""

from __future__ import annotations

from typing import Any

from ... import inputs
from . import choice, confidence, device, fail, positive, positive_int, subset, work_budget

MODELS = ("baseline", "cnn")


def _series_file(params: dict[str, Any]) -> None:
    import csv

    path = inputs.resolve(params["series_file"], "series_file", suffixes=(".tsv", ".csv", ".txt"), log=False)
    text = inputs.decode(path.read_bytes(), path, "series_file", params["encoding"])
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    rows = [r for r in csv.reader(text.splitlines(), delimiter=sep) if r]
    if not rows:
        fail("series_file", f"(file {path}) holds no series", "give one labelled series per line")
    length = params["series_length"]
    counts: dict[str, int] = {}
    for i, row in enumerate(rows, start=1):
        label = row[0].strip()
        if not label:
            fail("series_file", f"(file {path}) line {i} has no class label in the first column",
                 "write the label first on every line, then one value per date")
        if len(row) - 1 != length:
            fail("series_file", f"(file {path}) line {i} has {len(row) - 1} values after the label, "
                 f"but series_length is {length} (is the separator {sep!r} right?)",
                 "resample every series to the same dates, or set -p series_length to their number")
        for j, v in enumerate(row[1:], start=1):
            try:
                float(v)
            except ValueError:
                fail("series_file", f"(file {path}) line {i}, date {j} holds {v.strip()!r}, not a number",
                     "gap-fill missing values (e.g. linear interpolation in time) or drop the series")
        counts[label] = counts.get(label, 0) + 1
    if len(counts) < 2:
        fail("series_file", f"(file {path}) holds only the class {next(iter(counts))!r}",
             "give series of at least two classes")
    k = params["n_folds"]
    if k > len(rows):
        fail("n_folds", f"({k}) is more than the {len(rows)} series in series_file",
             "lower n_folds or give more series")
    small = sorted((n, c) for c, n in counts.items())[0]
    if small[0] < k:
        fail("n_folds", f"({k}) is more than the {small[0]} series of class {small[1]!r} in series_file; "
             "every fold needs every class", "lower n_folds, or drop or merge the rarest classes")


# work parameters at their defaults, the time they take (s, 2 cores), and what they drive
BUDGETS = [
    ({'cnn_epochs': 12, 'folds_to_run': 2, 'cnn_channels': 16}, 90, 'CNN training'),
    ({'n_trees': 100, 'folds_to_run': 2}, 20, 'tree ensemble'),
    ({'n_replicates': 200}, 20, 'coverage check'),
]


def check(params: dict[str, Any]) -> None:
    """Refuse bad sizes, epochs (< 1 trains nothing), devices, folds and series files, naming the fix."""
    models = params["models"]
    if not isinstance(models, list) or not models:
        fail("models", f"must be a non-empty list drawn from {list(MODELS)}, got {models!r}",
             "give e.g. [baseline, cnn]")
    subset(params, "models", MODELS)
    positive_int(params, "series_length", minimum=4)
    k = positive_int(params, "n_folds", minimum=2)
    run = positive_int(params, "folds_to_run")
    if run > k:
        fail("folds_to_run", f"({run}) is more than n_folds ({k})", f"give a number from 1 to {k}")
    positive_int(params, "n_trees")
    positive_int(params, "cnn_epochs")
    positive_int(params, "cnn_channels")
    positive_int(params, "n_reference_per_class", minimum=2)
    positive_int(params, "n_replicates")
    if isinstance(params["seed"], bool) or not isinstance(params["seed"], int):
        fail("seed", f"must be a whole number, got {params['seed']!r}", "give e.g. 0")
    positive(params, "pixel_area_ha")
    confidence(params)
    choice(params, "encoding", inputs.ENCODINGS)
    device(params)
    _series_file(params)
    for defaults, seconds, what in BUDGETS:
        work_budget(params, defaults, seconds_at_defaults=seconds, scales=list(defaults), what=what)
