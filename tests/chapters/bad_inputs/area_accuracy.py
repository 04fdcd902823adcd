"""Bad inputs for area-accuracy."""

from dataclasses import replace
from pathlib import Path

from . import BadInput, hostile_common, write_csv

TWO = {"class_names": ["crop", "other"], "map_area": [1000, 9000]}


def _units(tmp: Path, rows: list[tuple[str, str]], name: str = "units.csv", encoding: str = "utf-8",
           header: str = "map_class,reference_class") -> None:
    write_csv(tmp / name, header + "\n" + "".join(f"{m},{r}\n" for m, r in rows), encoding)


GOOD_ROWS = [("crop", "crop")] * 8 + [("crop", "other"), ("other", "other"), ("other", "other"),
                                     ("other", "crop")]

CASES = [
    BadInput("confidence-above-one", {"confidence": 1.5}, "strictly between 0 and 1"),
    BadInput("confidence-zero", {"confidence": 0}, "strictly between 0 and 1"),
    BadInput("negative-map-area", {"map_area": [-5, 150000, 3200000, 6450000]},
             "a mapped area must be non-negative"),
    BadInput("matrix-not-square", {"sample_counts": [[66, 0, 5], [0, 55, 8], [1, 0, 153], [2, 1, 9]]},
             "is not square"),
    BadInput("matrix-rows-vs-class-names", {"class_names": ["a", "b"]}, "class_names has 2 names"),
    BadInput("stratum-without-units",
             {"sample_counts": [[66, 0, 5, 4], [0, 1, 0, 0], [1, 0, 153, 11], [2, 1, 9, 313]]},
             "1 sample unit(s) in map class 'forest gain'"),
    BadInput("sample-class-not-in-class-names", {**TWO, "sample_file": "{tmp}/units.csv"},
             "holds class(es) 'water' that are not in class_names",
             files=lambda t: _units(t, [*GOOD_ROWS, ("other", "water")])),
    BadInput("sample-file-renamed-columns", {**TWO, "sample_file": "{tmp}/units.csv"},
             "missing column(s) 'map_class'",
             files=lambda t: _units(t, GOOD_ROWS, header="mapped,reference_class")),
    BadInput("sample-file-empty", {**TWO, "sample_file": "{tmp}/units.csv"}, "is empty (0 bytes)",
             files=lambda t: (t / "units.csv").write_bytes(b"")),
    BadInput("sample-file-missing", {**TWO, "sample_file": "nothere.csv"}, "file not found"),
    BadInput("sample-file-cp949-read-as-utf8",
             {"class_names": ["논", "밭"], "map_area": [1000, 9000], "sample_file": "{tmp}/units.csv",
              "encoding": "utf-8"}, "cannot be decoded as utf-8",
             files=lambda t: _units(t, [("논", "논")] * 3 + [("밭", "밭")] * 3, encoding="cp949")),
    BadInput("sample-file-one-unit-in-a-stratum", {**TWO, "sample_file": "{tmp}/units.csv"},
             "1 sample unit(s) in map class 'crop'",
             files=lambda t: _units(t, [("crop", "crop"), ("other", "other"), ("other", "other")])),
    BadInput("duplicate-class-names", {"class_names": ["a", "a", "b", "c"]}, "more than once"),
    BadInput("unknown-encoding", {"encoding": "latin-9"}, "must be one of"),
]

CASES += [
    BadInput("map-area-infinite", {"map_area": [float("inf"), 150000, 3200000, 6450000]},
             "must be non-negative and finite", kind="relation"),
    BadInput("replicates-work-bomb", {"n_replicates": 4_000_000_000}, "over the 6-hour budget",
             kind="work-bomb"),
    BadInput("sample-file-code-is-infinite-text", {"sample_file": "{tmp}/s.csv", "map_class_column": "m",
             "reference_class_column": "r", "class_names": ["a", "b"], "map_area": [10, 20]},
             "not in class_names", files=lambda t: write_csv(t / "s.csv", "m,r\na,a\nb,inf\n"),
             kind="relation"),
    *hostile_common(),
]

# classes of hostile input (see bad_inputs/__init__.py): cases written before the classes existed
_KINDS = {
    "matrix-rows-vs-class-names": "relation",
    "stratum-without-units": "relation",
    "sample-class-not-in-class-names": "relation",
    "sample-file-one-unit-in-a-stratum": "relation",
    "sample-file-empty": "broken-file",
}
CASES = [replace(c, kind=_KINDS.get(c.id, c.kind)) for c in CASES]
