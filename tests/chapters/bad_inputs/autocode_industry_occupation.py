"""Bad inputs for autocode-industry-occupation."""

from dataclasses import replace
from pathlib import Path

from . import BadInput, hostile_common, write_csv

ROWS = [("corn farming", "111150"), ("soybean farming", "111110"), ("dairy cattle", "112120"),
        ("beef cattle ranching", "112111")] * 3


def _answers(tmp: Path, header: str = "answer,naics", rows=ROWS, encoding: str = "utf-8") -> None:
    write_csv(tmp / "answers.csv", header + "\n" + "".join(f"{t},{c}\n" for t, c in rows), encoding)


USER = {"data_file": "{tmp}/answers.csv", "text_column": "answer", "code_column": "naics",
        "code_levels": [2, 3, 6]}

CASES = [
    BadInput("torch-epochs-negative", {"torch_epochs": -1}, "'torch_epochs' must be a positive integer"),
    BadInput("baseline-epochs-zero", {"baseline_epochs": 0}, "'baseline_epochs' must be a positive integer"),
    BadInput("unknown-model", {"model": "bert"}, "'model' must be one of"),
    BadInput("target-accuracy-95", {"target_accuracy": 95}, "must be in (0, 1]"),
    BadInput("unknown-level", {"level": "division"}, "names unknown value(s) 'division'"),
    BadInput("device-tpu", {"device": "tpu"}, "'device' must be 'cpu' or 'cuda'"),
    BadInput("negative-max-records", {"max_records": -5}, "'max_records' must be 0"),
    BadInput("unknown-source", {"data_file": "isic-4"}, "file not found"),
    BadInput("user-file-missing-columns", USER, "missing column(s) 'naics'",
             files=lambda t: _answers(t, header="answer,code")),
    BadInput("user-codes-shorter-than-levels", {**USER, "code_levels": [2, 3, 8]},
             "shorter than the finest level", files=_answers),
    BadInput("user-levels-not-increasing", {**USER, "code_levels": [3, 2]}, "must increase strictly",
             files=_answers),
    BadInput("user-level-unknown", {**USER, "level": "sector"}, "names unknown value(s) 'sector'",
             files=_answers),
    BadInput("user-file-cp949-read-as-utf8", {**USER, "encoding": "utf-8"}, "cannot be decoded as utf-8",
             files=lambda t: _answers(t, rows=[("벼 재배", "011110"), ("한우 사육", "012110")] * 6,
                                      encoding="cp949")),
    BadInput("unknown-encoding", {"encoding": "latin-9"}, "must be one of"),
]

CASES += [
    BadInput("torch-epochs-work-bomb", {"torch_epochs": 999_999_999}, "over the 6-hour budget",
             kind="work-bomb"),
    BadInput("baseline-epochs-work-bomb", {"baseline_epochs": 10**9}, "over the 6-hour budget",
             kind="work-bomb"),
    *hostile_common(),
]

# classes of hostile input (see bad_inputs/__init__.py): cases written before the classes existed
_KINDS = {
    "user-codes-shorter-than-levels": "relation",
}
CASES = [replace(c, kind=_KINDS.get(c.id, c.kind)) for c in CASES]
