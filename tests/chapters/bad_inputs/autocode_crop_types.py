"""Bad inputs for autocode-crop-types."""

from dataclasses import replace
from pathlib import Path

from . import BadInput, hostile_common, write_csv


def _series(tmp: Path, labels: list[str], n_dates: int = 46, name: str = "series.tsv", sep: str = "\t",
            encoding: str = "utf-8", hole: bool = False) -> None:
    rows = []
    for i, lab in enumerate(labels):
        values = [f"{0.2 + 0.01 * ((i + d) % 50):.3f}" for d in range(n_dates)]
        if hole and i == 3:
            values[5] = "NA"
        rows.append(sep.join([lab, *values]))
    write_csv(tmp / name, "\n".join(rows) + "\n", encoding)


CASES = [
    BadInput("cnn-epochs-zero", {"cnn_epochs": 0}, "'cnn_epochs' must be a positive integer"),
    BadInput("cnn-epochs-negative", {"cnn_epochs": -1}, "'cnn_epochs' must be a positive integer"),
    BadInput("unknown-model", {"models": ["baseline", "svm"]}, "names unknown value(s) 'svm'"),
    BadInput("no-models", {"models": []}, "must be a non-empty list"),
    BadInput("one-fold", {"n_folds": 1}, "'n_folds' must be a positive integer"),
    BadInput("folds-to-run-above-n-folds", {"folds_to_run": 6}, "is more than n_folds (5)"),
    BadInput("folds-more-than-series-of-a-class", {"n_folds": 400, "folds_to_run": 2},
             "is more than the 300 series of class"),
    BadInput("folds-more-than-records", {"series_file": "{tmp}/series.tsv", "series_length": 46},
             "is more than the 4 series in series_file",
             files=lambda t: _series(t, ["1", "2", "1", "2"])),
    BadInput("device-tpu", {"device": "tpu"}, "'device' must be 'cpu' or 'cuda'"),
    BadInput("confidence-95", {"confidence": 95}, "must be in (0, 1)"),
    BadInput("one-reference-unit", {"n_reference_per_class": 1}, "'n_reference_per_class' must be"),
    BadInput("series-file-missing", {"series_file": "nothere.tsv"}, "file not found"),
    BadInput("series-wrong-length", {"series_file": "{tmp}/series.tsv"},
             "line 1 has 40 values after the label",
             files=lambda t: _series(t, ["1", "2"] * 10, n_dates=40)),
    BadInput("series-missing-value", {"series_file": "{tmp}/series.tsv", "n_folds": 2, "folds_to_run": 1},
             "line 4, date 6 holds 'NA'", files=lambda t: _series(t, ["1", "2"] * 10, hole=True)),
    BadInput("series-cp949-read-as-utf8",
             {"series_file": "{tmp}/series.csv", "encoding": "utf-8", "n_folds": 2, "folds_to_run": 1},
             "cannot be decoded as utf-8",
             files=lambda t: _series(t, ["논", "밭"] * 10, name="series.csv", sep=",", encoding="cp949")),
    BadInput("unknown-encoding", {"encoding": "latin-9"}, "must be one of"),
]

CASES += [
    BadInput("cnn-epochs-work-bomb", {"cnn_epochs": 99_999_999}, "over the 6-hour budget", kind="work-bomb"),
    BadInput("trees-work-bomb", {"n_trees": 10**9}, "over the 6-hour budget", kind="work-bomb"),
    BadInput("more-folds-than-series", {"n_folds": 10_000}, "more than the", kind="relation"),
    *hostile_common(),
]

# classes of hostile input (see bad_inputs/__init__.py): cases written before the classes existed
_KINDS = {
    "folds-to-run-above-n-folds": "relation",
    "folds-more-than-series-of-a-class": "relation",
    "folds-more-than-records": "relation",
    "series-wrong-length": "relation",
}
CASES = [replace(c, kind=_KINDS.get(c.id, c.kind)) for c in CASES]
